//! Reads that answer with stored records as the API shows them, each with the
//! corruption patch its record carries: the page of a listing and a single record.
//!
//! The rows and their patches are copied under the state lock; the models are built
//! and serialised after it is released.

use axum::response::Response;
use serde::Serialize;
use serde_json::{Map, Value};

use super::errors::ApiError;
use super::params::Pairs;
use super::render;
use crate::counters::PathKind;
use crate::data::convert_resources::patched;
use crate::shared::Shared;
use crate::state::SimState;
use crate::state::filter::Paging;

/// What a listing answers for: the kind of its records (whose patches the rows
/// take), the page asked for, and the query the links repeat.
pub(crate) struct Listing<'a> {
    kind: PathKind,
    paging: Paging,
    pairs: &'a Pairs,
}

impl<'a> Listing<'a> {
    pub(crate) fn new(kind: PathKind, paging: Paging, pairs: &'a Pairs) -> Self {
        Listing { kind, paging, pairs }
    }

    /// `page` reads the total and the page's rows under the lock (an `Err` answers as
    /// is), `key` names the record whose patch a row takes, and `model` turns a row
    /// into what the API shows.
    pub(crate) fn answer<R, T: Serialize>(
        &self,
        app: &Shared,
        page: impl FnOnce(&mut SimState) -> Result<(usize, Vec<R>), ApiError>,
        key: impl Fn(&SimState, &R) -> i64,
        model: impl Fn(&R) -> T,
    ) -> Result<Response, ApiError> {
        let (total, rows, patches) = {
            let state = &mut app.inner.lock().state;
            let (total, rows) = page(state)?;
            let patches = state.patches(self.kind, rows.iter().map(|r| key(state, r)));
            (total, rows, patches)
        };
        let data: Vec<_> = rows
            .iter()
            .zip(&patches)
            .map(|(r, p)| patched(model(r), p.as_ref()))
            .collect();
        Ok(render::collection(&data, total, self.paging, self.pairs))
    }
}

/// One record read under the lock, 404 when `read` finds none, with the patch of
/// `kind`'s record `id`.
pub(crate) fn record<R>(
    app: &Shared,
    kind: PathKind,
    id: i64,
    read: impl FnOnce(&SimState) -> Option<R>,
) -> Result<(R, Option<Map<String, Value>>), ApiError> {
    let state = &app.inner.lock().state;
    let rec = read(state).ok_or(ApiError::NotFound)?;
    Ok((rec, state.record_patch(kind, id).cloned()))
}
