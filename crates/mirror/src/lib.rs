//! The PostgreSQL mirror of a BigCommerce store's Customers V3 data.
//!
//! The mirror writes customers and addresses as the shared model types
//! ([`bigcommerce_models`]) and the other resources as the raw JSON records the client
//! validated, into schema `bigcommerce`, and knows nothing of HTTP. Everything goes through [`Mirror`], a cheap
//! clone around a connection pool.
//!
//! Layout:
//! - [`connect`](Mirror::connect) / [`migrate`](Mirror::migrate) (here and in `connect.rs`):
//!   the pool, with a URL that is redacted in every error, and the embedded migrations
//!   of the workspace's top-level `migrations/` folder (see its README before changing
//!   the schema).
//! - `page.rs`: [`Mirror::write_customer_page`], one transaction per page: the bulk
//!   upserts of `customers.rs` and `addresses.rs`, the soft delete of addresses missing
//!   from complete sets, and the checkpoint of `sync_state.rs`.
//! - `records.rs`: [`Mirror::write_records`], the generic writer of the other resources
//!   ([`Resource`]): a page of raw JSON records, the soft deletes its [`Scope`] implies
//!   and its checkpoint, one transaction. `resources.rs` holds each resource's column
//!   spec (table, columns extracted from the JSON, key, applicable scopes) and
//!   `record_sql.rs` the statements generated from it. Also the reads the sweeps need
//!   ([`Mirror::customer_ids_after`], [`Mirror::channel_ids`], [`Mirror::count_live_records`]).
//! - `sync_state.rs`: watermarks and positions ([`Mirror::watermark`],
//!   [`Mirror::clear_watermark`], [`Mirror::sync_state`]).
//! - `sweep.rs`: resumable sweeps of listings without a date filter
//!   ([`Mirror::write_address_sweep_page`], [`Mirror::sweep_position`]).
//! - `runs.rs`: the `sync_runs` journal ([`Mirror::start_run`], [`Mirror::finish_run`],
//!   [`Mirror::record_run`]).
//! - `deletes.rs`: resync deletions ([`Mirror::mark_customers_deleted_except`]) and
//!   live-row counts; `cascade.rs` the statement that soft-deletes customers with
//!   everything they own.
//! - `counted.rs`: counts and ids of live rows by `date_created` range, for finding
//!   deletions ([`Counted`], [`Mirror::count_live_created`], [`Mirror::mark_deleted`]).
//! - `erase.rs`: erasure of personal data ([`Mirror::erase_deleted`] after
//!   `erase_deleted_after`, [`Mirror::erase_customer`] at once), logged as `erase`.
//! - `hashing.rs`: [`Hashing`], configured text columns stored as HMAC-SHA-256 hex,
//!   applied by the page writers before the upsert ([`Mirror::with_hashing`]).
//! - `history.rs`: which tables of a store keep every version ([`Mirror::set_history`]);
//!   the versions are written by statement triggers (migrations
//!   `20261202140100_history_mode.sql`, `20261202170000_history_statement_triggers.sql`).
//! - `overview.rs`: read-only summaries for the status page and the quarantine gauge
//!   ([`Mirror::store_overview`], [`Mirror::quarantine_count`]).
//! - `leases.rs`: which daemon replica syncs which store ([`Mirror::claim_lease`],
//!   [`Mirror::claim_free_leases`], [`Mirror::renew_leases`], [`Mirror::release_lease`],
//!   [`Mirror::lease`]), each claim under a new epoch; `replicas.rs`: the live replicas
//!   and each one's [`fair_share`]; `fence.rs`: [`Mirror::fenced`], a store whose every
//!   write transaction first checks that the pass's lease and epoch still hold.
//! - `webhook_events.rs`: webhook events between replicas
//!   ([`Mirror::publish_webhook_event`], [`Mirror::take_webhook_events`]).
//! - `address_checks.rs`: candidates for address deletes and the soft delete of
//!   those proven gone ([`Mirror::live_addresses_of`], [`Mirror::mark_addresses_deleted`]).
//! - `retention.rs`: pruning `change_log` by age ([`Mirror::prune_change_log`]) and the
//!   horizon a loader's cursor must not be below ([`Mirror::change_log_horizon`]); the
//!   feed itself (`bigcommerce.changes_after`) is a SQL function (migration
//!   `20261202100000_change_feed.sql`).
//! - `status.rs`: what `bcsync status` reports, per store and resource ([`Mirror::status`]).
//! - `conflict.rs`: [`MirrorError::is_lost_race`], a page rolled back by a concurrent one.
//! - `dedup.rs`: one record per id within a page.
//! - `plan_stats.rs`: [`Mirror::analyze_new_tables`], statistics for tables a first sync
//!   is filling (without them every page's lookups by customer scan the whole table).
//! - `tally.rs`: [`Tally`], the one count of what a page, a step or a pass did
//!   (requests, pages, rows read, inserted, updated, deleted, quarantined), summed with
//!   `+=`; [`Tallies`], a customer page's customers and addresses apart.
//! - `testing.rs` (cargo feature `testing`): fresh migrated databases for any crate's tests.
//!
//! Rules every write follows: rows are compared by their `raw` JSON, so re-reading the
//! same data changes nothing (not even `synced_at`); deletes are soft (`deleted_at`) and
//! a row that reappears is undeleted; one statement per table per page, never per row.
//! Every row a write really changes (insert, update or undelete, soft delete) gets a
//! row in `bigcommerce.change_log`, written by the same statement (a data-modifying
//! CTE over its `RETURNING` rows), so the log commits and rolls back with the change.

