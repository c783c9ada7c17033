//! Shared by the integration tests: a server on port 0, and a reader for `/metrics`.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use bcsync_http::{HttpState, Metrics, ReadinessCheck, WebhookEvent, WebhookIntake};
use prom_text_format_parser::{ScrapeParseError, Type, parse_scrape};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

pub const SECRET: &str = "test-secret-7f3a9c";
pub const STORE: &str = "abc123";

pub struct Server {
    pub base: String,
    pub stop: watch::Sender<bool>,
    pub handle: JoinHandle<std::io::Result<()>>,
}

impl Server {
    pub async fn start(state: HttpState) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, shutdown) = watch::channel(false);
        let handle = tokio::spawn(bcsync_http::serve(listener, bcsync_http::router(state), shutdown));
        Server { base, stop, handle }
    }

    /// A server whose readiness is `readiness` (no webhooks, no status page).
    pub async fn with_readiness(readiness: ReadinessCheck) -> Server {
        Server::start(HttpState {
            metrics: Metrics::new(),
            readiness,
            webhooks: None,
            status: None,
        })
        .await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn metrics_text(&self) -> String {
        let response = reqwest::get(self.url("/metrics")).await.unwrap();
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }
}

pub fn ready() -> ReadinessCheck {
    Arc::new(|| Box::pin(async { Ok(()) }))
}

pub fn intake(capacity: usize, max_body_bytes: usize) -> (WebhookIntake, mpsc::Receiver<WebhookEvent>) {
    let (events, rx) = mpsc::channel(capacity);
    let intake = WebhookIntake {
        secret: SECRET.into(),
        store_secrets: Default::default(),
        max_body_bytes,
        stores: HashSet::from([STORE.to_owned()]),
        events,
    };
    (intake, rx)
}

pub fn state(metrics: &Arc<Metrics>, webhooks: Option<WebhookIntake>) -> HttpState {
    HttpState {
        metrics: Arc::clone(metrics),
        readiness: ready(),
        webhooks,
        status: None,
    }
}

/// One parsed sample: family name as written on the line, labels, value.
#[derive(Debug, Clone)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// Parses an exposition with `prom_text_format_parser`. Any syntax error fails. So
/// does any assembly error except a family announced by HELP/TYPE with no samples yet,
/// which the format allows but this parser reports; every family must carry a HELP
/// and a TYPE, so a sample whose name does not match its TYPE (the parser then
/// starts an untyped family for it) fails too.
pub fn parse(text: &str, allow_empty_families: bool) -> Vec<Sample> {
    let (metrics, error) = parse_scrape(text);
    match error {
        None => {}
        Some(ScrapeParseError::Collect(errors)) if allow_empty_families => {
            for err in errors {
                assert!(
                    err.error.ends_with("has no samples") || err.error.ends_with("has only TYPE"),
                    "{err:?} in\n{text}"
                );
            }
        }
        Some(err) => panic!("not a valid exposition: {err:?}\n{text}"),
    }
    let mut samples = Vec::new();
    for metric in metrics {
        assert_ne!(metric.kind, Type::Untyped, "{} has no TYPE", metric.name);
        assert!(metric.help_desc.is_some(), "{} has no HELP", metric.name);
        for sample in metric.samples {
            let suffix = match (metric.kind, sample.value.value_type) {
                (Type::Histogram, prom_text_format_parser::ValueType::Sample) => "_bucket",
                (_, prom_text_format_parser::ValueType::Sum) => "_sum",
                (_, prom_text_format_parser::ValueType::Count) => "_count",
                _ => "",
            };
            samples.push(Sample {
                name: format!("{}{suffix}", metric.name),
                labels: sample
                    .labels
                    .iter()
                    .map(|l| (l.key.clone(), l.value.clone()))
                    .collect(),
                value: sample.value.value.as_f64(),
            });
        }
    }
    samples
}

/// The value of the one sample named `name` with exactly `labels`.
pub fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    let want: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let found: Vec<_> = samples
        .iter()
        .filter(|s| s.name == name && s.labels == want)
        .collect();
    assert_eq!(found.len(), 1, "{name}{want:?} in {samples:#?}");
    found[0].value
}
