//! `GET /` over real HTTP: text that reaches the page from outside (a replica's host
//! name in the lease, a resource name) is escaped, a database error is a 503 page that
//! says so, and without a status source `/` is not served at all. The page against a
//! real daemon and database, in Chromium: crates/bcsync/tests/status_page.rs.

use crate::common;

use std::sync::Arc;

use bcsync_http::{HttpState, Metrics, StatusSource};
use bcsync_mirror::{ResourceState, RunRow, StoreOverview};
use chrono::{TimeDelta, Utc};
use common::{Server, ready};

fn state(status: Option<StatusSource>) -> HttpState {
    HttpState {
        metrics: Metrics::new(),
        readiness: ready(),
        webhooks: None,
        status,
    }
}

fn overview() -> StoreOverview {
    let now = Utc::now();
    StoreOverview {
        lease: Some((
            "<img src=x onerror=alert(1)>".to_owned(),
            now + TimeDelta::seconds(20),
        )),
        resources: vec![ResourceState {
            resource: "customers".to_owned(),
            watermark: Some(now - TimeDelta::minutes(3)),
            updated_at: now - TimeDelta::seconds(30),
        }],
        recent_runs: vec![RunRow {
            kind: "incremental".to_owned(),
            started_at: now - TimeDelta::seconds(40),
            finished_at: Some(now - TimeDelta::seconds(30)),
            outcome: "failed".to_owned(),
            requests: 12,
            rows_written: 0,
        }],
        succeeded: vec![(now - TimeDelta::minutes(10), now - TimeDelta::minutes(9))],
        quarantined: 4,
        now,
    }
}

#[tokio::test]
async fn the_page_escapes_what_it_shows_and_reports_a_failed_read() {
    let source: StatusSource = Arc::new(|| Box::pin(async { Ok(vec![("abc123".to_owned(), overview())]) }));
    let server = Server::start(state(Some(source))).await;
    let response = reqwest::get(server.url("/")).await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        !html.contains("<img"),
        "unescaped text from the database:\n{html}"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("<td class=\"failed\">failed</td>"));
    assert!(html.contains("Quarantined records: 4."));
    // Last success 9 minutes ago; the lag of customers is bounded by that pass's start.
    assert!(html.contains("<td>9m 0s ago</td>"), "{html}");
    assert!(
        html.contains("<td>customers</td><td>30s ago</td><td>10m 0s</td>"),
        "{html}"
    );
    assert!(html.contains("<polyline class=\"lag-line\""));

    let failing: StatusSource =
        Arc::new(|| Box::pin(async { Err("reading <the> database failed".to_owned()) }));
    let server = Server::start(state(Some(failing))).await;
    let response = reqwest::get(server.url("/")).await.unwrap();
    assert_eq!(response.status(), 503);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("unavailable: reading &lt;the&gt; database failed")
    );

    let server = Server::start(state(None)).await;
    assert_eq!(reqwest::get(server.url("/")).await.unwrap().status(), 404);
}
