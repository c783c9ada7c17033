//! The integration tests of this crate, one binary for all of them: one link, and one
//! throwaway PostgreSQL server for the tests that need one, instead of one per file.
//! Each file is a module; run one with `cargo test -p bcsync-mirror --test integration <file>::`.

mod common;

mod change_feed;
mod change_log;
mod checkpoints;
mod columns;
mod counted;
mod deletes;
mod fill;
mod leases;
mod live_views;
mod overview;
mod pages;
mod personal;
mod record_columns;
mod record_refusals;
mod record_scopes;
mod record_state;
mod records;
mod schema;
mod sweep;
