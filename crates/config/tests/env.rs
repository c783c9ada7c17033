//! Environment layers: `BCSYNC__` overrides beat the file, the legacy single-store
//! variables still configure a store, `RUST_LOG` beats `log.level`.

use crate::common;

use std::time::Duration;

use bcsync_config::{Config, LogFormat};
use common::*;
use secrecy::ExposeSecret;

#[test]
fn env_overrides_beat_the_file() {
    let c = load(
        &full_file(),
        &[
            ("BCSYNC__DATABASE__URL", "postgres://other@db2/x"),
            ("BCSYNC__DATABASE__MAX_CONNECTIONS", "9"),
            ("BCSYNC__HTTP__LISTEN", "[::1]:8000"),
            // keys are case-insensitive
            ("BCSYNC__log__Format", "text"),
            ("BCSYNC__DEFAULTS__QUOTA_SHARE", "0.25"),
            ("BCSYNC__DEFAULTS__EXCLUDE", "stored_instruments, customers.notes"),
            ("BCSYNC__DEFAULTS__CHANNELS", "3,4"),
            ("BCSYNC__LEASE__TTL_SECS", "60"),
        ],
    )
    .unwrap();
    assert_eq!(c.database.url.expose_secret(), "postgres://other@db2/x");
    assert_eq!(c.database.max_connections, 9);
    assert_eq!(c.http.listen, "[::1]:8000".parse().unwrap());
    assert_eq!(c.log.format, LogFormat::Text);
    assert_eq!(c.lease.ttl, Duration::from_secs(60));
    // [defaults] from the environment reach the store that does not override them...
    assert_eq!(c.stores[0].quota_share, 0.25);
    assert_eq!(c.stores[0].exclude, ["stored_instruments", "customers.notes"]);
    assert_eq!(c.stores[0].channels, [3, 4]);
    // ...but a store's own value in the file still beats [defaults] from anywhere.
    assert_eq!(c.stores[1].quota_share, 0.3);
}

#[test]
fn env_secret_replaces_the_files_secret_file() {
    let dir = Dir::new();
    let text = minimal("[webhooks]\nsecret_file = \"/nonexistent/secret\"\n");
    let c = dir
        .load(&text, &[("BCSYNC__WEBHOOKS__SECRET", "from-env")])
        .unwrap();
    assert_eq!(c.webhooks.secret.unwrap().expose_secret(), "from-env");
}

#[test]
fn store_keys_are_overridden_by_hash() {
    let dir = Dir::new();
    let token_path = dir.write("t", &format!("{OTHER_TOKEN}\n"));
    let c = dir
        .load(
            &full_file(),
            &[
                ("BCSYNC__STORES__DEF456__QUOTA_SHARE", "0.9"),
                ("BCSYNC__STORES__ABC123__INCREMENTAL_SCHEDULE", "*/10 * * * *"),
                ("BCSYNC__STORES__ABC123__TOKEN_FILE", token_path.to_str().unwrap()),
            ],
        )
        .unwrap();
    assert_eq!(c.stores[1].quota_share, 0.9);
    assert_eq!(c.stores[0].incremental.as_str(), "*/10 * * * *");
    // token_file from the environment replaces the file's token
    assert_eq!(c.stores[0].token.expose_secret(), OTHER_TOKEN);
}

fn legacy_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("DATABASE_URL", "postgres://bcsync:pw-SECRET-db@localhost/bcsync"),
        ("BIGCOMMERCE_STORE_HASH", "abc123"),
        ("BIGCOMMERCE_ACCESS_TOKEN", TOKEN),
    ]
}

