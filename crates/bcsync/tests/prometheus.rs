//! The metrics as an operator's Prometheus sees them.
//!
//! - A freshly started `bcsync run` exports every per-store count an alert or the docs
//!   use at 0, for each configured store (and pass kind), before anything happened.
//! - A real Prometheus server (Debian's `prometheus`; skipped with a message where it
//!   is not installed) scrapes a real `bcsync run` syncing the simulator, loads
//!   deploy/monitoring/alerts.yaml, and every expression of those rules and of the
//!   Grafana dashboard parses and returns series through its query API.

use crate::common;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

use bcsync_mirror::testing::fresh_database;
use bcsync_simulator::{SimConfig, Simulator};
use common::daemon::{Daemon, DaemonSpec, eventually, free_port};
use common::spawn_app;
use yaml_rust2::YamlLoader;

const EVERY_2S: &str = "*/2 * * * * *";
/// Never within a test: 1 January, 03:00.
const YEARLY: &str = "0 0 3 1 1 *";

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `name{labels}` → value, for every sample of a scrape.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            Some((series.to_owned(), value.parse().ok()?))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_daemon_exports_every_count_at_zero_for_each_store() {
    let db = fresh_database().await;
    let one = Simulator::start(SimConfig::default().with_customers(5))
        .await
        .unwrap();
    let two = Simulator::start(SimConfig::default().with_customers(5).with_store_hash("def456"))
        .await
        .unwrap();
    let daemon = Daemon::start(&DaemonSpec {
        database_url: &db.url,
        stores: vec![&one, &two],
        incremental: YEARLY,
        reconcile: YEARLY,
        webhook_secret: None,
        lease_ttl_secs: 30,
    })
    .await;
    let scrape = daemon.get("/metrics").await.text().await.unwrap();
    let found = samples(&scrape);
    let mut missing = Vec::new();
    let mut expect = |series: String, value: f64| match found.get(&series) {
        Some(v) if *v == value => {}
        other => missing.push(format!("{series} = {other:?}, expected {value}")),
    };
    for store in ["abc123", "def456"] {
        for kind in ["incremental", "reconcile", "webhook"] {
            expect(
                format!(r#"bcsync_pass_failures_total{{store="{store}",kind="{kind}"}}"#),
                0.0,
            );
            for outcome in ["succeeded", "failed"] {
                expect(
                    format!(r#"bcsync_passes_total{{store="{store}",kind="{kind}",outcome="{outcome}"}}"#),
                    0.0,
                );
            }
            expect(
                format!(r#"bcsync_pass_duration_seconds_count{{store="{store}",kind="{kind}"}}"#),
                0.0,
            );
        }
        expect(format!(r#"bcsync_rate_limited_total{{store="{store}"}}"#), 0.0);
        // The limiter may already pace the startup requests: present, not necessarily 0.
        let mut present = vec![format!(
            r#"bcsync_rate_limit_wait_seconds_total{{store="{store}"}}"#
        )];
        for reason in ["pacing", "reset"] {
            present.push(format!(
                r#"bcsync_rate_limit_waits_total{{store="{store}",reason="{reason}"}}"#
            ));
        }
        for series in present {
            let value = found.get(&series).copied().unwrap_or(-1.0);
            expect(series, value);
        }
        expect(format!(r#"bcsync_quarantined_records{{store="{store}"}}"#), 0.0);
        expect(format!(r#"bcsync_api_quota_share{{store="{store}"}}"#), 1.0);
        expect(
            format!(r#"bcsync_schedule_interval_seconds{{store="{store}",kind="incremental"}}"#),
            // Yearly on 1 January: 365 or 366 days, whichever comes next.
            found
                .get(&format!(
                    r#"bcsync_schedule_interval_seconds{{store="{store}",kind="incremental"}}"#
                ))
                .copied()
                .filter(|v| *v == 365.0 * 86_400.0 || *v == 366.0 * 86_400.0)
                .unwrap_or(-1.0),
        );
        assert!(
            found.contains_key(&format!(r#"bcsync_store_leased{{store="{store}"}}"#)),
            "no bcsync_store_leased for {store}:\n{scrape}"
        );
    }
    for outcome in ["accepted", "unauthorized", "bad_request"] {
        expect(format!(r#"bcsync_webhooks_total{{outcome="{outcome}"}}"#), 0.0);
    }
    assert!(missing.is_empty(), "{}\n\nscrape:\n{scrape}", missing.join("\n"));
    daemon.terminate(Duration::from_secs(25)).await;
}

/// The expression with ` bool` after every comparison outside label matchers: an alert's
/// condition then returns its series with 0 or 1 instead of nothing while all is well,
/// so "returns series" checks its selectors and joins, not the state of the test.
fn with_bool(expr: &str) -> String {
    let chars: Vec<char> = expr.chars().collect();
    let (mut out, mut i, mut braces, mut quote) = (String::new(), 0, 0, None::<char>);
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{') => braces += 1,
            (None, '}') => braces -= 1,
            (None, '>' | '<' | '=' | '!') if braces == 0 => {
                let two = next == Some('=');
                if c != '=' && c != '!' || two {
                    let op: String = chars[i..i + if two { 2 } else { 1 }].iter().collect();
                    out.push_str(&op);
                    out.push_str(" bool");
                    i += op.len();
                    continue;
                }
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

#[test]
fn with_bool_leaves_label_matchers_alone() {
    assert_eq!(
        with_bool(r#"sum(x{a!="b",c=~"d>"}) >= 3 and y{k="v"} == 1"#),
        r#"sum(x{a!="b",c=~"d>"}) >= bool 3 and y{k="v"} == bool 1"#
    );
}

/// Every alert expression (with `bool`) and every dashboard query (variables filled in).
fn expressions() -> Vec<(String, String)> {
    let rules = std::fs::read_to_string(repo().join("deploy/monitoring/alerts.yaml")).unwrap();
    let rules = YamlLoader::load_from_str(&rules).unwrap().remove(0);
    let mut out = Vec::new();
    for group in rules["groups"].as_vec().unwrap() {
        for rule in group["rules"].as_vec().unwrap() {
            let name = rule["alert"].as_str().unwrap();
            out.push((format!("alert {name}"), with_bool(rule["expr"].as_str().unwrap())));
        }
    }
    let dashboard = std::fs::read_to_string(repo().join("deploy/monitoring/grafana-dashboard.json")).unwrap();
    let dashboard: serde_json::Value = serde_json::from_str(&dashboard).unwrap();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().into_iter().flatten() {
            let expr = target["expr"].as_str().unwrap();
            let filled = expr.replace("$__rate_interval", "1m").replace("$store", ".+");
            out.push((format!("panel {:?}", panel["title"].as_str().unwrap()), filled));
        }
    }
    let variable = dashboard["templating"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "store")
        .unwrap();
    // label_values(metric, label) is Grafana's; Prometheus answers the metric part.
    let of = variable["definition"].as_str().unwrap();
    let metric = of.trim_start_matches("label_values(").split(',').next().unwrap();
    out.push(("variable store".to_owned(), metric.to_owned()));
    out
}

async fn query(http: &reqwest::Client, base: &str, expr: &str) -> Result<usize, String> {
    let response = http
        .get(format!("{base}/api/v1/query"))
        .query(&[("query", expr)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let body: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
    if body["status"] != "success" {
        return Err(format!("{}: {}", body["errorType"], body["error"]));
    }
    Ok(body["data"]["result"].as_array().map_or(0, Vec::len))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rule_and_dashboard_query_returns_series_from_a_real_prometheus() {
    if std::process::Command::new("prometheus")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!(
            "SKIPPED: `prometheus` is not installed (apt-get install prometheus, or run scripts/ci/monitoring-tools.sh)"
        );
        return;
    }
    let app = spawn_app(SimConfig::default().with_customers(120).with_seed(7)).await;
    let daemon = Daemon::start(&DaemonSpec {
        database_url: &app.db.url,
        stores: vec![&app.sim],
        incremental: EVERY_2S,
        reconcile: "*/6 * * * * *",
        webhook_secret: None,
        lease_ttl_secs: 10,
    })
    .await;

    let dir = tempfile::tempdir().unwrap();
    let target = daemon.addr.trim_start_matches("http://");
    let rules = repo().join("deploy/monitoring/alerts.yaml");
    let config = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {rules}\n\
         scrape_configs:\n  - job_name: bcsync\n    static_configs:\n      - targets: ['{target}']\n",
        rules = rules.canonicalize().unwrap().display()
    );
    std::fs::write(dir.path().join("prometheus.yml"), config).unwrap();
    let port = free_port();
    let mut server = tokio::process::Command::new("prometheus")
        .arg(format!(
            "--config.file={}",
            dir.path().join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("prometheus starts");
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();

    // Scraped, and a few passes of both kinds behind it.
    let passes = r#"sum(bcsync_passes_total{outcome="succeeded"})"#;
    eventually(Duration::from_secs(60), "Prometheus has scraped several passes", || async {
        let r = http
            .get(format!("{base}/api/v1/query"))
            .query(&[("query", format!("{passes} >= 6 and on() sum(bcsync_passes_total{{kind=\"reconcile\",outcome=\"succeeded\"}}) >= 1"))])
            .send()
            .await;
        match r {
            Ok(r) => r
                .json::<serde_json::Value>()
                .await
                .is_ok_and(|b| b["data"]["result"].as_array().is_some_and(|a| !a.is_empty())),
            Err(_) => false,
        }
    })
    .await;
    // Rates over a minute want more than two samples of the busy counters.
    tokio::time::sleep(Duration::from_secs(5)).await;

    let mut failures = Vec::new();
    let exprs = expressions();
    for (what, expr) in &exprs {
        match query(&http, &base, expr).await {
            Ok(0) => failures.push(format!("{what}: no series for\n    {expr}")),
            Ok(_) => {}
            Err(e) => failures.push(format!("{what}: {e}\n    {expr}")),
        }
    }
    // The server loaded the rule file too: the same rules, as Prometheus itself reads them.
    let loaded: serde_json::Value = http
        .get(format!("{base}/api/v1/rules"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rule_count = loaded["data"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["rules"].as_array().unwrap().len())
        .sum::<usize>();
    let alerts = exprs.iter().filter(|(w, _)| w.starts_with("alert ")).count();
    assert!(alerts >= 7, "only {alerts} alert rules");
    assert_eq!(
        rule_count, alerts,
        "Prometheus loaded {rule_count} rules: {loaded}"
    );

    server.start_kill().unwrap();
    let _ = server.wait().await;
    daemon.terminate(Duration::from_secs(25)).await;
    assert!(
        failures.is_empty(),
        "{} of {} expressions failed against Prometheus:\n{}",
        failures.len(),
        exprs.len(),
        failures.join("\n")
    );
    eprintln!("{} expressions returned series", exprs.len());
}
