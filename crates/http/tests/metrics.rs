//! `/metrics` after recording some of everything: a real parser reads it, and the
//! samples have the names, labels and values recorded.

use crate::common;

use std::time::Duration;

use bcsync_http::{Metrics, WebhookOutcome};
use chrono::{TimeZone, Utc};
use common::{STORE, Server, parse, state, value};

#[tokio::test]
async fn exposition_parses_and_has_everything_recorded() {
    let metrics = Metrics::new();

    let api = metrics.observer(STORE);
    api.response("/customers", 200);
    api.response("/customers", 200);
    api.response("/customers", 429);
    api.response("/customers/addresses", 0);
    api.response("/customers/32/consent", 200);
    api.response("/customers/33/consent", 200);
    api.response("/customers/jane@example.com", 404);
    api.waited(Duration::from_millis(1500), false);
    api.waited(Duration::from_millis(500), true);
    api.gave_up("/customers/32/stored-instruments");
    metrics.observer("other9").response("/customers", 200);

    metrics.rows_written(STORE, "customers", "insert", 250);
    metrics.rows_written(STORE, "customers", "update", 3);
    metrics.rows_written(STORE, "addresses", "delete", 2);
    metrics.pass_finished(STORE, "incremental", true, Duration::from_secs(3));
    metrics.pass_finished(STORE, "incremental", false, Duration::from_millis(200));
    let at = Utc.with_ymd_and_hms(2026, 8, 21, 12, 0, 0).unwrap();
    metrics.resource_synced(STORE, "customers", at, Some(Duration::from_secs(42)));
    metrics.resource_synced(STORE, "customer_settings", at, None);
    metrics.webhook(WebhookOutcome::Accepted);
    metrics.webhook(WebhookOutcome::Accepted);
    metrics.webhook(WebhookOutcome::Unauthorized);
    metrics.leased(STORE, true);
    metrics.leased("other9", false);

    let server = Server::start(state(&metrics, None)).await;
    let response = reqwest::get(server.url("/metrics")).await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    // Every family has a sample here, so nothing at all may be reported.
    let samples = parse(&text, false);

    let s = STORE;
    let req = "bcsync_api_requests_total";
    for (store, endpoint, status, want) in [
        (s, "/customers", "200", 2.0),
        (s, "/customers", "429", 1.0),
        (s, "/customers/addresses", "0", 1.0),
        (s, "/customers/{id}/consent", "200", 2.0),
        (s, "/customers/{value}", "404", 1.0),
        ("other9", "/customers", "200", 1.0),
    ] {
        let labels = [("store", store), ("endpoint", endpoint), ("status", status)];
        assert_eq!(value(&samples, req, &labels), want, "{labels:?}");
    }
    assert_eq!(value(&samples, "bcsync_rate_limited_total", &[("store", s)]), 1.0);
    for reason in ["pacing", "reset"] {
        let labels = [("store", s), ("reason", reason)];
        assert_eq!(
            value(&samples, "bcsync_rate_limit_waits_total", &labels),
            1.0,
            "{reason}"
        );
    }
    assert_eq!(
        value(&samples, "bcsync_rate_limit_wait_seconds_total", &[("store", s)]),
        2.0
    );
    assert_eq!(
        value(
            &samples,
            "bcsync_api_gave_up_total",
            &[("store", s), ("endpoint", "/customers/{id}/stored-instruments")]
        ),
        1.0
    );

    let rows = "bcsync_rows_written_total";
    for (table, op, want) in [
        ("customers", "insert", 250.0),
        ("customers", "update", 3.0),
        ("addresses", "delete", 2.0),
    ] {
        let labels = [("store", s), ("table", table), ("op", op)];
        assert_eq!(value(&samples, rows, &labels), want, "{labels:?}");
    }

    let pass = [("store", s), ("kind", "incremental")];
    for outcome in ["succeeded", "failed"] {
        let labels = [pass[0], pass[1], ("outcome", outcome)];
        assert_eq!(value(&samples, "bcsync_passes_total", &labels), 1.0, "{outcome}");
    }
    assert_eq!(value(&samples, "bcsync_pass_failures_total", &pass), 1.0);
    assert_eq!(value(&samples, "bcsync_pass_duration_seconds_count", &pass), 2.0);
    assert!((value(&samples, "bcsync_pass_duration_seconds_sum", &pass) - 3.2).abs() < 1e-9);
    let bucket = |le| {
        value(
            &samples,
            "bcsync_pass_duration_seconds_bucket",
            &[pass[0], pass[1], ("le", le)],
        )
    };
    assert_eq!(bucket("0.5"), 1.0);
    assert_eq!(bucket("2.5"), 1.0);
    assert_eq!(bucket("5"), 2.0);
    assert_eq!(bucket("+Inf"), 2.0);

    let last = "bcsync_last_success_timestamp_seconds";
    assert_eq!(
        value(&samples, last, &[("store", s), ("resource", "customers")]),
        at.timestamp() as f64
    );
    assert_eq!(
        value(&samples, last, &[("store", s), ("resource", "customer_settings")]),
        at.timestamp() as f64
    );
    assert_eq!(
        value(
            &samples,
            "bcsync_lag_seconds",
            &[("store", s), ("resource", "customers")]
        ),
        42.0
    );
    assert!(
        !samples
            .iter()
            .any(|x| x.name == "bcsync_lag_seconds" && x.labels["resource"] == "customer_settings"),
        "a resource without a watermark has no lag series"
    );

    assert_eq!(
        value(&samples, "bcsync_webhooks_total", &[("outcome", "accepted")]),
        2.0
    );
    assert_eq!(
        value(&samples, "bcsync_webhooks_total", &[("outcome", "unauthorized")]),
        1.0
    );
    for outcome in WebhookOutcome::ALL {
        // Every outcome is there from the start, zero or not.
        value(
            &samples,
            "bcsync_webhooks_total",
            &[("outcome", outcome.as_str())],
        );
    }
    assert_eq!(value(&samples, "bcsync_store_leased", &[("store", s)]), 1.0);
    assert_eq!(
        value(&samples, "bcsync_store_leased", &[("store", "other9")]),
        0.0
    );

    for sample in &samples {
        assert!(sample.name.starts_with("bcsync_"), "{sample:?}");
        for (key, val) in &sample.labels {
            assert!(!val.contains('@'), "{key}={val} looks like an email");
            if key == "endpoint" {
                assert!(
                    !val.split('/')
                        .any(|seg| !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit())),
                    "{key}={val} has a numeric path segment"
                );
            }
        }
    }
    for line in text
        .lines()
        .filter(|l| l.starts_with("# TYPE") && l.ends_with(" counter"))
    {
        assert!(line.split(' ').nth(2).unwrap().ends_with("_total"), "{line}");
    }
}

#[tokio::test]
async fn unknown_row_operations_are_counted_as_other() {
    let metrics = Metrics::new();
    metrics.rows_written(STORE, "customers", "upsert-ish", 1);
    let samples = parse(&metrics.render(), true);
    assert_eq!(
        value(
            &samples,
            "bcsync_rows_written_total",
            &[("store", STORE), ("table", "customers"), ("op", "other")]
        ),
        1.0
    );
}
