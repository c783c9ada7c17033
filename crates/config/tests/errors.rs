//! Each bad input gives one error that names the file and key, or the variable, and
//! never quotes a secret (`common::error` checks that for every case).

use crate::common;

use bcsync_config::{Config, ConfigError};
use common::*;

#[test]
fn out_of_range_names_file_and_store_index() {
    let text = full_file().replace("quota_share = 0.3", "quota_share = 1.5");
    let e = error(&text, &[]);
    assert!(
        e.ends_with("bcsync.toml: stores[1].quota_share: 1.5 is out of range (0, 1]"),
        "{e}"
    );
    assert_refused(&[
        (
            "overlap_secs = 100000\n",
            "bcsync.toml: stores[0].overlap_secs: 100000 is out of range [0, 86400]",
        ),
        (
            "[lease]\nttl_secs = 0\n",
            "bcsync.toml: lease.ttl_secs: 0 is out of range [1, 86400]",
        ),
        ("[database]\n", "line 7"), // duplicate table: a syntax error
    ]);
}

#[test]
fn bad_schedule_names_the_key() {
    let text = full_file().replace(
        "incremental_schedule = \"*/5 * * * *\"",
        "incremental_schedule = \"*/5 * *\"",
    );
    let e = error(&text, &[]);
    assert_has(
        &e,
        "bcsync.toml: defaults.incremental_schedule: \"*/5 * *\" is not a cron expression: ",
    );
    assert_refused(&[(
        "reconcile_schedule = \"0 0 * * 9\"\n",
        "bcsync.toml: stores[0].reconcile_schedule: \"0 0 * * 9\" is not a cron",
    )]);
}

#[test]
fn bad_env_value_names_the_variable() {
    assert_env_refused(&[
        (
            "BCSYNC__HTTP__LISTEN",
            "nope",
            "BCSYNC__HTTP__LISTEN: \"nope\" is not a socket address",
        ),
        (
            "BCSYNC__LEASE__TTL_SECS",
            "soon",
            "BCSYNC__LEASE__TTL_SECS: \"soon\" is not a whole number",
        ),
        (
            "BCSYNC__STORES__ABC123__QUOTA_SHARE",
            "2",
            "BCSYNC__STORES__ABC123__QUOTA_SHARE: 2 is out of range (0, 1]",
        ),
        (
            "BCSYNC__DEFAULTS__CHANNELS",
            "1,x",
            "BCSYNC__DEFAULTS__CHANNELS: \"x\" is not a whole number",
        ),
        (
            "BCSYNC__HTTP__LISTEN",
            " ",
            "BCSYNC__HTTP__LISTEN: is set but empty",
        ),
    ]);
    let e = error(&minimal(""), &[("BCSYNC__DATABASE__MAX_CONNECTIONS", "-1")]);
    assert!(e.starts_with("BCSYNC__DATABASE__MAX_CONNECTIONS: "), "{e}");
}

#[test]
fn bad_env_names_are_rejected() {
    assert_env_refused(&[
        (
            "BCSYNC__HTTP__PORT",
            "1",
            "BCSYNC__HTTP__PORT: there is no key http.port",
        ),
        ("BCSYNC__NOPE__X", "1", "BCSYNC__NOPE__X: there is no key nope.x"),
        (
            "BCSYNC__STORES__ZZZ__TOKEN",
            "t",
            "BCSYNC__STORES__ZZZ__TOKEN: no store with hash \"zzz\" is configured",
        ),
        (
            "BCSYNC__STORES__ABC123__HASH",
            "x",
            "BCSYNC__STORES__ABC123__HASH: a store has no key \"hash\"",
        ),
        (
            "BCSYNC__STORES__HASH",
            "x",
            "BCSYNC__STORES__HASH: stores cannot be added through the environment",
        ),
        (
            "BCSYNC__LOG",
            "x",
            "BCSYNC__LOG: expected BCSYNC__<SECTION>__<KEY>",
        ),
    ]);
    let e = error(
        &minimal(""),
        &[("BCSYNC__LOG__LEVEL", "x"), ("bcsync__log__level", "y")],
    );
    assert_has(&e, "sets the same key");
}

