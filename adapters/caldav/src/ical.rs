//! iCalendar in and out: the event meetbot writes for a meeting, and the
//! busy intervals of the events a server returns.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use icalendar::{
    Calendar, CalendarDateTime, Component, DatePerhapsTime, Event, EventLike, EventStatus,
};
use meetbot_domain::{Interval, Zone};
use meetbot_ports::{CalendarEvent, EventKey};

/// The UID of a meeting's event: stable, so writing again replaces it.
/// An event of before install ids keeps the UID it was written with.
pub(crate) fn uid(key: &EventKey) -> String {
    match key.install {
        Some(_) => key.uid(),
        None => {
            let meeting = key.meeting;
            format!("meetbot-meeting-{meeting}")
        }
    }
}

/// An instant as iCalendar UTC text, `YYYYMMDDTHHMMSSZ`.
pub(crate) fn utc_text(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The VCALENDAR of one meeting's event, times in UTC.
pub(crate) fn event_ics(event: &CalendarEvent, stamp: DateTime<Utc>) -> String {
    let mut vevent = Event::new();
    vevent
        .uid(&uid(&event.key))
        .timestamp(stamp)
        .starts(event.interval.start())
        .ends(event.interval.end())
        .summary(&event.title)
        .description(&event.description)
        .status(EventStatus::Confirmed)
        .add_property("TRANSP", "OPAQUE");
    for email in &event.attendees {
        vevent.add_multi_property("ATTENDEE", &format!("mailto:{email}"));
    }
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("PRODID", "-//meetbot//meetbot//EN"))
        .append_property(("VERSION", "2.0"));
    calendar.push(vevent.done());
    calendar.to_string()
}

fn instant(value: &DatePerhapsTime, zone: Zone) -> DateTime<Utc> {
    match value {
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(at)) => *at,
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            // A TZID no table knows falls back to the owner's zone: right
            // for most owners, and better than dropping the busy time.
            named_zone(tzid).unwrap_or(zone).to_utc(*date_time)
        }
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(local)) => zone.to_utc(*local),
        DatePerhapsTime::Date(date) => zone.start_of_day(*date),
    }
}

/// The zone a TZID names: an IANA name, or a Windows one as Outlook and
/// Exchange write them ("W. Europe Standard Time"), through CLDR's mapping.
fn named_zone(tzid: &str) -> Option<Zone> {
    if let Ok(zone) = Zone::parse(tzid) {
        return Some(zone);
    }
    let windows: windows_timezones::WindowsTimezone = tzid.trim().parse().ok()?;
    Zone::parse(chrono_tz::Tz::from(windows).name()).ok()
}

fn day_after(value: &DatePerhapsTime) -> Option<NaiveDate> {
    match value {
        DatePerhapsTime::Date(date) => date.succ_opt(),
        DatePerhapsTime::DateTime(_) => None,
    }
}

/// Parses an RFC 5545 DURATION such as `PT1H30M`, `P1D` or `-PT15M`.
fn duration(text: &str) -> Option<Duration> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut number = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' => number.push(c),
            unit => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                total += match (unit, in_time) {
                    ('W', false) => Duration::weeks(n),
                    ('D', false) => Duration::days(n),
                    ('H', true) => Duration::hours(n),
                    ('M', true) => Duration::minutes(n),
                    ('S', true) => Duration::seconds(n),
                    _ => return None,
                };
            }
        }
    }
    Some(if negative { -total } else { total })
}

/// The busy intervals of the events in one calendar object. Free
/// (TRANSPARENT) and cancelled events are left out; an event without an
/// end lasts its DURATION, a day for a date, or nothing.
pub(crate) fn busy_intervals(text: &str, zone: Zone) -> Result<Vec<Interval>, String> {
    let calendar: Calendar = text.parse()?;
    let mut busy = Vec::new();
    for event in calendar.events() {
        if event
            .property_value("TRANSP")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("TRANSPARENT"))
            || event
                .property_value("STATUS")
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("CANCELLED"))
        {
            continue;
        }
        let Some(start_value) = event.get_start() else {
            continue;
        };
        let start = instant(&start_value, zone);
        let end = match event.get_end() {
            Some(end) => instant(&end, zone),
            None => match event.property_value("DURATION").and_then(duration) {
                Some(length) => start + length,
                None => match day_after(&start_value) {
                    Some(next) => zone.start_of_day(next),
                    None => start,
                },
            },
        };
        // A zero-length event blocks no time.
        if let Ok(interval) = Interval::new(start, end) {
            busy.push(interval);
        }
    }
    Ok(busy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use meetbot_domain::MeetingId;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 3, 31, h, m, 0).unwrap()
    }

    #[test]
    fn written_events_read_back_as_their_interval() {
        let event = CalendarEvent {
            key: EventKey {
                meeting: MeetingId(3),
                install: Some("0123456789abcdef".into()),
            },
            interval: Interval::new(at(8, 0), at(9, 30)).unwrap(),
            zone: Zone::parse("Europe/Berlin").unwrap(),
            title: "Встреча; с, Анной".into(),
            description: "Line\nTwo".into(),
            attendees: vec!["anna@example.com".into()],
        };
        let text = event_ics(&event, at(0, 0));
        assert!(text.contains("UID:meetbot-0123456789abcdef-3"));
        assert!(text.contains("DTSTART:20300331T080000Z"));
        assert_eq!(
            busy_intervals(&text, Zone::utc()).unwrap(),
            vec![event.interval]
        );
    }

    #[test]
    fn zones_floating_times_dates_durations_free_and_cancelled_events() {
        let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\
            BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Berlin:20300331T100000\r\nDTEND;TZID=Europe/Berlin:20300331T110000\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20300331T120000\r\nDURATION:PT1H30M\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:c\r\nDTSTART;VALUE=DATE:20300401\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:d\r\nDTSTART:20300331T150000Z\r\nDTEND:20300331T160000Z\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:e\r\nDTSTART:20300331T170000Z\r\nDTEND:20300331T180000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n\
            END:VCALENDAR\r\n";
        let moscow = Zone::moscow();
        let busy = busy_intervals(text, moscow).unwrap();
        let april_first = NaiveDate::from_ymd_opt(2030, 4, 1).unwrap();
        assert_eq!(
            busy,
            vec![
                // 10:00 CEST on the switch day is 08:00 UTC.
                Interval::new(at(8, 0), at(9, 0)).unwrap(),
                // Floating 12:00 read in Moscow (UTC+3).
                Interval::new(at(9, 0), at(10, 30)).unwrap(),
                Interval::new(
                    moscow.start_of_day(april_first),
                    moscow.start_of_day(april_first.succ_opt().unwrap())
                )
                .unwrap(),
            ]
        );
    }

    #[test]
    fn durations_parse() {
        assert_eq!(duration("PT1H30M"), Some(Duration::minutes(90)));
        assert_eq!(duration("P1DT2H"), Some(Duration::hours(26)));
        assert_eq!(duration("P2W"), Some(Duration::weeks(2)));
        assert_eq!(duration("-PT15M"), Some(Duration::minutes(-15)));
        assert_eq!(duration("1H"), None);
    }
}
