//! One configuration path for every command: which file is read (`--config`, else
//! `BCSYNC_CONFIG`, else `bcsync.toml`), a configuration without stores for
//! `migrate`, the legacy tuning variables beside a file, and where each value came
//! from (for "check …" hints).

use crate::common;

use std::time::Duration;

use bcsync_config::{Config, Location};
use common::*;
use secrecy::ExposeSecret;

#[test]
fn bcsync_config_names_the_file_when_no_flag_is_given() {
    let dir = Dir::new();
    let path = dir.write("elsewhere.toml", &minimal("customer_slice = 31\n"));
    let c = Config::load(None, &env(&[("BCSYNC_CONFIG", path.to_str().unwrap())])).unwrap();
    assert_eq!(c.source.as_deref(), Some(path.as_path()));
    assert_eq!(c.stores[0].customer_slice, Some(31));
}

#[test]
fn the_flag_beats_bcsync_config() {
    let dir = Dir::new();
    let flag = dir.write("flag.toml", &minimal("customer_slice = 1\n"));
    let var = dir.write("var.toml", &minimal("customer_slice = 2\n"));
    let c = Config::load(Some(&flag), &env(&[("BCSYNC_CONFIG", var.to_str().unwrap())])).unwrap();
    assert_eq!(c.stores[0].customer_slice, Some(1));
}

#[test]
fn bcsync_config_that_is_missing_or_empty_is_an_error_naming_it() {
    let e = Config::load(None, &env(&[("BCSYNC_CONFIG", "/nonexistent/b.toml")]))
        .unwrap_err()
        .to_string();
    assert_has(&e, "/nonexistent/b.toml: cannot read the config file");
    let e = Config::load(None, &env(&[("BCSYNC_CONFIG", " ")]))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "BCSYNC_CONFIG: is set but empty");
}

#[test]
fn migrate_needs_only_a_database() {
    let vars = env(&[("BCSYNC__DATABASE__URL", "postgres://u@db/x")]);
    let c = Config::load_without_stores(None, &vars).unwrap();
    assert!(c.stores.is_empty());
    assert_eq!(c.database.url.expose_secret(), "postgres://u@db/x");
    assert_eq!(
        c.database.url_source,
        Location::Env {
            var: "BCSYNC__DATABASE__URL".into()
        }
    );
    // every other command still needs a store
    let e = Config::load(None, &vars).unwrap_err().to_string();
    assert_has(&e, "no store configured");
    // and a store that is there is still checked
    let e = Config::load_without_stores(
        None,
        &env(&[
            ("BCSYNC__DATABASE__URL", "postgres://u@db/x"),
            ("BIGCOMMERCE_STORE_HASH", "a-b"),
            ("BIGCOMMERCE_ACCESS_TOKEN", TOKEN),
        ]),
    )
    .unwrap_err()
    .to_string();
    assert_has(&e, "BIGCOMMERCE_STORE_HASH");
}

#[test]
fn concurrency_and_max_retry_secs_through_file_defaults_and_variables() {
    let c = load(&minimal("concurrency = 9\nmax_retry_secs = 30\n"), &[]).unwrap();
    assert_eq!(c.stores[0].concurrency, 9);
    assert_eq!(c.stores[0].max_retry, Duration::from_secs(30));
    let c = load(&minimal(""), &[]).unwrap();
    assert_eq!(
        (c.stores[0].concurrency, c.stores[0].max_retry),
        (4, Duration::from_secs(120))
    );
    let c = load(
        &minimal(""),
        &[
            ("BCSYNC__DEFAULTS__CONCURRENCY", "2"),
            ("BCSYNC__STORES__ABC123__MAX_RETRY_SECS", "5"),
        ],
    )
    .unwrap();
    assert_eq!(c.stores[0].concurrency, 2);
    assert_eq!(c.stores[0].max_retry, Duration::from_secs(5));
    assert_refused(&[(
        "concurrency = 0\n",
        "stores[0].concurrency: 0 is out of range [1, 64]",
    )]);
}

#[test]
fn legacy_tuning_variables_apply_to_every_store_of_a_file() {
    let c = load(
        &full_file(),
        &[
            ("BCSYNC_CONCURRENCY", "7"),
            ("BCSYNC_MAX_RETRY_SECS", "11"),
            ("BCSYNC_QUOTA_SHARE", "0.2"),
        ],
    )
    .unwrap();
    for s in &c.stores {
        assert_eq!(s.concurrency, 7, "{}", s.hash);
        assert_eq!(s.max_retry, Duration::from_secs(11), "{}", s.hash);
        assert_eq!(s.quota_share, 0.2, "{}", s.hash);
    }
    // a bad one is named, not ignored
    let e = error(&full_file(), &[("BCSYNC_MAX_RETRY_SECS", "0")]);
    assert_has(&e, "BCSYNC_MAX_RETRY_SECS: 0 is out of range");
    // a store's own variable still beats the legacy one
    let c = load(
        &full_file(),
        &[
            ("BCSYNC_CONCURRENCY", "7"),
            ("BCSYNC__STORES__DEF456__CONCURRENCY", "3"),
        ],
    )
    .unwrap();
    assert_eq!((c.stores[0].concurrency, c.stores[1].concurrency), (7, 3));
}

#[test]
fn each_store_knows_where_its_token_and_hash_were_set() {
    let dir = Dir::new();
    let token = dir.write("token", TOKEN);
    let text = format!(
        "[database]\nurl = \"postgres://u@db/x\"\n[[stores]]\nhash = \"abc123\"\ntoken_file = \"{}\"\n",
        token.display()
    );
    let c = dir.load(&text, &[]).unwrap();
    let s = &c.stores[0];
    assert_eq!(
        s.token_source.describe(),
        format!("stores[0].token_file in {}", dir.config().display())
    );
    assert_eq!(
        s.hash_source.describe(),
        format!("stores[0].hash in {}", dir.config().display())
    );
    let c = Config::load(
        None,
        &env(&[
            ("DATABASE_URL", "postgres://u@db/x"),
            ("BIGCOMMERCE_STORE_HASH", "abc123"),
            ("BIGCOMMERCE_ACCESS_TOKEN", TOKEN),
        ]),
    )
    .unwrap();
    assert_eq!(c.stores[0].token_source.describe(), "BIGCOMMERCE_ACCESS_TOKEN");
    assert_eq!(c.stores[0].hash_source.describe(), "BIGCOMMERCE_STORE_HASH");
}

#[test]
fn the_effective_settings_show_the_new_keys() {
    let c = load(&minimal("concurrency = 6\nmax_retry_secs = 45\n"), &[]).unwrap();
    let text = c.redacted();
    assert_has(&text, "concurrency = 6");
    assert_has(&text, "max_retry_secs = 45");
}
