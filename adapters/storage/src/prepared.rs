//! Keeping a statement prepared that diesel would prepare anew each time.
//!
//! diesel keeps a connection's prepared statements for reuse, but not those
//! whose SQL *might* vary without bound: every UPDATE (its SET list), every
//! upsert, an `IN` list of binds and raw SQL. On SQLite, preparing means
//! parsing and planning the statement again, which cost more than running
//! it for the updates, upserts and claims every Telegram update makes.
//! A statement wrapped in [`KeepPrepared`] is kept, keyed by its SQL text,
//! so it is only for statements whose text takes a few fixed forms.
//!
//! diesel asks the statement itself whether it may be kept only where it
//! loads rows; where it executes one (`execute`), it asks a reference to
//! it, which answers for the statement inside. So a change kept prepared
//! returns what it changed (`RETURNING`) and is loaded, and the rows
//! loaded are the rows it changed.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

/// A statement of a few fixed forms, kept prepared on its connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeepPrepared<Q>(pub(crate) Q);

impl<Q, DB> QueryFragment<DB> for KeepPrepared<Q>
where
    Q: QueryFragment<DB>,
    DB: Backend,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

/// No identity by type: the statement cache keys it by its SQL text, so
/// each form gets a statement of its own.
impl<Q> QueryId for KeepPrepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for KeepPrepared<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for KeepPrepared<Q> {}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use diesel::connection::InstrumentationEvent;
    use diesel::prelude::*;
    use diesel::sqlite::SqliteConnection;

    use super::*;

    diesel::table! {
        counters (id) {
            id -> BigInt,
            value -> BigInt,
        }
    }

    /// A connection with two counters, and the SQL of every statement it
    /// keeps prepared from now on.
    fn counters_counting_kept() -> (SqliteConnection, Arc<Mutex<Vec<String>>>) {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        diesel::sql_query("CREATE TABLE counters (id BIGINT PRIMARY KEY, value BIGINT NOT NULL)")
            .execute(&mut conn)
            .unwrap();
        diesel::sql_query("INSERT INTO counters VALUES (1, 0), (2, 0)")
            .execute(&mut conn)
            .unwrap();
        let kept = Arc::new(Mutex::new(Vec::new()));
        let seen = kept.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::CacheQuery { sql, .. } = event {
                seen.lock().unwrap().push(sql.to_owned());
            }
        });
        (conn, kept)
    }

    #[test]
    fn a_kept_update_is_prepared_once_and_runs_with_its_binds_every_time() {
        let (mut conn, kept) = counters_counting_kept();

        for (id, value) in [(1_i64, 10_i64), (2, 20), (1, 11)] {
            let changed = KeepPrepared(
                diesel::update(counters::table.find(id))
                    .set(counters::value.eq(value))
                    .returning(counters::id),
            )
            .load::<i64>(&mut conn)
            .unwrap();
            assert_eq!(changed, vec![id]);
        }

        assert_eq!(kept.lock().unwrap().len(), 1, "{kept:?}");
        let values: Vec<(i64, i64)> = counters::table.order(counters::id).load(&mut conn).unwrap();
        assert_eq!(values, vec![(1, 11), (2, 20)]);
    }

    #[test]
    fn an_update_executed_is_prepared_anew_each_time_even_when_wrapped() {
        let (mut conn, kept) = counters_counting_kept();

        for value in [1_i64, 2] {
            diesel::update(counters::table.find(1))
                .set(counters::value.eq(value))
                .execute(&mut conn)
                .unwrap();
            KeepPrepared(diesel::update(counters::table.find(2)).set(counters::value.eq(value)))
                .execute(&mut conn)
                .unwrap();
        }

        assert!(kept.lock().unwrap().is_empty(), "{kept:?}");
    }

    #[test]
    fn each_length_of_an_in_list_is_kept_apart() {
        let (mut conn, kept) = counters_counting_kept();
        let load = |conn: &mut SqliteConnection, ids: &[i64]| -> Vec<i64> {
            KeepPrepared(
                counters::table
                    .filter(counters::id.eq_any(ids))
                    .select(counters::id)
                    .order(counters::id),
            )
            .load(conn)
            .unwrap()
        };

        assert_eq!(load(&mut conn, &[1]), vec![1]);
        assert_eq!(load(&mut conn, &[1, 2]), vec![1, 2]);
        assert_eq!(load(&mut conn, &[2]), vec![2]);

        assert_eq!(kept.lock().unwrap().len(), 2, "{kept:?}");
    }
}