#[test]
fn legacy_variables_are_named() {
    let base = [
        ("DATABASE_URL", "postgres://db/x"),
        ("BIGCOMMERCE_STORE_HASH", "abc123"),
        ("BIGCOMMERCE_ACCESS_TOKEN", TOKEN),
    ];
    let with = |extra: (&'static str, &'static str)| {
        let mut v = base.to_vec();
        v.push(extra);
        Config::load(None, &env(&v)).unwrap_err().to_string()
    };
    assert_eq!(
        with(("BCSYNC_QUOTA_SHARE", "1.5")),
        "BCSYNC_QUOTA_SHARE: 1.5 is out of range (0, 1]"
    );
    assert_eq!(
        with(("BCSYNC_OVERLAP_SECS", "abc")),
        "BCSYNC_OVERLAP_SECS: \"abc\" is not a whole number"
    );
    assert_eq!(with(("BCSYNC_EXCLUDE", "")), "BCSYNC_EXCLUDE: is set but empty");
    assert_eq!(
        with(("BIGCOMMERCE_API_URL", "ftp://x")),
        "BIGCOMMERCE_API_URL: \"ftp://x\" is not an http(s) URL"
    );
    assert_eq!(
        with(("BIGCOMMERCE_STORE_HASH", "ab-c")),
        "BIGCOMMERCE_STORE_HASH: \"ab-c\" must be letters and digits only"
    );
    let e = Config::load(None, &env(&base[..2])).unwrap_err().to_string();
    assert_has(&e, "BIGCOMMERCE_ACCESS_TOKEN is not set");
    let e = Config::load(None, &env(&base[1..])).unwrap_err().to_string();
    assert_has(&e, "no database URL");
    assert_has(&e, "DATABASE_URL");
}

#[test]
fn unknown_keys_are_rejected_by_name() {
    let e = error(&minimal("[databse]\nurl = \"x\"\n"), &[]);
    assert_has(&e, "bcsync.toml: ");
    assert_has(&e, "unknown field `databse`");
    assert_refused(&[
        (
            "[http]\nport = 1\n",
            "bcsync.toml: http.port: unknown field `port`",
        ),
        (
            "tokn = \"x\"\n",
            "bcsync.toml: stores[0].tokn: unknown field `tokn`",
        ),
        (
            "[defaults]\nquota = 1\n",
            "bcsync.toml: defaults.quota: unknown field `quota`",
        ),
    ]);
}

#[test]
fn wrong_types_name_the_key() {
    let text = minimal("").replace("[database]\n", "[database]\nmax_connections = \"five\"\n");
    let e = error(&text, &[]);
    assert_has(
        &e,
        "bcsync.toml: database.max_connections: invalid type: string \"five\", expected u32",
    );
    assert_refused(&[
        (
            "channels = [\"a\"]\n",
            "bcsync.toml: stores[0].channels[0]: invalid type",
        ),
        (
            "[lease]\nttl_secs = \"30\"\n",
            "bcsync.toml: lease.ttl_secs: invalid type: string \"30\"",
        ),
    ]);
    // a secret of the wrong type is not quoted
    let e = error(&minimal("").replace(&format!("\"{TOKEN}\""), "123456789"), &[]);
    assert_eq!(
        e.rsplit_once("bcsync.toml: ").unwrap().1,
        "stores[0].token: must be a string"
    );
}

#[test]
fn syntax_errors_give_line_and_column_without_the_line() {
    let text =
        format!("[database]\nurl = \"postgres://db/x\"\n\n[[stores]]\ntoken = \"{TOKEN}\nhash = \"x\"\n");
    let e = error(&text, &[]);
    assert_has(&e, "bcsync.toml: line 5, column ");
    let e = error("[http]\nlisten = \n", &[]);
    assert_has(&e, "bcsync.toml: line 2, column 10: ");
}

#[test]
fn missing_database_url_and_stores() {
    let e = error(&format!("[[stores]]\nhash = \"a\"\ntoken = \"{TOKEN}\"\n"), &[]);
    assert_has(&e, "no database URL: set url in [database] of ");
    assert_has(&e, "bcsync.toml, BCSYNC__DATABASE__URL or DATABASE_URL");
    let e = error("[database]\nurl = \"postgres://db/x\"\n", &[]);
    assert_has(&e, "no store configured: add a [[stores]] table to ");
    let e = Config::load(None, &env(&[("DATABASE_URL", "postgres://db/x")])).unwrap_err();
    assert!(matches!(e, ConfigError::Missing(_)), "{e}");
    assert_has(
        &e.to_string(),
        "set BIGCOMMERCE_STORE_HASH and BIGCOMMERCE_ACCESS_TOKEN",
    );
}

