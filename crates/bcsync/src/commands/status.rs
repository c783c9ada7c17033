//! `bcsync status`: per store and resource, where the mirror stands: the last passes and
//! their outcome, each resource's lag (time since the start of the latest pass that read
//! it successfully), watermark and position, live rows and the lease holder.
//!
//! `--json` prints the same as one JSON document (fields in docs/schema.md,
//! "Freshness"); `--max-lag 15m` makes it a gate for an orchestrator: exit 1 when any
//! store or resource is staler than that or failed in its last pass. The SQL lives in
//! the mirror crate (`Mirror::status`); lags use the database's clock.

use bcsync_mirror::{PassRow, StoreStatus};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use std::time::Duration;

use crate::cli::StatusArgs;

/// One configured store as read from the database.
struct Report {
    hash: String,
    lease: Option<(String, DateTime<Utc>)>,
    status: StoreStatus,
}

pub async fn run(config: &bcsync_config::Config, args: &StatusArgs) -> anyhow::Result<()> {
    let mirror = super::connect(&config.database).await?;
    let mut reports = Vec::new();
    for cfg in &config.stores {
        let hash = cfg.hash.clone();
        let lease = mirror.lease(&hash).await?;
        let status = mirror.status(&hash).await?;
        reports.push(Report { hash, lease, status });
    }
    let problems: Vec<String> = reports.iter().flat_map(|r| problems(r, args.max_lag)).collect();
    if args.json {
        crate::outln!(
            "{}",
            serde_json::to_string_pretty(&document(&reports, args.max_lag, &problems))?
        );
    } else {
        for r in &reports {
            print_human(r);
        }
    }
    if args.max_lag.is_some() && !problems.is_empty() {
        // One line per problem, then the one error line (which stays short).
        for p in &problems {
            eprintln!("stale: {p}");
        }
        anyhow::bail!(
            "freshness check failed: {} problem(s) (listed above): check the daemon and its last passes",
            problems.len()
        );
    }
    Ok(())
}

/// `--max-lag`: a number and a unit (`s`, `m`, `h`, `d`), e.g. `15m`.
pub fn parse_lag(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 90s, 15m, 2h or 1d"))?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(format!("{text:?}: the unit must be s, m, h or d (e.g. 15m)")),
    };
    if secs == 0 {
        return Err(format!("{text:?}: must be more than zero"));
    }
    Ok(Duration::from_secs(secs))
}

fn lag(now: DateTime<Utc>, since: Option<DateTime<Utc>>) -> Option<TimeDelta> {
    since.map(|s| (now - s).max(TimeDelta::zero()))
}

fn too_old(lag: Option<TimeDelta>, max: Duration) -> bool {
    lag.is_none_or(|l| l.to_std().unwrap_or_default() > max)
}

/// What makes `--max-lag` fail. Failures of the last pass always count; lags only
/// when a maximum is given. Resources the last pass skipped (excluded, missing scope)
/// are not judged.
fn problems(r: &Report, max_lag: Option<Duration>) -> Vec<String> {
    let s = &r.status;
    let mut out = Vec::new();
    match &s.last_finished {
        None => out.push(format!("store {}: no finished pass yet", r.hash)),
        Some(p) if p.outcome == "failed" => out.push(format!(
            "store {}: the last pass ({}) failed: {}",
            r.hash,
            p.kind,
            p.error.as_deref().unwrap_or("no error recorded")
        )),
        Some(_) => {}
    }
    if let Some(max) = max_lag
        && s.last_finished.is_some()
        && too_old(lag(s.now, s.last_success_at), max)
    {
        out.push(format!(
            "store {}: last successful pass {} (more than {})",
            r.hash,
            ago(s.now, s.last_success_at),
            human_std(max)
        ));
    }
    for res in s.resources.iter().filter(|res| res.last_status != "skipped") {
        if res.last_status == "failed" {
            out.push(format!(
                "store {} resource {}: failed in the last pass: {}",
                r.hash,
                res.resource,
                res.last_reason.as_deref().unwrap_or("no reason recorded")
            ));
        } else if let Some(max) = max_lag
            && too_old(lag(s.now, res.last_success_at), max)
        {
            out.push(format!(
                "store {} resource {}: last read {} (more than {})",
                r.hash,
                res.resource,
                ago(s.now, res.last_success_at),
                human_std(max)
            ));
        }
    }
    out
}

