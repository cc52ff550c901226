//! How long the store's hot calls take on each backend, with a realistic
//! amount of data in it: SQLite in a temporary file, and Postgres in a
//! scratch database on the server of `TEST_DATABASE_URL` (created for the
//! run and dropped after it; without the variable the Postgres benches are
//! skipped with a note).
//!
//! The data: 300 people (a third of them in the middle of a dialog) and
//! 3,000 meetings of an hour, two hours apart (the buffer keeps
//! them from touching), 2,400 of them held in the last 200 days, 600 to come
//! with their reminders (24 h, 2 h and 1 h before, to the booker and the
//! owner), 100 of whose reminders are due now.
//!
//! - `store/<backend>/book`: the booking transaction ([`Store::book`]) as
//!   the booking use case sends it: an hour with a 10-minute buffer, its
//!   six reminders, the booker's limit counted (set high enough never to
//!   refuse, since the bench books thousands), each at a new free time.
//! - `store/<backend>/claim_100`: one claim of a batch of 100 due reminders
//!   ([`Store::claim_due_reminders`]) with 100 due. Each claim leases them
//!   for a millisecond and the next one comes a millisecond later, so the
//!   same 100 are due again each time.
//! - `store/<backend>/update_first_read`: what the handling of an update
//!   reads first ([`Store::first_read`]): the person, their dialog and the
//!   saved settings (under the key the settings use, `settings`).

use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use diesel::{Connection, PgConnection, RunQueryDsl};
use meetbot_domain::{
    DisplayName, Interval, Language, NewMeeting, PlannedReminder, Role, Settings, Status, Topic,
    User, UserId, Zone,
};
use meetbot_ports::{BookingRequest, Store};
use meetbot_storage::{PgStore, SqliteStore};
use tokio::runtime::Runtime;

/// People other than the owner.
const PEOPLE: i64 = 300;
/// The owner's id.
const OWNER: i64 = 1;
/// The first person's id.
const FIRST_PERSON: i64 = 1_000;
/// Meetings held before now, one every two hours.
const PAST_MEETINGS: i64 = 2_400;
/// Meetings to come whose reminders are due now.
const DUE_MEETINGS: i64 = 100;
/// Meetings to come whose reminders are not yet due.
const LATER_MEETINGS: i64 = 500;
/// The key the saved settings are kept under (the use cases' `SETTINGS_KEY`).
const SETTINGS_KEY: &str = "settings";

/// Why the bench cannot go on.
type Failure = Box<dyn std::error::Error>;

/// The bench's "now".
fn now() -> Result<DateTime<Utc>, Failure> {
    Ok("2026-06-01T09:00:00Z".parse()?)
}

fn person(id: i64, role: Role, registered_at: DateTime<Utc>) -> Result<User, Failure> {
    Ok(User {
        id: UserId(id),
        name: DisplayName::new(&format!("Сотрудник {id}"))?,
        username: Some(format!("person{id}")),
        role,
        status: Status::Active,
        department: None,
        email: None,
        language: if id % 5 == 0 {
            Language::En
        } else {
            Language::Ru
        },
        zone: Zone::moscow(),
        subscribed: true,
        registered_at,
        unreachable_since: None,
    })
}

/// The booker of the `n`th meeting.
fn booker(n: i64) -> UserId {
    UserId(FIRST_PERSON + n % PEOPLE)
}

