//! How a simulator is set up.

/// Everything a [`crate::Simulator`] is started with. Start from `Default` and chain
/// the `with_*` setters.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Path segment in `/stores/{store_hash}/v3/...`; any other hash answers 404.
    pub store_hash: String,
    /// Expected `X-Auth-Token`; anything else answers 401.
    pub token: String,
    /// How many customers to generate.
    pub customers: usize,
    /// Seed of the generator and of fault injection.
    pub seed: u64,
    /// Requests allowed per window; `None` is unlimited (headers still sent).
    pub quota: Option<u32>,
    /// Length of a rate-limit window (BigCommerce: 30 s).
    pub window_ms: u64,
    /// Delay before answering each request.
    pub latency_ms: u64,
    /// Chance in `[0, 1]` that a GET gets an injected fault.
    pub fault_rate: f64,
    /// Whether address writes bump the owner's `date_modified` (off: the API may not).
    pub address_edits_touch_customer: bool,
    /// Whether the token has the stored payment instruments scope; without it
    /// `GET /customers/{id}/stored-instruments` answers 403.
    pub instruments_scope: bool,
    /// Most addresses a generated customer has (by default 1% have 11 to 25, more
    /// than `include=addresses` carries); 10 models a store where none has more.
    pub max_addresses: usize,
    /// `(url, secret)`: every customer and address event is POSTed to `url` with the
    /// header `X-Bcsync-Webhook-Secret: secret`, as if one active hook on
    /// `store/customer/*` were registered (it is not listed by `GET /hooks`).
    pub webhook_target: Option<(String, String)>,
    /// Chance in `[0, 1]` that a listing answer leaves out one live row (its total
    /// still counts it); see [`crate::SimState::set_listing_lag`].
    pub listing_lag: f64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            store_hash: "abc123".to_owned(),
            token: "sim-token".to_owned(),
            customers: 1_000,
            seed: 42,
            quota: None,
            window_ms: 30_000,
            latency_ms: 0,
            fault_rate: 0.0,
            address_edits_touch_customer: false,
            instruments_scope: true,
            max_addresses: 25,
            webhook_target: None,
            listing_lag: 0.0,
        }
    }
}

impl SimConfig {
    pub fn with_store_hash(mut self, hash: impl Into<String>) -> Self {
        self.store_hash = hash.into();
        self
    }

    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    pub fn with_customers(mut self, n: usize) -> Self {
        self.customers = n;
        self
    }

    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// `Some(q)`: `q` requests per window; `None`: unlimited.
    pub fn with_quota(mut self, quota: Option<u32>) -> Self {
        self.quota = quota;
        self
    }

    pub fn with_window_ms(mut self, ms: u64) -> Self {
        self.window_ms = ms;
        self
    }

    pub fn with_latency_ms(mut self, ms: u64) -> Self {
        self.latency_ms = ms;
        self
    }

    /// Clamped to `[0, 1]`.
    pub fn with_fault_rate(mut self, p: f64) -> Self {
        self.fault_rate = p;
        self
    }

    pub fn with_max_addresses(mut self, n: usize) -> Self {
        self.max_addresses = n;
        self
    }

    pub fn with_address_edits_touch_customer(mut self, on: bool) -> Self {
        self.address_edits_touch_customer = on;
        self
    }

    pub fn with_instruments_scope(mut self, on: bool) -> Self {
        self.instruments_scope = on;
        self
    }

    /// See [`SimConfig::listing_lag`].
    pub fn with_listing_lag(mut self, rate: f64) -> Self {
        self.listing_lag = rate;
        self
    }

    /// See [`SimConfig::webhook_target`].
    pub fn with_webhook_target(mut self, url: impl Into<String>, secret: impl Into<String>) -> Self {
        self.webhook_target = Some((url.into(), secret.into()));
        self
    }
}
