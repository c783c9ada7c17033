//! Helpers shared by the integration tests: a config file in a temporary directory
//! and an environment as a map (the process environment is never touched).

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

use bcsync_config::{Config, ConfigError};
use tempfile::TempDir;

pub const TOKEN: &str = "tok-SECRET-abc123";
pub const OTHER_TOKEN: &str = "tok-SECRET-def456";
pub const WEBHOOK_SECRET: &str = "whsec-SECRET-789";
pub const DB_PASSWORD: &str = "pw-SECRET-db";

/// The example from the brief, with every key set.
pub fn full_file() -> String {
    format!(
        r#"
[database]
url = "postgres://bcsync:{DB_PASSWORD}@db:5432/bcsync"
max_connections = 7

[http]
listen = "127.0.0.1:9999"

[log]
format = "json"
level = "info,bcsync=debug"

[defaults]
api_url = "https://api.example.test"
incremental_schedule = "*/5 * * * *"
reconcile_schedule = "0 3 * * *"
quota_share = 0.5
overlap_secs = 6
exclude = ["customers.notes"]
address_sweep_pages = 3
listing_sweep_pages = 2
customer_slice = 250
channels = [1, 2]

[webhooks]
secret = "{WEBHOOK_SECRET}"
public_url = "https://bcsync.example.com/webhooks/bigcommerce"
max_body_bytes = 1000

[lease]
ttl_secs = 45

[[stores]]
hash = "abc123"
token = "{TOKEN}"

[[stores]]
hash = "def456"
token = "{OTHER_TOKEN}"
api_url = "http://localhost:8080/"
incremental_schedule = "*/2 * * * *"
quota_share = 0.3
exclude = ["stored_instruments"]
channels = []
"#
    )
}

/// A minimal valid file plus `extra` appended (tables after the first store go into
/// that store unless they open a new table).
pub fn minimal(extra: &str) -> String {
    format!(
        "[database]\nurl = \"postgres://bcsync:{DB_PASSWORD}@db/bcsync\"\n\n[[stores]]\nhash = \"abc123\"\ntoken = \"{TOKEN}\"\n{extra}"
    )
}

pub fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A directory holding `bcsync.toml` (and whatever else a test writes there).
pub struct Dir {
    pub dir: TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("bcsync.toml")
    }

    pub fn load(&self, text: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let path = self.write("bcsync.toml", text);
        Config::load(Some(&path), &env(vars))
    }
}

pub fn load(text: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    Dir::new().load(text, vars)
}

/// The error's text, which must also never contain a secret.
pub fn error(text: &str, vars: &[(&str, &str)]) -> String {
    let e = load(text, vars).expect_err("expected an error").to_string();
    for secret in [TOKEN, OTHER_TOKEN, WEBHOOK_SECRET, DB_PASSWORD] {
        assert!(!e.contains(secret), "error leaks a secret: {e}");
    }
    e
}

pub fn assert_has(haystack: &str, needle: &str) {
    assert!(haystack.contains(needle), "expected {needle:?} in:\n{haystack}");
}

/// Each fragment, added to a minimal valid file, is refused with an error containing
/// the text given with it.
pub fn assert_refused(cases: &[(&str, &str)]) {
    for (fragment, expected) in cases {
        assert_has(&error(&minimal(fragment), &[]), expected);
    }
}

/// Each variable, set over a minimal valid file, is refused with an error that starts
/// with the text given with it (the variable's name first).
pub fn assert_env_refused(cases: &[(&str, &str, &str)]) {
    for (name, value, expected) in cases {
        let e = error(&minimal(""), &[(name, value)]);
        assert!(
            e.starts_with(expected),
            "{name}={value:?}: expected {expected:?}, got:\n{e}"
        );
    }
}
