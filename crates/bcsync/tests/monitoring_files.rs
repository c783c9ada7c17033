//! The monitoring files (`deploy/monitoring/`, `deploy/k8s/overlays/monitoring/`) agree
//! with each other, with the daemon's metrics and with the docs: every alert has a
//! summary and a runbook link to a section of docs/operations.md that exists, the
//! PrometheusRule holds exactly the rules of alerts.yaml, the ServiceMonitor selects the
//! Service's port, the dashboard has a store variable and a panel for each signal, and
//! (when promtool is installed) the rules pass `promtool check rules` and their unit
//! tests. Whether the expressions find real series is crates/bcsync/tests/prometheus.rs.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    let path = repo().join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn yaml(rel: &str) -> Yaml {
    let mut docs = YamlLoader::load_from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: not YAML: {e}"));
    assert_eq!(docs.len(), 1, "{rel}: expected one document");
    docs.remove(0)
}

fn alert_rules(groups: &Yaml) -> Vec<&Yaml> {
    groups
        .as_vec()
        .expect("groups is a list")
        .iter()
        .flat_map(|g| g["rules"].as_vec().expect("rules is a list"))
        .collect()
}

/// GitHub's heading anchors: lowercase, spaces to `-`, punctuation dropped.
fn anchors(markdown: &str) -> BTreeSet<String> {
    markdown
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|h| {
            h.trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

#[test]
fn every_alert_has_a_summary_and_a_runbook_section_that_exists() {
    let rules = yaml("deploy/monitoring/alerts.yaml");
    let alerts = alert_rules(&rules["groups"]);
    let names: BTreeSet<&str> = alerts.iter().filter_map(|r| r["alert"].as_str()).collect();
    for wanted in [
        "BcsyncStoreStale",
        "BcsyncPassesFailing",
        "BcsyncRateLimited",
        "BcsyncQuotaShareNearlySpent",
        "BcsyncLeaseFlapping",
        "BcsyncQuarantineGrowing",
        "BcsyncWebhooksRejected",
    ] {
        assert!(names.contains(wanted), "alerts.yaml lacks {wanted}");
    }
    let docs = anchors(&read("docs/operations.md"));
    for rule in alerts {
        let name = rule["alert"].as_str().expect("every rule is an alert");
        let summary = rule["annotations"]["summary"].as_str().unwrap_or_default();
        assert!(
            summary.contains("{{ $labels."),
            "{name}: summary names no label: {summary:?}"
        );
        let runbook = rule["annotations"]["runbook_url"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no runbook_url"));
        let anchor = runbook
            .strip_prefix("docs/operations.md#")
            .unwrap_or_else(|| panic!("{name}: runbook {runbook:?} is not in docs/operations.md"));
        assert!(
            docs.contains(anchor),
            "{name}: docs/operations.md has no section #{anchor}"
        );
        assert!(
            rule["labels"]["severity"].as_str().is_some(),
            "{name}: no severity label"
        );
    }
}

#[test]
fn the_prometheus_rule_holds_exactly_the_rules_of_alerts_yaml() {
    let file = yaml("deploy/monitoring/alerts.yaml");
    let rule = yaml("deploy/k8s/overlays/monitoring/prometheusrule.yaml");
    assert_eq!(rule["kind"].as_str(), Some("PrometheusRule"));
    assert_eq!(rule["apiVersion"].as_str(), Some("monitoring.coreos.com/v1"));
    assert_eq!(
        rule["spec"]["groups"], file["groups"],
        "prometheusrule.yaml and alerts.yaml differ: edit both together"
    );
}

#[test]
fn the_service_monitor_scrapes_the_services_http_port_and_the_overlay_lists_both() {
    let monitor = yaml("deploy/k8s/overlays/monitoring/servicemonitor.yaml");
    let service = yaml("deploy/k8s/base/service.yaml");
    assert_eq!(monitor["kind"].as_str(), Some("ServiceMonitor"));
    let selector = monitor["spec"]["selector"]["matchLabels"]
        .as_hash()
        .expect("matchLabels");
    for (k, v) in selector {
        assert_eq!(
            &service["metadata"]["labels"][k.as_str().unwrap()],
            v,
            "the ServiceMonitor selects {k:?} = {v:?}, which the Service does not carry"
        );
    }
    let ports: Vec<&str> = service["spec"]["ports"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    let endpoint = &monitor["spec"]["endpoints"][0];
    assert!(
        ports.contains(&endpoint["port"].as_str().unwrap()),
        "no Service port {:?}",
        endpoint["port"]
    );
    assert_eq!(endpoint["path"].as_str(), Some("/metrics"));
    let kustomization = yaml("deploy/k8s/overlays/monitoring/kustomization.yaml");
    let resources: Vec<&str> = kustomization["resources"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    for file in ["servicemonitor.yaml", "prometheusrule.yaml"] {
        assert!(
            resources.contains(&file),
            "the monitoring overlay does not list {file}"
        );
    }
}

#[test]
fn the_dashboard_has_a_store_variable_and_a_panel_for_every_signal() {
    let dashboard: serde_json::Value =
        serde_json::from_str(&read("deploy/monitoring/grafana-dashboard.json")).expect("dashboard JSON");
    let variables = dashboard["templating"]["list"]
        .as_array()
        .expect("templating.list");
    assert!(
        variables
            .iter()
            .any(|v| v["name"] == "store" && v["multi"] == true),
        "no multi-valued `store` variable"
    );
    let exprs: Vec<&str> = dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().into_iter().flatten())
        .filter_map(|t| t["expr"].as_str())
        .collect();
    for metric in [
        "bcsync_last_success_timestamp_seconds",
        "bcsync_lag_seconds",
        "bcsync_pass_duration_seconds_bucket",
        "bcsync_api_requests_total",
        "status=\"429\"",
        "bcsync_api_quota_left",
        "bcsync_rows_written_total",
        "bcsync_quarantined_records",
        "bcsync_webhooks_total",
    ] {
        assert!(
            exprs.iter().any(|e| e.contains(metric)),
            "no panel queries {metric}"
        );
    }
    // Every per-store query follows the variable (webhooks carry no store label).
    for e in &exprs {
        assert!(
            e.contains("store=~\"$store\"") || e.contains("bcsync_webhooks_total"),
            "a query ignores the store variable: {e}"
        );
    }
}

/// `promtool check rules` and `promtool test rules`, when promtool is installed (CI
/// installs it through scripts/ci/monitoring-tools.sh).
#[test]
fn promtool_checks_the_rules_and_their_unit_tests_pass() {
    let dir = repo().join("deploy/monitoring");
    for args in [
        ["check", "rules", "alerts.yaml"],
        ["test", "rules", "alerts.test.yaml"],
    ] {
        let output = match Command::new("promtool").args(args).current_dir(&dir).output() {
            Ok(output) => output,
            Err(e) => {
                eprintln!(
                    "SKIPPED: promtool is not installed ({e}); apt-get install prometheus, or run scripts/ci/monitoring-tools.sh"
                );
                return;
            }
        };
        assert!(
            output.status.success(),
            "promtool {}:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// docs/charts/*.svg are what bench/charts.py draws from the tables of docs/benchmarks.md.
#[test]
fn the_benchmark_charts_match_the_benchmark_tables() {
    let docs = read("docs/benchmarks.md");
    for chart in ["resync-rate.svg", "resync-memory.svg", "quota-wall.svg"] {
        assert!(
            docs.contains(&format!("](charts/{chart})")),
            "docs/benchmarks.md does not show {chart}"
        );
    }
    let output = match Command::new("python3")
        .args(["bench/charts.py", "--check"])
        .current_dir(repo())
        .output()
    {
        Ok(output) => output,
        Err(e) => {
            eprintln!("SKIPPED: python3 is not installed ({e})");
            return;
        }
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `kubectl kustomize` (when kubectl is installed) renders the monitoring overlay with
/// the daemon, the ServiceMonitor and the PrometheusRule, all in the overlay's namespace.
#[test]
fn kustomize_renders_the_monitoring_overlay() {
    let dir = repo().join("deploy/k8s/overlays/monitoring");
    let output = match Command::new("kubectl").arg("kustomize").arg(&dir).output() {
        Ok(output) => output,
        Err(e) => {
            eprintln!("SKIPPED: kubectl is not installed ({e})");
            return;
        }
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let docs = YamlLoader::load_from_str(&String::from_utf8(output.stdout).unwrap()).unwrap();
    for kind in ["Deployment", "Service", "ServiceMonitor", "PrometheusRule"] {
        let found: Vec<&Yaml> = docs.iter().filter(|d| d["kind"].as_str() == Some(kind)).collect();
        assert_eq!(found.len(), 1, "expected one {kind} in the rendered overlay");
        assert_eq!(
            found[0]["metadata"]["namespace"].as_str(),
            Some("bcsync"),
            "{kind}"
        );
    }
}