#[test]
fn legacy_env_alone_gives_one_store() {
    let mut vars = legacy_env();
    vars.extend([
        ("BIGCOMMERCE_API_URL", "http://127.0.0.1:3000"),
        ("BCSYNC_OVERLAP_SECS", "7"),
        ("BCSYNC_LOOKBACK_SECS", "90"),
        ("BCSYNC_QUOTA_SHARE", "0.4"),
        ("BCSYNC_ADDRESS_SWEEP_PAGES", "2"),
        ("BCSYNC_LISTING_SWEEP_PAGES", "3"),
        ("BCSYNC_CUSTOMER_SLICE", "50"),
        ("BCSYNC_CHANNELS", "1, 5"),
        ("BCSYNC_EXCLUDE", "stored_instruments,customers.notes"),
    ]);
    let c = Config::load(None, &env(&vars)).unwrap();
    assert!(c.source.is_none());
    assert_eq!(
        c.database.url.expose_secret(),
        "postgres://bcsync:pw-SECRET-db@localhost/bcsync"
    );
    assert_eq!(c.stores.len(), 1);
    let s = &c.stores[0];
    assert_eq!(s.hash, "abc123");
    assert_eq!(s.token.expose_secret(), TOKEN);
    assert_eq!(s.api_url, "http://127.0.0.1:3000");
    assert_eq!(s.overlap, Duration::from_secs(7));
    assert_eq!(s.lookback, Duration::from_secs(90));
    assert_eq!(s.quota_share, 0.4);
    assert_eq!(s.address_sweep_pages, Some(2));
    assert_eq!(s.listing_sweep_pages, Some(3));
    assert_eq!(s.customer_slice, Some(50));
    assert_eq!(s.channels, [1, 5]);
    assert_eq!(s.exclude, ["stored_instruments", "customers.notes"]);
}

#[test]
fn legacy_store_inherits_file_defaults_and_takes_new_style_overrides() {
    let text = "[defaults]\nreconcile_schedule = \"0 4 * * *\"\n";
    let mut vars = legacy_env();
    vars.push(("BCSYNC__STORES__ABC123__CUSTOMER_SLICE", "7"));
    let c = load(text, &vars).unwrap();
    assert_eq!(c.stores.len(), 1);
    assert_eq!(c.stores[0].reconcile.as_str(), "0 4 * * *");
    assert_eq!(c.stores[0].customer_slice, Some(7));
}

#[test]
fn legacy_store_is_ignored_when_the_file_has_stores() {
    let mut vars = legacy_env();
    vars.push(("BIGCOMMERCE_STORE_HASH", "zzz999"));
    let c = load(&full_file(), &vars).unwrap();
    let hashes: Vec<&str> = c.stores.iter().map(|s| s.hash.as_str()).collect();
    assert_eq!(hashes, ["abc123", "def456"]);
}

#[test]
fn database_url_precedence() {
    let legacy = ("DATABASE_URL", "postgres://legacy/db");
    let new = ("BCSYNC__DATABASE__URL", "postgres://new/db");
    let url =
        |text: &str, vars: &[(&str, &str)]| load(text, vars).unwrap().database.url.expose_secret().to_owned();
    let no_url = format!("[[stores]]\nhash = \"abc123\"\ntoken = \"{TOKEN}\"\n");
    assert_eq!(url(&no_url, &[legacy]), "postgres://legacy/db");
    assert_eq!(url(&no_url, &[legacy, new]), "postgres://new/db");
    // the file beats the legacy variable, the new variable beats the file
    assert!(url(&minimal(""), &[legacy]).contains("@db/bcsync"));
    assert_eq!(url(&minimal(""), &[legacy, new]), "postgres://new/db");
}

#[test]
fn rust_log_wins_over_log_level() {
    let text = minimal("[log]\nlevel = \"warn\"\n");
    assert_eq!(load(&text, &[]).unwrap().log.level, "warn");
    let vars = [("RUST_LOG", "debug"), ("BCSYNC__LOG__LEVEL", "error")];
    assert_eq!(load(&text, &vars).unwrap().log.level, "debug");
    // empty RUST_LOG is as if unset
    assert_eq!(load(&text, &[("RUST_LOG", "")]).unwrap().log.level, "warn");
}

