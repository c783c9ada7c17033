//! One configuration path for every command, driven through the real binary: which
//! file is read (`--config`, `BCSYNC_CONFIG`, `bcsync.toml`), `migrate` with only the
//! database settings, every documented knob through the file and the environment,
//! and a bad configuration exiting 78 with one line.

use crate::common;

use std::path::{Path, PathBuf};

use bcsync_simulator::SimConfig;
use common::{App, bcsync_in as bcsync, show, spawn_app, stderr, stdout};

/// A config file for the app's store, with `extra` lines added to its `[[stores]]`.
fn write_config(dir: &Path, name: &str, app: &App, extra: &str) -> PathBuf {
    let text = format!(
        "[database]\nurl = \"{}\"\n\n[[stores]]\nhash = \"{}\"\ntoken = \"{}\"\napi_url = \"{}\"\n{extra}",
        app.db.url,
        app.sim.store_hash(),
        app.sim.token(),
        app.sim.base_url()
    );
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A PostgreSQL URL nobody listens on.
fn dead_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("postgres://bcsync:pw@127.0.0.1:{port}/bcsync")
}

#[tokio::test]
async fn migrate_reads_the_same_configuration_as_every_command() {
    let app = spawn_app(SimConfig::default().with_customers(5)).await;
    let dir = tempfile::tempdir().unwrap();

    // Only BCSYNC__DATABASE__URL, as the systemd and Docker setups set it.
    let out = bcsync(
        dir.path(),
        &["migrate"],
        &[("BCSYNC__DATABASE__URL", &app.db.url)],
    )
    .await;
    assert!(out.status.success(), "{}", show(&out));
    assert_eq!(stdout(&out).trim(), "migrations applied");
    // It really is that variable that is used: a dead one is named.
    let dead = dead_url();
    let out = bcsync(dir.path(), &["migrate"], &[("BCSYNC__DATABASE__URL", &dead)]).await;
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: cannot connect to PostgreSQL (check BCSYNC__DATABASE__URL)"),
        "{err}"
    );
    assert!(!err.contains(":pw@"), "the password leaked: {err}");

    // --config, with a file holding only [database].
    let file = dir.path().join("db-only.toml");
    std::fs::write(&file, format!("[database]\nurl = \"{}\"\n", app.db.url)).unwrap();
    let out = bcsync(dir.path(), &["migrate", "--config", file.to_str().unwrap()], &[]).await;
    assert!(out.status.success(), "{}", show(&out));

    // BCSYNC_CONFIG names the file when there is no flag.
    let out = bcsync(
        dir.path(),
        &["migrate"],
        &[("BCSYNC_CONFIG", file.to_str().unwrap())],
    )
    .await;
    assert!(out.status.success(), "{}", show(&out));

    // bcsync.toml in the working directory, when nothing else names a file.
    std::fs::copy(&file, dir.path().join("bcsync.toml")).unwrap();
    let out = bcsync(dir.path(), &["migrate"], &[]).await;
    assert!(out.status.success(), "{}", show(&out));
}

