//! The storage adapters: the whole Store contract on SQLite and on Postgres,
//! migrations up and down and up again, URLs, and stored rows that no longer
//! fit the domain.
//!
//! Postgres cases need `TEST_DATABASE_URL` (a server where databases may be
//! created, e.g. `postgres://postgres@127.0.0.1:5432/test`); without it they
//! print `SKIPPED: ...` and pass.
#![expect(clippy::unwrap_used, reason = "a failed assertion is the report")]

use std::sync::Arc;

use diesel::sql_types::Text;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use meetbot_domain::{Role, UserId};
use meetbot_ports::contract::store::manager;
use meetbot_ports::{Store, StoreError, UserQuery};
use meetbot_storage::{PgStore, SqliteStore, StorageError};
use meetbot_testkit::storage::{TempPgDatabase, TempSqlite};

mod sqlite {
    meetbot_ports::store_contract_tests!(meetbot_testkit::storage::fresh_sqlite_store());
}

mod postgres {
    meetbot_ports::store_contract_tests!(meetbot_testkit::storage::fresh_pg_store());
}

const INIT: &str = "2026-11-24-000000_init";
const DONE_ONCE_FEEDBACK_RSVP: &str = "2026-12-10-000000_done_once_feedback_rsvp";
const HEARTBEAT: &str = "2026-12-20-000000_heartbeat";
const INBOX_OUTBOX: &str = "2026-12-21-000000_inbox_outbox";
const AUDIT_LOG_FILTERS: &str = "2026-12-30-000000_audit_log_filters";
const STATISTICS_INDEXES: &str = "2026-12-31-000000_statistics_indexes";
const CALENDAR_INSTALL_ID: &str = "2027-01-10-000000_calendar_install_id";
const MEETING_VIDEO_LINK: &str = "2027-01-11-000000_meeting_video_link";
const USER_UNREACHABLE: &str = "2027-01-12-000000_user_unreachable";
const REMINDER_FINISHED_AT: &str = "2027-01-13-000000_reminder_finished_at";
const OUTBOX_INDEXES_BY_STATE: &str = "2027-01-14-000000_outbox_indexes_by_state";
/// Every migration, in the order they apply.
const ALL: [&str; 11] = [
    INIT,
    DONE_ONCE_FEEDBACK_RSVP,
    HEARTBEAT,
    INBOX_OUTBOX,
    AUDIT_LOG_FILTERS,
    STATISTICS_INDEXES,
    CALENDAR_INSTALL_ID,
    MEETING_VIDEO_LINK,
    USER_UNREACHABLE,
    REMINDER_FINISHED_AT,
    OUTBOX_INDEXES_BY_STATE,
];

/// One line of a schema description.
#[derive(QueryableByName, Debug, PartialEq, Eq)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

/// Every table, index and trigger with its SQL, except diesel's bookkeeping
/// and `sqlite_sequence` (SQLite keeps it once made, whatever down.sql does).
fn sqlite_schema(file: &TempSqlite) -> Vec<String> {
    let mut conn = SqliteConnection::establish(&file.path().to_string_lossy()).unwrap();
    diesel::sql_query(
        "SELECT type || ' ' || name || ': ' || coalesce(sql, '') AS line FROM sqlite_master \
         WHERE name NOT LIKE '%diesel_schema_migrations%' AND name <> 'sqlite_sequence' ORDER BY name",
    )
    .load::<Line>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|l| l.line)
    .collect()
}

/// Columns, indexes and constraints of the public schema, except diesel's
/// bookkeeping; read on the blocking pool.
async fn pg_schema(url: &str) -> Vec<String> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || pg_schema_now(&url))
        .await
        .unwrap()
}

/// [`pg_schema`] on the calling thread.
fn pg_schema_now(url: &str) -> Vec<String> {
    let mut conn = PgConnection::establish(url).unwrap();
    let queries = [
        "SELECT concat_ws(' ', 'column', table_name, column_name, data_type, is_nullable, column_default, \
                is_identity, identity_generation) AS line \
         FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
         ORDER BY table_name, ordinal_position",
        "SELECT concat_ws(' ', 'index', tablename, indexname, indexdef) AS line FROM pg_indexes \
         WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations' ORDER BY indexname",
        "SELECT concat_ws(' ', 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid)) AS line \
         FROM pg_constraint \
         WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '__diesel_schema_migrations' \
         ORDER BY conrelid::regclass::text, conname",
    ];
    queries
        .into_iter()
        .flat_map(|q| diesel::sql_query(q).load::<Line>(&mut conn).unwrap())
        .map(|l| l.line)
        .collect()
}

#[tokio::test]
async fn sqlite_migrations_go_up_down_and_up_to_the_same_schema() {
    let file = TempSqlite::new();

    assert_eq!(meetbot_storage::migrate(&file.url).await.unwrap(), ALL);
    let first = sqlite_schema(&file);
    assert!(
        first.iter().any(|l| l.starts_with("table meetings:")),
        "{first:#?}"
    );
    assert!(
        meetbot_storage::migrate(&file.url)
            .await
            .unwrap()
            .is_empty(),
        "a second migration run applies nothing"
    );

    meetbot_storage::revert_all(&file.url).await.unwrap();
    assert_eq!(
        sqlite_schema(&file),
        Vec::<String>::new(),
        "down.sql leaves tables behind"
    );

    assert_eq!(meetbot_storage::migrate(&file.url).await.unwrap(), ALL);
    assert_eq!(sqlite_schema(&file), first);
}

