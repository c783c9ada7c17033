//! API errors, answered as the spec's `ErrorResponse` JSON.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::state::WriteError;

pub(crate) const TYPE: &str = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes";

#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    #[error("You are not authorized to access this resource (missing or wrong X-Auth-Token).")]
    Unauthorized,
    /// The token lacks a scope this endpoint needs.
    #[error("You don't have a required scope to access the endpoint (token lacks {0}).")]
    Forbidden(&'static str),
    #[error("The requested resource was not found.")]
    NotFound,
    #[error("The requested method is not allowed on this resource.")]
    MethodNotAllowed,
    #[error("Too many requests.")]
    TooManyRequests,
    #[error("The request body is not valid JSON: {0}")]
    MalformedBody(String),
    #[error("Invalid value for query parameter {param}.")]
    BadParam { param: String, reason: String },
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("Injected server error {0}.")]
    Injected(u16),
}

impl ApiError {
    /// A write refused as invalid (422), whatever refused it: `errors` names what is
    /// wrong with what.
    pub(crate) fn unprocessable(title: &str, errors: BTreeMap<String, String>) -> Self {
        ApiError::Write(WriteError::Invalid {
            title: title.to_owned(),
            errors,
        })
    }

    pub(crate) fn bad_param(param: &str, reason: impl Into<String>) -> Self {
        ApiError::BadParam {
            param: param.to_owned(),
            reason: reason.into(),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ApiError::MalformedBody(_) => StatusCode::BAD_REQUEST,
            ApiError::BadParam { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Write(WriteError::TooMany { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Write(WriteError::Invalid { .. }) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Injected(code) => {
                StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }

    fn errors(&self) -> BTreeMap<String, String> {
        match self {
            ApiError::BadParam { param, reason } => BTreeMap::from([(param.clone(), reason.clone())]),
            ApiError::Write(WriteError::Invalid { errors, .. }) => errors.clone(),
            _ => BTreeMap::new(),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody {
    status: u16,
    title: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    errors: BTreeMap<String, String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ErrorBody {
            status: status.as_u16(),
            title: self.to_string(),
            kind: TYPE,
            errors: self.errors(),
        };
        (status, Json(body)).into_response()
    }
}