#[tokio::test]
async fn a_bad_configuration_exits_78_with_one_line_naming_file_and_key() {
    let app = spawn_app(SimConfig::default().with_customers(5)).await;
    let dir = tempfile::tempdir().unwrap();
    let bad = write_config(dir.path(), "bad.toml", &app, "quota_share = 3\n");
    for args in [
        vec!["migrate", "--config"],
        vec!["sync", "--config"],
        vec!["run", "--config"],
        vec!["status", "--config"],
        vec!["config", "check", "--config"],
    ] {
        let mut args = args.clone();
        args.push(bad.to_str().unwrap());
        let out = bcsync(dir.path(), &args, &[]).await;
        assert_eq!(out.status.code(), Some(78), "{args:?}: {}", show(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert_eq!(
            err.trim(),
            format!(
                "error: invalid configuration: {}: stores[0].quota_share: 3 is out of range (0, 1]",
                bad.display()
            ),
            "{args:?}"
        );
    }
    // A file that is not there: said once.
    let out = bcsync(dir.path(), &["sync", "--config", "nothere.toml"], &[]).await;
    assert_eq!(out.status.code(), Some(78), "{}", show(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    assert!(
        err.starts_with("error: invalid configuration: nothere.toml: cannot read the config file"),
        "{err}"
    );
    // A bad variable beside a good file is named.
    let good = write_config(dir.path(), "good.toml", &app, "");
    let out = bcsync(
        dir.path(),
        &["sync", "--config", good.to_str().unwrap()],
        &[("BCSYNC_MAX_RETRY_SECS", "0")],
    )
    .await;
    assert_eq!(out.status.code(), Some(78), "{}", show(&out));
    assert!(
        stderr(&out).contains("BCSYNC_MAX_RETRY_SECS: 0 is out of range"),
        "{}",
        show(&out)
    );
}

/// Every documented knob, set through the file and through the environment, reaches
/// the effective settings (`bcsync config check`), named as in the README.
#[tokio::test]
async fn every_documented_knob_is_read_from_the_file_and_from_the_environment() {
    let app = spawn_app(SimConfig::default().with_customers(5)).await;
    let dir = tempfile::tempdir().unwrap();
    let hash = app.sim.store_hash().to_owned();
    // (file key, file value, legacy variable, variable value, effective line)
    let knobs: &[(&str, &str, Option<&str>, &str, &str)] = &[
        (
            "overlap_secs",
            "9",
            Some("BCSYNC_OVERLAP_SECS"),
            "8",
            "overlap_secs = ",
        ),
        (
            "quota_share",
            "0.5",
            Some("BCSYNC_QUOTA_SHARE"),
            "0.25",
            "quota_share = ",
        ),
        (
            "address_sweep_pages",
            "3",
            Some("BCSYNC_ADDRESS_SWEEP_PAGES"),
            "2",
            "address_sweep_pages = ",
        ),
        (
            "listing_sweep_pages",
            "3",
            Some("BCSYNC_LISTING_SWEEP_PAGES"),
            "2",
            "listing_sweep_pages = ",
        ),
        (
            "customer_slice",
            "33",
            Some("BCSYNC_CUSTOMER_SLICE"),
            "22",
            "customer_slice = ",
        ),
        ("channels", "[5]", Some("BCSYNC_CHANNELS"), "6,7", "channels = "),
        (
            "exclude",
            "[\"customers.notes\"]",
            Some("BCSYNC_EXCLUDE"),
            "stored_instruments",
            "exclude = ",
        ),
        (
            "max_retry_secs",
            "17",
            Some("BCSYNC_MAX_RETRY_SECS"),
            "16",
            "max_retry_secs = ",
        ),
        (
            "concurrency",
            "3",
            Some("BCSYNC_CONCURRENCY"),
            "2",
            "concurrency = ",
        ),
        (
            "incremental_schedule",
            "\"*/7 * * * *\"",
            None,
            "*/9 * * * *",
            "incremental_schedule = ",
        ),
        (
            "reconcile_schedule",
            "\"0 4 * * *\"",
            None,
            "0 5 * * *",
            "reconcile_schedule = ",
        ),
    ];
    for (key, file_value, legacy, env_value, line) in knobs {
        let file = write_config(dir.path(), "k.toml", &app, &format!("{key} = {file_value}\n"));
        let path = file.to_str().unwrap();
        let from_file = bcsync(dir.path(), &["config", "check", "--config", path], &[]).await;
        assert!(from_file.status.success(), "{key}: {}", show(&from_file));
        let shown = effective(&stdout(&from_file), line);
        assert_eq!(shown, normalise(file_value), "{key} from the file");

        // BCSYNC__STORES__<HASH>__KEY beats the file.
        let var = format!("BCSYNC__STORES__{}__{}", hash.to_uppercase(), key.to_uppercase());
        let out = bcsync(
            dir.path(),
            &["config", "check", "--config", path],
            &[(&var, env_value)],
        )
        .await;
        assert!(out.status.success(), "{key}: {}", show(&out));
        assert_eq!(
            effective(&stdout(&out), line),
            normalise_env(env_value),
            "{key} from {var}"
        );

        // The README's variable, without a file.
        if let Some(legacy) = legacy {
            let out = bcsync(
                dir.path(),
                &["config", "check"],
                &[
                    ("DATABASE_URL", &app.db.url),
                    ("BIGCOMMERCE_STORE_HASH", &hash),
                    ("BIGCOMMERCE_ACCESS_TOKEN", app.sim.token()),
                    (legacy, env_value),
                ],
            )
            .await;
            assert!(out.status.success(), "{key}: {}", show(&out));
            assert_eq!(
                effective(&stdout(&out), line),
                normalise_env(env_value),
                "{key} from {legacy}"
            );
        }
    }
    // Sections: max_connections, listen, log, lease.
    let file = write_config(dir.path(), "k.toml", &app, "");
    let path = file.to_str().unwrap();
    let out = bcsync(
        dir.path(),
        &["config", "check", "--config", path],
        &[
            ("BCSYNC__DATABASE__MAX_CONNECTIONS", "3"),
            ("BCSYNC__HTTP__LISTEN", "127.0.0.1:9999"),
            ("BCSYNC__LOG__FORMAT", "json"),
            ("BCSYNC__LEASE__TTL_SECS", "12"),
        ],
    )
    .await;
    let text = stdout(&out);
    for want in [
        "max_connections = 3",
        "listen = \"127.0.0.1:9999\"",
        "format = \"json\"",
        "ttl_secs = 12",
    ] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
}

/// The value on the last line starting with `prefix` (stores come last).
fn effective(text: &str, prefix: &str) -> String {
    text.lines()
        .rfind(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} in:\n{text}"))[prefix.len()..]
        .to_owned()
}

fn normalise(file_value: &str) -> String {
    file_value.to_owned()
}

/// The variable's text as the effective TOML shows it.
fn normalise_env(value: &str) -> String {
    if value == "6,7" {
        "[6, 7]".to_owned()
    } else if value.parse::<f64>().is_ok() {
        value.to_owned()
    } else if value.contains('*') {
        format!("\"{value}\"")
    } else {
        format!("[\"{value}\"]")
    }
}

/// Knobs that were silently ignored beside a config file now change what a pass does.
#[tokio::test]
async fn max_retry_secs_and_customer_slice_change_behaviour_through_file_and_environment() {
    // Every request fails: the pass gives up after max_retry_secs, not the default 120 s.
    let app = spawn_app(SimConfig::default().with_customers(5).with_fault_rate(1.0)).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write_config(dir.path(), "b.toml", &app, "");
    let path = file.to_str().unwrap();
    let out = bcsync(
        dir.path(),
        &["sync", "--config", path],
        &[("BCSYNC_MAX_RETRY_SECS", "1")],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let err = stderr(&out);
    let gave_up = err.lines().find(|l| l.starts_with("error: ")).unwrap_or_default();
    assert!(gave_up.contains("gave up after"), "{err}");
    let secs = seconds_in(gave_up).unwrap_or_else(|| panic!("no duration in {gave_up}"));
    assert!(
        secs < 10.0,
        "gave up after {secs}s although max_retry_secs = 1: {gave_up}"
    );

    // customer_slice: consents and instruments of that many customers per pass.
    let app = spawn_app(SimConfig::default().with_customers(600)).await;
    let none = write_config(dir.path(), "s0.toml", &app, "customer_slice = 0\n");
    app.run_ok(&["sync"]).await; // first pass, from the legacy variables
    let before = app.sim.request_count();
    let out = bcsync(dir.path(), &["sync", "--config", none.to_str().unwrap()], &[]).await;
    assert!(out.status.success(), "{}", show(&out));
    let idle = app.sim.request_count() - before;
    let before = app.sim.request_count();
    let var = format!(
        "BCSYNC__STORES__{}__CUSTOMER_SLICE",
        app.sim.store_hash().to_uppercase()
    );
    let out = bcsync(
        dir.path(),
        &["sync", "--config", none.to_str().unwrap()],
        &[(&var, "200")],
    )
    .await;
    assert!(out.status.success(), "{}", show(&out));
    let sliced = app.sim.request_count() - before;
    // 200 customers' consent and instruments: 400 more requests.
    assert!(
        sliced >= idle + 400,
        "customer_slice from {var} ignored: {idle} vs {sliced} requests"
    );
}

/// `1.234s` or `850ms` in a Debug-formatted Duration.
fn seconds_in(text: &str) -> Option<f64> {
    let at = text.find(" in ")? + 4;
    let rest = &text[at..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let n: f64 = rest[..end].parse().ok()?;
    match &rest[end..] {
        r if r.starts_with("ms") => Some(n / 1000.0),
        r if r.starts_with('s') => Some(n),
        _ => None,
    }
}
