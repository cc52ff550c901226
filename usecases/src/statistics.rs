//! The owner's statistics: how the meetings of a period went against the
//! period before, who keeps the cadence, how meetings were rated, when
//! the owner is busiest, and who comes to the group meeting. The store
//! counts (aggregates, never every row); this module chooses the periods
//! in the owner's zone and puts the figures together.

use chrono::{Datelike, Duration, NaiveDate};
use meetbot_domain::{Action, CadenceState, Interval, Role, Status, User, UserId, Zone};
use meetbot_ports::{
    BookerSummary, MeetingFigures, PeopleFigures, RatedMeeting, StatisticsQuery, UserQuery,
};

use crate::error::UseCaseError;
use crate::services::Services;

/// The longest period that can be typed, in days (ten years).
const MAX_DAYS: i64 = 3_660;

/// How many weeks of the group meeting are shown.
const GROUP_WEEKS: usize = 8;

/// Which period the statistics cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatsSpan {
    /// The last 7 days, today included.
    Week,
    /// The last 30 days, today included.
    Month,
    /// This calendar quarter, its days ahead included.
    Quarter,
    /// Everything, from the first meeting on.
    All,
    /// The days from one date to another, both included.
    Range(NaiveDate, NaiveDate),
}

impl StatsSpan {
    /// The first and last day of the period on `today` (`None` for all time).
    pub fn days(self, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let back = |days: i64| (today - Duration::days(days - 1), today);
        match self {
            Self::Week => Some(back(7)),
            Self::Month => Some(back(30)),
            Self::Quarter => {
                let first_month = (today.month0() / 3) * 3 + 1;
                let first = NaiveDate::from_ymd_opt(today.year(), first_month, 1)?;
                let next = if first_month == 10 {
                    NaiveDate::from_ymd_opt(today.year() + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(today.year(), first_month + 3, 1)?
                };
                Some((first, next - Duration::days(1)))
            }
            Self::All => None,
            Self::Range(from, to) => Some((from, to)),
        }
    }
}

/// Where one manager stands with the cadence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CadenceLine {
    /// The manager.
    pub user: User,
    /// The day of their last meeting held.
    pub last_held: Option<NaiveDate>,
    /// Days since then (or since they joined, without one).
    pub days_since: i64,
    /// On time, booked, or overdue by how many days.
    pub state: CadenceState,
}

impl CadenceLine {
    /// Whether the manager keeps the cadence (is not overdue).
    pub fn on_cadence(&self) -> bool {
        !matches!(self.state, CadenceState::Overdue { .. })
    }
}

/// One occurrence of the weekly group meeting, counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupWeek {
    /// Its date.
    pub date: NaiveDate,
    /// How many were invited.
    pub invited: u32,
    /// Who said yes.
    pub yes: u32,
    /// Who said no.
    pub no: u32,
}

impl GroupWeek {
    /// Invited people who did not answer.
    pub fn no_answer(&self) -> u32 {
        self.invited.saturating_sub(self.yes + self.no)
    }
}

/// The statistics of a period, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatsReport {
    /// The period asked for.
    pub span: StatsSpan,
    /// Its first and last day in the owner's zone (for all time, from the
    /// first meeting to today).
    pub from: NaiveDate,
    /// See `from`.
    pub to: NaiveDate,
    /// The owner's zone, in which days and hours are read.
    pub zone: Zone,
    /// The period's meetings.
    pub current: MeetingFigures,
    /// The period of the same length before it (none for all time).
    pub previous: Option<MeetingFigures>,
    /// Everybody, and who joined in the period.
    pub people: PeopleFigures,
    /// Who joined in the period before.
    pub joined_before: Option<u32>,
    /// Meeting types: code, name, meetings that kept their time.
    pub by_type: Vec<(String, String, u32)>,
    /// Every manager at work, and the cadence.
    pub cadence: Vec<CadenceLine>,
    /// The cadence in days.
    pub cadence_days: u32,
    /// The lowest-rated meetings with their bookers' names.
    pub lowest: Vec<(RatedMeeting, String)>,
    /// Working time in the period, in minutes, by the working hours.
    pub working_minutes: u64,
    /// The group meeting's latest occurrences in the period, oldest first.
    pub group: Vec<GroupWeek>,
}

