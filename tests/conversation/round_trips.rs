//! What an update costs in store round trips: a booking flow against a
//! store that counts its calls (each is a round trip to a SQL database),
//! so that the count per kind of update cannot grow without this test
//! saying so. The counts include the delivery after the commit (each
//! message marked sent) and one look into the outbox by the test's sender.
//! They count calls: in the SQL stores, until the unit writes a person, a
//! `user` read of the person it read first and a read of the owners after
//! the first are answered without the database.

use std::collections::BTreeMap;
use std::sync::Arc;

use meetbot_domain::UserId;
use meetbot_ports::Store;
use meetbot_testkit::World;
use meetbot_testkit::counting::CountingStore;

const ANNA: UserId = UserId(1);

/// The calls of one step, counted by method, and how many in all.
fn tally(calls: &[&'static str]) -> (usize, BTreeMap<&'static str, usize>) {
    let mut by_method = BTreeMap::new();
    for call in calls {
        *by_method.entry(*call).or_default() += 1;
    }
    (calls.len(), by_method)
}

#[tokio::test]
async fn store_round_trips_per_update_of_a_booking_flow_stay_as_counted() {
    let world = World::with_managers(&[ANNA]).await;
    let counting = Arc::new(CountingStore::new(world.store.clone() as Arc<dyn Store>));
    let world = world.with_store(counting.clone());
    counting.take();

    let mut steps: Vec<(&str, usize)> = Vec::new();
    let mut step = |name: &'static str, counting: &CountingStore| {
        let calls = counting.take();
        let (total, by_method) = tally(&calls);
        println!("{name}: {total} {by_method:?}");
        steps.push((name, total));
    };
    world.say(ANNA, "/start").await;
    step("start", &counting);
    world.say(ANNA, "/book").await;
    step("book", &counting);
    world.press_labelled(ANNA, "60 мин").await;
    step("meeting type", &counting);
    world.press_labelled(ANNA, "🟢9").await;
    step("day", &counting);
    world.press_labelled(ANNA, "10:00").await;
    step("slot", &counting);
    world.press_labelled(ANNA, "Без темы").await;
    step("no topic", &counting);
    world.press_labelled(ANNA, "Подтвердить").await;
    step("confirm", &counting);
    world.say(ANNA, "/my").await;
    step("my meetings", &counting);
    world.press_labelled(ANNA, "Отменить №1").await;
    step("cancel", &counting);
    world.press_labelled(ANNA, "Да, отменить").await;
    step("cancel confirmed", &counting);

    let counted: Vec<(&str, usize)> = steps;
    assert_eq!(
        counted,
        [
            ("start", 9),
            // Both check the limit before showing the picker: one read.
            ("book", 9),
            ("meeting type", 11),
            ("day", 9),
            ("slot", 8),
            ("no topic", 7),
            ("confirm", 18),
            ("my meetings", 9),
            ("cancel", 8),
            ("cancel confirmed", 15),
        ],
        "store calls per update changed; if they went down, write the new counts here"
    );
    assert!(
        world
            .store
            .meetings(Default::default())
            .await
            .unwrap()
            .len()
            == 1
    );
}
