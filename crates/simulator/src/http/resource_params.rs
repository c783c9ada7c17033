//! Query strings of the customer sub-resource listings. Like [`super::params`]: a bad
//! value is a 422 naming its parameter, unknown parameters are ignored.

use super::errors::ApiError;
use super::params::{Pairs, get, ids, items, paging, texts, window};
use crate::data::records::{AttrKind, FieldType};
use crate::state::attribute_values::AttrValueFilter;
use crate::state::attributes::AttrDefFilter;
use crate::state::filter::Paging;
use crate::state::form_fields::FieldFilter;
use crate::state::metafields::MetafieldFilter;

/// One integer, e.g. `customer_id=7`.
fn int(pairs: &Pairs, key: &str) -> Result<Option<i64>, ApiError> {
    get(pairs, key)
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| ApiError::bad_param(key, format!("{v:?} is not an integer")))
        })
        .transpose()
}

/// One text value, lower-cased; `None` when absent or blank.
fn lower(pairs: &Pairs, key: &str) -> Option<String> {
    get(pairs, key)
        .map(|v| v.trim().to_lowercase())
        .filter(|v| !v.is_empty())
}

pub(crate) fn attribute_query(pairs: &Pairs) -> Result<(AttrDefFilter, Paging), ApiError> {
    let kind = match get(pairs, "type").map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(
            AttrKind::parse(t)
                .ok_or_else(|| ApiError::bad_param("type", "must be string, number or date"))?,
        ),
    };
    let filter = AttrDefFilter {
        name: lower(pairs, "name"),
        name_like: lower(pairs, "name:like"),
        kind,
        created: window(pairs, "date_created")?,
        modified: window(pairs, "date_modified")?,
    };
    Ok((filter, paging(pairs)?))
}

/// The filter, the attribute names of `name` (resolved to ids under the state lock),
/// and the page.
pub(crate) fn attribute_value_query(
    pairs: &Pairs,
) -> Result<(AttrValueFilter, Option<Vec<String>>, Paging), ApiError> {
    let filter = AttrValueFilter {
        customer_ids: ids(pairs, "customer_id:in")?,
        attribute_ids: ids(pairs, "attribute_id:in")?,
        created: window(pairs, "date_created")?,
        modified: window(pairs, "date_modified")?,
    };
    Ok((filter, texts(pairs, "name"), paging(pairs)?))
}

pub(crate) fn form_field_query(pairs: &Pairs) -> Result<(FieldFilter, Paging), ApiError> {
    let kind = match get(pairs, "field_type").map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(FieldType::parse(t).ok_or_else(|| {
            ApiError::bad_param(
                "field_type",
                "must be checkboxes, date, multiline, numbers, password, radiobuttons, text or picklist",
            )
        })?),
    };
    let filter = FieldFilter {
        customer_id: int(pairs, "customer_id")?,
        address_id: int(pairs, "address_id")?,
        name: lower(pairs, "field_name"),
        kind,
    };
    Ok((filter, paging(pairs)?))
}

/// `key` and `key:in` (likewise `namespace`) add up: either may name a match.
fn exact_list(pairs: &Pairs, key: &str) -> Option<Vec<String>> {
    let mut list: Vec<String> = get(pairs, key)
        .into_iter()
        .chain(get(pairs, &format!("{key}:in")).into_iter().flat_map(items))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    list.dedup();
    (!list.is_empty()).then_some(list)
}

pub(crate) fn metafield_query(
    pairs: &Pairs,
    customer_id: Option<i64>,
) -> Result<(MetafieldFilter, Paging), ApiError> {
    let descending = match get(pairs, "direction").map(str::trim) {
        None | Some("" | "asc") => false,
        Some("desc") => true,
        Some(_) => return Err(ApiError::bad_param("direction", "must be asc or desc")),
    };
    let filter = MetafieldFilter {
        customer_id,
        keys: exact_list(pairs, "key"),
        namespaces: exact_list(pairs, "namespace"),
        descending,
    };
    Ok((filter, paging(pairs)?))
}

/// An `{id}` path segment; anything but an integer names no resource (404).
pub(crate) fn path_id(segment: &str) -> Result<i64, ApiError> {
    segment.trim().parse::<i64>().map_err(|_| ApiError::NotFound)
}
