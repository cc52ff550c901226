//! The Store contract for the owner's statistics: one seeded data set whose
//! figures are known exactly, counted over two weeks of Berlin wall clock
//! that cross the spring daylight-saving switch, and the weeks before.
#![expect(clippy::unwrap_used, reason = "a failed assertion is the report")]

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use meetbot_domain::{
    Department, Interval, Meeting, MeetingId, MeetingStatus, NewMeeting, Rating, Role, RsvpAnswer,
    Status, UserId, Zone,
};

use crate::contract::store::manager;
use crate::statistics::{
    BookerSummary, MeetingFigures, Outcomes, PeopleCount, PeopleFigures, RatedMeeting,
    RatingFigures, RsvpCount, StatisticsQuery,
};
use crate::store::{BookingRequest, Feedback, Rsvp, Store, StoreError};

fn berlin() -> Zone {
    Zone::parse("Europe/Berlin").unwrap()
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// A Berlin wall-clock time as an instant.
fn berlin_at(day: NaiveDate, time: &str) -> DateTime<Utc> {
    berlin().to_utc(day.and_time(time.parse().unwrap()))
}

/// The two weeks from Monday 25 March 2030 to Sunday 7 April, Berlin time:
/// clocks go forward on 31 March.
fn period() -> Interval {
    Interval::new(
        berlin().start_of_day(date(2030, 3, 25)),
        berlin().start_of_day(date(2030, 4, 8)),
    )
    .unwrap()
}

/// The two weeks before [`period`].
fn previous() -> Interval {
    Interval::new(
        berlin().start_of_day(date(2030, 3, 11)),
        berlin().start_of_day(date(2030, 3, 25)),
    )
    .unwrap()
}

/// The instant the data set is counted at: Saturday 6 April, noon UTC.
fn counted_at() -> DateTime<Utc> {
    "2030-04-06T12:00:00Z".parse().unwrap()
}

async fn book(
    store: &Arc<dyn Store>,
    booker: i64,
    start: DateTime<Utc>,
    kind: &str,
    replaces: Option<MeetingId>,
) -> Meeting {
    let minutes = if kind == "m30" { 30 } else { 60 };
    let interval = Interval::starting_at(start, Duration::minutes(minutes)).unwrap();
    let booked_at = start - Duration::days(2);
    store
        .book(BookingRequest {
            meeting: NewMeeting {
                booker: UserId(booker),
                interval,
                meeting_type: kind.into(),
                topic: None,
                rescheduled_from: replaces,
                created_at: booked_at,
            },
            buffer: Duration::zero(),
            max_upcoming: None,
            now: booked_at,
            reminders: Vec::new(),
        })
        .await
        .unwrap()
}

async fn rate(store: &Arc<dyn Store>, meeting: &Meeting, stars: i64, comment: Option<&str>) {
    store
        .save_feedback(&Feedback {
            meeting_id: meeting.id,
            author: meeting.booker,
            rating: Rating::new(stars).unwrap(),
            comment: comment.map(str::to_owned),
            at: meeting.interval.end() + Duration::hours(2),
        })
        .await
        .unwrap();
}

/// The meetings of the data set, by the letters the expectations use.
struct Seeded {
    a: Meeting,
    b: Meeting,
    f: Meeting,
    g: Meeting,
    h: Meeting,
    i: Meeting,
}

/// People in every status and role, meetings in every state, ratings, a
/// moved and two cancelled meetings.
async fn seed(store: &Arc<dyn Store>) -> Seeded {
    let sales = Department::new("Продажи").unwrap();
    let people = [
        (1, Role::Owner, Status::Active, None),
        (2, Role::Manager, Status::Active, Some(sales.clone())),
        (3, Role::Manager, Status::Vacation, Some(sales.clone())),
        (4, Role::Manager, Status::Sick, None),
        (
            5,
            Role::Manager,
            Status::BusinessTrip,
            Some(Department::new("ИТ").unwrap()),
        ),
        (6, Role::Pending, Status::Active, None),
        (7, Role::Manager, Status::Inactive, None),
        (8, Role::Manager, Status::Active, Some(sales)),
    ];
    for (id, role, status, department) in people {
        let mut user = manager(id, 0);
        user.role = role;
        user.status = status;
        user.department = department;
        user.registered_at = if id >= 6 {
            berlin_at(date(2030, 3, 26), "12:00")
        } else {
            berlin_at(date(2030, 1, 10), "12:00")
        };
        store.insert_user(&user).await.unwrap();
    }

    let a = book(store, 2, berlin_at(date(2030, 3, 25), "10:00"), "m60", None).await;
    let b = book(store, 3, berlin_at(date(2030, 3, 27), "14:30"), "m30", None).await;
    let c = book(store, 2, berlin_at(date(2030, 3, 29), "09:00"), "m60", None).await;
    let d = book(store, 4, berlin_at(date(2030, 4, 2), "10:00"), "m60", None).await;
    let e = book(store, 5, berlin_at(date(2030, 4, 4), "11:00"), "m60", None).await;
    // Sunday 23:30 in Berlin, still inside the period.
    let f = book(
        store,
        5,
        berlin_at(date(2030, 4, 7), "23:30"),
        "m30",
        Some(e.id),
    )
    .await;
    // Monday 00:30 in Berlin, though still Sunday in UTC: outside.
    let g = book(store, 2, berlin_at(date(2030, 4, 8), "00:30"), "m30", None).await;
    // Sunday 23:30 in Berlin the night before the period: the previous one.
    let h = book(store, 3, berlin_at(date(2030, 3, 24), "23:30"), "m60", None).await;
    let i = book(store, 2, berlin_at(date(2030, 4, 2), "16:00"), "m60", None).await;

    store
        .cancel_meeting(c.id, UserId(2), berlin_at(date(2030, 3, 28), "09:00"))
        .await
        .unwrap();
    store
        .cancel_meeting(d.id, UserId(1), berlin_at(date(2030, 4, 1), "09:00"))
        .await
        .unwrap();
    store.complete_ended_meetings(counted_at()).await.unwrap();
    store.mark_no_show(b.id, true, counted_at()).await.unwrap();
    rate(store, &a, 5, None).await;
    rate(store, &i, 3, Some("Можно короче")).await;
    rate(store, &h, 2, Some("Слишком коротко")).await;
    Seeded { a, b, f, g, h, i }
}

/// Every figure of the seeded period, and of the period before it, is
/// exactly what the data set holds, with weeks, weekdays and hours in
/// Berlin time on both sides of the daylight-saving switch.
pub async fn contract_stats_of_a_period_are_counted_exactly_in_the_owners_zone(
    store: Arc<dyn Store>,
) {
    let seeded = seed(&store).await;
    let figures = store
        .meeting_figures(&StatisticsQuery {
            period: period(),
            zone: berlin(),
        })
        .await
        .unwrap();

    let mut load = [[0; 24]; 7];
    load[0][10] = 1; // a: Monday 10:00
    load[2][14] = 1; // b: Wednesday 14:30
    load[1][16] = 1; // i: Tuesday 16:00, after the switch
    load[6][23] = 1; // f: Sunday 23:30, after the switch
    let expected = MeetingFigures {
        outcomes: Outcomes {
            held: 2,
            no_show: 1,
            upcoming: 1,
            cancelled_by_booker: 1,
            cancelled_by_owner: 1,
            cancelled_by_system: 0,
            moved: 1,
        },
        // b, c, d, e, g and i were booked inside; a and h before, f is a move.
        booked: 6,
        held_minutes: 120,
        kept_minutes: 180,
        by_type: vec![("m30".into(), 2), ("m60".into(), 2)],
        weeks: vec![
            (
                date(2030, 3, 25),
                Outcomes {
                    held: 1,
                    no_show: 1,
                    cancelled_by_booker: 1,
                    ..Outcomes::default()
                },
            ),
            (
                date(2030, 4, 1),
                Outcomes {
                    held: 1,
                    upcoming: 1,
                    cancelled_by_owner: 1,
                    moved: 1,
                    ..Outcomes::default()
                },
            ),
        ],
        load,
        ratings: RatingFigures {
            by_stars: [0, 0, 1, 0, 1],
            weeks: vec![(date(2030, 3, 25), 1, 5), (date(2030, 4, 1), 1, 3)],
            lowest: vec![
                RatedMeeting {
                    meeting: seeded.i.id,
                    booker: UserId(2),
                    start: seeded.i.interval.start(),
                    stars: 3,
                    comment: Some("Можно короче".into()),
                },
                RatedMeeting {
                    meeting: seeded.a.id,
                    booker: UserId(2),
                    start: seeded.a.interval.start(),
                    stars: 5,
                    comment: None,
                },
            ],
        },
        first_start: Some(seeded.a.interval.start()),
    };
    assert_eq!(figures, expected);
    assert_eq!(figures.ratings.count(), 2);
    assert_eq!(figures.ratings.stars(), 8);

    let before = store
        .meeting_figures(&StatisticsQuery {
            period: previous(),
            zone: berlin(),
        })
        .await
        .unwrap();
    let mut load = [[0; 24]; 7];
    load[6][23] = 1;
    assert_eq!(
        before,
        MeetingFigures {
            outcomes: Outcomes {
                held: 1,
                ..Outcomes::default()
            },
            // a was booked two days before its start, in the previous period.
            booked: 2,
            held_minutes: 60,
            kept_minutes: 60,
            by_type: vec![("m60".into(), 1)],
            weeks: vec![(
                date(2030, 3, 18),
                Outcomes {
                    held: 1,
                    ..Outcomes::default()
                }
            )],
            load,
            ratings: RatingFigures {
                by_stars: [0, 1, 0, 0, 0],
                weeks: vec![(date(2030, 3, 18), 1, 2)],
                lowest: vec![RatedMeeting {
                    meeting: seeded.h.id,
                    booker: UserId(3),
                    start: seeded.h.interval.start(),
                    stars: 2,
                    comment: Some("Слишком коротко".into()),
                }],
            },
            first_start: Some(seeded.h.interval.start()),
        }
    );

    // Monday 00:30 in Berlin belongs to the next period, not this one.
    let next = Interval::new(period().end(), period().end() + Duration::days(7)).unwrap();
    let after = store
        .meeting_figures(&StatisticsQuery {
            period: next,
            zone: berlin(),
        })
        .await
        .unwrap();
    assert_eq!(after.outcomes.upcoming, 1);
    assert_eq!(after.first_start, Some(seeded.g.interval.start()));
    assert_eq!(after.load[0][0], 1);
    assert_eq!(seeded.f.status, MeetingStatus::Scheduled);
    assert_eq!(seeded.b.booker, UserId(3));
}

/// A period without meetings counts nothing, and says so.
pub async fn contract_stats_of_an_empty_period_are_zero(store: Arc<dyn Store>) {
    seed(&store).await;
    let empty = Interval::new(
        berlin().start_of_day(date(2031, 1, 1)),
        berlin().start_of_day(date(2031, 2, 1)),
    )
    .unwrap();
    let figures = store
        .meeting_figures(&StatisticsQuery {
            period: empty,
            zone: berlin(),
        })
        .await
        .unwrap();
    assert_eq!(figures, MeetingFigures::default());
}

/// People are counted by role, status and department, and those who
/// joined in the period on their own.
pub async fn contract_stats_count_people_by_role_status_and_department(store: Arc<dyn Store>) {
    seed(&store).await;
    let figures = store.people_figures(period()).await.unwrap();
    let group = |role, status, department: Option<&str>, count| PeopleCount {
        role,
        status,
        department: department.map(str::to_owned),
        count,
    };
    assert_eq!(
        figures,
        PeopleFigures {
            groups: vec![
                group(Role::Manager, Status::Active, Some("Продажи"), 2),
                group(Role::Manager, Status::BusinessTrip, Some("ИТ"), 1),
                group(Role::Manager, Status::Inactive, None, 1),
                group(Role::Manager, Status::Sick, None, 1),
                group(Role::Manager, Status::Vacation, Some("Продажи"), 1),
                group(Role::Owner, Status::Active, None, 1),
                group(Role::Pending, Status::Active, None, 1),
            ],
            joined: 3,
        }
    );
    assert_eq!(store.people_figures(previous()).await.unwrap().joined, 0);
}

/// Each booker's history is counted all time: held, no-show, upcoming,
/// their own cancellations, moves, the last meeting held and their ratings.
pub async fn contract_stats_sum_up_each_bookers_meetings(store: Arc<dyn Store>) {
    let seeded = seed(&store).await;
    let summaries = store.booker_summaries(None, counted_at()).await.unwrap();
    let two = BookerSummary {
        booker: UserId(2),
        held: 2,
        no_show: 0,
        upcoming: 1,
        cancelled: 1,
        moved: 0,
        last_held: Some(seeded.i.interval.start()),
        ratings: 2,
        stars: 8,
    };
    let expected = vec![
        two.clone(),
        BookerSummary {
            held: 1,
            no_show: 1,
            last_held: Some(seeded.h.interval.start()),
            ratings: 1,
            stars: 2,
            ..BookerSummary::empty(UserId(3))
        },
        // Cancelled by the owner: not counted against the booker.
        BookerSummary::empty(UserId(4)),
        BookerSummary {
            upcoming: 1,
            moved: 1,
            ..BookerSummary::empty(UserId(5))
        },
    ];
    assert_eq!(summaries, expected);
    assert_eq!(
        store
            .booker_summaries(Some(UserId(2)), counted_at())
            .await
            .unwrap(),
        vec![two]
    );
    assert_eq!(
        store
            .booker_summaries(Some(UserId(7)), counted_at())
            .await
            .unwrap(),
        Vec::new()
    );
}

/// Answers to the group meeting are counted per occurrence asked about,
/// and invitations by the prefix of their done-once keys.
pub async fn contract_stats_count_group_meeting_answers_and_invitations(store: Arc<dyn Store>) {
    seed(&store).await;
    let answers = [
        ("group:2030-03-27", 2, RsvpAnswer::Yes),
        ("group:2030-03-27", 3, RsvpAnswer::No),
        ("group:2030-03-27", 4, RsvpAnswer::Yes),
        ("group:2030-04-03", 2, RsvpAnswer::No),
        ("group:2030-04-10", 5, RsvpAnswer::Yes),
    ];
    for (occurrence, user, answer) in answers {
        store
            .save_rsvp(&Rsvp {
                occurrence: occurrence.into(),
                user: UserId(user),
                answer,
                at: counted_at(),
            })
            .await
            .unwrap();
    }
    let asked = [
        "group:2030-03-20".to_owned(),
        "group:2030-03-27".to_owned(),
        "group:2030-04-03".to_owned(),
    ];
    assert_eq!(
        store.rsvp_counts(&asked).await.unwrap(),
        vec![
            RsvpCount {
                occurrence: "group:2030-03-27".into(),
                yes: 2,
                no: 1
            },
            RsvpCount {
                occurrence: "group:2030-04-03".into(),
                yes: 0,
                no: 1
            },
        ]
    );
    for key in [
        "rsvp:invite:group:2030-03-27:2",
        "rsvp:invite:group:2030-03-27:3",
        "rsvp:invite:group:2030-03-27:4",
        "rsvp:invite:group:2030-04-03:2",
        "RSVP:INVITE:GROUP:2030-03-27:9",
        "rsvp:invite:group:2030-03-2",
    ] {
        store.record_once(key, counted_at()).await.unwrap();
    }
    assert_eq!(
        store
            .count_done_once("rsvp:invite:group:2030-03-27:")
            .await
            .unwrap(),
        3
    );
    assert_eq!(store.count_done_once("nothing:").await.unwrap(), 0);
}

/// A no-show is marked only on a meeting that kept its time and has ended,
/// and can be taken back.
pub async fn contract_no_show_is_marked_only_after_a_meeting_that_kept_its_time(
    store: Arc<dyn Store>,
) {
    let seeded = seed(&store).await;
    let before_end = seeded.f.interval.end() - Duration::minutes(1);
    assert!(matches!(
        store.mark_no_show(seeded.f.id, true, before_end).await,
        Err(StoreError::Conflict(_))
    ));
    let marked = store
        .mark_no_show(seeded.f.id, true, seeded.f.interval.end())
        .await
        .unwrap();
    assert_eq!(marked.status, MeetingStatus::NoShow);
    assert_eq!(
        store.meeting(seeded.f.id).await.unwrap().unwrap().status,
        MeetingStatus::NoShow
    );
    let held = store
        .mark_no_show(seeded.b.id, false, counted_at())
        .await
        .unwrap();
    assert_eq!(held.status, MeetingStatus::Completed);
    // The cancelled and the moved meetings never took place.
    let cancelled = store
        .meetings(crate::store::MeetingQuery {
            booker: Some(UserId(4)),
            statuses: vec![MeetingStatus::Cancelled],
            overlapping: None,
        })
        .await
        .unwrap();
    assert!(matches!(
        store
            .mark_no_show(cancelled[0].id, true, counted_at())
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .mark_no_show(MeetingId(9_999), true, counted_at())
            .await,
        Err(StoreError::NotFound)
    );
}
