//! How long `/stats` takes over a large organisation: 1,000 people and
//! 100,000 meetings (four years of them, in every state, a third of the
//! held ones rated), on SQLite and, when `TEST_DATABASE_URL` names a
//! server, on Postgres. What is timed is the whole use case the owner's
//! `/stats` runs (the aggregates for the period and the one before, the
//! people, every booker's summary, the settings) for all time and for the
//! last 30 days.
#![expect(
    clippy::unwrap_used,
    reason = "a failed set-up is reported by panicking"
)]

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};
use meetbot_domain::{DisplayName, Interval, Language, Role, Status, User, UserId, Zone};
use meetbot_memory::ManualClock;
use meetbot_ports::{StatisticsQuery, Store, UserQuery};
use meetbot_testkit::services;
use meetbot_testkit::storage::{TempPgDatabase, TempSqlite};
use meetbot_usecases::Services;
use meetbot_usecases::statistics::{StatsSpan, stats};

const PEOPLE: i64 = 1_000;
const MEETINGS: i64 = 100_000;
const OWNER: UserId = UserId(1);

/// Meetings every 20 minutes from 2027 on, round the clock: one in ten is
/// still SCHEDULED (and those never overlap), the rest held, cancelled,
/// moved or missed; booked a day ahead, spread over 999 managers.
fn seed_meetings_sql() -> String {
    let base = Utc
        .with_ymd_and_hms(2027, 1, 1, 6, 0, 0)
        .unwrap()
        .timestamp_micros();
    format!(
        "INSERT INTO meetings (booker_id, starts_at, ends_at, meeting_type, topic, status, \
         rescheduled_from, rescheduled_to, cancelled_by, created_at, updated_at) \
         WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {MEETINGS}) \
         SELECT 2 + i % 999, {base} + i * 1200000000, {base} + i * 1200000000 + \
         CASE WHEN i % 2 = 0 THEN 1800000000 ELSE 3600000000 END, \
         CASE WHEN i % 2 = 0 THEN 'm30' ELSE 'm60' END, NULL, \
         CASE i % 10 WHEN 6 THEN 'CANCELLED' WHEN 7 THEN 'RESCHEDULED' WHEN 8 THEN 'NO_SHOW' \
         WHEN 9 THEN 'SCHEDULED' ELSE 'COMPLETED' END, NULL, NULL, \
         CASE WHEN i % 20 = 6 THEN 2 + i % 999 WHEN i % 10 = 6 THEN 1 END, \
         {base} + i * 1200000000 - 86400000000, {base} + i * 1200000000 FROM n"
    )
}

const SEED_FEEDBACK: &str = "INSERT INTO feedback (meeting_id, author_id, rating, comment, given_at) \
     SELECT id, booker_id, CAST(1 + id % 5 AS INTEGER), \
     CASE WHEN id % 7 = 0 THEN 'Слишком долго' END, ends_at \
     FROM meetings WHERE status = 'COMPLETED' AND id % 3 = 0";

fn person(id: i64) -> User {
    User {
        id: UserId(id),
        name: DisplayName::new(&format!("Менеджер {id}")).unwrap(),
        username: None,
        role: if id == OWNER.0 {
            Role::Owner
        } else {
            Role::Manager
        },
        status: [Status::Active, Status::Vacation, Status::Sick][(id % 3) as usize],
        department: None,
        email: None,
        language: Language::Ru,
        zone: Zone::moscow(),
        subscribed: true,
        registered_at: Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap(),
        unreachable_since: None,
    }
}

async fn seed(store: &Arc<dyn Store>, run_sql: impl FnOnce(&[&str])) {
    for id in 1..=PEOPLE {
        store.insert_user(&person(id)).await.unwrap();
    }
    run_sql(&[&seed_meetings_sql(), SEED_FEEDBACK]);
}

fn services_over(store: Arc<dyn Store>) -> Services {
    let now = Utc.with_ymd_and_hms(2029, 6, 1, 9, 0, 0).unwrap();
    services()
        .store(store)
        .clock(Arc::new(ManualClock::new(now)))
        .owner_ids(vec![OWNER])
        .build()
}

fn bench_backend(c: &mut Criterion, runtime: &tokio::runtime::Runtime, name: &str, s: &Services) {
    let mut group = c.benchmark_group(format!("stats_{name}"));
    group.sample_size(10);
    group.measurement_time(StdDuration::from_secs(10));
    for (label, span) in [("all_time", StatsSpan::All), ("30_days", StatsSpan::Month)] {
        group.bench_function(label, |b| {
            b.iter(|| runtime.block_on(stats(s, OWNER, span)).unwrap());
        });
    }
    // Its parts, to see where the time goes.
    let now = Utc.with_ymd_and_hms(2029, 6, 1, 9, 0, 0).unwrap();
    let all = Interval::new(
        Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap(),
    )
    .unwrap();
    let query = StatisticsQuery {
        period: all,
        zone: Zone::moscow(),
    };
    group.bench_function("part_meeting_figures_all_time", |b| {
        b.iter(|| runtime.block_on(s.store.meeting_figures(&query)).unwrap());
    });
    group.bench_function("part_booker_summaries", |b| {
        b.iter(|| {
            runtime
                .block_on(s.store.booker_summaries(None, now))
                .unwrap()
        });
    });
    group.bench_function("part_people_and_users", |b| {
        b.iter(|| {
            runtime.block_on(async {
                s.store.people_figures(all).await.unwrap();
                s.store.users(UserQuery::default()).await.unwrap();
            })
        });
    });
    group.finish();
}

fn statistics(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();

    let file = TempSqlite::new();
    let sqlite: Arc<dyn Store> = Arc::new(
        runtime
            .block_on(meetbot_storage::SqliteStore::open(file.path()))
            .unwrap(),
    );
    runtime.block_on(seed(&sqlite, |statements| {
        let mut conn = SqliteConnection::establish(&file.path().display().to_string()).unwrap();
        for sql in statements {
            diesel::sql_query(*sql).execute(&mut conn).unwrap();
        }
        diesel::sql_query("ANALYZE").execute(&mut conn).unwrap();
    }));
    bench_backend(c, &runtime, "sqlite", &services_over(sqlite));

    let Some(db) = runtime.block_on(TempPgDatabase::create("benchmark")) else {
        return;
    };
    let postgres: Arc<dyn Store> = Arc::new(
        runtime
            .block_on(meetbot_storage::PgStore::connect(&db.url))
            .unwrap(),
    );
    runtime.block_on(seed(&postgres, |statements| {
        let mut conn = PgConnection::establish(&db.url).unwrap();
        for sql in statements {
            diesel::sql_query(*sql).execute(&mut conn).unwrap();
        }
        diesel::sql_query("ANALYZE").execute(&mut conn).unwrap();
    }));
    bench_backend(c, &runtime, "postgres", &services_over(postgres));
}

criterion_group!(benches, statistics);
criterion_main!(benches);