/// The statistics of `span` for the owner.
pub async fn stats(
    s: &Services,
    actor: UserId,
    span: StatsSpan,
) -> Result<StatsReport, UseCaseError> {
    s.actor(actor, Action::ViewStatistics).await?;
    let settings = s.settings().await?;
    let zone = settings.availability.zone();
    let now = s.clock.now();
    let today = zone.date_of(now);
    let days = span.days(today);
    let period = period_of(days, zone, today)?;
    let current = s
        .store
        .meeting_figures(&StatisticsQuery { period, zone })
        .await?;
    let (from, to) = days.unwrap_or_else(|| {
        let first = current.first_start.map_or(today, |at| zone.date_of(at));
        (first.min(today), today)
    });
    let (previous, joined_before) = previous_period(s, days, zone).await?;
    let people = s.store.people_figures(period).await?;
    let users = s.store.users(UserQuery::default()).await?;
    let name_of = |id: UserId| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| id.to_string(), |u| u.name.to_string())
    };
    let lowest = current
        .ratings
        .lowest
        .iter()
        .map(|rated| (rated.clone(), name_of(rated.booker)))
        .collect();
    let by_type = current
        .by_type
        .iter()
        .map(|(code, count)| {
            let name = settings
                .meeting_type(code)
                .map_or_else(|| code.clone(), |t| t.name().to_owned());
            (code.clone(), name, *count)
        })
        .collect();
    let summaries = s.store.booker_summaries(None, now).await?;
    let cadence = cadence_lines(&settings.cadence, &users, &summaries, zone, today);
    let working_minutes = working_minutes(&settings.availability, from, to);
    let group = group_weeks(s, &settings, from, to.min(today + Duration::days(7))).await?;
    Ok(StatsReport {
        span,
        from,
        to,
        zone,
        current,
        previous,
        people,
        joined_before,
        by_type,
        cadence,
        cadence_days: settings.cadence.every_days(),
        lowest,
        working_minutes,
        group,
    })
}

/// The figures of the period of the same length before the one asked
/// for, and who joined in it; nothing for all time.
async fn previous_period(
    s: &Services,
    days: Option<(NaiveDate, NaiveDate)>,
    zone: Zone,
) -> Result<(Option<MeetingFigures>, Option<u32>), UseCaseError> {
    let Some((from, to)) = days else {
        return Ok((None, None));
    };
    let length = (to - from).num_days() + 1;
    let before = days_interval(
        zone,
        from - Duration::days(length),
        from - Duration::days(1),
    )?;
    let figures = s
        .store
        .meeting_figures(&StatisticsQuery {
            period: before,
            zone,
        })
        .await?;
    let joined = s.store.people_figures(before).await?.joined;
    Ok((Some(figures), Some(joined)))
}

/// The period asked for as an interval in `zone`, checked.
fn period_of(
    days: Option<(NaiveDate, NaiveDate)>,
    zone: Zone,
    today: NaiveDate,
) -> Result<Interval, UseCaseError> {
    match days {
        Some((from, to)) if from > to || (to - from).num_days() >= MAX_DAYS => {
            Err(UseCaseError::Invalid("error-stats-range"))
        }
        Some((from, to)) => days_interval(zone, from, to),
        // All time: wide enough for any meeting this bot will hold.
        None => days_interval(
            zone,
            NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(today),
            NaiveDate::from_ymd_opt(2199, 12, 31).unwrap_or(today),
        ),
    }
}

