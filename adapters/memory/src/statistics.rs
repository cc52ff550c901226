//! The statistics counted over the in-memory state, row by row: the
//! reference the SQL backends' aggregates are held to by the contract suite.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Timelike, Utc};
use meetbot_domain::RsvpAnswer;
use meetbot_domain::{Interval, MeetingStatus, Role, Status, UserId, monday_of};
use meetbot_ports::statistics::LOWEST_RATED;
use meetbot_ports::{
    BookerSummary, Canceller, MeetingFigures, Outcomes, PeopleCount, PeopleFigures, RatedMeeting,
    RsvpCount, StatisticsQuery,
};

use crate::store::State;

impl State {
    /// See [`Store::meeting_figures`](meetbot_ports::Store::meeting_figures).
    pub(crate) fn meeting_figures(&self, query: &StatisticsQuery) -> MeetingFigures {
        let zone = query.zone;
        let mut figures = MeetingFigures::default();
        let mut weeks: BTreeMap<_, Outcomes> = BTreeMap::new();
        let mut by_type: BTreeMap<String, u32> = BTreeMap::new();
        let mut rating_weeks: BTreeMap<_, (u32, u32)> = BTreeMap::new();
        let mut rated = Vec::new();
        for meeting in self.meetings.values() {
            let period = &query.period;
            if meeting.rescheduled_from.is_none() && period.contains_instant(meeting.created_at) {
                figures.booked += 1;
            }
            let start = meeting.interval.start();
            if !period.contains_instant(start) {
                continue;
            }
            figures.first_start = Some(figures.first_start.map_or(start, |s| s.min(start)));
            let canceller = Canceller::of(meeting.booker, meeting.cancelled_by);
            figures.outcomes.add(meeting.status, canceller, 1);
            let local = zone.local(start);
            let week = monday_of(local.date());
            weeks
                .entry(week)
                .or_default()
                .add(meeting.status, canceller, 1);
            let minutes = minutes(meeting.interval);
            if meeting.status == MeetingStatus::Completed {
                figures.held_minutes += minutes;
            }
            if matches!(
                meeting.status,
                MeetingStatus::Completed | MeetingStatus::NoShow | MeetingStatus::Scheduled
            ) {
                figures.kept_minutes += minutes;
                *by_type.entry(meeting.meeting_type.clone()).or_default() += 1;
                let weekday = local.weekday().num_days_from_monday() as usize;
                figures.load[weekday][local.hour() as usize] += 1;
            }
            if let Some(feedback) = self.feedback.get(&meeting.id) {
                let stars = feedback.rating.stars();
                figures.ratings.by_stars[usize::from(stars - 1)] += 1;
                let entry = rating_weeks.entry(week).or_default();
                entry.0 += 1;
                entry.1 += u32::from(stars);
                rated.push(RatedMeeting {
                    meeting: meeting.id,
                    booker: meeting.booker,
                    start,
                    stars,
                    comment: feedback.comment.clone(),
                });
            }
        }
        figures.weeks = weeks.into_iter().collect();
        let mut by_type: Vec<(String, u32)> = by_type.into_iter().collect();
        by_type.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        figures.by_type = by_type;
        figures.ratings.weeks = rating_weeks
            .into_iter()
            .map(|(week, (count, stars))| (week, count, stars))
            .collect();
        rated.sort_by(|a, b| {
            a.stars
                .cmp(&b.stars)
                .then(b.start.cmp(&a.start))
                .then(a.meeting.cmp(&b.meeting))
        });
        rated.truncate(LOWEST_RATED);
        figures.ratings.lowest = rated;
        figures
    }

    /// See [`Store::people_figures`](meetbot_ports::Store::people_figures).
    pub(crate) fn people_figures(&self, joined_within: Interval) -> PeopleFigures {
        // Keyed by the stable names, the order the SQL backends sort in.
        let mut groups: BTreeMap<GroupKey<'_>, (Role, Status, u32)> = BTreeMap::new();
        let mut joined = 0;
        for user in self.users.values() {
            let department = user.department.as_ref().map(|d| d.as_str().to_owned());
            groups
                .entry((user.role.as_str(), user.status.as_str(), department))
                .or_insert((user.role, user.status, 0))
                .2 += 1;
            if joined_within.contains_instant(user.registered_at) {
                joined += 1;
            }
        }
        let groups = groups
            .into_iter()
            .map(|((_, _, department), (role, status, count))| PeopleCount {
                role,
                status,
                department,
                count,
            })
            .collect();
        PeopleFigures { groups, joined }
    }

    /// See [`Store::booker_summaries`](meetbot_ports::Store::booker_summaries).
    pub(crate) fn booker_summaries(
        &self,
        booker: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Vec<BookerSummary> {
        let mut summaries: BTreeMap<UserId, BookerSummary> = BTreeMap::new();
        let wanted = |id: UserId| booker.is_none_or(|b| b == id);
        for meeting in self.meetings.values().filter(|m| wanted(m.booker)) {
            let summary = summaries
                .entry(meeting.booker)
                .or_insert_with(|| BookerSummary::empty(meeting.booker));
            match meeting.status {
                MeetingStatus::Completed => {
                    summary.held += 1;
                    let start = meeting.interval.start();
                    summary.last_held = Some(summary.last_held.map_or(start, |s| s.max(start)));
                }
                MeetingStatus::NoShow => summary.no_show += 1,
                MeetingStatus::Scheduled if meeting.interval.end() > now => summary.upcoming += 1,
                MeetingStatus::Scheduled => {}
                MeetingStatus::Cancelled if meeting.cancelled_by == Some(meeting.booker) => {
                    summary.cancelled += 1;
                }
                MeetingStatus::Cancelled => {}
                MeetingStatus::Rescheduled => summary.moved += 1,
            }
        }
        for feedback in self.feedback.values().filter(|f| wanted(f.author)) {
            let summary = summaries
                .entry(feedback.author)
                .or_insert_with(|| BookerSummary::empty(feedback.author));
            summary.ratings += 1;
            summary.stars += u32::from(feedback.rating.stars());
        }
        summaries.into_values().collect()
    }

    /// See [`Store::rsvp_counts`](meetbot_ports::Store::rsvp_counts).
    pub(crate) fn rsvp_counts(&self, occurrences: &[String]) -> Vec<RsvpCount> {
        let mut counts: BTreeMap<&str, RsvpCount> = BTreeMap::new();
        for rsvp in self.rsvps.values() {
            let key = rsvp.occurrence.as_str();
            if !occurrences.iter().any(|o| o == key) {
                continue;
            }
            let count = counts.entry(key).or_insert_with(|| RsvpCount {
                occurrence: key.to_owned(),
                yes: 0,
                no: 0,
            });
            match rsvp.answer {
                RsvpAnswer::Yes => count.yes += 1,
                RsvpAnswer::No => count.no += 1,
            }
        }
        counts.into_values().collect()
    }

    /// See [`Store::count_done_once`](meetbot_ports::Store::count_done_once).
    pub(crate) fn count_done_once(&self, prefix: &str) -> u64 {
        self.done_once
            .iter()
            .filter(|k| k.starts_with(prefix))
            .count() as u64
    }
}

/// A role, a status (by their stable names) and a department.
type GroupKey<'a> = (&'a str, &'a str, Option<String>);

/// An interval's length in whole minutes.
fn minutes(interval: Interval) -> u64 {
    u64::try_from(interval.duration().num_minutes()).unwrap_or(0)
}
