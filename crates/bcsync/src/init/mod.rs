//! The daemon's startup, one small step per file (as supabase/etl splits its binary):
//!
//! - `config`: the layered configuration, with the command line's overrides.
//! - `database`: connect and migrate, retrying while the database is down.
//! - `stores`: one client (with its metrics observer) and pass settings per store.
//! - `http`: bind the listener and serve health, metrics and webhooks.
//! - `webhooks`: route webhook events to whichever replica holds the store.

pub mod config;
pub mod database;
pub mod http;
pub mod stores;
pub mod webhooks;