#[tokio::test]
async fn postgres_migrations_go_up_down_and_up_to_the_same_schema() {
    let Some(db) = TempPgDatabase::create("migration round trip").await else {
        return;
    };

    assert_eq!(meetbot_storage::migrate(&db.url).await.unwrap(), ALL);
    let first = pg_schema(&db.url).await;
    assert!(
        first
            .iter()
            .any(|l| l.contains("meetings_scheduled_do_not_overlap")),
        "{first:#?}"
    );
    assert!(
        meetbot_storage::migrate(&db.url).await.unwrap().is_empty(),
        "a second migration run applies nothing"
    );

    meetbot_storage::revert_all(&db.url).await.unwrap();
    assert_eq!(
        pg_schema(&db.url).await,
        Vec::<String>::new(),
        "down.sql leaves tables behind"
    );

    assert_eq!(meetbot_storage::migrate(&db.url).await.unwrap(), ALL);
    assert_eq!(pg_schema(&db.url).await, first);
}

/// A user whose stored role was changed by hand to something unknown.
async fn a_bad_role_reads_as_unexpected(
    store: &dyn Store,
    corrupt: impl FnOnce() + Send + 'static,
) {
    store.insert_user(&manager(7, 0)).await.unwrap();
    store.insert_user(&manager(8, 1)).await.unwrap();
    tokio::task::spawn_blocking(corrupt).await.unwrap();

    let read = store.user(UserId(7)).await;
    assert!(
        matches!(&read, Err(StoreError::Unexpected(why)) if why.contains("ADMIN")),
        "got {read:?}"
    );
    assert!(matches!(
        store.users(UserQuery::default()).await,
        Err(StoreError::Unexpected(_))
    ));
    assert_eq!(
        store.user(UserId(8)).await.unwrap().map(|u| u.role),
        Some(Role::Manager)
    );
}

