//! Extractors that answer their failures the way the API does ([`ApiError`]), so
//! handlers take the query and the path's id ready to use.

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;

use super::errors::ApiError;
use super::params::Pairs;
use super::resource_params::path_id;

/// The query string's pairs, in order; one that does not decode is a 400 naming `query`.
pub(crate) struct QueryPairs(pub Pairs);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<Pairs>::from_request_parts(parts, state).await {
            Ok(Query(pairs)) => Ok(QueryPairs(pairs)),
            Err(e) => Err(ApiError::bad_param("query", e.body_text())),
        }
    }
}

/// The `{id}` after `{store_hash}` in a path such as `/customers/{customer_id}/consent`;
/// anything but an integer names no resource (404).
pub(crate) struct PathId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((_, id)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        path_id(&id).map(PathId)
    }
}
