//! The collection envelope and a decoder that keeps each record's raw JSON.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::RawJson;

/// `meta.pagination` of every collection response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    pub total: i64,
    pub count: i64,
    pub per_page: i64,
    pub current_page: i64,
    pub total_pages: i64,
    #[serde(default)]
    pub links: Links,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Links {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    #[serde(default)]
    pub current: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// A typed record plus the JSON it came from, so fields this version does not model
/// still reach the mirror's `raw` column.
#[derive(Debug, Clone, PartialEq)]
pub struct Raw<T> {
    pub value: T,
    pub raw: RawJson,
}

impl<T: DeserializeOwned> Raw<T> {
    /// The record decoded from `raw`.
    pub fn decode(raw: RawJson) -> Result<Raw<T>, DecodeError> {
        decode_record(&raw).map(|value| Raw { value, raw })
    }
}

/// One page of a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection<T> {
    pub data: Vec<T>,
    pub pagination: Pagination,
    /// The API's own time when it answered (its `Date` header), set by the client;
    /// `None` when the answer had none. What a pass may call "seen" is bounded by it.
    pub served_at: Option<DateTime<Utc>>,
}

/// A response body that does not match the contract. `path` names the offending field
/// (`data[3].date_modified`) so the operator can see what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct DecodeError {
    pub path: String,
    pub message: String,
    /// The body is not well-formed JSON (cut short, garbled) as opposed to well-formed
    /// JSON of the wrong shape: the first may be a transport fault worth retrying.
    pub malformed: bool,
}

/// Records stay text here: each is decoded into its type straight from its bytes,
/// and kept as received for `raw`.
#[derive(Deserialize)]
struct Envelope {
    data: Vec<Box<RawValue>>,
    meta: Meta,
}

#[derive(Deserialize)]
struct Meta {
    pagination: Pagination,
}

/// Decodes `{"data": [...], "meta": {"pagination": ...}}`, every record typed and raw.
pub fn decode_collection<T: DeserializeOwned>(body: &[u8]) -> Result<Collection<Raw<T>>, DecodeError> {
    let envelope: Envelope = parse(body)?;
    let data = envelope
        .data
        .into_iter()
        .enumerate()
        .map(|(i, raw)| Raw::decode(raw.into()).map_err(|e| e.under(&format!("data[{i}]"))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Collection {
        data,
        pagination: envelope.meta.pagination,
        served_at: None,
    })
}

/// A record that does not fit its model, set aside (quarantined) so that the rest of
/// its page can be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    /// Its place on the page (0-based), to keep the page's order.
    pub position: usize,
    pub raw: RawJson,
    /// Names the field: `data[3].date_created: invalid type…`.
    pub error: DecodeError,
}

/// A page decoded record by record: those that fit, in order, and those that do not.
#[derive(Debug, Clone, PartialEq)]
pub struct LenientPage<T> {
    pub data: Vec<Raw<T>>,
    pub rejected: Vec<Rejected>,
    pub pagination: Pagination,
    /// See [`Collection::served_at`].
    pub served_at: Option<DateTime<Utc>>,
}

/// Like [`decode_collection`], but a record of the wrong shape is returned in
/// `rejected` instead of failing the page. A body that is not a collection at all
/// (cut short, no `data`, no pagination) is still an error.
pub fn decode_collection_lenient<T: DeserializeOwned>(body: &[u8]) -> Result<LenientPage<T>, DecodeError> {
    let envelope: Envelope = parse(body)?;
    let mut data = Vec::with_capacity(envelope.data.len());
    let mut rejected = Vec::new();
    for (position, raw) in envelope.data.into_iter().enumerate() {
        let raw = RawJson::from(raw);
        match decode_record(&raw) {
            Ok(value) => data.push(Raw { value, raw }),
            Err(e) => rejected.push(Rejected {
                position,
                raw,
                error: e.under(&format!("data[{position}]")),
            }),
        }
    }
    Ok(LenientPage {
        data,
        rejected,
        pagination: envelope.meta.pagination,
        served_at: None,
    })
}

/// Decodes a bare JSON array of records (`GET /customers/{id}/stored-instruments`).
pub fn decode_array<T: DeserializeOwned>(body: &[u8]) -> Result<Vec<Raw<T>>, DecodeError> {
    let items: Vec<Box<RawValue>> = parse(body)?;
    items
        .into_iter()
        .enumerate()
        .map(|(i, raw)| Raw::decode(raw.into()).map_err(|e| e.under(&format!("[{i}]"))))
        .collect()
}

