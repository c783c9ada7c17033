//! The integration tests of this crate, one binary for all of them: one link, and one
//! throwaway PostgreSQL server for the tests that need one, instead of one per file.
//! Each file is a module; run one with `cargo test -p bigcommerce --test integration <file>::`.

mod api_clock;
mod client_errors;
mod client_security;
