//! The database of a fan-out: migrated by the binary (`meetbot migrate`),
//! then filled here with diesel, straight into the tables, because booking
//! 100,000 meetings through the bot would measure the bookings instead.
//!
//! The tables are declared again below, only the columns written or read
//! here, as `migrations/sqlite` and `migrations/postgres` create them (the
//! storage crate keeps its schema private).
//!
//! What is written is what a booking writes: the owner; people (managers,
//! active, subscribed); their meetings with the owner, SCHEDULED, from two
//! hours ahead and one after the other (half an hour each: the owner's
//! meetings may not overlap, which Postgres enforces); and one PENDING
//! reminder per meeting, to its booker, its offset the time from the due
//! time to the meeting. Bookings
//! come in over time in no particular order, so meetings and reminders are
//! inserted in a shuffled order: consecutive reminders (the claim takes them
//! by id) go to different chats, as they would.

use anyhow::{Context as _, bail};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::{Connection, PgConnection, SqliteConnection};

diesel::table! {
    users (id) {
        id -> BigInt,
        name -> Text,
        role -> Text,
        status -> Text,
        language -> Text,
        zone -> Text,
        subscribed -> Bool,
        registered_at -> BigInt,
    }
}

diesel::table! {
    meetings (id) {
        id -> BigInt,
        booker_id -> BigInt,
        starts_at -> BigInt,
        ends_at -> BigInt,
        meeting_type -> Text,
        topic -> Nullable<Text>,
        status -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    reminders (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        recipient_id -> BigInt,
        offset_minutes -> Integer,
        due_at -> BigInt,
        state -> Text,
        attempts -> Integer,
        not_before -> BigInt,
    }
}

/// The owner's Telegram id.
pub const OWNER: i64 = 1;

/// The first person's Telegram id; the others follow.
const FIRST_PERSON: i64 = 10_000_000;

/// Rows inserted per statement (well under either backend's limit on
/// bound parameters).
const CHUNK: usize = 1000;

/// Where the data goes.
#[derive(Clone, Debug)]
pub enum Database {
    /// An SQLite file.
    Sqlite(std::path::PathBuf),
    /// A Postgres database URL.
    Postgres(String),
}

impl Database {
    /// The URL the bot is given.
    pub fn url(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(url) => url.clone(),
        }
    }

    fn connect(&self) -> anyhow::Result<Conn> {
        Ok(match self {
            Self::Sqlite(path) => Conn::Sqlite(
                SqliteConnection::establish(&path.to_string_lossy())
                    .context("opening the SQLite file")?,
            ),
            Self::Postgres(url) => {
                Conn::Pg(PgConnection::establish(url).context("connecting to Postgres")?)
            }
        })
    }
}

enum Conn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// Runs `$body` with `$conn` bound to whichever connection it is.
macro_rules! on {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => $body,
            Conn::Pg($c) => $body,
        }
    };
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUser {
    id: i64,
    name: String,
    role: &'static str,
    status: &'static str,
    language: &'static str,
    zone: &'static str,
    subscribed: bool,
    registered_at: i64,
}

#[derive(Insertable)]
#[diesel(table_name = meetings)]
struct NewMeeting {
    booker_id: i64,
    starts_at: i64,
    ends_at: i64,
    meeting_type: &'static str,
    topic: Option<String>,
    status: &'static str,
    created_at: i64,
    updated_at: i64,
}

#[derive(Insertable)]
#[diesel(table_name = reminders)]
struct NewReminder {
    meeting_id: i64,
    recipient_id: i64,
    offset_minutes: i32,
    due_at: i64,
    state: &'static str,
    attempts: i32,
    not_before: i64,
}

/// The size of the organisation.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    /// People with meetings.
    pub people: usize,
    /// Meetings (and so reminders) per person.
    pub meetings_each: usize,
}

impl Size {
    /// How many reminders fall due.
    pub fn reminders(self) -> usize {
        self.people * self.meetings_each
    }

    /// The chat reminder `number` goes to.
    pub fn chat_of(self, number: usize) -> i64 {
        FIRST_PERSON + i64::try_from(number / self.meetings_each.max(1)).unwrap_or(i64::MAX)
    }
}

/// The topic of reminder `number`'s meeting, which its text carries.
pub fn topic(number: usize) -> String {
    format!("fanout-{number}")
}

