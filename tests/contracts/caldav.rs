//! The CalDAV adapter against a real Radicale server on 127.0.0.1: the
//! Calendar contract, discovery, Basic authentication, and busy time from
//! events other programs wrote.
//!
//! Radicale comes from PyPI (`python3 -m pip install radicale`); see the
//! test kit's `caldav` module for what happens without it.
#![expect(
    clippy::unwrap_used,
    reason = "a failed set-up or assertion is the report"
)]

use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use meetbot_caldav::CalDavCalendar;
use meetbot_domain::{Interval, Zone};
use meetbot_ports::contract::calendar::{event, hour_at, key, now};
use meetbot_ports::{Calendar, CalendarError};
use meetbot_testkit::caldav::{
    OTHER_USER, PASSWORD, USER, config, fresh_calendar, radicale, resource_text,
};

meetbot_ports::calendar_contract_tests!(async {
    match radicale() {
        Some(server) => Some(Arc::new(fresh_calendar(server).await) as Arc<dyn Calendar>),
        None => None,
    }
});

fn around_now() -> Interval {
    Interval::new(now() - Duration::days(1), now() + Duration::days(2)).unwrap()
}

#[tokio::test]
async fn caldav_discovery_finds_the_users_calendar_from_the_server_url() {
    let Some(server) = radicale() else { return };
    let collection = format!("{}{OTHER_USER}/work/", server.base);
    CalDavCalendar::new(config(collection.clone(), false, OTHER_USER, PASSWORD))
        .unwrap()
        .create_collection()
        .await
        .unwrap();

    let discovering =
        CalDavCalendar::new(config(server.base.clone(), true, OTHER_USER, PASSWORD)).unwrap();
    assert_eq!(discovering.collection().await.unwrap().as_str(), collection);
    discovering.probe().await.unwrap();
    discovering
        .upsert_event(&event(1, hour_at(2)))
        .await
        .unwrap();
    assert_eq!(
        discovering.busy(around_now()).await.unwrap(),
        vec![hour_at(2)]
    );
}

#[tokio::test]
async fn caldav_a_wrong_password_is_unauthorised() {
    let Some(server) = radicale() else { return };
    let calendar = fresh_calendar(server).await;
    let url = calendar.collection().await.unwrap().to_string();
    let wrong = CalDavCalendar::new(config(url, false, USER, "wrong")).unwrap();
    assert!(matches!(
        wrong.probe().await,
        Err(CalendarError::Unauthorised(_))
    ));
    assert!(matches!(
        wrong.upsert_event(&event(1, hour_at(2))).await,
        Err(CalendarError::Unauthorised(_))
    ));
}

#[tokio::test]
async fn caldav_events_are_one_resource_per_meeting_with_a_stable_uid() {
    let Some(server) = radicale() else { return };
    let calendar = fresh_calendar(server).await;
    calendar.upsert_event(&event(9, hour_at(2))).await.unwrap();
    calendar.upsert_event(&event(9, hour_at(3))).await.unwrap();
    let body = resource_text(&calendar, &meetbot_caldav::resource_name(&key(9))).await;
    assert_eq!(body.matches("BEGIN:VEVENT").count(), 1, "{body}");
    assert!(body.contains("UID:meetbot-0123456789abcdef-9"), "{body}");
}

/// An .ics resource written by another program (the owner's phone, say).
async fn put_foreign(calendar: &CalDavCalendar, name: &str, ics: &str) {
    let url = calendar.collection().await.unwrap().join(name).unwrap();
    let status = reqwest::Client::new()
        .put(url)
        .basic_auth(USER, Some(PASSWORD))
        .header("Content-Type", "text/calendar; charset=utf-8")
        .body(ics.replace('\n', "\r\n"))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "PUT {name}: {status}");
}

const BERLIN_VTIMEZONE: &str = "BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE";

