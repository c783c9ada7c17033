//! `redacted()` and `Debug` show the settings but never a token, the webhook secret or
//! the database password.

use crate::common;

use bcsync_config::{Config, REDACTED};
use common::*;

const SECRETS: [&str; 4] = [TOKEN, OTHER_TOKEN, WEBHOOK_SECRET, DB_PASSWORD];

fn assert_no_secrets(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} leaked in:\n{text}");
    }
}

#[test]
fn redacted_shows_everything_but_secrets() {
    let c = load(&full_file(), &[]).unwrap();
    let text = c.redacted();
    assert_no_secrets(&text);
    for shown in [
        "url = \"postgres://bcsync:[redacted]@db:5432/bcsync\"",
        "max_connections = 7",
        "listen = \"127.0.0.1:9999\"",
        "format = \"json\"",
        "secret = \"[redacted]\"",
        "public_url = \"https://bcsync.example.com/webhooks/bigcommerce\"",
        "ttl_secs = 45",
        "hash = \"abc123\"",
        "hash = \"def456\"",
        "token = \"[redacted]\"",
        "incremental_schedule = \"*/2 * * * *\"",
        "quota_share = 0.3",
        "exclude = [\"stored_instruments\"]",
        "[[stores]]",
    ] {
        assert_has(&text, shown);
    }
}

#[test]
fn redacted_output_reads_back_as_a_config() {
    let dir = Dir::new();
    let c = dir.load(&full_file(), &[]).unwrap();
    let again = dir.load(&c.redacted(), &[]).unwrap();
    assert_eq!(
        again.redacted().lines().skip(1).collect::<Vec<_>>(),
        c.redacted().lines().skip(1).collect::<Vec<_>>()
    );
}

#[test]
fn debug_never_shows_secrets() {
    let c = load(&full_file(), &[]).unwrap();
    let debug = format!("{c:?}");
    assert_no_secrets(&debug);
    assert_has(&debug, "abc123");
    assert_has(&debug, "postgres://bcsync:[redacted]@db:5432/bcsync");
    assert_has(&debug, "*/2 * * * *");
    let pretty = format!("{c:#?}");
    assert_no_secrets(&pretty);
}

#[test]
fn other_database_url_shapes() {
    let redact = |url: &str| {
        let text = minimal("").replace(&format!("postgres://bcsync:{DB_PASSWORD}@db/bcsync"), url);
        let c = load(&text, &[]).unwrap();
        (c.redacted(), format!("{:?}", c.database))
    };
    // password in the query string
    let (text, debug) = redact(&format!(
        "postgresql://u@h/db?sslmode=require&password={DB_PASSWORD}"
    ));
    assert_no_secrets(&text);
    assert_no_secrets(&debug);
    assert_has(&text, "postgresql://u@h/db?sslmode=require&password=[redacted]");
    // no password: shown whole
    let (text, _) = redact("postgres://u@h:5433/db");
    assert_has(&text, "url = \"postgres://u@h:5433/db\"");
}

#[test]
fn errors_from_env_secrets_do_not_leak() {
    let vars = [
        ("DATABASE_URL", "mysql://u:pw-SECRET-db@h/db"),
        ("BIGCOMMERCE_STORE_HASH", "abc123"),
        ("BIGCOMMERCE_ACCESS_TOKEN", TOKEN),
    ];
    let e = Config::load(None, &env(&vars)).unwrap_err();
    assert_no_secrets(&e.to_string());
    assert_no_secrets(&format!("{e:?}"));
    assert_eq!(
        e.to_string(),
        "DATABASE_URL: is not a postgres:// or postgresql:// URL"
    );
}

#[test]
fn without_a_webhook_secret_none_is_shown() {
    let c = load(&minimal(""), &[]).unwrap();
    assert!(!c.redacted().contains("secret ="));
    assert_eq!(REDACTED, "[redacted]");
}
