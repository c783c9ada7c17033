//! What an operator reads, driven through the real binary: the first line of each
//! failure says what failed and what to check (the setting and where it came from),
//! then the root cause; logs follow `[log]` and carry colour only to a terminal;
//! summaries name the store; a closed pipe ends quietly; impossible schedules are
//! refused.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use bcsync_simulator::SimConfig;
use common::{App, bcsync_in as bcsync, show, spawn_app, stderr, stdout};

/// The one `error:` line a failed command ends with.
fn error_line(out: &Output) -> String {
    let err = stderr(out);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(lines.len(), 1, "one error line expected:\n{}", show(out));
    lines[0].to_owned()
}

/// A config file for `app`'s store; `store_extra` goes into its `[[stores]]` table.
fn config(dir: &Path, app: &App, top: &str, store_extra: &str) -> PathBuf {
    let text = format!(
        "{top}\n[database]\nurl = \"{}\"\n\n[[stores]]\nhash = \"{}\"\napi_url = \"{}\"\n{store_extra}",
        app.db.url,
        app.sim.store_hash(),
        app.sim.base_url()
    );
    let path = dir.join("bcsync.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn no_escape_codes(text: &str) {
    assert!(
        !text.contains('\u{1b}'),
        "escape codes reached a non-terminal:\n{text}"
    );
}

#[tokio::test]
async fn a_wrong_token_names_where_it_came_from() {
    let app = spawn_app(SimConfig::default().with_customers(20)).await;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "not-the-token\n").unwrap();
    let file = config(
        dir.path(),
        &app,
        "",
        &format!("token_file = \"{}\"\n", token.display()),
    );
    let where_ = format!("stores[0].token_file in {}", file.display());

    let out = bcsync(dir.path(), &["sync"], &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let line = error_line(&out);
    assert!(
        line.starts_with(&format!(
            "error: store {}: BigCommerce rejects the access token (check {where_})",
            app.sim.store_hash()
        )),
        "{line}"
    );
    assert!(line.contains("401"), "{line}");
    assert!(!line.contains("BIGCOMMERCE_ACCESS_TOKEN"), "{line}");
    no_escape_codes(&stderr(&out));

    let out = bcsync(dir.path(), &["check"], &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let fail = fail_line(&out);
    assert_eq!(
        fail,
        format!(
            "FAIL store {}: BigCommerce rejects the access token (401) (check {where_})",
            app.sim.store_hash()
        )
    );
}

#[tokio::test]
async fn a_wrong_store_hash_says_check_hash_in_one_short_line() {
    let app = spawn_app(SimConfig::default().with_customers(20)).await;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[database]\nurl = \"{}\"\n\n[[stores]]\nhash = \"wrong1\"\ntoken = \"{}\"\napi_url = \"{}\"\n",
        app.db.url,
        app.sim.token(),
        app.sim.base_url()
    );
    let file = dir.path().join("bcsync.toml");
    std::fs::write(&file, text).unwrap();
    let where_ = format!("stores[0].hash in {}", file.display());

    let out = bcsync(dir.path(), &["check"], &[]).await;
    let fail = fail_line(&out);
    assert_eq!(
        fail,
        format!("FAIL store wrong1: BigCommerce knows no such store (404) (check {where_})")
    );
    assert!(!stdout(&out).contains('{'), "raw JSON printed:\n{}", show(&out));

    let out = bcsync(dir.path(), &["sync"], &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let err = stderr(&out);
    assert!(!err.contains(" ERROR "), "ERROR lines besides the error:\n{err}");
    let line = error_line(&out);
    assert!(
        line.starts_with(&format!(
            "error: store wrong1: BigCommerce knows no such store (404) (check {where_})"
        )),
        "{line}"
    );
    assert!(line.len() < 400, "{} characters: {line}", line.len());
    assert!(!line.contains('{'), "raw JSON: {line}");
}

#[tokio::test]
async fn root_causes_reach_the_first_line() {
    let app = spawn_app(SimConfig::default().with_customers(5)).await;
    let dir = tempfile::tempdir().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let legacy = |db: String, api: String| {
        vec![
            ("DATABASE_URL".to_owned(), db),
            (
                "BIGCOMMERCE_STORE_HASH".to_owned(),
                app.sim.store_hash().to_owned(),
            ),
            ("BIGCOMMERCE_ACCESS_TOKEN".to_owned(), app.sim.token().to_owned()),
            ("BIGCOMMERCE_API_URL".to_owned(), api),
        ]
    };
    let run = |args: &'static [&'static str], vars: Vec<(String, String)>| {
        let dir = dir.path().to_owned();
        async move {
            let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            bcsync(&dir, args, &vars).await
        }
    };

    // The database is down: "connection refused", not a pool timeout.
    let out = run(
        &["sync"],
        legacy(
            format!("postgres://u:pw@127.0.0.1:{closed}/db"),
            app.sim.base_url(),
        ),
    )
    .await;
    let line = error_line(&out);
    assert!(
        line.starts_with("error: cannot connect to PostgreSQL (check DATABASE_URL)"),
        "{line}"
    );
    assert!(line.contains("Connection refused"), "{line}");

    // A database that is not there: the server's words, no "at line N" of its source.
    let missing = format!("{}_nothere", app.db.url);
    let out = run(&["sync"], legacy(missing, app.sim.base_url())).await;
    let line = error_line(&out);
    assert!(line.contains("does not exist (SQLSTATE 3D000)"), "{line}");
    assert!(!line.contains("at line"), "{line}");

    // The API is unreachable: check says so quickly, with the cause.
    let out = run(
        &["check"],
        legacy(app.db.url.clone(), format!("http://127.0.0.1:{closed}")),
    )
    .await;
    let fail = fail_line(&out);
    assert!(
        fail.starts_with(&format!(
            "FAIL store {}: BigCommerce unreachable (check BIGCOMMERCE_API_URL): ",
            app.sim.store_hash()
        )),
        "{}",
        show(&out)
    );
    assert!(fail.contains("Connection refused"), "{fail}");
}

#[tokio::test]
async fn logs_follow_the_configuration_and_carry_colour_only_to_a_terminal() {
    let app = spawn_app(SimConfig::default().with_customers(30)).await;
    let dir = tempfile::tempdir().unwrap();
    let token = format!("token = \"{}\"\n", app.sim.token());

    // Into a pipe (a file, the journal): plain text, no escape codes, no routine notices.
    config(dir.path(), &app, "", &token);
    let out = bcsync(dir.path(), &["sync"], &[]).await;
    assert!(out.status.success(), "{}", show(&out));
    let err = stderr(&out);
    no_escape_codes(&err);
    assert!(
        !err.contains("already exists, skipping"),
        "routine notice at INFO:\n{err}"
    );
    // The summary names the store, and addresses once.
    let summary = err
        .lines()
        .find(|l| l.contains(" done in "))
        .expect("a summary line");
    assert!(
        summary.contains(&format!("store {}: sync done", app.sim.store_hash())),
        "{summary}"
    );
    assert_eq!(summary.matches("addresses").count(), 1, "{summary}");

    // [log] format = "json" is honoured by one-shot commands, and so is the variable.
    config(dir.path(), &app, "[log]\nformat = \"json\"\n", &token);
    let out = bcsync(dir.path(), &["sync"], &[]).await;
    assert!(out.status.success(), "{}", show(&out));
    for line in stderr(&out).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(v["fields"]["message"].is_string(), "{line}");
    }
    config(dir.path(), &app, "", &token);
    let out = bcsync(dir.path(), &["sync"], &[("BCSYNC__LOG__FORMAT", "json")]).await;
    assert!(stderr(&out).lines().all(|l| l.starts_with('{')), "{}", show(&out));
    let out = bcsync(dir.path(), &["sync", "--log-format", "json"], &[]).await;
    assert!(stderr(&out).lines().all(|l| l.starts_with('{')), "{}", show(&out));

    // On a terminal (a pty from script(1)): colour, unless NO_COLOR is set. Async:
    // the simulator serves from this test's runtime.
    let bin = env!("CARGO_BIN_EXE_bcsync");
    let on_tty = |no_color: bool| {
        let mut cmd = tokio::process::Command::new("script");
        cmd.args(["-qec", &format!("{bin} sync"), "/dev/null"])
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .stdin(Stdio::null())
            .kill_on_drop(true);
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        cmd.output()
    };
    match on_tty(false).await {
        Ok(out) if out.status.success() => {
            assert!(
                stdout(&out).contains('\u{1b}'),
                "no colour on a terminal:\n{}",
                show(&out)
            );
            let out = on_tty(true).await.unwrap();
            assert!(out.status.success(), "{}", show(&out));
            assert!(stdout(&out).contains(" done in "), "{}", show(&out));
            assert!(
                !stdout(&out).contains('\u{1b}'),
                "colour despite NO_COLOR:\n{}",
                show(&out)
            );
        }
        other => panic!("script(1) (util-linux) is needed to test a terminal: {other:?}"),
    }
}

