//! [`BigCommerceClient`]: one per store. Every request goes through the store's rate
//! limiter and the retry policy, and counts toward [`BigCommerceClient::requests`].

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use bigcommerce_models::{
    Address, Collection, Customer, DecodeError, LenientPage, Raw, decode_collection,
    decode_collection_lenient,
};
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;

use crate::answers::{excerpt, redirected};
use crate::config::ClientConfig;
use crate::error::ClientError;
use crate::limiter::{Announcement, RateLimiter};
use crate::origin::{check_api_url, same_origin_redirects};
use crate::query::{AddressQuery, CustomerQuery};
use crate::retry;

#[derive(Clone)]
pub struct BigCommerceClient {
    http: reqwest::Client,
    /// `{api_url}/stores/{hash}/v3`.
    base_url: String,
    token: SecretString,
    config: Arc<ClientConfig>,
    limiter: Arc<RateLimiter>,
    /// Requests sent, retries included: what a pass cost the store's quota.
    requests: Arc<Counter>,
    /// Seconds of the last `Date` header seen (`i64::MIN`: none yet).
    api_time: Arc<AtomicI64>,
}

impl fmt::Debug for BigCommerceClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BigCommerceClient")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl BigCommerceClient {
    pub fn new(config: ClientConfig) -> Result<Self, ClientError> {
        if config.store_hash.trim().is_empty() {
            return Err(ClientError::Config("the store hash is empty".into()));
        }
        let origin = check_api_url(&config.api_url, config.allow_insecure_http)?;
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .redirect(same_origin_redirects(origin))
            .user_agent(concat!("bcsync/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(BigCommerceClient {
            http,
            base_url: config.base_url(),
            token: config.access_token.clone(),
            limiter: Arc::new(RateLimiter::new(config.quota_share)),
            config: Arc::new(config),
            requests: Arc::new(Counter::default()),
            api_time: Arc::new(AtomicI64::new(i64::MIN)),
        })
    }

    pub fn store_hash(&self) -> &str {
        &self.config.store_hash
    }

    /// Requests sent so far by this client and its clones.
    pub fn requests(&self) -> u64 {
        self.requests.n.load(Ordering::Relaxed)
    }

    /// A clone sharing everything (limiter, quota, connections) whose
    /// [`requests`](Self::requests) counts only what it and its clones send: steps
    /// running at once each count their own. The requests still count here too.
    pub fn counted(&self) -> BigCommerceClient {
        BigCommerceClient {
            requests: Arc::new(Counter {
                n: AtomicU64::new(0),
                parent: Some(self.requests.clone()),
            }),
            ..self.clone()
        }
    }

    /// Requests per second this client may spend by the API's latest rate-limit
    /// headers (its `quota_share` of the window); `None` before any, or where the API
    /// sends none.
    pub fn quota_rate(&self) -> Option<f64> {
        self.limiter.rate()
    }

    /// `GET /customers`.
    pub async fn list_customers(&self, q: &CustomerQuery) -> Result<Collection<Raw<Customer>>, ClientError> {
        self.get_collection("/customers", &q.pairs()).await
    }

    /// The API's time from its last answer's `Date` header (or `None` before any).
    pub fn api_time(&self) -> Option<DateTime<Utc>> {
        match self.api_time.load(Ordering::Relaxed) {
            i64::MIN => None,
            secs => DateTime::from_timestamp(secs, 0),
        }
    }

    /// `GET /customers`, keeping records of the wrong shape aside instead of failing
    /// the page (they are quarantined, the rest stored).
    pub async fn list_customers_lenient(
        &self,
        q: &CustomerQuery,
    ) -> Result<LenientPage<Customer>, ClientError> {
        let (mut page, served_at) = self
            .get_dated("/customers", &q.pairs(), decode_collection_lenient::<Customer>)
            .await?;
        page.served_at = served_at;
        Ok(page)
    }

    /// `GET /customers/addresses`.
    pub async fn list_addresses(&self, q: &AddressQuery) -> Result<Collection<Raw<Address>>, ClientError> {
        self.get_collection("/customers/addresses", &q.pairs()).await
    }

    /// GETs one page of a collection, retrying what the retry policy allows.
    pub async fn get_collection<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Collection<Raw<T>>, ClientError> {
        let (mut page, served_at) = self.get_dated(path, query, decode_collection::<T>).await?;
        page.served_at = served_at;
        Ok(page)
    }

    /// GETs `path` and decodes the body with `decode`. A body that fails to decode
    /// counts as a failed attempt, so a truncated body is retried like a 5xx.
    pub async fn get_decoded<R>(
        &self,
        path: &str,
        query: &[(&str, String)],
        decode: impl Fn(&[u8]) -> Result<R, DecodeError>,
    ) -> Result<R, ClientError> {
        Ok(self.get_dated(path, query, decode).await?.0)
    }

    /// [`Self::get_decoded`], with the API's time of the answer (its `Date` header).
    pub async fn get_dated<R>(
        &self,
        path: &str,
        query: &[(&str, String)],
        decode: impl Fn(&[u8]) -> Result<R, DecodeError>,
    ) -> Result<(R, Option<DateTime<Utc>>), ClientError> {
        let endpoint = describe("GET", path, query);
        let limits = retry::Limits {
            max_attempts: self.config.max_attempts,
            max_retry_time: self.config.max_retry_time,
        };
        retry::with_retries(limits, &endpoint, || async {
            let (body, served_at) = self.attempt(path, query, &endpoint).await?;
            let decoded = decode(&body).map_err(|source| ClientError::Decode {
                endpoint: endpoint.clone(),
                source,
            })?;
            Ok((decoded, served_at))
        })
        .await
        .inspect_err(|err| {
            if let (ClientError::GaveUp { .. }, Some(o)) = (err, &self.config.observer) {
                o.gave_up(path);
            }
        })
    }

    /// Sends `body` (unless `null`) as JSON with `method` (the Webhooks API) and returns the
    /// answer's JSON. Retried like a GET only when the server said nothing was done
    /// (429, 5xx before a body); 4xx are returned at once.
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, ClientError> {
        let endpoint = format!("{method} {path}");
        let limits = retry::Limits {
            max_attempts: self.config.max_attempts,
            max_retry_time: self.config.max_retry_time,
        };
        retry::with_retries(limits, &endpoint, || {
            self.json_attempt(&method, path, body, &endpoint)
        })
        .await
    }

    /// Like [`send_json`](Self::send_json) for a request that is not idempotent (a
    /// POST that creates): sent once, again only after a 429 (the API did nothing).
    /// A 5xx or a lost connection may have done the work: the caller checks before
    /// sending it again.
    pub async fn send_json_once(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, ClientError> {
        let endpoint = format!("{method} {path}");
        let mut attempts = 1;
        loop {
            match self.json_attempt(&method, path, body, &endpoint).await {
                Err(ClientError::RateLimited { reset, .. }) if attempts < self.config.max_attempts => {
                    attempts += 1;
                    tokio::time::sleep(reset.unwrap_or(std::time::Duration::from_secs(1))).await;
                }
                other => return other,
            }
        }
    }

    async fn json_attempt(
        &self,
        method: &reqwest::Method,
        path: &str,
        body: &serde_json::Value,
        endpoint: &str,
    ) -> Result<serde_json::Value, ClientError> {
        let (permit, _) = self.limiter.acquire().await.map_err(|e| e.at(endpoint))?;
        self.requests.add_one();
        let transport = |source| ClientError::Transport {
            endpoint: endpoint.to_owned(),
            source,
        };
        let mut request = self
            .http
            .request(method.clone(), format!("{}{}", self.base_url, path))
            .header("X-Auth-Token", self.token.expose_secret())
            .header("Accept", "application/json");
        if !body.is_null() {
            request = request.json(body);
        }
        let response = request.send().await.map_err(transport)?;
        let announced = Announcement::from_headers(response.headers());
        if let Some(a) = announced {
            permit.observe(a);
        }
        drop(permit);
        let status = response.status();
        let endpoint = endpoint.to_owned();
        if status.is_redirection() {
            return Err(redirected(endpoint, status, response.headers()));
        }
        let text = response.text().await.map_err(transport)?;
        match status {
            s if s.is_success() => Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)),
            StatusCode::UNAUTHORIZED => Err(ClientError::Unauthorized { endpoint }),
            StatusCode::FORBIDDEN => Err(ClientError::Forbidden { endpoint }),
            StatusCode::TOO_MANY_REQUESTS => Err(ClientError::RateLimited {
                endpoint,
                with_headers: false,
                reset: announced.map(|a| a.reset),
            }),
            _ => Err(ClientError::Status {
                endpoint,
                status: status.as_u16(),
                body: excerpt(&text),
            }),
        }
    }

    /// One attempt: wait for the limiter, send, read the body.
    async fn attempt(
        &self,
        path: &str,
        query: &[(&str, String)],
        endpoint: &str,
    ) -> Result<(bytes::Bytes, Option<DateTime<Utc>>), ClientError> {
        let (permit, waited) = self.limiter.acquire().await.map_err(|e| e.at(endpoint))?;
        let observer = self.config.observer.as_deref();
        if let Some(o) = observer
            && !waited.total.is_zero()
        {
            o.waited(waited.total, waited.for_reset);
        }
        self.requests.add_one();
        let transport = |source| ClientError::Transport {
            endpoint: endpoint.to_owned(),
            source,
        };
        let response = self
            .http
            .get(format!("{}{}", self.base_url, path))
            .query(query)
            .header("X-Auth-Token", self.token.expose_secret())
            .header("Accept", "application/json")
            .send()
            .await
            .inspect_err(|_| {
                if let Some(o) = observer {
                    o.response(path, 0);
                }
            })
            .map_err(transport)?;
        let announced = Announcement::from_headers(response.headers());
        let served_at = date_header(response.headers());
        if let Some(t) = served_at {
            self.api_time.store(t.timestamp(), Ordering::Relaxed);
        }
        if let Some(a) = announced {
            permit.observe(a);
            if let Some(o) = observer {
                o.quota(a.quota, a.left);
            }
        }
        drop(permit);
        let status = response.status();
        if let Some(o) = observer {
            o.response(path, status.as_u16());
        }
        let endpoint = endpoint.to_owned();
        match status {
            s if s.is_success() => Ok((response.bytes().await.map_err(transport)?, served_at)),
            s if s.is_redirection() => Err(redirected(endpoint, s, response.headers())),
            StatusCode::UNAUTHORIZED => Err(ClientError::Unauthorized { endpoint }),
            StatusCode::FORBIDDEN => Err(ClientError::Forbidden { endpoint }),
            StatusCode::TOO_MANY_REQUESTS => Err(ClientError::RateLimited {
                endpoint,
                with_headers: announced.is_some(),
                reset: announced.map(|a| a.reset),
            }),
            _ => {
                let body = response.text().await.unwrap_or_default();
                Err(ClientError::Status {
                    endpoint,
                    status: status.as_u16(),
                    body: excerpt(&body),
                })
            }
        }
    }
}

/// Requests sent through a client, and through every client it was
/// [`counted`](BigCommerceClient::counted) from.
#[derive(Debug, Default)]
struct Counter {
    n: AtomicU64,
    parent: Option<Arc<Counter>>,
}

impl Counter {
    fn add_one(&self) {
        let mut counter = Some(self);
        while let Some(c) = counter {
            c.n.fetch_add(1, Ordering::Relaxed);
            counter = c.parent.as_deref();
        }
    }
}

/// An HTTP-date (`Wed, 02 Dec 2026 06:21:14 GMT`, RFC 9110) is an RFC 2822 date.
fn date_header(headers: &reqwest::header::HeaderMap) -> Option<DateTime<Utc>> {
    let text = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    DateTime::parse_from_rfc2822(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `GET /customers?page=2&limit=250`: how errors and logs name a request.
fn describe(method: &str, path: &str, query: &[(&str, String)]) -> String {
    let qs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    if qs.is_empty() {
        format!("{method} {path}")
    } else {
        format!("{method} {path}?{}", qs.join("&"))
    }
}
