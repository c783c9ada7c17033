//! `bigcommerce.changes_after`: the gap-free feed, its bad-input errors, retention and
//! the cursor-too-old signal, against a real server with transactions really in flight.

use crate::common;

use std::time::Duration;

use bcsync_mirror::Mirror;
use bcsync_mirror::testing::fresh_database;
use common::{STORE, customer, raw, write};
use sqlx::{Connection, PgConnection, Postgres, Transaction};

/// What a loader gets: (seq, entity_id) of every row, in the order returned.
async fn feed(mirror: &Mirror, after: i64) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT seq, entity_id FROM bigcommerce.changes_after($1, 1000)")
        .bind(after)
        .fetch_all(mirror.pool())
        .await
        .unwrap()
}

/// The feed once it holds at least `n` rows. Tests of other databases on the same
/// server may hold a writing transaction open for a moment, which holds the head back
/// for every database (xids are server-wide): a loader just polls again.
async fn feed_at_least(mirror: &Mirror, after: i64, n: usize) -> Vec<(i64, String)> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let rows = feed(mirror, after).await;
        if rows.len() >= n || std::time::Instant::now() > deadline {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn feed_error(mirror: &Mirror, sql: &'static str) -> sqlx::postgres::PgDatabaseError {
    let e = sqlx::query(sql).fetch_all(mirror.pool()).await.unwrap_err();
    *e.into_database_error()
        .expect("a database error")
        .downcast::<sqlx::postgres::PgDatabaseError>()
}

async fn log_row(tx: &mut Transaction<'_, Postgres>, id: &str) {
    sqlx::query(
        "INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op) \
         VALUES ($1, 'customers', $2, 'insert')",
    )
    .bind(STORE)
    .bind(id)
    .execute(&mut **tx)
    .await
    .unwrap();
}

async fn begin_with_xid(conn: &mut PgConnection) -> Transaction<'_, Postgres> {
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx
}

/// The two orders in which `seq > $last` lost rows: a transaction that took its seq
/// first and commits last, and one that started first and writes last.
#[tokio::test]
async fn a_loader_never_passes_a_change_that_commits_later() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let (mut c1, mut c2) = (
        PgConnection::connect(&db.url).await.unwrap(),
        PgConnection::connect(&db.url).await.unwrap(),
    );

    // Writes first, commits last.
    let mut slow = begin_with_xid(&mut c1).await;
    log_row(&mut slow, "slow").await;
    let mut fast = begin_with_xid(&mut c2).await;
    log_row(&mut fast, "fast").await;
    fast.commit().await.unwrap();
    assert_eq!(
        feed(mirror, 0).await,
        [],
        "nothing passes the transaction in flight"
    );
    slow.commit().await.unwrap();
    let got = feed_at_least(mirror, 0, 2).await;
    let ids: Vec<&str> = got.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(ids, ["slow", "fast"]);
    let cursor = got.last().unwrap().0;

    // Starts first, writes last and commits first: its rows are below the other's.
    let mut early = begin_with_xid(&mut c1).await;
    let mut late = begin_with_xid(&mut c2).await;
    log_row(&mut late, "late").await;
    log_row(&mut early, "early").await;
    early.commit().await.unwrap();
    let got = feed_at_least(mirror, cursor, 1).await;
    assert_eq!(
        got.iter().map(|(_, id)| id.as_str()).collect::<Vec<_>>(),
        ["early"]
    );
    let cursor = got.last().unwrap().0;
    late.commit().await.unwrap();
    let got = feed_at_least(mirror, cursor, 1).await;
    assert_eq!(
        got.iter().map(|(_, id)| id.as_str()).collect::<Vec<_>>(),
        ["late"]
    );
    assert!(got[0].0 > cursor);
}

#[tokio::test]
async fn a_page_arrives_whole_and_max_rows_pages_through_it() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let customers: Vec<_> = (1..=7).map(|id| raw(customer(id, 0))).collect();
    write(mirror, &customers, &[]).await;
    feed_at_least(mirror, 0, 7).await;
    let mut cursor = 0;
    let mut seen = Vec::new();
    loop {
        let page: Vec<(i64, String)> =
            sqlx::query_as("SELECT seq, entity_id FROM bigcommerce.changes_after($1, 3, $2)")
                .bind(cursor)
                .bind(STORE)
                .fetch_all(mirror.pool())
                .await
                .unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 3);
        assert!(page.windows(2).all(|w| w[0].0 < w[1].0), "in seq order");
        cursor = page.last().unwrap().0;
        seen.extend(page.into_iter().map(|(_, id)| id));
    }
    seen.sort_by_key(|id| id.parse::<i64>().unwrap());
    assert_eq!(seen, (1..=7).map(|i| i.to_string()).collect::<Vec<_>>());
}