/// A booking by `booker` of the hour from `start`, made at `now`, with the
/// default settings' reminders to the booker and the owner.
fn booking(
    booker: UserId,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<BookingRequest, Failure> {
    let settings = Settings::default();
    let interval = Interval::starting_at(start, Duration::minutes(60))?;
    Ok(BookingRequest {
        meeting: NewMeeting {
            booker,
            interval,
            meeting_type: "m60".to_owned(),
            topic: Some(Topic::new("Квартальный отчёт")?),
            rescheduled_from: None,
            created_at: now,
        },
        buffer: Duration::minutes(10),
        max_upcoming: Some(u32::MAX),
        now,
        reminders: settings
            .reminders_for("m60")
            .plan(start, &[booker, UserId(OWNER)], now),
    })
}

/// Fills an empty store with the people and meetings the module's doc says.
async fn seed(store: &dyn Store) -> Result<(), Failure> {
    let now = now()?;
    let long_ago = now - Duration::days(400);
    store
        .insert_user(&person(OWNER, Role::Owner, long_ago)?)
        .await?;
    for n in 0..PEOPLE {
        let id = FIRST_PERSON + n;
        store
            .insert_user(&person(id, Role::Manager, long_ago + Duration::hours(n))?)
            .await?;
        if n % 3 == 0 {
            let dialog = format!(r#"{{"Booking":{{"meeting_type":"m60","person":{id}}}}}"#);
            store.save_dialog(UserId(id), Some(dialog)).await?;
        }
    }
    for n in 0..PAST_MEETINGS {
        let start = now - Duration::hours(2 * (PAST_MEETINGS - n));
        let mut request = booking(booker(n), start, start - Duration::days(3))?;
        request.reminders.clear();
        store.book(request).await?;
    }
    store.complete_ended_meetings(now).await?;
    for n in 0..DUE_MEETINGS {
        let start = now + Duration::hours(2 + 2 * n);
        let mut request = booking(booker(n), start, now - Duration::days(2))?;
        let due_at = now - Duration::minutes(10);
        request.reminders = vec![PlannedReminder {
            offset_minutes: u32::try_from((start - due_at).num_minutes())?,
            due_at,
            recipient: request.meeting.booker,
        }];
        store.book(request).await?;
    }
    for n in 0..LATER_MEETINGS {
        let start = now + Duration::days(10) + Duration::hours(2 * n);
        store
            .book(booking(booker(n), start, now - Duration::days(1))?)
            .await?;
    }
    Ok(())
}

/// Runs the three benches on `store`, under `store/<backend>/`.
fn bench_store(
    c: &mut Criterion,
    runtime: &Runtime,
    backend: &str,
    store: &Arc<dyn Store>,
) -> Result<(), Failure> {
    let started = Instant::now();
    runtime.block_on(seed(store.as_ref()))?;
    println!("{backend}: seeded in {:?}", started.elapsed());
    let now = now()?;
    let mut group = c.benchmark_group(format!("store/{backend}"));

    let mut person = 0;
    group.bench_function("update_first_read", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            for _ in 0..iters {
                let id = UserId(FIRST_PERSON + person % PEOPLE);
                person += 1;
                match runtime.block_on(store.first_read(id, SETTINGS_KEY)) {
                    Ok(first) if first.person.is_some() => {
                        black_box(first);
                    }
                    Ok(_) => stop(&format!("{backend}: person {id:?} not found")),
                    Err(error) => stop(&format!("{backend}: the first read failed: {error}")),
                }
            }
            started.elapsed()
        })
    });

    let mut claims = 0;
    group.bench_function("claim_100", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            for _ in 0..iters {
                claims += 1;
                let at = now + Duration::milliseconds(claims);
                match runtime.block_on(store.claim_due_reminders(
                    at,
                    Duration::milliseconds(1),
                    100,
                )) {
                    Ok(claimed) if claimed.len() == 100 => {
                        black_box(claimed);
                    }
                    Ok(claimed) => stop(&format!(
                        "{backend}: claimed {} reminders, not 100",
                        claimed.len()
                    )),
                    Err(error) => stop(&format!("{backend}: the claim failed: {error}")),
                }
            }
            started.elapsed()
        })
    });

    // Each booking takes the next free time, well after the seeded meetings.
    let mut booked = 0;
    let first_free = now + Duration::days(60);
    group.bench_function("book", |b| {
        b.iter_custom(|iters| {
            let requests: Vec<BookingRequest> = (0..iters)
                .filter_map(|_| {
                    booked += 1;
                    booking(
                        booker(booked),
                        first_free + Duration::hours(2 * booked),
                        now,
                    )
                    .ok()
                })
                .collect();
            if requests.len() as u64 != iters {
                stop(&format!("{backend}: a booking request could not be made"));
            }
            let started = Instant::now();
            for request in requests {
                match runtime.block_on(store.book(request)) {
                    Ok(meeting) => {
                        black_box(meeting);
                    }
                    Err(error) => stop(&format!("{backend}: the booking failed: {error}")),
                }
            }
            started.elapsed()
        })
    });
    group.finish();
    Ok(())
}

