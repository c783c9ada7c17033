//! Response bodies: the collection envelope with its pagination links, the
//! `{data, meta: {}}` answer of writes, bare objects and arrays (consent, stored
//! instruments, settings) and the metafield batch answer.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bigcommerce_models::{Links, Pagination};
use serde::Serialize;
use serde_json::json;

use super::params::Pairs;
use crate::state::filter::Paging;

#[derive(Serialize)]
struct Envelope<'a, T> {
    data: &'a [T],
    meta: Meta,
}

#[derive(Serialize)]
struct Meta {
    pagination: Pagination,
}

fn json_bytes(bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// One page of a listing. Links repeat the request's other parameters, so following
/// `next` keeps the filters.
pub(crate) fn collection<T: Serialize>(data: &[T], total: usize, p: Paging, pairs: &Pairs) -> Response {
    let total_pages = (total as u64).div_ceil(p.limit);
    let link = |page: u64| Some(query_string(pairs, page, p.limit));
    let links = Links {
        previous: (p.page > 1).then(|| link(p.page - 1)).flatten(),
        current: link(p.page),
        next: (p.page < total_pages).then(|| link(p.page + 1)).flatten(),
    };
    let pagination = Pagination {
        total: total as i64,
        count: data.len() as i64,
        per_page: p.limit as i64,
        current_page: p.page as i64,
        total_pages: total_pages as i64,
        links,
    };
    let body = serde_json::to_vec(&Envelope {
        data,
        meta: Meta { pagination },
    })
    .unwrap_or_default();
    json_bytes(body)
}

/// What `POST`/`PUT` answer: the written rows and an empty `meta`.
pub(crate) fn written<T: Serialize>(data: &[T]) -> Response {
    json_bytes(serde_json::to_vec(&json!({ "data": data, "meta": {} })).unwrap_or_default())
}

/// A bare JSON document: an object or an array, no envelope.
pub(crate) fn bare<T: Serialize>(value: &T) -> Response {
    json_bytes(serde_json::to_vec(value).unwrap_or_default())
}

/// A metafield batch: 200 when every item went through, else 422 with one error per
/// refused item (`errors: {"<index>": "<why>"}`); the others are applied either way.
pub(crate) fn batch<T: Serialize>(done: &[T], failed: &[(usize, String)]) -> Response {
    let errors: Vec<_> = failed
        .iter()
        .map(|(i, why)| {
            json!({
                "status": 422,
                "title": why,
                "type": super::errors::TYPE,
                "errors": { i.to_string(): why },
            })
        })
        .collect();
    let body = json!({
        "data": done,
        "errors": errors,
        "meta": {
            "total": done.len() + failed.len(),
            "success": done.len(),
            "failed": failed.len(),
        },
    });
    let mut response = json_bytes(serde_json::to_vec(&body).unwrap_or_default());
    if !failed.is_empty() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// `?<other params>&page=N&limit=L`
fn query_string(pairs: &Pairs, page: u64, limit: u64) -> String {
    let mut s = String::from("?");
    for (k, v) in pairs.iter().filter(|(k, _)| k != "page" && k != "limit") {
        s.push_str(&encode(k));
        s.push('=');
        s.push_str(&encode(v));
        s.push('&');
    }
    s.push_str(&format!("page={page}&limit={limit}"));
    s
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_filters_and_encode_them() {
        let pairs = vec![
            ("date_modified:min".to_owned(), "2024-01-01".to_owned()),
            ("page".to_owned(), "3".to_owned()),
        ];
        assert_eq!(
            query_string(&pairs, 4, 250),
            "?date_modified%3Amin=2024-01-01&page=4&limit=250"
        );
        assert_eq!(query_string(&Vec::new(), 2, 50), "?page=2&limit=50");
    }
}