#[test]
fn bad_database_url() {
    let e = error(&minimal("").replace("postgres://", "mysql://"), &[]);
    assert_has(
        &e,
        "bcsync.toml: database.url: is not a postgres:// or postgresql:// URL",
    );
    let e = error(
        &minimal("").replace(&format!("postgres://bcsync:{DB_PASSWORD}@db/bcsync"), " "),
        &[],
    );
    assert_has(&e, "bcsync.toml: database.url: is empty");
}

#[test]
fn store_identity_errors() {
    let dup = format!(
        "{}\n[[stores]]\nhash = \"ABC123\"\ntoken = \"{OTHER_TOKEN}\"\n",
        minimal("")
    );
    let e = error(&dup, &[]);
    assert_has(
        &e,
        "bcsync.toml: stores[1].hash: \"ABC123\" is already the hash of stores[0]",
    );
    assert_refused(&[
        (
            "[[stores]]\ntoken = \"t\"\n",
            "bcsync.toml: stores[1]: hash is required",
        ),
        (
            "[[stores]]\nhash = \"a/b\"\ntoken = \"t\"\n",
            "bcsync.toml: stores[1].hash: \"a/b\" must be letters and digits only",
        ),
    ]);
}

#[test]
fn token_errors() {
    assert_refused(&[
        (
            "token_file = \"/run/secrets/x\"\n",
            "bcsync.toml: stores[0]: set one of token and token_file, not both",
        ),
        (
            "[[stores]]\nhash = \"def\"\n",
            "bcsync.toml: stores[1]: one of token and token_file is required",
        ),
    ]);
    let e = error(&minimal("").replace(TOKEN, " "), &[]);
    assert_has(&e, "bcsync.toml: stores[0].token: is empty");

    let dir = Dir::new();
    let missing = dir.dir.path().join("no-such-token");
    let text = format!(
        "[database]\nurl = \"postgres://db/x\"\n[[stores]]\nhash = \"a\"\ntoken_file = \"{}\"\n",
        missing.display()
    );
    let e = dir.load(&text, &[]).unwrap_err().to_string();
    assert_has(
        &e,
        &format!(
            "bcsync.toml: stores[0].token_file: cannot read {}: ",
            missing.display()
        ),
    );

    let empty = dir.write("empty-token", "\n");
    let text = text.replace("no-such-token", "empty-token");
    let e = dir.load(&text, &[]).unwrap_err().to_string();
    assert_has(&e, &format!("stores[0].token_file: {} is empty", empty.display()));

    // An unreadable token file (a directory here) is named, its content never is.
    let e = dir
        .load(
            &minimal(""),
            &[(
                "BCSYNC__STORES__ABC123__TOKEN_FILE",
                dir.dir.path().to_str().unwrap(),
            )],
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("BCSYNC__STORES__ABC123__TOKEN_FILE: cannot read "),
        "{e}"
    );
}

#[test]
fn webhook_and_log_errors() {
    assert_refused(&[
        (
            "[webhooks]\nsecret = \"a\"\nsecret_file = \"b\"\n",
            "bcsync.toml: webhooks: set one of secret and secret_file, not both",
        ),
        (
            "[webhooks]\nsecret = \"\"\n",
            "bcsync.toml: webhooks.secret: is empty",
        ),
        (
            "[webhooks]\npublic_url = \"bcsync.example.com\"\n",
            "bcsync.toml: webhooks.public_url: \"bcsync.example.com\" is not a URL",
        ),
        (
            "[log]\nformat = \"xml\"\n",
            "bcsync.toml: log.format: \"xml\" is not a log format (auto, json or text)",
        ),
        (
            "[log]\nlevel = \"bcsync=loud\"\n",
            "bcsync.toml: log.level: \"bcsync=loud\" is not a log filter directive",
        ),
    ]);
    let e = error(&minimal(""), &[("RUST_LOG", "bcsync=loud")]);
    assert_has(&e, "RUST_LOG: \"bcsync=loud\" is not a log filter directive");
}

#[test]
fn unreadable_config_file() {
    let dir = Dir::new();
    let e = Config::load(Some(&dir.config()), &env(&[]))
        .unwrap_err()
        .to_string();
    assert_has(&e, "bcsync.toml: cannot read the config file: ");
}