fn pass_json(p: &PassRow) -> Value {
    json!({
        "kind": p.kind, "outcome": p.outcome, "started_at": p.started_at, "finished_at": p.finished_at,
        "error": p.error, "requests": p.requests,
    })
}

fn secs(d: Option<TimeDelta>) -> Option<i64> {
    d.map(|d| d.num_seconds())
}

fn document(reports: &[Report], max_lag: Option<Duration>, problems: &[String]) -> Value {
    let stores: Vec<Value> = reports
        .iter()
        .map(|r| {
            let s = &r.status;
            json!({
                "store_hash": r.hash,
                "lease": r.lease.as_ref().map(|(holder, until)| json!({
                    "holder": holder, "expires_at": until, "held": *until > s.now,
                })),
                "last_success_at": s.last_success_at,
                "lag_seconds": secs(lag(s.now, s.last_success_at)),
                "last_pass": s.last_finished.as_ref().map(pass_json),
                "passes": s.latest_by_kind.iter().map(pass_json).collect::<Vec<_>>(),
                "resources": s.resources.iter().map(|res| json!({
                    "name": res.resource, "last_status": res.last_status, "last_reason": res.last_reason,
                    "last_success_at": res.last_success_at,
                    "lag_seconds": secs(lag(s.now, res.last_success_at)),
                })).collect::<Vec<_>>(),
                "sync_state": s.sync_state.iter().map(|st| json!({
                    "resource": st.resource, "watermark": st.watermark, "position": st.position,
                    "updated_at": st.updated_at,
                })).collect::<Vec<_>>(),
                "sweeps": super::sweep_report::json(&s.sweeps),
                "tables": s.tables.iter().map(|t| json!({
                    "name": t.table, "live": t.live, "deleted": t.deleted, "last_change_at": t.last_change_at,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let now = reports.first().map_or_else(Utc::now, |r| r.status.now);
    json!({
        "now": now,
        "max_lag_seconds": max_lag.map(|m| m.as_secs()),
        "ok": problems.is_empty(),
        "problems": problems,
        "stores": stores,
    })
}

fn print_human(r: &Report) {
    let s = &r.status;
    let now = s.now;
    crate::outln!("store {}", r.hash);
    match &r.lease {
        Some((holder, until)) if *until > now => crate::outln!("  lease: held by {holder} until {until}"),
        _ => crate::outln!("  lease: free"),
    }
    if s.latest_by_kind.is_empty() {
        crate::outln!("  no pass yet");
    }
    for p in &s.latest_by_kind {
        crate::outln!(
            "  last {:<11} {} at {} ({} requests){}",
            p.kind,
            p.outcome,
            p.finished_at.map_or("-".to_owned(), |f| f.to_rfc3339()),
            p.requests,
            p.error.as_ref().map(|e| format!(": {e}")).unwrap_or_default()
        );
    }
    crate::outln!("  lag: last successful pass {}", ago(now, s.last_success_at));
    for res in &s.resources {
        crate::outln!(
            "  {:<24} lag {:<8} last {}{}",
            res.resource,
            lag(now, res.last_success_at).map_or("never".to_owned(), human),
            res.last_status,
            res.last_reason
                .as_ref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        );
    }
    for st in &s.sync_state {
        crate::outln!(
            "  {:<24} watermark {:<25} position {:<10} updated {} ago",
            st.resource,
            st.watermark.map_or("-".to_owned(), |w| w.to_rfc3339()),
            st.position.map_or("-".to_owned(), |p| p.to_string()),
            human(now - st.updated_at),
        );
    }
    for line in super::sweep_report::lines(&s.sweeps, now, human) {
        crate::outln!("{line}");
    }
    for t in &s.tables {
        crate::outln!(
            "  {:<28} {:>9} live {:>7} deleted, last change {}",
            t.table,
            t.live,
            t.deleted,
            ago(now, t.last_change_at),
        );
    }
}

fn ago(now: DateTime<Utc>, at: Option<DateTime<Utc>>) -> String {
    lag(now, at).map_or("never".to_owned(), |d| format!("{} ago", human(d)))
}

fn human_std(d: Duration) -> String {
    human(TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX))
}

fn human(d: TimeDelta) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h{}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d{}h", s / 86_400, s % 86_400 / 3600),
    }
}
