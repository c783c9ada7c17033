//! What a pass did: the customers' figures, one report per other resource, and the
//! one line an operator reads.

use std::time::Duration;

use bcsync_mirror::{Tallies, Tally};
use chrono::{DateTime, Utc};

use crate::{PassKind, Resource};

#[derive(Debug)]
pub struct PassReport {
    /// The customers and their addresses: read by the walk, deleted by a resync's id
    /// comparison; the walk's requests and pages count with the customers.
    pub stats: Tallies,
    pub steps: Vec<StepReport>,
    pub elapsed: Duration,
    pub watermark: Option<DateTime<Utc>>,
}

impl PassReport {
    /// The whole pass as one tally: every table, every step (`sync_runs`' totals).
    pub fn total(&self) -> Tally {
        self.stats.total() + self.steps.iter().map(|s| s.stats).sum()
    }

    pub fn failures(&self) -> Vec<&StepReport> {
        self.steps
            .iter()
            .filter(|s| matches!(s.status, StepStatus::Failed(_)))
            .collect()
    }

    /// One line per pass, naming the store and each resource once (the address sweep's
    /// figures are added to those of the addresses read with the customers).
    pub fn summary_line(&self, kind: PassKind, store_hash: &str) -> String {
        let c = &self.stats.customers;
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let addresses = Resource::Addresses.as_str();
        let sweep = self.steps.iter().find(|st| st.name == addresses);
        let a = self.stats.addresses + sweep.map_or_else(Tally::default, |st| st.stats);
        let steps: Vec<String> = self
            .steps
            .iter()
            .filter(|st| st.name != addresses)
            .map(StepReport::short)
            .collect();
        let address_status = match sweep.map(|st| &st.status) {
            Some(StepStatus::Failed(_)) => " (sweep FAILED)",
            _ => "",
        };
        format!(
            "store {store_hash}: {} done in {:.1}s: {} requests; customers {} read ({:.0}/s) {} new {} changed {} deleted {} quarantined; \
             addresses {} read {} new {} changed {} deleted{address_status}; {}; watermark {}",
            kind.as_str(),
            secs,
            self.total().requests,
            c.read,
            c.read as f64 / secs,
            c.inserted,
            c.updated,
            c.deleted,
            c.quarantined,
            a.read,
            a.inserted,
            a.updated,
            a.deleted,
            steps.join("; "),
            self.watermark.map_or("none".to_owned(), |w| w.to_rfc3339()),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepStatus {
    Succeeded,
    /// Not read in this pass (excluded, or the token lacks the scope).
    Skipped(String),
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct StepReport {
    pub name: &'static str,
    pub status: StepStatus,
    pub stats: Tally,
}

impl StepReport {
    pub fn failed(name: &'static str, stats: Tally, err: &dyn std::fmt::Display) -> Self {
        tracing::error!(resource = name, error = %err, "resource step failed; the pass goes on");
        StepReport {
            name,
            status: StepStatus::Failed(format!("{err:#}")),
            stats,
        }
    }

    /// `name: error`, for the pass's error line.
    pub fn describe(&self) -> String {
        match &self.status {
            StepStatus::Failed(e) => format!("{}: {e}", self.name),
            StepStatus::Skipped(why) => format!("{} skipped: {why}", self.name),
            StepStatus::Succeeded => format!("{} ok", self.name),
        }
    }

    /// `metafields 12 read 1 changed` for the summary line.
    pub fn short(&self) -> String {
        let s = &self.stats;
        match &self.status {
            StepStatus::Succeeded => format!(
                "{} {} read {} new {} changed {} deleted",
                self.name, s.read, s.inserted, s.updated, s.deleted
            ),
            StepStatus::Skipped(_) => format!("{} skipped", self.name),
            StepStatus::Failed(_) => format!("{} FAILED", self.name),
        }
    }
}

/// `sync_runs.details`: per resource, what the step did.
pub fn details_json(report: &PassReport, replica: Option<&str>) -> serde_json::Value {
    let (c, a) = (&report.stats.customers, &report.stats.addresses);
    let mut details = serde_json::json!({
        "customers": {
            "status": if report.steps.iter().any(|st| st.name == Resource::Customers.as_str()) { "failed" } else { "succeeded" },
            "requests": c.requests, "pages": c.pages, "read": c.read,
            "inserted": c.inserted, "updated": c.updated, "deleted": c.deleted,
            "addresses_read": a.read, "addresses_inserted": a.inserted,
            "addresses_updated": a.updated, "addresses_deleted": a.deleted,
            "quarantined": c.quarantined,
        }
    });
    if let Some(replica) = replica {
        details["replica"] = serde_json::json!(replica);
    }
    for st in report
        .steps
        .iter()
        .filter(|st| st.name != Resource::Customers.as_str())
    {
        let (status, reason) = match &st.status {
            StepStatus::Succeeded => ("succeeded", None),
            StepStatus::Skipped(r) => ("skipped", Some(r.clone())),
            StepStatus::Failed(e) => ("failed", Some(e.clone())),
        };
        details[st.name] = serde_json::json!({
            "status": status, "reason": reason, "requests": st.stats.requests, "read": st.stats.read,
            "inserted": st.stats.inserted, "updated": st.stats.updated, "deleted": st.stats.deleted,
        });
    }
    details
}