#[tokio::test]
async fn output_to_a_closed_pipe_ends_quietly() {
    let app = spawn_app(SimConfig::default().with_customers(10)).await;
    app.run_ok(&["sync"]).await;
    for args in [&["status"][..], &["config", "check"][..], &["check"][..]] {
        let mut child = app
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the first line, as `| head -0` would.
        drop(child.stdout.take());
        let out = child.wait_with_output().await.unwrap();
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked:\n{}", show(&out));
        assert!(!stderr(&out).contains("panicked"), "{args:?}:\n{}", show(&out));
        assert!(!stderr(&out).contains("Broken pipe"), "{args:?}:\n{}", show(&out));
    }
}

#[tokio::test]
async fn a_schedule_that_can_never_fire_is_refused_naming_the_key() {
    let app = spawn_app(SimConfig::default().with_customers(5)).await;
    let dir = tempfile::tempdir().unwrap();
    let file = config(
        dir.path(),
        &app,
        "",
        &format!(
            "token = \"{}\"\nreconcile_schedule = \"0 0 30 2 *\"\n",
            app.sim.token()
        ),
    );
    let out = bcsync(dir.path(), &["config", "check"], &[]).await;
    assert_eq!(out.status.code(), Some(78), "{}", show(&out));
    let line = error_line(&out);
    assert!(
        line.starts_with(&format!(
            "error: invalid configuration: {}: stores[0].reconcile_schedule: \"0 0 30 2 *\"",
            file.display()
        )),
        "{line}"
    );
    assert!(line.contains("never fires"), "{line}");
}

/// The first `FAIL` line `bcsync check` printed (empty when none).
fn fail_line(out: &std::process::Output) -> String {
    stdout(out)
        .lines()
        .find(|l| l.starts_with("FAIL"))
        .unwrap_or_default()
        .to_owned()
}
