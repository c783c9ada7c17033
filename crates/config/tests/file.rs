//! Loading from a file: every key, inheritance from `[defaults]`, secrets from files.

use crate::common;

use std::time::Duration;

use bcsync_config::{Config, LogFormat, defaults};
use common::*;
use secrecy::ExposeSecret;

#[test]
fn full_file_parses_to_expected_values() {
    let dir = Dir::new();
    let c = dir.load(&full_file(), &[]).unwrap();
    assert_eq!(c.source.as_deref(), Some(dir.config().as_path()));
    assert_eq!(
        c.database.url.expose_secret(),
        format!("postgres://bcsync:{DB_PASSWORD}@db:5432/bcsync")
    );
    assert_eq!(c.database.max_connections, 7);
    assert_eq!(c.http.listen, "127.0.0.1:9999".parse().unwrap());
    assert_eq!(c.log.format, LogFormat::Json);
    assert_eq!(c.log.level, "info,bcsync=debug");
    assert_eq!(
        c.webhooks.secret.as_ref().unwrap().expose_secret(),
        WEBHOOK_SECRET
    );
    assert_eq!(
        c.webhooks.public_url.as_deref(),
        Some("https://bcsync.example.com/webhooks/bigcommerce")
    );
    assert_eq!(c.webhooks.max_body_bytes, 1000);
    assert_eq!(c.lease.ttl, Duration::from_secs(45));
    assert_eq!(c.stores.len(), 2);

    let a = &c.stores[0];
    assert_eq!(a.hash, "abc123");
    assert_eq!(a.token.expose_secret(), TOKEN);
    assert_eq!(a.api_url, "https://api.example.test");
    assert_eq!(a.incremental.as_str(), "*/5 * * * *");
    assert_eq!(a.reconcile.as_str(), "0 3 * * *");
    assert_eq!(a.quota_share, 0.5);
    assert_eq!(a.overlap, Duration::from_secs(6));
    assert_eq!(a.exclude, ["customers.notes"]);
    assert_eq!(a.address_sweep_pages, Some(3));
    assert_eq!(a.listing_sweep_pages, Some(2));
    assert_eq!(a.customer_slice, Some(250));
    assert_eq!(a.channels, [1, 2]);
}

#[test]
fn stores_inherit_defaults_and_override_them() {
    let c = load(&full_file(), &[]).unwrap();
    let b = &c.stores[1];
    assert_eq!(b.hash, "def456");
    assert_eq!(b.token.expose_secret(), OTHER_TOKEN);
    // overridden (a trailing slash is dropped from the API base)
    assert_eq!(b.api_url, "http://localhost:8080");
    assert_eq!(b.incremental.as_str(), "*/2 * * * *");
    assert_eq!(b.quota_share, 0.3);
    assert_eq!(b.exclude, ["stored_instruments"]);
    assert!(b.channels.is_empty());
    // inherited
    assert_eq!(b.reconcile.as_str(), "0 3 * * *");
    assert_eq!(b.overlap, Duration::from_secs(6));
    assert_eq!(b.address_sweep_pages, Some(3));
    assert_eq!(b.listing_sweep_pages, Some(2));
    assert_eq!(b.customer_slice, Some(250));
}

#[test]
fn unset_keys_take_built_in_defaults() {
    let c = load(&minimal(""), &[]).unwrap();
    assert_eq!(c.database.max_connections, defaults::MAX_CONNECTIONS);
    assert_eq!(c.http.listen, defaults::LISTEN.parse().unwrap());
    assert_eq!(c.log.format, LogFormat::Auto);
    assert_eq!(c.log.level, "info");
    assert!(c.webhooks.secret.is_none(), "no secret: webhooks disabled");
    assert!(c.webhooks.public_url.is_none());
    assert_eq!(c.webhooks.max_body_bytes, 65_536);
    assert_eq!(c.lease.ttl, Duration::from_secs(30));
    let s = &c.stores[0];
    assert_eq!(s.api_url, "https://api.bigcommerce.com");
    assert_eq!(s.incremental.as_str(), "*/5 * * * *");
    assert_eq!(s.reconcile.as_str(), "0 * * * *");
    assert_eq!(s.quota_share, 1.0);
    assert_eq!(s.overlap, Duration::from_secs(5));
    assert_eq!(s.lookback, Duration::from_secs(60));
    // Sweeps are sized from the store and the bound unless a size is fixed.
    assert_eq!(s.address_sweep_pages, None);
    assert_eq!(s.listing_sweep_pages, None);
    assert_eq!(s.customer_slice, None);
    assert_eq!(s.sweep_within, Duration::from_secs(30 * 86_400));
    assert_eq!(s.sweep_quota_share, 0.25);
    assert!(s.exclude.is_empty() && s.channels.is_empty());
}

#[test]
fn token_file_and_secret_file_are_read_and_trimmed() {
    let dir = Dir::new();
    let token_path = dir.write("abc123-token", &format!("{TOKEN}\n"));
    dir.write("webhook-secret", &format!("{WEBHOOK_SECRET}\r\n"));
    let text = format!(
        "[database]\nurl = \"postgres://db/bcsync\"\n\
         [webhooks]\nsecret_file = \"webhook-secret\"\n\
         [[stores]]\nhash = \"abc123\"\ntoken_file = \"{}\"\n",
        token_path.display()
    );
    let c = dir.load(&text, &[]).unwrap();
    assert_eq!(c.stores[0].token.expose_secret(), TOKEN);
    // A relative path in the file is relative to the file.
    assert_eq!(
        c.webhooks.secret.as_ref().unwrap().expose_secret(),
        WEBHOOK_SECRET
    );
}

#[test]
fn no_path_and_no_bcsync_toml_means_environment_only() {
    // The tests run in the crate's directory, which has no bcsync.toml.
    assert!(!std::path::Path::new("bcsync.toml").exists());
    let c = Config::load(
        None,
        &env(&[
            ("DATABASE_URL", "postgres://db/x"),
            ("BIGCOMMERCE_STORE_HASH", "abc123"),
            ("BIGCOMMERCE_ACCESS_TOKEN", TOKEN),
        ]),
    )
    .unwrap();
    assert!(c.source.is_none());
    assert_eq!(c.stores.len(), 1);
}

#[test]
fn log_format_values() {
    for (text, format) in [
        ("auto", LogFormat::Auto),
        ("JSON", LogFormat::Json),
        ("text", LogFormat::Text),
    ] {
        let c = load(&minimal(""), &[("BCSYNC__LOG__FORMAT", text)]).unwrap();
        assert_eq!(c.log.format, format);
    }
    assert!(LogFormat::Auto.is_json(false));
    assert!(!LogFormat::Auto.is_json(true));
    assert!(LogFormat::Json.is_json(true));
    assert!(!LogFormat::Text.is_json(false));
}