mod address_checks;
mod addresses;
mod cascade;
mod conflict;
mod connect;
mod copy_rows;
mod counted;
mod customers;
mod dedup;
mod deletes;
mod erase;
mod error;
mod fence;
mod fill;
mod hashing;
mod history;
mod leases;
mod median;
mod mirror_summary;
mod overview;
mod page;
mod plan_stats;
mod quarantine;
mod record_sql;
mod records;
mod replicas;
mod resources;
mod retention;
mod runs;
mod status;
mod sweep;
mod sweep_cycles;
mod sync_state;
mod tally;
#[cfg(feature = "testing")]
pub mod testing;
mod webhook_events;
mod webhook_listener;

pub use counted::Counted;
pub use deletes::Table;
pub use erase::{Erased, personal_columns};
pub use error::MirrorError;
pub use fence::Fence;
pub use hashing::{Hashing, UnknownHashColumn, hashable};
pub use history::{CUSTOMER_TABLES, HISTORY_TABLES};
pub use leases::{HeldBy, HeldLease};
pub use mirror_summary::{CustomerAddressCount, MirrorCounts, RunTotals};
pub use overview::{ResourceState, RunRow, StoreOverview};
pub use page::CustomerPage;
pub use quarantine::Quarantined;
pub use records::{RecordCheckpoint, RecordPage, Scope};
pub use replicas::fair_share;
pub use resources::{Resource, record_resources};
pub use runs::{RunOutcome, RunSummary};
pub use status::{MIRROR_TABLES, PassRow, ResourceFreshness, StoreStatus, SyncStateRow, TableCounts};
pub use sweep::AddressSweepPage;
pub use sweep_cycles::{SweepCycle, SweepProgress};
pub use tally::{Tallies, Tally};
pub use webhook_events::WEBHOOK_CHANNEL;
pub use webhook_listener::WebhookListener;

use std::sync::{Arc, LazyLock};

use sqlx::PgPool;
use sqlx::migrate::Migrator;

/// The workspace's `migrations/` folder, embedded at compile time, with two settings
/// that matter in production:
/// - the bookkeeping table lives in our schema (`bigcommerce._sqlx_migrations`), so a
///   database shared with another sqlx application does not mix both histories;
/// - migrations applied by a newer version are ignored rather than refused, so the
///   running (older) version keeps working and restarting during a rolling deploy
///   (expand/contract, see `migrations/README.md`). A changed checksum of a migration
///   both versions know still fails: applied files are never edited.
pub(crate) static MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| {
    let mut migrator = sqlx::migrate!("../../migrations");
    migrator.set_ignore_missing(true);
    migrator.create_schema("bigcommerce");
    migrator.dangerous_set_table_name("bigcommerce._sqlx_migrations");
    migrator
});

/// The mirror. Cloning shares the pool.
#[derive(Debug, Clone)]
pub struct Mirror {
    pool: PgPool,
    /// Set by [`Mirror::fenced`]: the lease every write must still hold.
    fence: Option<std::sync::Arc<Fence>>,
    /// (store hash, its hashing): the page writers hash that store's records.
    hashing: Option<Arc<(String, Hashing)>>,
}

impl Mirror {
    /// Opens a pool (at most 5 connections, 10 s to acquire one) and checks that one
    /// connection can be made. Errors show the URL with its password masked.
    pub async fn connect(database_url: &str) -> Result<Mirror, MirrorError> {
        Self::connect_with(database_url, connect::DEFAULT_MAX_CONNECTIONS).await
    }

    /// As [`Mirror::connect`], with at most `max_connections` (the operator's
    /// `[database] max_connections`: the database may be shared with other applications).
    pub async fn connect_with(database_url: &str, max_connections: u32) -> Result<Mirror, MirrorError> {
        let pool = connect::connect(database_url, max_connections.max(1)).await?;
        Ok(Mirror::from_pool(pool))
    }

    pub fn from_pool(pool: PgPool) -> Mirror {
        Mirror {
            pool,
            fence: None,
            hashing: None,
        }
    }

    /// The same pool (and fence), hashing the configured columns of `store_hash`'s
    /// records before every page write (other stores' records are written as they are).
    pub fn with_hashing(&self, store_hash: &str, hashing: Hashing) -> Mirror {
        Mirror {
            hashing: Some(Arc::new((store_hash.to_owned(), hashing))),
            ..self.clone()
        }
    }

    /// The hashing of `store_hash`'s `table`, if any of its columns is hashed.
    pub(crate) fn hashing_for(&self, store_hash: &str, table: &str) -> Option<&Hashing> {
        let (hash, h) = self.hashing.as_deref()?;
        (hash.eq_ignore_ascii_case(store_hash) && h.touches(table)).then_some(h)
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Whether every migration this binary knows has been applied (for `/readyz`).
    pub async fn schema_is_current(&self) -> Result<bool, MirrorError> {
        let known: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM bigcommerce._sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await
                .map_err(error::failed("reading bigcommerce._sqlx_migrations"))?;
        Ok(known.iter().all(|v| applied.contains(v)))
    }

    /// Applies the migrations not applied yet; a no-op when the schema is current.
    /// Safe to run from several processes at once (sqlx takes an advisory lock).
    pub async fn migrate(&self) -> Result<(), MirrorError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|source| MirrorError::Migrate { source })
    }
}
