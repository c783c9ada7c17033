//! [`StoreObserver`]: one store's [`RequestObserver`], and the path templating that
//! keeps its `endpoint` label bounded.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bigcommerce::RequestObserver;

use crate::metrics::{EndpointLabels, Metrics, RequestLabels, StoreLabels, WaitLabels};

pub(crate) struct StoreObserver {
    metrics: Arc<Metrics>,
    store: String,
}

impl StoreObserver {
    pub(crate) fn new(metrics: Arc<Metrics>, store: &str) -> Self {
        Self {
            metrics,
            store: store.to_owned(),
        }
    }
}

// By hand: the derived form would print the whole registry.
impl fmt::Debug for StoreObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreObserver")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl RequestObserver for StoreObserver {
    fn response(&self, path: &str, status: u16) {
        self.metrics.count_response(&self.store, status);
        self.metrics
            .api_requests
            .get_or_create(&RequestLabels {
                store: self.store.clone(),
                endpoint: endpoint_template(path),
                status,
            })
            .inc();
        if status == 429 {
            self.metrics
                .rate_limited
                .get_or_create(&StoreLabels {
                    store: self.store.clone(),
                })
                .inc();
        }
    }

    fn waited(&self, waited: Duration, for_reset: bool) {
        let reason = if for_reset { "reset" } else { "pacing" };
        self.metrics
            .rate_limit_waits
            .get_or_create(&WaitLabels {
                store: self.store.clone(),
                reason,
            })
            .inc();
        self.metrics
            .rate_limit_wait_seconds
            .get_or_create(&StoreLabels {
                store: self.store.clone(),
            })
            .inc_by(waited.as_secs_f64());
    }

    fn quota(&self, quota: u32, left: u32) {
        self.metrics.quota(&self.store, quota, left);
    }

    fn gave_up(&self, path: &str) {
        self.metrics
            .api_gave_up
            .get_or_create(&EndpointLabels {
                store: self.store.clone(),
                endpoint: endpoint_template(path),
            })
            .inc();
    }
}

/// The path with its variable segments replaced: `/customers/32/consent` →
/// `/customers/{id}/consent`. Numbers become `{id}`; any other segment that is not a
/// plain lowercase word (a hash, an email, something percent-encoded) becomes
/// `{value}`, so no caller can turn the label into an unbounded set.
pub(crate) fn endpoint_template(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut out = String::with_capacity(path.len());
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(if segment.bytes().all(|b| b.is_ascii_digit()) {
            "{id}"
        } else if is_plain_word(segment) {
            segment
        } else {
            "{value}"
        });
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// `customers`, `form-field-values`, `stored-instruments`: a lowercase letter, then
/// lowercase letters, `-` and `_`.
fn is_plain_word(segment: &str) -> bool {
    let mut bytes = segment.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::endpoint_template;

    #[test]
    fn numeric_segments_become_id() {
        for (path, label) in [
            ("/customers", "/customers"),
            ("/customers/addresses", "/customers/addresses"),
            ("/customers/32/consent", "/customers/{id}/consent"),
            (
                "/customers/32/stored-instruments",
                "/customers/{id}/stored-instruments",
            ),
            (
                "/customers/settings/channels/1",
                "/customers/settings/channels/{id}",
            ),
        ] {
            assert_eq!(endpoint_template(path), label, "{path}");
        }
    }

    #[test]
    fn anything_unusual_becomes_value() {
        assert_eq!(
            endpoint_template("/customers/jane@example.com"),
            "/customers/{value}"
        );
        assert_eq!(endpoint_template("/stores/abc123/v3"), "/stores/{value}/{value}");
        assert_eq!(endpoint_template("/customers?id:in=1,2"), "/customers");
        assert_eq!(endpoint_template(""), "/");
        assert_eq!(endpoint_template("/Customers"), "/{value}");
    }
}
