//! A question's answer completes the request it was asked about.

use chrono::NaiveDate;
use meetbot_domain::Language;
use meetbot_domain::request::{Interpretation, MeetingRef, Missing, PartialRequest};
use meetbot_interpreter::OfflineInterpreter;
use meetbot_ports::interpreter::Situation;

use crate::support::{corpus_now, describe, situation};

fn asked(text: &str) -> (Missing, PartialRequest) {
    match OfflineInterpreter::new().read(text, &moscow()) {
        Interpretation::Clarify { missing, partial } => (missing, partial),
        other => panic!("{text:?} asked nothing: {other:?}"),
    }
}

fn moscow() -> Situation {
    situation(corpus_now(), "Europe/Moscow", Language::Ru)
}

fn answered(partial: PartialRequest, answer: &str) -> String {
    let situation = Situation {
        pending: Some(partial),
        ..moscow()
    };
    describe(&OfflineInterpreter::new().read(answer, &situation))
}

#[test]
fn clarify_a_booking_without_a_time_is_completed_by_the_time_alone() {
    let (missing, partial) = asked("встреча завтра про бюджет");
    assert_eq!(missing, Missing::Time);

    assert_eq!(
        answered(partial, "в 10"),
        "book 2026-01-15 10:00 - \"бюджет\""
    );
}

#[test]
fn clarify_a_bare_time_answers_the_question_though_alone_it_means_nothing() {
    let (_, partial) = asked("запиши меня на пятницу на час");

    assert_eq!(answered(partial, "12:00"), "book 2026-01-16 12:00 60");
}

#[test]
fn clarify_a_booking_without_day_and_time_is_completed_by_both() {
    let (missing, partial) = asked("создай встречу");
    assert_eq!(missing, Missing::DateAndTime);

    assert_eq!(
        answered(partial, "послезавтра в 3 часа дня"),
        "book 2026-01-16 15:00 -"
    );
}

#[test]
fn clarify_an_answer_with_only_the_day_asks_again_for_the_time() {
    let (_, partial) = asked("create a meeting");

    assert_eq!(answered(partial, "tomorrow"), "clarify time");
}

#[test]
fn clarify_a_move_without_a_target_is_completed_by_the_new_time() {
    let (missing, partial) = asked("перенеси встречу в пятницу");
    assert_eq!(missing, Missing::MoveTarget);
    let friday = NaiveDate::from_ymd_opt(2026, 1, 16);
    assert_eq!(
        partial,
        PartialRequest::Move {
            which: MeetingRef {
                date: friday,
                time: None
            }
        }
    );

    assert_eq!(answered(partial, "в 16:00"), "move 2026-01-16 - -> 16:00");
}

#[test]
fn clarify_a_request_of_its_own_replaces_the_pending_one() {
    let (_, partial) = asked("встреча завтра");

    assert_eq!(
        answered(partial, "что у меня на завтра"),
        "query 2026-01-15..2026-01-15"
    );
}

#[test]
fn clarify_an_answer_that_says_nothing_is_not_understood() {
    let (_, partial) = asked("встреча завтра");

    assert_eq!(answered(partial, "не знаю"), "none");
}
