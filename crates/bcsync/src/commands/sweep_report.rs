//! The sweeps' part of `bcsync status`: per sweep, how much of its rows the current
//! cycle re-checked, at what pace, and when the cycle ends against the bound.

use bcsync_mirror::SweepCycle;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

/// What a sweep re-checks, as an operator names it.
fn covers(sweep: &str) -> &str {
    match sweep {
        "customers" => "customers (whole, with addresses and form fields)",
        "per_customer" => "consents and stored instruments",
        other => other,
    }
}

/// `Some(d)`: the cycle ends `d` from now at the plan's pace.
fn ends_in(c: &SweepCycle) -> Option<TimeDelta> {
    c.secs_left().map(TimeDelta::seconds)
}

/// One line per sweep, for the human status.
pub fn lines(sweeps: &[SweepCycle], now: DateTime<Utc>, human: fn(TimeDelta) -> String) -> Vec<String> {
    sweeps
        .iter()
        .map(|c| {
            let pace = format!(
                "{} per pass every {}",
                c.per_pass,
                human(TimeDelta::seconds(c.interval_secs))
            );
            let end = match ends_in(c) {
                Some(d) if d.is_zero() => "complete".to_owned(),
                Some(d) => format!("cycle ends in ~{}", human(d)),
                None => "cycle does not move (nothing read per pass)".to_owned(),
            };
            let bound = if c.misses_bound() {
                format!(
                    "; MISSES the {} bound{}",
                    human(TimeDelta::seconds(c.within_secs)),
                    if c.capped {
                        " (held by sweep_quota_share: raise it or sweep_within)"
                    } else {
                        ""
                    }
                )
            } else {
                String::new()
            };
            let last = match (c.last_completed_at, c.last_cycle_secs) {
                (Some(at), Some(took)) => format!(
                    "; last cycle ended {} ago, took {}",
                    human(now - at),
                    human(TimeDelta::seconds(took as i64))
                ),
                _ => "; no cycle completed yet".to_owned(),
            };
            format!(
                "  sweep {:<13} {:>3.0}% of {} {} re-checked this cycle ({pace}); {end}{bound}{last}",
                c.sweep,
                c.coverage() * 100.0,
                c.total,
                covers(&c.sweep),
            )
        })
        .collect()
}

/// The sweeps in `bcsync status --json` (fields in docs/schema.md, "Freshness").
pub fn json(sweeps: &[SweepCycle]) -> Value {
    sweeps
        .iter()
        .map(|c| {
            json!({
                "sweep": c.sweep, "covered": c.covered, "total": c.total, "coverage": c.coverage(),
                "cycle_started_at": c.cycle_started_at, "per_pass": c.per_pass,
                "interval_seconds": c.interval_secs, "within_seconds": c.within_secs,
                "capped": c.capped, "ends_in_seconds": c.secs_left(), "misses_bound": c.misses_bound(),
                "last_completed_at": c.last_completed_at, "last_cycle_seconds": c.last_cycle_secs,
            })
        })
        .collect()
}
