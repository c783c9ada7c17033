//! Production conditions a test can switch on, beyond faults and latency: listings
//! that lag (a live row missing from one answer) and a crowded second edited on every
//! read of it. Customers can also be stamped at any second ([`SimState::stamp_customers`]),
//! ahead of the API's clock included.

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::filter::DateRange;
use super::index::Dir;
use super::{SimState, now};
use crate::data::Secs;
use crate::webhooks::event::Change;

#[derive(Debug)]
pub(crate) struct Modes {
    /// Chance that a listing answer leaves out one of its rows.
    lag_rate: f64,
    /// Rows left out so far.
    lagged: u64,
    /// `(second, n)`: every customers listing whose window holds `second` first edits
    /// `n` customers still modified at that second (they move to now).
    churn: Option<(Secs, usize)>,
    rng: StdRng,
}

impl Default for Modes {
    fn default() -> Self {
        Modes {
            lag_rate: 0.0,
            lagged: 0,
            churn: None,
            rng: StdRng::seed_from_u64(0x1A6_1A6),
        }
    }
}

impl SimState {
    /// Listings that lag: with chance `rate` (clamped to `[0, 1]`), an answer of
    /// `GET /customers` or `GET /customers/addresses` leaves out one of its rows while
    /// its `meta.pagination.total` still counts it, like a search index a moment
    /// behind the records. Lookups by `id:in` lag too.
    pub fn set_listing_lag(&mut self, rate: f64) {
        self.modes.lag_rate = if rate.is_nan() { 0.0 } else { rate.clamp(0.0, 1.0) };
    }

    /// Rows left out of answers by [`SimState::set_listing_lag`] so far.
    pub fn lagged_rows(&self) -> u64 {
        self.modes.lagged
    }

    /// Edits of a crowded second on every read: each `GET /customers` with a
    /// `date_modified` window that holds `second` first edits `per_read` of the customers
    /// still modified at `second` (picked at random; their `date_modified` becomes
    /// now, so they leave it). `None` stops it.
    pub fn set_second_churn(&mut self, second: Option<DateTime<Utc>>, per_read: usize) {
        self.modes.churn = second.map(|s| (s.timestamp(), per_read));
    }

    /// Sets these customers' `date_modified` to `at` (any second, the future
    /// included), as a write stamped by another clock would; returns how many exist.
    pub fn stamp_customers(&mut self, ids: &[i64], at: DateTime<Utc>) -> usize {
        let mut stamped = 0;
        for id in ids {
            if self.customer_rec(*id).is_some() {
                self.set_modified(*id, at.timestamp());
                self.customer_event(Change::Updated, *id);
                stamped += 1;
            }
        }
        stamped
    }

    /// Runs the churn of [`SimState::set_second_churn`] before a customers listing.
    pub(crate) fn churn_before_listing(&mut self, window: DateRange) {
        let Some((second, per_read)) = self.modes.churn else {
            return;
        };
        if !window.is_set() || !window.contains(second) {
            return;
        }
        let at = DateRange {
            min: Some(second),
            max: Some(second),
        };
        let (lo, hi) = self.by_modified.range(at, Dir::Asc);
        let mut ids: Vec<i64> = self.by_modified.ids(Dir::Asc, lo, hi).collect();
        let t = now().max(second + 1);
        for _ in 0..per_read.min(ids.len()) {
            let id = ids.swap_remove(self.modes.rng.random_range(0..ids.len()));
            self.set_modified(id, t);
            self.customer_event(Change::Updated, id);
        }
    }

    /// Applies [`SimState::set_listing_lag`] to one answer's ids.
    pub(crate) fn lag_listing(&mut self, ids: &mut Vec<i64>) {
        if self.modes.lag_rate <= 0.0 || ids.is_empty() || !self.modes.rng.random_bool(self.modes.lag_rate) {
            return;
        }
        ids.remove(self.modes.rng.random_range(0..ids.len()));
        self.modes.lagged += 1;
    }
}