#[tokio::test]
async fn a_sqlite_row_with_an_unknown_role_is_an_unexpected_error_not_a_panic() {
    let file = TempSqlite::new();
    let store = SqliteStore::open(file.path()).await.unwrap();
    let path = file.path();
    a_bad_role_reads_as_unexpected(&store, move || {
        let mut conn = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
        diesel::sql_query("UPDATE users SET role = 'ADMIN' WHERE id = 7")
            .execute(&mut conn)
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_postgres_row_with_an_unknown_role_is_an_unexpected_error_not_a_panic() {
    let Some(db) = TempPgDatabase::create("invalid row test").await else {
        return;
    };
    let store = PgStore::connect(&db.url).await.unwrap();
    let url = db.url.clone();
    a_bad_role_reads_as_unexpected(&store, move || {
        let mut conn = PgConnection::establish(&url).unwrap();
        diesel::sql_query("UPDATE users SET role = 'ADMIN' WHERE id = 7")
            .execute(&mut conn)
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_sqlite_url_opens_its_file_creating_missing_directories() {
    let file = TempSqlite::new();
    let nested = file.dir.path().join("a/b/meetbot.sqlite3");
    let url = format!("sqlite://{}", nested.display());
    let store = meetbot_storage::connect(&url).await.unwrap();
    store.set_value("k", "v").await.unwrap();
    assert!(nested.exists());
    meetbot_storage::ping(&url).await.unwrap();
}

#[tokio::test]
async fn a_store_answers_its_health_check() {
    let file = TempSqlite::new();
    let missing = meetbot_storage::ping(&file.url).await;
    assert!(
        matches!(&missing, Err(StorageError::Connect(why)) if why.contains("does not exist")),
        "{missing:?}"
    );
    assert!(!file.path().exists(), "a ping creates nothing");
    SqliteStore::open(file.path())
        .await
        .unwrap()
        .ping()
        .await
        .unwrap();
    meetbot_storage::ping(&file.url).await.unwrap();

    if let Some(db) = TempPgDatabase::create("health check").await {
        meetbot_storage::ping(&db.url).await.unwrap();
        PgStore::connect(&db.url)
            .await
            .unwrap()
            .ping()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn unknown_or_in_memory_database_urls_are_refused_clearly() {
    let err = meetbot_storage::connect("mysql://root:secret@localhost/db")
        .await
        .err()
        .unwrap();
    assert_eq!(err, StorageError::UnknownScheme("mysql".into()));
    assert!(
        err.to_string().contains("sqlite:// or postgres://"),
        "{err}"
    );
    assert!(!err.to_string().contains("secret"));

    let err = meetbot_storage::connect("sqlite::memory:")
        .await
        .err()
        .unwrap();
    assert!(
        matches!(err, StorageError::Connect(ref why) if why.contains("in-memory")),
        "{err}"
    );
}

#[tokio::test]
async fn an_unreachable_postgres_server_is_a_connect_error() {
    // Port 1 is never a Postgres server.
    let err = meetbot_storage::connect("postgres://nobody@127.0.0.1:1/none")
        .await
        .err()
        .unwrap();
    assert!(matches!(err, StorageError::Connect(_)), "{err}");
}

/// A unit of work reads its person once: `first_read` keeps them, and the
/// reads of them that follow, across its other writes (their dialog), are
/// answered from it instead of going to the database again, until the unit
/// writes a person; then they are read afresh, everyone else's changes
/// included.
async fn a_unit_of_work_reads_its_person_once_until_it_writes_a_person(store: Arc<dyn Store>) {
    let anna = manager(7, 0);
    store.insert_user(&anna).await.unwrap();
    let unit = store.begin().await.unwrap();

    let first = unit.first_read(anna.id, "nothing").await.unwrap();
    assert_eq!(first.person.map(|p| p.role), Some(Role::Manager));
    // Changed by someone else after the unit read it.
    store
        .change_role(anna.id, Role::Manager, Role::Pending)
        .await
        .unwrap();

    let kept = unit.user(anna.id).await.unwrap().unwrap();
    assert_eq!(kept.role, Role::Manager, "read again instead of kept");
    assert_eq!(
        unit.user(UserId(8)).await.unwrap(),
        None,
        "another person is read"
    );

    unit.save_dialog(anna.id, Some("{}".to_owned()))
        .await
        .unwrap();
    let after_her_dialog = unit.user(anna.id).await.unwrap().unwrap();
    assert_eq!(
        after_her_dialog.role,
        Role::Manager,
        "a write that is not a person's dropped her"
    );

    unit.insert_user(&manager(8, 1)).await.unwrap();
    let after_a_person = unit.user(anna.id).await.unwrap().unwrap();
    assert_eq!(after_a_person.role, Role::Pending);
    unit.commit().await.unwrap();
}

#[tokio::test]
async fn a_sqlite_unit_of_work_reads_its_person_once_until_it_writes_a_person() {
    let store = meetbot_testkit::storage::fresh_sqlite_store()
        .await
        .unwrap();
    a_unit_of_work_reads_its_person_once_until_it_writes_a_person(store).await;
}

#[tokio::test]
async fn a_postgres_unit_of_work_reads_its_person_once_until_it_writes_a_person() {
    let Some(store) = meetbot_testkit::storage::fresh_pg_store().await else {
        return;
    };
    a_unit_of_work_reads_its_person_once_until_it_writes_a_person(store).await;
}

fn owner_ids(owners: &[meetbot_domain::User]) -> Vec<i64> {
    owners.iter().map(|owner| owner.id.0).collect()
}

/// The owners a unit of work read are kept for its later reads of them,
/// across its other writes (a booking, its dialog), until it writes a
/// person; then they are read afresh, everyone else's changes included.
async fn a_unit_of_work_reads_the_owners_once_until_it_writes_a_person(store: Arc<dyn Store>) {
    let owners = || UserQuery {
        role: Some(Role::Owner),
    };
    let mut olga = manager(1, 0);
    olga.role = Role::Owner;
    store.insert_user(&olga).await.unwrap();
    store.insert_user(&manager(2, 1)).await.unwrap();
    store.insert_user(&manager(3, 2)).await.unwrap();
    let unit = store.begin().await.unwrap();

    assert_eq!(owner_ids(&unit.users(owners()).await.unwrap()), [1]);
    // Someone else makes a second owner after the unit read them.
    store
        .change_role(UserId(2), Role::Manager, Role::Owner)
        .await
        .unwrap();
    assert_eq!(
        owner_ids(&unit.users(owners()).await.unwrap()),
        [1],
        "read again instead of kept"
    );
    unit.save_dialog(UserId(3), Some("{}".to_owned()))
        .await
        .unwrap();
    assert_eq!(
        owner_ids(&unit.users(owners()).await.unwrap()),
        [1],
        "a write that is not a person's dropped them"
    );
    assert_eq!(
        unit.users(UserQuery::default()).await.unwrap().len(),
        3,
        "everyone is read, not the owners kept"
    );

    unit.change_role(UserId(3), Role::Manager, Role::Owner)
        .await
        .unwrap();
    assert_eq!(owner_ids(&unit.users(owners()).await.unwrap()), [1, 2, 3]);
    unit.commit().await.unwrap();
}

#[tokio::test]
async fn a_sqlite_unit_of_work_reads_the_owners_once_until_it_writes_a_person() {
    let store = meetbot_testkit::storage::fresh_sqlite_store()
        .await
        .unwrap();
    a_unit_of_work_reads_the_owners_once_until_it_writes_a_person(store).await;
}

#[tokio::test]
async fn a_postgres_unit_of_work_reads_the_owners_once_until_it_writes_a_person() {
    let Some(store) = meetbot_testkit::storage::fresh_pg_store().await else {
        return;
    };
    a_unit_of_work_reads_the_owners_once_until_it_writes_a_person(store).await;
}
