//! The integration tests of this crate, one binary for all of them: one link, and one
//! throwaway PostgreSQL server for the tests that need one, instead of one per file.
//! Each file is a module; run one with `cargo test -p bcsync-http --test integration <file>::`.

mod common;

mod health;
mod metrics;
mod status;
mod webhooks;
