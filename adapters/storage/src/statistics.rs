//! The owner's statistics as SQL aggregates, the same text on both
//! backends.
//!
//! Weeks, weekdays and hours are the owner's wall clock, which SQLite
//! cannot compute from a zone name. So the zone's offsets over the period
//! (a handful of daylight-saving switches) become a `CASE` that adds the
//! right offset to each stored instant, and integer arithmetic on the local
//! microseconds does the rest: a day is `local / DAY`, its weekday
//! `(day + 3) % 7` (1 January 1970 was a Thursday), its Monday-based week
//! `(day + 3) / 7`. Every number in the SQL text is computed here from
//! integers, never from input; text filters go through binds.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};
use meetbot_domain::{Interval, MeetingStatus, Zone};
use meetbot_ports::Canceller;

use crate::rows::micros;

/// Microseconds in a day and in an hour.
pub(crate) const DAY: i64 = 86_400_000_000;
pub(crate) const HOUR: i64 = 3_600_000_000;
/// Microseconds in a minute.
pub(crate) const MINUTE: i64 = 60_000_000;

/// The SQL expression of `column` (stored microseconds, UTC) turned into
/// the zone's wall clock over `span`.
pub(crate) fn local_time(column: &str, zone: Zone, span: Interval) -> String {
    let changes = zone.offset_changes(span);
    let offset = |seconds: i32| i64::from(seconds) * 1_000_000;
    match changes.as_slice() {
        [] => column.to_owned(),
        [(_, only)] => format!("({column} + {})", offset(*only)),
        [first, rest @ ..] => {
            let mut case = String::from("CASE");
            let mut current = first.1;
            for (from, next) in rest {
                case.push_str(&format!(
                    " WHEN {column} < {} THEN {}",
                    micros(*from),
                    offset(current)
                ));
                current = *next;
            }
            case.push_str(&format!(" ELSE {} END", offset(current)));
            format!("({column} + {case})")
        }
    }
}

/// The Monday of a week numbered as the SQL numbers them.
pub(crate) fn monday_of_week(week: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(Duration::days(week * 7 - 3))
}

/// `starts_at` within the period, as SQL.
pub(crate) fn starting_within(column: &str, period: Interval) -> String {
    format!(
        "{column} >= {} AND {column} < {}",
        micros(period.start()),
        micros(period.end())
    )
}

/// What became of a meeting, as one small integer: sorting and grouping
/// by it is several times cheaper than by the status text (see
/// [`outcome_of_code`]).
pub(crate) const OUTCOME: &str = "CASE status WHEN 'COMPLETED' THEN 0 WHEN 'NO_SHOW' THEN 1 \
     WHEN 'SCHEDULED' THEN 2 WHEN 'RESCHEDULED' THEN 3 \
     ELSE CASE WHEN cancelled_by IS NULL THEN 6 WHEN cancelled_by = booker_id THEN 4 ELSE 5 END END";

/// A meeting's status and canceller from its [`OUTCOME`] code.
pub(crate) fn outcome_of_code(code: i64) -> (MeetingStatus, Canceller) {
    match code {
        0 => (MeetingStatus::Completed, Canceller::System),
        1 => (MeetingStatus::NoShow, Canceller::System),
        2 => (MeetingStatus::Scheduled, Canceller::System),
        3 => (MeetingStatus::Rescheduled, Canceller::System),
        4 => (MeetingStatus::Cancelled, Canceller::Booker),
        5 => (MeetingStatus::Cancelled, Canceller::Owner),
        _ => (MeetingStatus::Cancelled, Canceller::System),
    }
}

/// The statuses of meetings that kept their time.
pub(crate) const KEPT: &str = "('SCHEDULED', 'COMPLETED', 'NO_SHOW')";

/// The first and last start in the period, to narrow the zone's offsets to
/// the span the meetings really cover.
#[derive(QueryableByName)]
pub(crate) struct SpanRow {
    #[diesel(sql_type = Nullable<BigInt>)]
    pub first: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub last: Option<i64>,
}

/// Meetings of one week with one outcome (see [`OUTCOME`]).
#[derive(QueryableByName)]
pub(crate) struct WeekRow {
    #[diesel(sql_type = BigInt)]
    pub week: i64,
    #[diesel(sql_type = BigInt)]
    pub outcome: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub minutes: i64,
}

