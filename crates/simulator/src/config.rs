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

/// One `with_*` setter a field, which takes the field's type (or, written
/// `impl Into<T>`, anything that converts into it). Each setter's doc is its field's.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident => $field:ident: $ty:ty;)*) => {
        impl SimConfig {
            $(
                #[doc = concat!("Sets [`SimConfig::", stringify!($field), "`].")]
                $(#[$doc])*
                pub fn $name(mut self, value: $ty) -> Self {
                    self.$field = value.into();
                    self
                }
            )*
        }
    };
}

setters! {
    with_store_hash => store_hash: impl Into<String>;
    with_token => token: impl Into<String>;
    with_customers => customers: usize;
    with_seed => seed: u64;
    /// `Some(q)`: `q` requests per window; `None`: unlimited.
    with_quota => quota: Option<u32>;
    with_window_ms => window_ms: u64;
    with_latency_ms => latency_ms: u64;
    /// Clamped to `[0, 1]`.
    with_fault_rate => fault_rate: f64;
    with_max_addresses => max_addresses: usize;
    with_address_edits_touch_customer => address_edits_touch_customer: bool;
    with_instruments_scope => instruments_scope: bool;
    with_listing_lag => listing_lag: f64;
}

impl SimConfig {
    /// See [`SimConfig::webhook_target`].
    pub fn with_webhook_target(mut self, url: impl Into<String>, secret: impl Into<String>) -> Self {
        self.webhook_target = Some((url.into(), secret.into()));
        self
    }
}