/// Every key of the schema can be set through the environment, and each one lands.
#[test]
fn every_key_can_be_set_from_the_environment() {
    let dir = Dir::new();
    let secret = dir.write("s", "file-secret\n");
    let secret = secret.to_str().unwrap();
    let vars = [
        ("BCSYNC__DATABASE__URL", "postgres://e/db"),
        ("BCSYNC__DATABASE__MAX_CONNECTIONS", "2"),
        ("BCSYNC__HTTP__LISTEN", "127.0.0.1:1"),
        ("BCSYNC__LOG__FORMAT", "json"),
        ("BCSYNC__LOG__LEVEL", "trace"),
        ("BCSYNC__DEFAULTS__API_URL", "https://e.test"),
        ("BCSYNC__DEFAULTS__INCREMENTAL_SCHEDULE", "* * * * *"),
        ("BCSYNC__DEFAULTS__RECONCILE_SCHEDULE", "0 1 * * *"),
        ("BCSYNC__DEFAULTS__QUOTA_SHARE", "1"),
        ("BCSYNC__DEFAULTS__OVERLAP_SECS", "0"),
        ("BCSYNC__DEFAULTS__EXCLUDE", ""),
        ("BCSYNC__DEFAULTS__ADDRESS_SWEEP_PAGES", "11"),
        ("BCSYNC__DEFAULTS__LISTING_SWEEP_PAGES", "12"),
        ("BCSYNC__DEFAULTS__CUSTOMER_SLICE", "13"),
        ("BCSYNC__DEFAULTS__CHANNELS", "9"),
        ("BCSYNC__WEBHOOKS__SECRET_FILE", secret),
        ("BCSYNC__WEBHOOKS__PUBLIC_URL", "https://p.test/hook"),
        ("BCSYNC__WEBHOOKS__MAX_BODY_BYTES", "100"),
        ("BCSYNC__LEASE__TTL_SECS", "5"),
        ("BCSYNC__STORES__ABC123__TOKEN", "t2"),
        ("BCSYNC__STORES__ABC123__API_URL", "https://s.test"),
        ("BCSYNC__STORES__ABC123__OVERLAP_SECS", "8"),
        ("BCSYNC__STORES__ABC123__LOOKBACK_SECS", "120"),
    ];
    let text = minimal("[defaults]\nexclude = [\"customers.notes\"]\n");
    let c = dir.load(&text, &vars).unwrap();
    assert_eq!(c.database.url.expose_secret(), "postgres://e/db");
    assert_eq!(c.database.max_connections, 2);
    assert_eq!(c.http.listen.port(), 1);
    assert_eq!(c.log.format, LogFormat::Json);
    assert_eq!(c.log.level, "trace");
    assert_eq!(c.webhooks.secret.unwrap().expose_secret(), "file-secret");
    assert_eq!(c.webhooks.public_url.as_deref(), Some("https://p.test/hook"));
    assert_eq!(c.webhooks.max_body_bytes, 100);
    assert_eq!(c.lease.ttl, Duration::from_secs(5));
    let s = &c.stores[0];
    assert_eq!(s.token.expose_secret(), "t2");
    assert_eq!(s.api_url, "https://s.test");
    assert_eq!(s.incremental.as_str(), "* * * * *");
    assert_eq!(s.reconcile.as_str(), "0 1 * * *");
    assert_eq!(s.quota_share, 1.0);
    assert_eq!(s.overlap, Duration::from_secs(8));
    assert_eq!(s.lookback, Duration::from_secs(120));
    assert!(s.exclude.is_empty(), "an empty list variable empties the list");
    assert_eq!(
        (s.address_sweep_pages, s.listing_sweep_pages, s.customer_slice),
        (Some(11), Some(12), Some(13))
    );
    assert_eq!(s.channels, [9]);
}
