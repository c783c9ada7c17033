//! The integration tests of this crate, one binary for all of them: one link, and one
//! throwaway PostgreSQL server for the tests that need one, instead of one per file.
//! Each file is a module; run one with `cargo test -p bcsync-config --test integration <file>::`.

mod common;

mod change_log;
mod env;
mod errors;
mod file;
mod paths;
mod privacy;
mod redaction;
mod schedule;
mod store_security;
