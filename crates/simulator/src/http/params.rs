//! Query strings to validated listing requests. Every bad value is a 422 that names
//! its parameter; unknown parameters are ignored like the API does.

use bigcommerce_models::time::parse_filter;

use super::errors::ApiError;
use crate::data::Secs;
use crate::data::convert::Include;
use crate::state::filter::{AddressFilter, CustomerFilter, DateRange, Order, Paging};
use crate::state::index::Dir;

/// The decoded query string, in order, repeats kept (the last one wins).
pub(crate) type Pairs = Vec<(String, String)>;

pub(crate) const MAX_LIMIT: u64 = 250;
const DEFAULT_LIMIT: u64 = 50;

#[derive(Debug, Clone)]
pub(crate) struct CustomerQuery {
    pub filter: CustomerFilter,
    pub order: Order,
    pub paging: Paging,
    pub include: Include,
}

#[derive(Debug, Clone)]
pub(crate) struct AddressQuery {
    pub filter: AddressFilter,
    pub paging: Paging,
    pub formfields: bool,
}

pub(crate) fn get<'a>(pairs: &'a Pairs, key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

pub(crate) fn items(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty())
}

pub(crate) fn paging(pairs: &Pairs) -> Result<Paging, ApiError> {
    let page = match get(pairs, "page") {
        None => 1,
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| ApiError::bad_param("page", "must be an integer of at least 1"))?,
    };
    let limit = match get(pairs, "limit") {
        None => DEFAULT_LIMIT,
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| ApiError::bad_param("limit", "must be an integer from 1 to 250"))?,
    };
    Ok(Paging {
        page: page as u64,
        limit,
    })
}

/// A comma list of integers, sorted and de-duplicated; `None` when absent or empty.
pub(crate) fn ids(pairs: &Pairs, key: &str) -> Result<Option<Vec<i64>>, ApiError> {
    let Some(value) = get(pairs, key) else {
        return Ok(None);
    };
    let mut ids = items(value)
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| ApiError::bad_param(key, format!("{s:?} is not an integer")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    ids.dedup();
    Ok((!ids.is_empty()).then_some(ids))
}

/// A comma list of text values, lower-cased for case-insensitive matching.
pub(crate) fn texts(pairs: &Pairs, key: &str) -> Option<Vec<String>> {
    let list: Vec<String> = items(get(pairs, key)?).map(str::to_lowercase).collect();
    (!list.is_empty()).then_some(list)
}

fn date(pairs: &Pairs, key: &str) -> Result<Option<Secs>, ApiError> {
    let Some(value) = get(pairs, key) else {
        return Ok(None);
    };
    // An unencoded `+01:00` arrives as " 01:00"; read it the way the sender meant it.
    let parsed = parse_filter(value.trim()).or_else(|| parse_filter(&value.trim().replace(' ', "+")));
    parsed.map(|t| Some(t.timestamp())).ok_or_else(|| {
        ApiError::bad_param(
            key,
            format!("{value:?} is not a date (use RFC 3339, YYYY-MM-DDTHH:MM:SS or YYYY-MM-DD)"),
        )
    })
}

/// `name`, `name:min`, `name:max` as one inclusive window.
pub(crate) fn window(pairs: &Pairs, name: &str) -> Result<DateRange, ApiError> {
    let mut r = DateRange::default();
    if let Some(t) = date(pairs, name)? {
        r.at_least(t);
        r.at_most(t);
    }
    if let Some(t) = date(pairs, &format!("{name}:min"))? {
        r.at_least(t);
    }
    if let Some(t) = date(pairs, &format!("{name}:max"))? {
        r.at_most(t);
    }
    Ok(r)
}

fn order(pairs: &Pairs) -> Result<Order, ApiError> {
    let Some(value) = get(pairs, "sort").map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Order::Id);
    };
    let (field, dir) = value.split_once(':').unwrap_or((value, "asc"));
    let dir = match dir {
        "asc" => Dir::Asc,
        "desc" => Dir::Desc,
        _ => {
            return Err(ApiError::bad_param(
                "sort",
                format!("{value:?}: direction must be asc or desc"),
            ));
        }
    };
    match field {
        "date_created" => Ok(Order::Created(dir)),
        "date_modified" => Ok(Order::Modified(dir)),
        "last_name" => Ok(Order::LastName(dir)),
        _ => Err(ApiError::bad_param(
            "sort",
            format!("{value:?}: sort by date_created, date_modified or last_name"),
        )),
    }
}

fn include(pairs: &Pairs) -> Result<Include, ApiError> {
    let mut inc = Include::default();
    for item in get(pairs, "include").into_iter().flat_map(items) {
        let flag = match item {
            "addresses" => &mut inc.addresses,
            "storecredit" => &mut inc.storecredit,
            "attributes" => &mut inc.attributes,
            "formfields" => &mut inc.formfields,
            "shopper_profile_id" => &mut inc.shopper_profile_id,
            "segment_ids" => &mut inc.segment_ids,
            _ => {
                return Err(ApiError::bad_param(
                    "include",
                    format!("unknown sub-resource {item:?}"),
                ));
            }
        };
        *flag = true;
    }
    Ok(inc)
}

pub(crate) fn customer_query(pairs: &Pairs) -> Result<CustomerQuery, ApiError> {
    let groups = ids(pairs, "customer_group_id:in")?;
    let filter = CustomerFilter {
        ids: ids(pairs, "id:in")?,
        emails: texts(pairs, "email:in"),
        names: texts(pairs, "name:in"),
        name_like: texts(pairs, "name:like"),
        companies: texts(pairs, "company:in"),
        groups,
        ips: texts(pairs, "registration_ip_address:in"),
        created: window(pairs, "date_created")?,
        modified: window(pairs, "date_modified")?,
    };
    Ok(CustomerQuery {
        filter,
        order: order(pairs)?,
        paging: paging(pairs)?,
        include: include(pairs)?,
    })
}

pub(crate) fn address_query(pairs: &Pairs) -> Result<AddressQuery, ApiError> {
    let mut formfields = false;
    for item in get(pairs, "include").into_iter().flat_map(items) {
        match item {
            "formfields" => formfields = true,
            _ => {
                return Err(ApiError::bad_param(
                    "include",
                    format!("unknown sub-resource {item:?}"),
                ));
            }
        }
    }
    let filter = AddressFilter {
        ids: ids(pairs, "id:in")?,
        customer_ids: ids(pairs, "customer_id:in")?,
        companies: texts(pairs, "company:in"),
        names: texts(pairs, "name:in"),
    };
    Ok(AddressQuery {
        filter,
        paging: paging(pairs)?,
        formfields,
    })
}