#[derive(QueryableByName)]
pub(crate) struct TypeRow {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Meetings that kept their time starting in one hour of the week
/// (Monday 00:00–01:00 is 0).
#[derive(QueryableByName)]
pub(crate) struct LoadRow {
    #[diesel(sql_type = BigInt)]
    pub hour_of_week: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(QueryableByName)]
pub(crate) struct RatingRow {
    #[diesel(sql_type = BigInt)]
    pub week: i64,
    #[diesel(sql_type = BigInt)]
    pub rating: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(QueryableByName)]
pub(crate) struct LowestRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub booker_id: i64,
    #[diesel(sql_type = BigInt)]
    pub starts_at: i64,
    #[diesel(sql_type = BigInt)]
    pub rating: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub comment: Option<String>,
}

#[derive(QueryableByName)]
pub(crate) struct CountRow {
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(QueryableByName)]
pub(crate) struct PeopleRow {
    #[diesel(sql_type = Text)]
    pub role: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub department: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(QueryableByName)]
pub(crate) struct BookerStatusRow {
    #[diesel(sql_type = BigInt)]
    pub booker_id: i64,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub last: Option<i64>,
}

#[derive(QueryableByName)]
pub(crate) struct BookerCountRow {
    #[diesel(sql_type = BigInt)]
    pub booker_id: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(QueryableByName)]
pub(crate) struct AuthorRow {
    #[diesel(sql_type = BigInt)]
    pub author_id: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub stars: i64,
}

/// A count read back as the domain counts.
pub(crate) fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The span from the first to the last start (inclusive), or `None`.
pub(crate) fn span(first: Option<i64>, last: Option<i64>) -> Option<Interval> {
    let first = DateTime::<Utc>::from_timestamp_micros(first?)?;
    let last = DateTime::<Utc>::from_timestamp_micros(last?)?;
    Interval::new(first, last + Duration::microseconds(1)).ok()
}

