//! The HTTP face: routes under `/stores/{store_hash}/v3`, all behind [`gate`].

pub(crate) mod addresses;
pub(crate) mod body;
pub(crate) mod customers;
pub(crate) mod errors;
pub(crate) mod faults;
pub(crate) mod gate;
pub(crate) mod params;
pub(crate) mod rate_limit;
pub(crate) mod render;

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Router, middleware};

use crate::shared::Shared;
use errors::ApiError;

async fn not_found() -> Response {
    ApiError::NotFound.into_response()
}

async fn method_not_allowed() -> Response {
    ApiError::MethodNotAllowed.into_response()
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let customers = get(customers::list)
        .post(customers::create)
        .put(customers::update)
        .delete(customers::delete);
    let addresses = get(addresses::list)
        .post(addresses::create)
        .put(addresses::update)
        .delete(addresses::delete);
    Router::new()
        .route("/stores/{store_hash}/v3/customers", customers)
        .route("/stores/{store_hash}/v3/customers/addresses", addresses)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(shared.clone(), gate::gate))
        .with_state(shared)
}