#[tokio::test]
async fn caldav_external_busy_time_in_local_zones_and_recurring_events_blocks_and_free_time_does_not()
 {
    let Some(server) = radicale() else { return };
    let calendar = fresh_calendar(server).await;
    // Sunday 2030-03-31 10:00–11:00 Berlin (the spring-forward day): 08:00 UTC.
    put_foreign(
        &calendar,
        "dentist.ics",
        &format!(
            "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//phone//EN\n{BERLIN_VTIMEZONE}\nBEGIN:VEVENT\nUID:dentist\nDTSTAMP:20300101T000000Z\nDTSTART;TZID=Europe/Berlin:20300331T100000\nDTEND;TZID=Europe/Berlin:20300331T110000\nSUMMARY:Dentist\nEND:VEVENT\nEND:VCALENDAR\n"
        ),
    )
    .await;
    // A free reminder at noon does not block.
    put_foreign(
        &calendar,
        "reminder.ics",
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//phone//EN\nBEGIN:VEVENT\nUID:reminder\nDTSTAMP:20300101T000000Z\nDTSTART:20300331T100000Z\nDTEND:20300331T110000Z\nTRANSP:TRANSPARENT\nSUMMARY:Water plants\nEND:VEVENT\nEND:VCALENDAR\n",
    )
    .await;
    // A daily stand-up, 09:00–09:15 Berlin, from Friday on.
    put_foreign(
        &calendar,
        "standup.ics",
        &format!(
            "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//phone//EN\n{BERLIN_VTIMEZONE}\nBEGIN:VEVENT\nUID:standup\nDTSTAMP:20300101T000000Z\nDTSTART;TZID=Europe/Berlin:20300329T090000\nDTEND;TZID=Europe/Berlin:20300329T091500\nRRULE:FREQ=DAILY;COUNT=5\nSUMMARY:Stand-up\nEND:VEVENT\nEND:VCALENDAR\n"
        ),
    )
    .await;

    let berlin = Zone::parse("Europe/Berlin").unwrap();
    let day = |d: u32| berlin.start_of_day(NaiveDate::from_ymd_opt(2030, 3, d).unwrap());
    let sunday = Interval::new(day(31), day(31) + Duration::hours(23)).unwrap();
    let utc = |h: u32, m: u32| Utc.with_ymd_and_hms(2030, 3, 31, h, m, 0).unwrap();
    assert_eq!(
        calendar.busy(sunday).await.unwrap(),
        vec![
            // The stand-up's Sunday instance: 09:00 CEST is 07:00 UTC.
            Interval::new(utc(7, 0), utc(7, 15)).unwrap(),
            Interval::new(utc(8, 0), utc(9, 0)).unwrap(),
        ]
    );
    // Saturday's instance is still in winter time: 09:00 CET is 08:00 UTC.
    let saturday = Interval::new(day(30), day(31)).unwrap();
    assert_eq!(
        calendar.busy(saturday).await.unwrap(),
        vec![
            Interval::new(
                Utc.with_ymd_and_hms(2030, 3, 30, 8, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2030, 3, 30, 8, 15, 0).unwrap()
            )
            .unwrap()
        ]
    );
}

/// How Outlook and Exchange write a zone: a Windows name, with a VTIMEZONE
/// of their own.
const PACIFIC_VTIMEZONE_OUTLOOK: &str = "BEGIN:VTIMEZONE
TZID:Pacific Standard Time
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:-0700
TZOFFSETTO:-0800
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:-0800
TZOFFSETTO:-0700
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE";

#[tokio::test]
async fn caldav_windows_zone_of_an_outlook_event_blocks_the_slots_it_covers() {
    let Some(server) = radicale() else { return };
    // The owner is in Berlin; the event was made in Outlook in Seattle.
    let calendar = fresh_calendar(server).await;
    put_foreign(
        &calendar,
        "outlook.ics",
        &format!(
            "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\n{PACIFIC_VTIMEZONE_OUTLOOK}\nBEGIN:VEVENT\nUID:040000008200E00074C5B7101A82E008\nDTSTAMP:20300101T000000Z\nDTSTART;TZID=Pacific Standard Time:20300701T090000\nDTEND;TZID=Pacific Standard Time:20300701T100000\nSUMMARY:Vendor call\nEND:VEVENT\nEND:VCALENDAR\n"
        ),
    )
    .await;

    let utc = |d: u32, h: u32| Utc.with_ymd_and_hms(2030, 7, d, h, 0, 0).unwrap();
    let days = Interval::new(utc(1, 0), utc(2, 12)).unwrap();
    let busy = calendar.busy(days).await.unwrap();
    // 09:00 PDT is 16:00 UTC (18:00 in Berlin), not 09:00 Berlin.
    assert_eq!(busy, vec![Interval::new(utc(1, 16), utc(1, 17)).unwrap()]);
    let busy = meetbot_domain::BusyTimes::new(&busy, Duration::zero());
    let slot = |h: u32| Interval::new(utc(1, h), utc(1, h) + Duration::minutes(30)).unwrap();
    assert!(
        !busy.is_free(&slot(16)),
        "the Outlook event's own slot is offered"
    );
    assert!(
        busy.is_free(&slot(7)),
        "09:00 in Berlin is blocked by a Seattle event"
    );
}