/// Expands, in a backend module, the functions that run the statistics
/// queries on its `Conn`.
macro_rules! statistics_queries {
    () => {
        use diesel::sql_types::Text as SqlText;
        use meetbot_domain::{Interval as StatsInterval, Status as UserStatus};
        use meetbot_ports::statistics::LOWEST_RATED;
        use meetbot_ports::{
            BookerSummary, MeetingFigures, Outcomes, PeopleCount, PeopleFigures, RatedMeeting,
            RsvpCount, StatisticsQuery,
        };
        use $crate::statistics::{
            AuthorRow, BookerCountRow, BookerStatusRow, CountRow, DAY, HOUR, KEPT, LoadRow, LowestRow, MINUTE, OUTCOME,
            PeopleRow, RatingRow, SpanRow, TypeRow, WeekRow, count, local_time, monday_of_week,
            outcome_of_code, span, starting_within,
        };

        fn meeting_figures(
            conn: &mut Conn,
            query: StatisticsQuery,
        ) -> Result<MeetingFigures, Failure> {
            let mut figures = MeetingFigures::default();
            let within = starting_within("starts_at", query.period);
            let booked: CountRow = diesel::sql_query(format!(
                "SELECT COUNT(*) AS n FROM meetings WHERE {} AND rescheduled_from IS NULL",
                starting_within("created_at", query.period)
            ))
            .get_result(conn)?;
            figures.booked = count(booked.n);
            // Two subqueries, so that each is one step down the index.
            let bounds: SpanRow = diesel::sql_query(format!(
                "SELECT (SELECT MIN(starts_at) FROM meetings WHERE {within}) AS first, \
                 (SELECT MAX(starts_at) FROM meetings WHERE {within}) AS last"
            ))
            .get_result(conn)?;
            let Some(covered) = span(bounds.first, bounds.last) else {
                return Ok(figures);
            };
            figures.first_start = Some(covered.start());
            let local = local_time("starts_at", query.zone, covered);

            let weeks: Vec<WeekRow> = diesel::sql_query(format!(
                "SELECT week, outcome, COUNT(*) AS n, CAST(SUM(minutes) AS BIGINT) AS minutes \
                 FROM (SELECT CAST(({local} / {DAY} + 3) / 7 AS BIGINT) AS week, \
                 CAST({OUTCOME} AS BIGINT) AS outcome, \
                 (ends_at - starts_at) / {MINUTE} AS minutes FROM meetings WHERE {within}) AS m \
                 GROUP BY week, outcome"
            ))
            .load(conn)?;
            let mut by_week: std::collections::BTreeMap<chrono::NaiveDate, Outcomes> =
                Default::default();
            for row in weeks {
                let monday = monday_of_week(row.week).ok_or_else(|| {
                    StoreError::Unexpected(format!("week {} is out of range", row.week))
                })?;
                let (status, canceller) = outcome_of_code(row.outcome);
                let n = count(row.n);
                figures.outcomes.add(status, canceller, n);
                by_week.entry(monday).or_default().add(status, canceller, n);
                let minutes = u64::try_from(row.minutes).unwrap_or(0);
                if status == MeetingStatus::Completed {
                    figures.held_minutes += minutes;
                }
                if matches!(
                    status,
                    MeetingStatus::Completed | MeetingStatus::NoShow | MeetingStatus::Scheduled
                ) {
                    figures.kept_minutes += minutes;
                }
            }
            figures.weeks = by_week.into_iter().collect();

            let types: Vec<TypeRow> = diesel::sql_query(format!(
                "SELECT meeting_type AS kind, COUNT(*) AS n FROM meetings \
                 WHERE {within} AND status IN {KEPT} GROUP BY meeting_type"
            ))
            .load(conn)?;
            let mut by_type: Vec<(String, u32)> =
                types.into_iter().map(|row| (row.kind, count(row.n))).collect();
            by_type.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            figures.by_type = by_type;

            let load: Vec<LoadRow> = diesel::sql_query(format!(
                "SELECT CAST(({local} + 3 * {DAY}) % (7 * {DAY}) / {HOUR} AS BIGINT) AS hour_of_week, \
                 COUNT(*) AS n FROM meetings WHERE {within} AND status IN {KEPT} \
                 GROUP BY hour_of_week"
            ))
            .load(conn)?;
            for row in load {
                if let Ok(hour_of_week @ 0..168) = usize::try_from(row.hour_of_week) {
                    figures.load[hour_of_week / 24][hour_of_week % 24] += count(row.n);
                }
            }

            let meeting_within = starting_within("m.starts_at", query.period);
            let ratings: Vec<RatingRow> = diesel::sql_query(format!(
                "SELECT CAST(({} / {DAY} + 3) / 7 AS BIGINT) AS week, \
                 CAST(f.rating AS BIGINT) AS rating, COUNT(*) AS n \
                 FROM feedback f JOIN meetings m ON m.id = f.meeting_id WHERE {meeting_within} \
                 GROUP BY week, f.rating",
                local_time("m.starts_at", query.zone, covered)
            ))
            .load(conn)?;
            let mut rating_weeks: std::collections::BTreeMap<chrono::NaiveDate, (u32, u32)> =
                Default::default();
            for row in ratings {
                let (Some(monday), Ok(stars @ 1..=5)) =
                    (monday_of_week(row.week), u32::try_from(row.rating))
                else {
                    continue;
                };
                let n = count(row.n);
                figures.ratings.by_stars[(stars - 1) as usize] += n;
                let week = rating_weeks.entry(monday).or_default();
                week.0 += n;
                week.1 += n * stars;
            }
            figures.ratings.weeks = rating_weeks
                .into_iter()
                .map(|(monday, (n, stars))| (monday, n, stars))
                .collect();

            // Only ratings up to the lowest few are read: with thousands of
            // ratings, sorting them all to keep five is most of the work.
            let mut seen = 0;
            let ceiling = (1..=5u32)
                .find(|stars| {
                    seen += figures.ratings.by_stars[(*stars - 1) as usize] as usize;
                    seen >= LOWEST_RATED
                })
                .unwrap_or(5);
            let lowest: Vec<LowestRow> = diesel::sql_query(format!(
                "SELECT m.id AS id, m.booker_id AS booker_id, m.starts_at AS starts_at, \
                 CAST(f.rating AS BIGINT) AS rating, f.comment AS comment \
                 FROM feedback f JOIN meetings m ON m.id = f.meeting_id \
                 WHERE f.rating <= {ceiling} AND {meeting_within} \
                 ORDER BY f.rating, m.starts_at DESC, m.id LIMIT {LOWEST_RATED}"
            ))
            .load(conn)?;
            for row in lowest {
                figures.ratings.lowest.push(RatedMeeting {
                    meeting: MeetingId(row.id),
                    booker: UserId(row.booker_id),
                    start: instant(row.starts_at)?,
                    stars: u8::try_from(row.rating).unwrap_or(0),
                    comment: row.comment,
                });
            }
            Ok(figures)
        }

        fn people_figures(
            conn: &mut Conn,
            joined_within: StatsInterval,
        ) -> Result<PeopleFigures, Failure> {
            let rows: Vec<PeopleRow> = diesel::sql_query(
                "SELECT role, status, department, COUNT(*) AS n FROM users \
                 GROUP BY role, status, department",
            )
            .load(conn)?;
            let mut groups = Vec::with_capacity(rows.len());
            for row in rows {
                groups.push(PeopleCount {
                    role: Role::parse(&row.role).map_err(|_| {
                        StoreError::Unexpected(format!("unknown role {:?}", row.role))
                    })?,
                    status: UserStatus::parse(&row.status).map_err(|_| {
                        StoreError::Unexpected(format!("unknown status {:?}", row.status))
                    })?,
                    department: row.department,
                    count: count(row.n),
                });
            }
            // Sorted here, not by the database, whose collation may differ.
            groups.sort_by(|a, b| {
                (a.role.as_str(), a.status.as_str(), &a.department).cmp(&(
                    b.role.as_str(),
                    b.status.as_str(),
                    &b.department,
                ))
            });
            let joined: CountRow = diesel::sql_query(format!(
                "SELECT COUNT(*) AS n FROM users WHERE {}",
                starting_within("registered_at", joined_within)
            ))
            .get_result(conn)?;
            Ok(PeopleFigures {
                groups,
                joined: count(joined.n),
            })
        }

        fn booker_summaries(
            conn: &mut Conn,
            booker: Option<UserId>,
            now: i64,
        ) -> Result<Vec<BookerSummary>, Failure> {
            let only = |column: &str| {
                booker.map_or(String::new(), |b| format!("WHERE {column} = {}", b.0))
            };
            // Grouped in the order of the index on (booker, status, ...),
            // so the database streams the counts instead of sorting.
            let rows: Vec<BookerStatusRow> = diesel::sql_query(format!(
                "SELECT booker_id, status, COUNT(*) AS n, MAX(starts_at) AS last \
                 FROM meetings {} GROUP BY booker_id, status",
                only("booker_id"),
            ))
            .load(conn)?;
            let mut summaries: std::collections::BTreeMap<i64, BookerSummary> = Default::default();
            for row in rows {
                let summary = summaries
                    .entry(row.booker_id)
                    .or_insert_with(|| BookerSummary::empty(UserId(row.booker_id)));
                match meeting_status(&row.status)? {
                    MeetingStatus::Completed => {
                        summary.held = count(row.n);
                        summary.last_held = row.last.map(instant).transpose()?;
                    }
                    MeetingStatus::NoShow => summary.no_show = count(row.n),
                    MeetingStatus::Rescheduled => summary.moved = count(row.n),
                    MeetingStatus::Scheduled | MeetingStatus::Cancelled => {}
                }
            }
            let and_only = booker.map_or(String::new(), |b| format!("AND booker_id = {}", b.0));
            let upcoming: Vec<BookerCountRow> = diesel::sql_query(format!(
                "SELECT booker_id, COUNT(*) AS n FROM meetings \
                 WHERE status = 'SCHEDULED' AND ends_at > {now} {and_only} GROUP BY booker_id"
            ))
            .load(conn)?;
            let cancelled: Vec<BookerCountRow> = diesel::sql_query(format!(
                "SELECT booker_id, COUNT(*) AS n FROM meetings \
                 WHERE status = 'CANCELLED' AND cancelled_by = booker_id {and_only} \
                 GROUP BY booker_id"
            ))
            .load(conn)?;
            for row in upcoming {
                if let Some(summary) = summaries.get_mut(&row.booker_id) {
                    summary.upcoming = count(row.n);
                }
            }
            for row in cancelled {
                if let Some(summary) = summaries.get_mut(&row.booker_id) {
                    summary.cancelled = count(row.n);
                }
            }
            let authors: Vec<AuthorRow> = diesel::sql_query(format!(
                "SELECT author_id, COUNT(*) AS n, CAST(SUM(rating) AS BIGINT) AS stars \
                 FROM feedback {} GROUP BY author_id",
                only("author_id"),
            ))
            .load(conn)?;
            for row in authors {
                let summary = summaries
                    .entry(row.author_id)
                    .or_insert_with(|| BookerSummary::empty(UserId(row.author_id)));
                summary.ratings = count(row.n);
                summary.stars = count(row.stars);
            }
            Ok(summaries.into_values().collect())
        }

        fn rsvp_counts(conn: &mut Conn, occurrences: Vec<String>) -> Result<Vec<RsvpCount>, Failure> {
            let rows: Vec<(String, String, i64)> = rsvps::table
                .filter(rsvps::occurrence.eq_any(&occurrences))
                .group_by((rsvps::occurrence, rsvps::answer))
                .select((rsvps::occurrence, rsvps::answer, diesel::dsl::count_star()))
                .load(conn)?;
            let mut counts: std::collections::BTreeMap<String, RsvpCount> = Default::default();
            for (occurrence, answer, n) in rows {
                let entry = counts.entry(occurrence.clone()).or_insert(RsvpCount {
                    occurrence,
                    yes: 0,
                    no: 0,
                });
                match answer.as_str() {
                    "YES" => entry.yes += count(n),
                    "NO" => entry.no += count(n),
                    _ => {}
                }
            }
            Ok(counts.into_values().collect())
        }

        fn backlog(
            conn: &mut Conn,
            since: i64,
            late_before: i64,
            lateness: i64,
        ) -> Result<Backlog, Failure> {
            let (queued_messages, oldest_message): (i64, Option<i64>) = outbox::table
                .filter(outbox::state.eq(PENDING))
                .select((diesel::dsl::count_star(), diesel::dsl::min(outbox::queued_at)))
                .first(conn)?;
            let (calendar_jobs, oldest_calendar_job): (i64, Option<i64>) = calendar_jobs::table
                .select((
                    diesel::dsl::count_star(),
                    diesel::dsl::min(calendar_jobs::created_at),
                ))
                .first(conn)?;
            let mut ended_since = |state: ReminderState| -> Result<i64, Failure> {
                Ok(reminders::table
                    .filter(reminders::state.eq(state.as_str()))
                    .filter(reminders::due_at.ge(since))
                    .count()
                    .get_result(conn)?)
            };
            let reminders_failed = ended_since(ReminderState::Failed)?;
            let reminders_missed = ended_since(ReminderState::Missed)?;
            let still_pending: i64 = reminders::table
                .filter(reminders::state.eq(PENDING))
                .filter(reminders::due_at.lt(late_before))
                .count()
                .get_result(conn)?;
            let sent_late: i64 = reminders::table
                .filter(reminders::state.eq(ReminderState::Sent.as_str()))
                .filter(reminders::due_at.ge(since))
                .filter(
                    diesel::dsl::sql::<diesel::sql_types::Bool>("finished_at - due_at > ")
                        .bind::<diesel::sql_types::BigInt, _>(lateness),
                )
                .count()
                .get_result(conn)?;
            let reminders_late = still_pending + sent_late;
            // A count is never negative; `try_from` only keeps the types honest.
            let number = |n: i64| u64::try_from(n).unwrap_or(0);
            Ok(Backlog {
                queued_messages: number(queued_messages),
                oldest_message: oldest_message.map(instant).transpose()?,
                calendar_jobs: number(calendar_jobs),
                oldest_calendar_job: oldest_calendar_job.map(instant).transpose()?,
                reminders_failed: number(reminders_failed),
                reminders_missed: number(reminders_missed),
                reminders_late: number(reminders_late),
            })
        }

        fn count_done_once(conn: &mut Conn, prefix: String) -> Result<u64, Failure> {
            // substr, not LIKE (case-insensitive on SQLite) or a range
            // (ordered by the collation on Postgres).
            let length = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX);
            let n: i64 = done_once::table
                .filter(
                    diesel::dsl::sql::<diesel::sql_types::Bool>("substr(key, 1, ")
                        .bind::<diesel::sql_types::Integer, _>(length)
                        .sql(") = ")
                        .bind::<SqlText, _>(prefix),
                )
                .count()
                .get_result(conn)?;
            Ok(u64::try_from(n).unwrap_or(0))
        }
    };
}

pub(crate) use statistics_queries;
