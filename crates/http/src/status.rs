//! `GET /`: the status page, one server-rendered HTML document with no script and no
//! external asset. Per store: the lease holder, freshness and lag per resource, the
//! last passes and their outcome, requests and 429s, the quarantine count and an SVG
//! chart of lag over the last hours. Counts, names and times only: no customer data.

mod chart;

use std::fmt::Write;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use bcsync_mirror::StoreOverview;
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use crate::Metrics;

/// Every configured store's [`StoreOverview`], in configuration order; `Err` carries a
/// reason fit for the page (no secrets, no customer data).
pub type StatusSource =
    Arc<dyn Fn() -> BoxFuture<'static, Result<Vec<(String, StoreOverview)>, String>> + Send + Sync>;

/// How many recent passes the page lists per store.
pub const RECENT_RUNS: i64 = 8;
/// The lag chart's width.
pub const CHART_HOURS: f64 = 6.0;
/// A page that waits on a hung database is worse than an error.
const QUERY_TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) struct StatusRoute {
    pub(crate) source: StatusSource,
    pub(crate) metrics: Arc<Metrics>,
}

pub(crate) async fn page(State(route): State<Arc<StatusRoute>>) -> Response {
    let (status, body) = match tokio::time::timeout(QUERY_TIMEOUT, (route.source)()).await {
        Ok(Ok(stores)) => (StatusCode::OK, render(&stores, &route.metrics)),
        Ok(Err(reason)) => (StatusCode::SERVICE_UNAVAILABLE, error_page(&reason)),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            error_page(&format!("the database did not answer within {QUERY_TIMEOUT:?}")),
        ),
    };
    (
        status,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// HTML-escapes text for element content and attribute values alike.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}\
th{background:#f0f0f0}td.num{text-align:right}.succeeded{color:#1a7f37}.failed{color:#c62828;font-weight:bold}\
.running{color:#8a6d00}section{margin-bottom:2em}small{color:#666}";

fn head(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"30\">\
         <title>{title}</title><style>{STYLE}</style></head><body>"
    );
}

fn error_page(reason: &str) -> String {
    let mut out = String::new();
    head(&mut out, "bcsync status: unavailable");
    let _ = write!(
        out,
        "<h1>bcsync status</h1><p class=\"failed\">The status is unavailable: {}</p></body></html>",
        escape(reason)
    );
    out
}

/// "3m 20s ago"-style ages, "—" for nothing.
fn age(now: DateTime<Utc>, at: Option<DateTime<Utc>>) -> String {
    match at {
        Some(at) => duration((now - at).num_seconds()),
        None => "—".to_owned(),
    }
}

fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m {}s", s / 60, s % 60),
        s if s < 172_800 => format!("{}h {}m", s / 3600, (s % 3600) / 60),
        s => format!("{}d {}h", s / 86_400, (s % 86_400) / 3600),
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A resource's checkpoint written at `synced` was written by a pass that started no
/// later; everything changed before that start is in the mirror. The start of the
/// latest succeeded pass begun by `synced` bounds the lag (`None` when unknown).
fn covered_since(o: &StoreOverview, synced: DateTime<Utc>) -> Option<DateTime<Utc>> {
    o.succeeded
        .iter()
        .rev()
        .map(|(started, _)| *started)
        .find(|started| *started <= synced)
}

fn holder(o: &StoreOverview) -> String {
    match &o.lease {
        Some((holder, expires)) if *expires >= o.now => escape(holder),
        Some(_) => "none (lease expired)".to_owned(),
        None => "none yet".to_owned(),
    }
}

pub(crate) fn render(stores: &[(String, StoreOverview)], metrics: &Metrics) -> String {
    let mut out = String::new();
    head(&mut out, "bcsync status");
    out.push_str("<h1>bcsync status</h1>");
    let _ = write!(
        out,
        "<p><small>{} store(s); this page refreshes every 30 s. Requests and 429s are this replica's since it started.</small></p>",
        stores.len()
    );
    out.push_str(
        "<table id=\"stores\"><thead><tr><th>store</th><th>lease holder</th><th>last success</th>\
         <th>last pass</th><th>requests</th><th>429s</th><th>quarantined</th></tr></thead><tbody>",
    );
    for (hash, o) in stores {
        let last_ok = o.succeeded.last().map(|r| r.1);
        let last = o.recent_runs.first().map_or("—", |r| r.outcome.as_str());
        let (requests, limited) = metrics.request_totals(hash);
        let _ = write!(
            out,
            "<tr class=\"store\" data-store=\"{h}\"><td><a href=\"#store-{h}\">{h}</a></td><td>{holder}</td><td>{ok}</td>\
             <td class=\"{last}\">{last}</td><td class=\"num\">{requests}</td><td class=\"num\">{limited}</td><td class=\"num\">{q}</td></tr>",
            h = escape(hash),
            holder = holder(o),
            ok = last_ok.map_or("never".to_owned(), |t| format!("{} ago", age(o.now, Some(t)))),
            last = escape(last),
            q = o.quarantined,
        );
    }
    out.push_str("</tbody></table>");
    for (hash, o) in stores {
        store_section(&mut out, hash, o);
    }
    out.push_str("</body></html>");
    out
}

fn store_section(out: &mut String, hash: &str, o: &StoreOverview) {
    let h = escape(hash);
    let _ = write!(out, "<section id=\"store-{h}\"><h2>Store {h}</h2>");
    let lease = match &o.lease {
        Some((_, expires)) => format!("{} (lease until {})", holder(o), time(*expires)),
        None => holder(o),
    };
    let _ = write!(
        out,
        "<p>Lease holder: {lease}. Quarantined records: {}.</p>",
        o.quarantined
    );
    out.push_str(
        "<h3>Resources</h3><table class=\"resources\"><thead><tr><th>resource</th><th>last synced</th>\
         <th>lag (at most)</th><th>newest change seen</th></tr></thead><tbody>",
    );
    for r in &o.resources {
        let newest = r.watermark.map_or("—".to_owned(), time);
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{} ago</td><td>{}</td><td>{newest}</td></tr>",
            escape(&r.resource),
            age(o.now, Some(r.updated_at)),
            age(o.now, covered_since(o, r.updated_at)),
        );
    }
    if o.resources.is_empty() {
        out.push_str("<tr><td colspan=\"4\">no checkpoint yet</td></tr>");
    }
    out.push_str("</tbody></table>");
    let _ = write!(out, "<h3>Lag over the last {CHART_HOURS} hours</h3>");
    let points = chart::lag_points(&o.succeeded, o.now, CHART_HOURS);
    out.push_str(&chart::svg(hash, &points, o.now, CHART_HOURS));
    out.push_str(
        "<h3>Last passes</h3><table class=\"runs\"><thead><tr><th>kind</th><th>started</th><th>took</th>\
         <th>outcome</th><th>requests</th><th>rows written</th></tr></thead><tbody>",
    );
    for r in &o.recent_runs {
        let took = r
            .finished_at
            .map_or("—".to_owned(), |f| duration((f - r.started_at).num_seconds()));
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{took}</td><td class=\"{o}\">{o}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&r.kind),
            time(r.started_at),
            r.requests,
            r.rows_written,
            o = escape(&r.outcome),
        );
    }
    if o.recent_runs.is_empty() {
        out.push_str("<tr><td colspan=\"6\">no pass yet</td></tr>");
    }
    out.push_str("</tbody></table></section>");
}

#[cfg(test)]
mod tests {
    use super::{duration, escape};

    #[test]
    fn text_is_escaped_and_durations_read_well() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(duration(59), "59s");
        assert_eq!(duration(200), "3m 20s");
        assert_eq!(duration(3 * 3600 + 120), "3h 2m");
        assert_eq!(duration(-5), "0s");
    }
}