#[tokio::test]
async fn bad_arguments_get_errors_that_name_them() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    write(mirror, &[raw(customer(1, 0))], &[]).await;
    feed_at_least(mirror, 0, 1).await;
    for (sql, says) in [
        (
            "SELECT * FROM bigcommerce.changes_after(0, -1)",
            "max_rows must be between 1 and 100000, got -1",
        ),
        (
            "SELECT * FROM bigcommerce.changes_after(0, 0)",
            "max_rows must be between 1 and 100000, got 0",
        ),
        (
            "SELECT * FROM bigcommerce.changes_after(0, 2000000000)",
            "max_rows must be between 1 and 100000, got 2000000000",
        ),
        ("SELECT * FROM bigcommerce.changes_after(0, NULL)", "got NULL"),
        (
            "SELECT * FROM bigcommerce.changes_after(-5, 10)",
            "after_seq must be 0 or a seq returned earlier, got -5",
        ),
        (
            "SELECT * FROM bigcommerce.changes_after(0, 10, 'nosuchstore')",
            "unknown store nosuchstore",
        ),
    ] {
        let e = feed_error(mirror, sql).await;
        assert!(e.message().contains(says), "{sql}: {}", e.message());
        assert_eq!(e.code(), "22023", "{sql}");
    }
    let known: Vec<(i64,)> = sqlx::query_as("SELECT seq FROM bigcommerce.changes_after(0, 10, $1)")
        .bind(STORE)
        .fetch_all(mirror.pool())
        .await
        .unwrap();
    assert_eq!(known.len(), 1);
}

#[tokio::test]
async fn retention_prunes_old_rows_in_batches_and_old_cursors_are_refused() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let customers: Vec<_> = (1..=5).map(|id| raw(customer(id, 0))).collect();
    write(mirror, &customers, &[]).await;
    let all = feed_at_least(mirror, 0, 5).await;
    assert_eq!(all.len(), 5);
    // The first four changes are 40 days old, the last one is recent.
    sqlx::query("UPDATE bigcommerce.change_log SET changed_at = now() - interval '40 days' WHERE seq < $1")
        .bind(all[4].0)
        .execute(mirror.pool())
        .await
        .unwrap();
    let month = Duration::from_secs(30 * 86_400);

    assert_eq!(mirror.prune_change_log(month, 3).await.unwrap(), 3);
    assert_eq!(mirror.change_log_horizon().await.unwrap(), all[2].0);
    assert_eq!(
        mirror.prune_change_log(month, 3).await.unwrap(),
        1,
        "stops at the young row"
    );
    assert_eq!(mirror.prune_change_log(month, 3).await.unwrap(), 0);
    assert_eq!(mirror.change_log_horizon().await.unwrap(), all[3].0);
    let left: Vec<i64> = sqlx::query_scalar("SELECT seq FROM bigcommerce.change_log")
        .fetch_all(mirror.pool())
        .await
        .unwrap();
    assert_eq!(left, [all[4].0]);

    // A loader still at the start must reload; one at the horizon goes on.
    let e = feed_error(mirror, "SELECT * FROM bigcommerce.changes_after(0, 100)").await;
    assert_eq!(e.code(), "BC410");
    assert!(
        e.message()
            .contains("older than the change_log retention horizon"),
        "{}",
        e.message()
    );
    assert!(
        e.hint().unwrap().contains("reload from the tables"),
        "{:?}",
        e.hint()
    );
    assert_eq!(feed(mirror, all[3].0).await, [all[4].clone()]);
}

#[tokio::test]
async fn the_head_is_a_safe_start_after_a_copy() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    write(mirror, &[raw(customer(1, 0))], &[]).await;
    // Once the feed has passed a change, every later head is past it too.
    feed_at_least(mirror, 0, 1).await;
    let mut conn = PgConnection::connect(&db.url).await.unwrap();
    let mut copy = conn.begin().await.unwrap();
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut *copy)
        .await
        .unwrap();
    let head: i64 = sqlx::query_scalar("SELECT bigcommerce.changes_head()")
        .fetch_one(&mut *copy)
        .await
        .unwrap();
    let copied: i64 = sqlx::query_scalar("SELECT count(*) FROM bigcommerce_live.customers")
        .fetch_one(&mut *copy)
        .await
        .unwrap();
    write(mirror, &[raw(customer(2, 0))], &[]).await;
    copy.commit().await.unwrap();
    assert_eq!(copied, 1);
    let after: Vec<String> = feed_at_least(mirror, head, 1)
        .await
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    assert_eq!(after, ["2"], "what the copy missed, and only that");
}
