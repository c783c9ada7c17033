//! The integration tests of this crate, one binary for all of them: one link, and one
//! throwaway PostgreSQL server for the tests that need one, instead of one per file.
//! Each file is a module; run one with `cargo test -p bcsync --test integration <file>::`.

mod common;
mod deploy;

mod analyst_role;
mod cdc;
mod change_feed;
mod configuration;
mod daemon;
mod deploy_config;
mod deploy_k8s;
mod deploy_systemd;
mod every_resource;
mod faults;
mod hardening;
mod hashing;
mod history;
mod lag_skew_churn;
mod lean_binary;
mod leases;
mod least_privilege;
mod monitoring_files;
mod operator;
mod operator_messages;
mod postgres_restart;
mod privacy;
mod prometheus;
mod quota_bound;
mod reconciler;
mod retention;
mod settings_and_auth;
mod status;
mod status_page;
mod sweep_bound;
mod walking_mirror;