/// Every manager at work (not inactive) with the cadence.
fn cadence_lines(
    cadence: &meetbot_domain::Cadence,
    users: &[User],
    summaries: &[BookerSummary],
    zone: Zone,
    today: NaiveDate,
) -> Vec<CadenceLine> {
    users
        .iter()
        .filter(|u| u.role == Role::Manager && u.status != Status::Inactive)
        .map(|manager| {
            let summary = summaries
                .iter()
                .find(|summary| summary.booker == manager.id)
                .cloned()
                .unwrap_or_else(|| BookerSummary::empty(manager.id));
            cadence_line(cadence, manager, &summary, zone, today)
        })
        .collect()
}

/// Where a manager stands with the cadence, from their summary.
pub fn cadence_line(
    cadence: &meetbot_domain::Cadence,
    manager: &User,
    summary: &BookerSummary,
    zone: Zone,
    today: NaiveDate,
) -> CadenceLine {
    let last_held = summary.last_held.map(|at| zone.date_of(at));
    let joined = zone.date_of(manager.registered_at);
    CadenceLine {
        user: manager.clone(),
        last_held,
        days_since: (today - last_held.unwrap_or(joined)).num_days(),
        state: cadence.state(today, last_held, joined, summary.upcoming > 0),
    }
}

/// The days from `from` to `to` (both included) in `zone`, as an interval.
fn days_interval(zone: Zone, from: NaiveDate, to: NaiveDate) -> Result<Interval, UseCaseError> {
    Interval::new(
        zone.start_of_day(from),
        zone.start_of_day(to + Duration::days(1)),
    )
    .map_err(|_| UseCaseError::Invalid("error-stats-range"))
}

/// The owner's working time over the days from `from` to `to`, in minutes.
fn working_minutes(
    availability: &meetbot_domain::Availability,
    from: NaiveDate,
    to: NaiveDate,
) -> u64 {
    from.iter_days()
        .take_while(|day| *day <= to)
        .filter_map(|day| {
            availability
                .overrides()
                .get(&day)
                .copied()
                .unwrap_or_else(|| availability.weekly().on(day.weekday()))
        })
        .map(|window| u64::from(window.end_minute().saturating_sub(window.start_minute())))
        .sum()
}

/// The answers to the group meeting's latest occurrences between two days.
async fn group_weeks(
    s: &Services,
    settings: &meetbot_domain::Settings,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<GroupWeek>, UseCaseError> {
    let Some(group) = &settings.group_meeting else {
        return Ok(Vec::new());
    };
    let mut occurrences: Vec<_> = from
        .iter_days()
        .take_while(|day| *day <= to)
        .filter_map(|day| group.occurrence_on(day))
        .collect();
    let skip = occurrences.len().saturating_sub(GROUP_WEEKS);
    occurrences.drain(..skip);
    let keys: Vec<String> = occurrences.iter().map(|o| o.key()).collect();
    let answers = s.store.rsvp_counts(&keys).await?;
    let mut weeks = Vec::with_capacity(occurrences.len());
    for occurrence in occurrences {
        let key = occurrence.key();
        let invited = s
            .store
            .count_done_once(&crate::rsvp::invitation_prefix(&key))
            .await?;
        let answer = answers.iter().find(|a| a.occurrence == key);
        weeks.push(GroupWeek {
            date: occurrence.date,
            invited: u32::try_from(invited).unwrap_or(u32::MAX),
            yes: answer.map_or(0, |a| a.yes),
            no: answer.map_or(0, |a| a.no),
        });
    }
    Ok(weeks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn stats_periods_end_today_or_cover_the_calendar_quarter() {
        let today = date("2030-05-15");
        assert_eq!(
            StatsSpan::Week.days(today),
            Some((date("2030-05-09"), today))
        );
        assert_eq!(
            StatsSpan::Month.days(today),
            Some((date("2030-04-16"), today))
        );
        assert_eq!(
            StatsSpan::Quarter.days(today),
            Some((date("2030-04-01"), date("2030-06-30")))
        );
        assert_eq!(
            StatsSpan::Quarter.days(date("2030-11-30")),
            Some((date("2030-10-01"), date("2030-12-31")))
        );
        assert_eq!(StatsSpan::All.days(today), None);
    }
}
