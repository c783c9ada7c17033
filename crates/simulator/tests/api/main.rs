//! HTTP-level tests of the simulator, one binary for all of them (keeps link time down).

mod attribute_values;
mod attributes;
mod cascade;
mod consent;
mod data;
mod faults;
mod form_fields;
mod hook_deliveries;
mod hooks;
mod limits;
mod listing;
mod metafields;
mod modes;
mod settings;
mod webhook_receiver;
mod writes;

use bcsync_simulator::{SimConfig, Simulator};
use chrono::{DateTime, Utc};
use reqwest::{Client, Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub const RATE_HEADERS: [&str; 4] = [
    "x-rate-limit-time-window-ms",
    "x-rate-limit-time-reset-ms",
    "x-rate-limit-requests-quota",
    "x-rate-limit-requests-left",
];

/// A started simulator and a client for it.
pub struct Harness {
    pub sim: Simulator,
    pub client: Client,
}

impl Harness {
    pub async fn start(cfg: SimConfig) -> Harness {
        Harness {
            sim: Simulator::start(cfg).await.unwrap(),
            client: Client::new(),
        }
    }

    /// `path` is relative to `/stores/{hash}/v3`, query string included.
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}/stores/{}/v3{}",
            self.sim.base_url(),
            self.sim.store_hash(),
            path
        )
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header("X-Auth-Token", self.sim.token())
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    /// GET that must answer 200 with JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.unwrap()
    }

    /// Asserts that `GET path?<query>` answers 422 for each query in `bad`.
    pub async fn assert_refused_queries(&self, path: &str, bad: &[&str]) {
        for query in bad {
            let r = self.get(&format!("{path}?{query}")).await;
            assert_eq!(r.status(), 422, "{path}?{query}");
        }
    }

    pub async fn send_json(&self, method: Method, path: &str, body: Value) -> Response {
        self.request(method, path).json(&body).send().await.unwrap()
    }

    /// Sends `body` and asserts the answer's status; the answer is left for more checks.
    pub async fn send_expect(&self, method: Method, path: &str, body: Value, status: u16) -> Response {
        let r = self.send_json(method.clone(), path, body).await;
        assert_eq!(r.status(), status, "{method} {path}");
        r
    }

    /// A `POST` that must answer 200; its JSON answer.
    pub async fn post_ok(&self, path: &str, body: Value) -> Value {
        self.write_ok(Method::POST, path, body).await
    }

    /// A `PUT` that must answer 200; its JSON answer.
    pub async fn put_ok(&self, path: &str, body: Value) -> Value {
        self.write_ok(Method::PUT, path, body).await
    }

    async fn write_ok(&self, method: Method, path: &str, body: Value) -> Value {
        let r = self.send_expect(method, path, body, 200).await;
        r.json().await.unwrap()
    }

    /// A request without a body (a `DELETE` by `id:in`, say), asserting the answer's status.
    pub async fn call_expect(&self, method: Method, path: &str, status: u16) -> Response {
        let r = self.request(method.clone(), path).send().await.unwrap();
        assert_eq!(r.status(), status, "{method} {path}");
        r
    }

    /// Every page of a collection (`path` has a query string), following `links.next`,
    /// each record decoded as `T`.
    pub async fn all<T: DeserializeOwned>(&self, path: &str) -> Vec<T> {
        let base = path.split_once('?').map_or(path, |(p, _)| p);
        let mut out = Vec::new();
        let mut next = Some(path.to_owned());
        while let Some(url) = next {
            let page = self.get_json(&url).await;
            out.extend(data::<T>(&page));
            next = page["meta"]["pagination"]["links"]["next"]
                .as_str()
                .map(|q| format!("{base}{q}"));
        }
        out
    }
}

/// A page's `data`, decoded.
pub fn data<T: DeserializeOwned>(page: &Value) -> Vec<T> {
    serde_json::from_value(page["data"].clone()).unwrap()
}

pub fn now_s() -> DateTime<Utc> {
    bigcommerce_models::time::truncate_to_second(Utc::now())
}

pub fn has_rate_headers(r: &Response) -> bool {
    RATE_HEADERS.iter().all(|h| r.headers().contains_key(*h))
}

pub fn header_u64(r: &Response, name: &str) -> u64 {
    r.headers()[name].to_str().unwrap().parse().unwrap()
}

/// The ids of a page's `data`.
pub fn ids(page: &Value) -> Vec<i64> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn the_handle_can_be_shared_across_tasks() {
    fn check<T: Send + Sync>() {}
    check::<Simulator>();
}
