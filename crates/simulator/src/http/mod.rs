//! The HTTP face: routes under `/stores/{store_hash}/v3`, all behind [`gate`]: customers,
//! addresses, the customer sub-resources of [`resources`], and webhooks (`/hooks`).

pub(crate) mod addresses;
pub(crate) mod attributes;
pub(crate) mod body;
pub(crate) mod consent;
pub(crate) mod customers;
pub(crate) mod errors;
pub(crate) mod extract;
pub(crate) mod faults;
pub(crate) mod form_fields;
pub(crate) mod gate;
pub(crate) mod hooks;
pub(crate) mod metafields;
pub(crate) mod params;
pub(crate) mod patched;
pub(crate) mod rate_limit;
pub(crate) mod render;
pub(crate) mod resource_params;
pub(crate) mod settings;

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use axum::{Router, middleware};

use crate::shared::Shared;
use crate::state::SimState;
use errors::ApiError;

async fn not_found() -> Response {
    ApiError::NotFound.into_response()
}

async fn method_not_allowed() -> Response {
    ApiError::MethodNotAllowed.into_response()
}

/// The customer sub-resources, relative to `/stores/{store_hash}/v3/customers`.
fn resources() -> Vec<(&'static str, MethodRouter<Arc<Shared>>)> {
    vec![
        (
            "/attributes",
            get(attributes::list)
                .post(body::writes(SimState::create_attribute_defs))
                .put(body::writes(SimState::update_attribute_defs))
                // The definitions go with their values.
                .delete(body::deletes(SimState::delete_attribute_defs)),
        ),
        (
            "/attribute-values",
            get(attributes::list_values)
                .put(body::writes(SimState::upsert_attribute_values))
                .delete(body::deletes(SimState::delete_attribute_values)),
        ),
        (
            "/form-field-values",
            get(form_fields::list).put(body::writes(SimState::upsert_form_field_values)),
        ),
        ("/{customer_id}/consent", get(consent::get).put(consent::put)),
        ("/{customer_id}/stored-instruments", get(consent::instruments)),
        (
            "/metafields",
            get(metafields::list_all)
                .post(metafields::create_batch)
                .put(metafields::update_batch)
                .delete(metafields::delete_batch),
        ),
        (
            "/{customer_id}/metafields",
            get(metafields::list_customer).post(metafields::create_for_customer),
        ),
        (
            "/{customer_id}/metafields/{metafield_id}",
            get(metafields::get_one)
                .put(metafields::put_one)
                .delete(metafields::delete_one),
        ),
        ("/settings", get(settings::get).put(settings::put)),
        (
            "/settings/channels/{channel_id}",
            get(settings::get_channel).put(settings::put_channel),
        ),
    ]
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let customers = get(customers::list)
        .post(body::writes(SimState::create_customers))
        .put(body::writes(SimState::update_customers))
        // A customer goes with its addresses.
        .delete(body::deletes(SimState::delete_customers));
    let addresses = get(addresses::list)
        .post(body::writes(SimState::create_addresses))
        .put(body::writes(SimState::update_addresses))
        .delete(body::deletes(SimState::delete_addresses));
    let mut router = Router::new()
        .route("/stores/{store_hash}/v3/customers", customers)
        .route("/stores/{store_hash}/v3/customers/addresses", addresses)
        .route(
            "/stores/{store_hash}/v3/hooks",
            get(hooks::list).post(hooks::create),
        )
        .route(
            "/stores/{store_hash}/v3/hooks/{id}",
            get(hooks::get).put(hooks::update).delete(hooks::delete),
        );
    for (path, methods) in resources() {
        router = router.route(&format!("/stores/{{store_hash}}/v3/customers{path}"), methods);
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(shared.clone(), gate::gate))
        .with_state(shared)
}
