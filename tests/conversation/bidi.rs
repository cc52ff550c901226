//! Bidi control characters through the chat: a name typed with a
//! right-to-left override reaches the owner without it, and an e-mail
//! hiding one is refused.

use meetbot_domain::{UserId, is_bidi_control};
use meetbot_testkit::{OWNER, World};

const ANNA: UserId = UserId(1);

/// A world in English where every newcomer's Telegram name carries an
/// override and an isolate.
fn world() -> World {
    World::new()
        .named(|_| "\u{202e}Anna Petrova\u{2066}".to_owned())
        .speaking("en")
}

#[tokio::test]
async fn bidi_the_owners_approval_message_shows_the_name_without_control_characters() {
    let world = world();
    world.say(OWNER, "/start").await;

    world.say(ANNA, "/start").await;
    world.say(ANNA, "anna@example.com").await;

    let approval = world.last(OWNER);
    assert!(approval.contains("Anna Petrova"), "{approval}");
    assert!(!approval.contains(is_bidi_control), "{approval:?}");
}

#[tokio::test]
async fn bidi_an_email_hiding_an_override_is_refused_in_the_chat() {
    let world = world();
    world.say(OWNER, "/start").await;
    world.say(ANNA, "/start").await;

    world.say(ANNA, "<b>\u{202e}@evil.example").await;

    assert_eq!(
        world.messenger.sent_to(OWNER).len(),
        1,
        "the owner was told nothing"
    );
    let refusal = world.last(ANNA);
    assert!(
        refusal.contains("does not look like an e-mail"),
        "{refusal}"
    );
}