/// Decodes a single object (`GET /customers/{id}/consent`, `/customers/settings`). The
/// spec gives these bare; the live API wraps them in `{"data": {...}, "meta": {}}`.
/// Both are accepted.
pub fn decode_object<T: DeserializeOwned>(body: &[u8]) -> Result<Raw<T>, DecodeError> {
    let mut raw: serde_json::Value = parse(body)?;
    let wrapped = raw.get("data").is_some_and(serde_json::Value::is_object) && raw.get("meta").is_some();
    if wrapped {
        raw = raw["data"].take();
    }
    Raw::decode(RawJson::from_value(&raw)).map_err(|e| if wrapped { e.under("data") } else { e })
}

/// Decodes `body`; only a body that fails is decoded again, tracking the path, to
/// name the field: tracking it for every body costs more than decoding.
fn parse<V: DeserializeOwned>(body: &[u8]) -> Result<V, DecodeError> {
    if let Ok(v) = serde_json::from_slice(body) {
        return Ok(v);
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize(de) {
        Ok(v) => Ok(v),
        Err(e) => Err(DecodeError {
            path: display_path(&e.path().to_string()),
            malformed: e.inner().is_syntax() || e.inner().is_eof(),
            message: e.inner().to_string(),
        }),
    }
}

/// Decodes one record, naming the field that broke it.
pub fn decode_record<T: DeserializeOwned>(raw: &RawJson) -> Result<T, DecodeError> {
    parse(raw.get().as_bytes()).map_err(|e| DecodeError {
        malformed: false,
        ..e
    })
}

impl DecodeError {
    fn under(self, prefix: &str) -> Self {
        let path = if self.path.is_empty() {
            prefix.to_owned()
        } else {
            format!("{prefix}.{}", self.path)
        };
        DecodeError { path, ..self }
    }
}

fn display_path(path: &str) -> String {
    if path == "." {
        String::new()
    } else {
        path.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Customer;

    const PAGE: &str = r#"{"data":[{"id":1,"email":"a@example.com","first_name":null,
        "date_modified":"2024-01-03T10:00:03Z","date_created":"2024-01-01T00:00:00+00:00",
        "brand_new_field":{"x":1}}],
        "meta":{"pagination":{"total":1,"count":1,"per_page":250,"current_page":1,"total_pages":1,"links":{"current":"?page=1"}}}}"#;

    #[test]
    fn unknown_fields_and_nulls_are_tolerated_and_kept_raw() {
        let page = decode_collection::<Customer>(PAGE.as_bytes()).unwrap();
        let c = &page.data[0];
        assert_eq!(c.value.id, 1);
        assert_eq!(c.value.first_name, None);
        assert_eq!(c.value.addresses, None);
        assert_eq!(c.raw.to_value()["brand_new_field"]["x"], 1);
        assert_eq!(page.pagination.total_pages, 1);
    }

    #[test]
    fn a_wrong_type_names_the_record_and_field() {
        let bad = PAGE.replace(
            r#""date_modified":"2024-01-03T10:00:03Z""#,
            r#""date_modified":17"#,
        );
        let err = decode_collection::<Customer>(bad.as_bytes()).unwrap_err();
        assert_eq!(err.path, "data[0].date_modified");
        assert!(!err.malformed);
    }

    #[test]
    fn a_truncated_body_is_an_error_not_a_short_page() {
        let err = decode_collection::<Customer>(&PAGE.as_bytes()[..PAGE.len() - 20]).unwrap_err();
        assert!(err.message.contains("EOF"), "{err}");
        assert!(err.malformed);
    }

    #[test]
    fn objects_decode_bare_or_wrapped_and_arrays_name_the_element() {
        use crate::{Consent, StoredInstrument};
        let bare = decode_object::<Consent>(br#"{"allow":["analytics"],"deny":[]}"#).unwrap();
        let wrapped =
            decode_object::<Consent>(br#"{"data":{"allow":["analytics"],"deny":[]},"meta":{}}"#).unwrap();
        assert_eq!(bare.value, wrapped.value);
        let err = decode_array::<StoredInstrument>(
            br#"[{"type":"stored_card","token":"a"},{"type":"stored_card"}]"#,
        )
        .unwrap_err();
        assert_eq!(err.path, "[1]");
        assert!(err.message.contains("token"), "{err}");
    }

    #[test]
    fn a_missing_pagination_block_is_named() {
        let err = decode_collection::<Customer>(br#"{"data":[],"meta":{}}"#).unwrap_err();
        assert_eq!(err.path, "meta");
        assert!(err.message.contains("pagination"), "{err}");
    }
}