/// The reminder number in a message's text, if it carries one.
pub fn number_in(text: &str) -> Option<usize> {
    let rest = &text[text.find("fanout-")? + "fanout-".len()..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// 0..n in a fixed shuffled order (Fisher–Yates over xorshift64).
fn shuffled(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = usize::try_from(state % (i as u64 + 1)).unwrap_or(0);
        order.swap(i, j);
    }
    order
}

/// Fills a freshly migrated database; the reminders are due a day after
/// `now` until [`make_due`] names their due time.
pub fn seed(database: &Database, size: Size, now: DateTime<Utc>) -> anyhow::Result<()> {
    let micros = |at: DateTime<Utc>| at.timestamp_micros();
    let registered = micros(now - Duration::days(30));
    let mut people = vec![NewUser {
        id: OWNER,
        name: "Owner".to_owned(),
        role: "OWNER",
        status: "ACTIVE",
        language: "en",
        zone: "Europe/Berlin",
        subscribed: true,
        registered_at: registered,
    }];
    people.extend((0..size.people).map(|i| NewUser {
        id: size.chat_of(i * size.meetings_each),
        name: format!("Person {i}"),
        role: "MANAGER",
        status: "ACTIVE",
        language: "en",
        zone: "Europe/Berlin",
        subscribed: true,
        registered_at: registered,
    }));
    let order = shuffled(size.reminders());
    // The meetings in booking order, half an hour each, back to back.
    let minutes_ahead = |position: usize| 120 + 30 * i64::try_from(position).unwrap_or(0);
    let meetings: Vec<NewMeeting> = order
        .iter()
        .enumerate()
        .map(|(position, &number)| {
            let start = now + Duration::minutes(minutes_ahead(position));
            NewMeeting {
                booker_id: size.chat_of(number),
                starts_at: micros(start),
                ends_at: micros(start + Duration::minutes(30)),
                meeting_type: "m30",
                topic: Some(topic(number)),
                status: "SCHEDULED",
                created_at: micros(now),
                updated_at: micros(now),
            }
        })
        .collect();
    let placeholder = micros(now + Duration::days(1));
    let mut conn = database.connect()?;
    on!(&mut conn, |c| c.transaction(|c| -> anyhow::Result<()> {
        for chunk in people.chunks(CHUNK) {
            diesel::insert_into(users::table).values(chunk).execute(c)?;
        }
        for chunk in meetings.chunks(CHUNK) {
            diesel::insert_into(meetings::table)
                .values(chunk)
                .execute(c)?;
        }
        // The ids the database gave, found by topic.
        let stored: Vec<(i64, Option<String>)> = meetings::table
            .select((meetings::id, meetings::topic))
            .load(c)?;
        let mut meeting_of = vec![0; size.reminders()];
        for (id, topic) in stored {
            if let Some(slot) = topic
                .as_deref()
                .and_then(number_in)
                .and_then(|n| meeting_of.get_mut(n))
            {
                *slot = id;
            }
        }
        if meeting_of.contains(&0) {
            bail!("a seeded meeting was not found again by its topic");
        }
        let reminders: Vec<NewReminder> = order
            .iter()
            .enumerate()
            .map(|(position, &number)| NewReminder {
                meeting_id: meeting_of[number],
                recipient_id: size.chat_of(number),
                offset_minutes: i32::try_from(minutes_ahead(position)).unwrap_or(i32::MAX),
                due_at: placeholder,
                state: "PENDING",
                attempts: 0,
                not_before: placeholder,
            })
            .collect();
        for chunk in reminders.chunks(CHUNK) {
            diesel::insert_into(reminders::table)
                .values(chunk)
                .execute(c)?;
        }
        Ok(())
    }))
}

/// Makes every reminder due at `due`.
pub fn make_due(database: &Database, due: DateTime<Utc>) -> anyhow::Result<()> {
    let mut conn = database.connect()?;
    let at = due.timestamp_micros();
    on!(&mut conn, |c| diesel::update(reminders::table)
        .set((reminders::due_at.eq(at), reminders::not_before.eq(at)))
        .execute(c))?;
    Ok(())
}

/// How many reminders are in each state.
pub fn states(database: &Database) -> anyhow::Result<Vec<(String, i64)>> {
    let mut conn = database.connect()?;
    let rows: Vec<(String, i64)> = on!(&mut conn, |c| reminders::table
        .group_by(reminders::state)
        .select((reminders::state, diesel::dsl::count_star()))
        .order(reminders::state)
        .load(c))?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_number_is_read_back_from_a_reminders_text() {
        let text = "⏰ Reminder: meeting on 7 Dec, 30 min.\nWith: Owner\nTopic: \u{2068}fanout-4711\u{2069}";
        assert_eq!(number_in(text), Some(4711));
        assert_eq!(number_in("Topic: lunch"), None);
        assert_eq!(number_in(&topic(0)), Some(0));
    }

    #[test]
    fn the_shuffle_is_a_permutation_that_spreads_a_persons_reminders() {
        let order = shuffled(1000);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
        let size = Size {
            people: 100,
            meetings_each: 10,
        };
        let neighbours = order
            .windows(2)
            .filter(|w| size.chat_of(w[0]) == size.chat_of(w[1]))
            .count();
        assert!(neighbours < 30, "{neighbours} neighbours share a chat");
    }

    #[test]
    fn a_reminder_goes_to_its_persons_chat() {
        let size = Size {
            people: 3,
            meetings_each: 10,
        };
        assert_eq!(size.reminders(), 30);
        assert_eq!(size.chat_of(0), FIRST_PERSON);
        assert_eq!(size.chat_of(19), FIRST_PERSON + 1);
    }
}
