//! SQLite backups and restores: a copy taken while the store writes is
//! consistent, a restored copy passes the whole Store contract, and a
//! restore refuses a damaged file or a database in use.
#![expect(clippy::unwrap_used, reason = "a failed assertion is the report")]

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use chrono::Duration;
use diesel::sql_types::BigInt;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use meetbot_domain::{Interval, PlannedReminder, UserId};
use meetbot_ports::Store;
use meetbot_ports::contract::store::{manager, now, request};
use meetbot_storage::SqliteStore;
use meetbot_storage::backup::{self, BackupError, DatabaseLock};
use meetbot_testkit::storage::{TempSqlite, Wrapped};

/// A store on a database restored from a backup that was taken while
/// another store wrote to the original: what the contract suite runs on.
async fn restored_sqlite_store() -> Option<Arc<dyn Store>> {
    let original = TempSqlite::new();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(original.path()).await.unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, stop) = (store.clone(), stop.clone());
        // Keys the contract never reads, so its cases see an empty store.
        tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                store.set_value(&format!("load.{n}"), "x").await.unwrap();
                n += 1;
            }
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let copy = original.dir.path().join("copy.sqlite3");
    let (from, to) = (original.path(), copy.clone());
    tokio::task::spawn_blocking(move || backup::backup_sqlite(&from, &to))
        .await
        .unwrap()
        .unwrap();
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    drop(store);

    let target = TempSqlite::new();
    let (from, to) = (copy, target.path());
    let replaced = tokio::task::spawn_blocking(move || backup::restore_sqlite(&from, &to, "t"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(replaced, None, "there was no database to replace");
    let restored = SqliteStore::open(target.path()).await.unwrap();
    Some(Arc::new(Wrapped::keeping(restored, (original, target))))
}

mod backup_restored {
    meetbot_ports::store_contract_tests!(super::restored_sqlite_store());
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Users, meetings, reminders and calendar jobs in the SQLite file at `path`.
fn counts(path: &Path) -> [i64; 4] {
    let mut conn = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
    ["users", "meetings", "reminders", "calendar_jobs"].map(|table| {
        diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
            .get_result::<Count>(&mut conn)
            .unwrap()
            .n
    })
}

/// Books meeting `i` (a new manager, one hour, two reminders, one calendar
/// write) in one transaction, after registering its booker in another.
async fn book_one(store: &Arc<dyn Store>, i: i64) {
    store.insert_user(&manager(i, i)).await.unwrap();
    let interval =
        Interval::starting_at(now() + Duration::hours(2 * i + 24), Duration::hours(1)).unwrap();
    let mut req = request(i, interval);
    req.reminders = [60u32, 120]
        .into_iter()
        .map(|offset| PlannedReminder {
            offset_minutes: offset,
            due_at: interval.start() - Duration::minutes(i64::from(offset)),
            recipient: UserId(i),
        })
        .collect();
    store.book(req).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backup_taken_while_the_store_books_continuously_is_consistent_and_restores() {
    let original = TempSqlite::new();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(original.path()).await.unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let booked = Arc::new(AtomicU64::new(0));
    let writer = {
        let (store, stop, booked) = (store.clone(), stop.clone(), booked.clone());
        tokio::spawn(async move {
            let mut i = 1;
            while !stop.load(Ordering::Relaxed) {
                book_one(&store, i).await;
                booked.store(i.unsigned_abs(), Ordering::Relaxed);
                i += 1;
            }
        })
    };

    let mut seen = Vec::new();
    for round in 0..5 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let copy = original.dir.path().join(format!("copy-{round}.sqlite3"));
        let (from, to) = (original.path(), copy.clone());
        tokio::task::spawn_blocking(move || backup::backup_sqlite(&from, &to))
            .await
            .unwrap()
            .unwrap();
        let [users, meetings, reminders, jobs] = counts(&copy);
        // A booking is one transaction: a copy holds all of it or none.
        assert_eq!(reminders, 2 * meetings, "copy {round}");
        assert_eq!(jobs, meetings, "copy {round}");
        assert!(users == meetings || users == meetings + 1, "copy {round}");
        seen.push((meetings, copy));
    }
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();

    let (last_meetings, last_copy) = seen.last().unwrap().clone();
    assert!(
        seen.first().unwrap().0 < last_meetings,
        "the store kept writing between the copies: {:?}",
        seen.iter().map(|s| s.0).collect::<Vec<_>>()
    );
    assert!(
        booked.load(Ordering::Relaxed) > last_meetings.unsigned_abs(),
        "the store went on writing after the last copy"
    );

    // Restored over an existing database, which is kept aside.
    let target = TempSqlite::new();
    SqliteStore::open(target.path()).await.unwrap();
    let (from, to) = (last_copy, target.path());
    let replaced = tokio::task::spawn_blocking(move || backup::restore_sqlite(&from, &to, "t"))
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(replaced.exists());
    let restored = SqliteStore::open(target.path()).await.unwrap();
    assert_eq!(counts(&target.path())[1], last_meetings);
    let last = restored.user(UserId(last_meetings)).await.unwrap();
    assert_eq!(last.map(|u| u.id), Some(UserId(last_meetings)));
}

#[tokio::test]
async fn backup_restore_refuses_a_damaged_file_and_leaves_the_database_alone() {
    let target = TempSqlite::new();
    SqliteStore::open(target.path()).await.unwrap();
    let before = std::fs::read(target.path()).unwrap();
    let junk = target.dir.path().join("junk.sqlite3");
    std::fs::write(&junk, vec![7u8; 16 * 1024]).unwrap();
    // A real backup with a page in the middle overwritten.
    let damaged = target.dir.path().join("damaged.sqlite3");
    backup::backup_sqlite(&target.path(), &damaged).unwrap();
    let mut bytes = std::fs::read(&damaged).unwrap();
    let page = 4096;
    assert!(bytes.len() > 3 * page, "the copy has a few pages");
    bytes[page..2 * page].fill(0xA5);
    std::fs::write(&damaged, bytes).unwrap();

    for bad in [&junk, &damaged] {
        let err = backup::restore_sqlite(bad, &target.path(), "t").unwrap_err();

        assert!(
            matches!(
                err,
                BackupError::NotADatabase { .. } | BackupError::Corrupt { .. }
            ),
            "{err}"
        );
        assert!(!err.to_string().contains('\n'), "{err}");
    }
    assert_eq!(std::fs::read(target.path()).unwrap(), before);
}

#[tokio::test]
async fn backup_restore_refuses_while_a_bot_holds_the_database() {
    let target = TempSqlite::new();
    let store = SqliteStore::open(target.path()).await.unwrap();
    let copy = target.dir.path().join("copy.sqlite3");
    backup::backup_sqlite(&target.path(), &copy).unwrap();
    let running = DatabaseLock::shared(&target.path()).unwrap();

    let err = backup::restore_sqlite(&copy, &target.path(), "t").unwrap_err();

    assert!(matches!(err, BackupError::InUse(_)), "{err}");
    drop((running, store));
    assert!(backup::restore_sqlite(&copy, &target.path(), "t").is_ok());
}

#[tokio::test]
async fn backup_of_another_sqlite_database_is_not_restored() {
    let target = TempSqlite::new();
    let other = target.dir.path().join("other.sqlite3");
    let mut conn = SqliteConnection::establish(&other.to_string_lossy()).unwrap();
    diesel::sql_query("CREATE TABLE notes (body TEXT)")
        .execute(&mut conn)
        .unwrap();
    drop(conn);

    let err = backup::restore_sqlite(&other, &target.path(), "t").unwrap_err();

    assert!(matches!(err, BackupError::NotMeetbot(_)), "{err}");
    assert!(!target.path().exists());
}

#[tokio::test]
async fn backup_made_by_a_newer_meetbot_is_not_restored() {
    let target = TempSqlite::new();
    let newer = target.dir.path().join("newer.sqlite3");
    SqliteStore::open(&newer).await.unwrap();
    let mut conn = SqliteConnection::establish(&newer.to_string_lossy()).unwrap();
    diesel::sql_query("INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000')")
        .execute(&mut conn)
        .unwrap();
    drop(conn);

    let err = backup::restore_sqlite(&newer, &target.path(), "t").unwrap_err();

    assert_eq!(
        err,
        BackupError::Newer {
            path: newer.display().to_string(),
            migration: "29991231000000".to_owned()
        }
    );
}
