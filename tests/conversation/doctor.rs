//! The owner's `/doctor`: the checks the bot makes from inside, in the
//! owner's language, worst first with their fixes; not for managers.

use meetbot_domain::UserId;
use meetbot_ports::{Clock, Store};
use meetbot_testkit::{OWNER, World};

const ANNA: UserId = UserId(1);

fn name(id: UserId) -> String {
    match id {
        ANNA => "Anna".to_owned(),
        other => format!("Person{}", other.0),
    }
}

#[tokio::test]
async fn doctor_tells_the_owner_all_is_well_then_who_blocked_the_bot() {
    let world = World::new().named(name).approved(&[ANNA]).await;

    world.say(OWNER, "/doctor").await;
    let healthy = world.last(OWNER);
    let mut anna = world.store.user(ANNA).await.unwrap().unwrap();
    anna.unreachable_since = Some(world.clock.now());
    world.store.update_user(&anna).await.unwrap();
    world.say(OWNER, "/doctor").await;
    let degraded = world.last(OWNER);

    assert!(healthy.starts_with("🩺 Проверка бота"), "{healthy}");
    assert!(healthy.contains("Выше P3 ничего нет"), "{healthy}");
    assert!(
        healthy.contains("P3 · counts: Пользователи: 1 владелец, 1 менеджер, 0 ждут одобрения."),
        "{healthy}"
    );
    assert!(healthy.contains("meetbot doctor"), "{healthy}");
    assert!(!degraded.contains("Выше P3 ничего нет"), "{degraded}");
    assert!(
        degraded.contains("P2 · users: 1 человек заблокировал бота: Anna."),
        "{degraded}"
    );
    assert!(degraded.contains("→ Им ничего не приходит"), "{degraded}");
    world.assert_everything_rendered();
}

#[tokio::test]
async fn doctor_is_not_for_managers() {
    let world = World::new().named(name).approved(&[ANNA]).await;

    world.say(ANNA, "/doctor").await;

    assert!(
        !world.last(ANNA).contains("Проверка бота"),
        "{}",
        world.last(ANNA)
    );
}