/// The scratch Postgres database while it exists, so that [`stop`] can
/// drop it.
static SCRATCH: Mutex<Option<Scratch>> = Mutex::new(None);

/// Ends the run with a reason, dropping the scratch database first: a time
/// measured on failures would lie.
fn stop(why: &str) -> ! {
    eprintln!("the store benches failed: {why}");
    if let Ok(mut scratch) = SCRATCH.lock() {
        drop(scratch.take());
    }
    std::process::exit(1)
}

fn sqlite(c: &mut Criterion, runtime: &Runtime) -> Result<(), Failure> {
    let folder = tempfile::tempdir()?;
    let store: Arc<dyn Store> =
        Arc::new(runtime.block_on(SqliteStore::open(folder.path().join("bench.sqlite3")))?);
    bench_store(c, runtime, "sqlite", &store)
}

/// A Postgres database made for the bench, dropped when this is.
struct Scratch {
    admin_url: String,
    name: String,
}

impl Scratch {
    fn create(admin_url: &str) -> Result<Self, Failure> {
        let name = format!("meetbot_bench_store_{}", std::process::id());
        let mut admin = PgConnection::establish(admin_url)?;
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)?;
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin)?;
        Ok(Self {
            admin_url: admin_url.to_owned(),
            name,
        })
    }

    /// The URL of the scratch database: the server's URL with its name.
    fn url(&self) -> Result<String, Failure> {
        let (scheme, rest) = self
            .admin_url
            .split_once("://")
            .ok_or("TEST_DATABASE_URL is not a postgres:// URL")?;
        let (authority, after) = rest.split_once('/').unwrap_or((rest, ""));
        let query = after
            .split_once('?')
            .map(|(_, q)| format!("?{q}"))
            .unwrap_or_default();
        Ok(format!("{scheme}://{authority}/{}{query}", self.name))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // FORCE ends the connections the store's pool still holds.
        let dropped = PgConnection::establish(&self.admin_url)
            .map_err(|e| e.to_string())
            .and_then(|mut admin| {
                diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
                .execute(&mut admin)
                .map_err(|e| e.to_string())
            });
        if let Err(error) = dropped {
            eprintln!(
                "the scratch database {} was not dropped: {error}",
                self.name
            );
        }
    }
}

fn postgres(c: &mut Criterion, runtime: &Runtime) -> Result<(), Failure> {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        println!("SKIPPED: TEST_DATABASE_URL is not set; the Postgres store benches were not run");
        return Ok(());
    };
    let scratch = Scratch::create(&admin_url)?;
    let url = scratch.url();
    if let Ok(mut slot) = SCRATCH.lock() {
        *slot = Some(scratch);
    }
    let store: Arc<dyn Store> = Arc::new(runtime.block_on(PgStore::connect(&url?))?);
    bench_store(c, runtime, "postgres", &store)?;
    drop(store);
    if let Ok(mut slot) = SCRATCH.lock() {
        drop(slot.take());
    }
    Ok(())
}

fn store(c: &mut Criterion) {
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Failure::from)
        .and_then(|runtime| {
            sqlite(c, &runtime)?;
            postgres(c, &runtime)
        });
    if let Err(error) = outcome {
        stop(&error.to_string());
    }
}

criterion_group!(benches, store);
criterion_main!(benches);
