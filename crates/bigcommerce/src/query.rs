//! Typed list queries. Each renders to the query pairs the API documents.

use bigcommerce_models::time::to_filter;
use chrono::{DateTime, Utc};

/// The largest page the API serves.
pub const MAX_LIMIT: u32 = 250;

/// What `include=` the poller asks for on `/customers`.
pub const CUSTOMER_INCLUDES: &str = "addresses,storecredit,attributes,formfields";

/// `GET /customers`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerQuery {
    pub date_modified_min: Option<DateTime<Utc>>,
    pub date_modified_max: Option<DateTime<Utc>>,
    pub date_created_min: Option<DateTime<Utc>>,
    pub date_created_max: Option<DateTime<Utc>>,
    pub id_in: Vec<i64>,
    /// e.g. `date_modified:asc`.
    pub sort: Option<&'static str>,
    pub include: Option<&'static str>,
    pub page: u32,
    pub limit: u32,
}

impl CustomerQuery {
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        let dates = [
            ("date_modified:min", self.date_modified_min),
            ("date_modified:max", self.date_modified_max),
            ("date_created:min", self.date_created_min),
            ("date_created:max", self.date_created_max),
        ];
        for (name, ts) in dates {
            if let Some(ts) = ts {
                q.push((name, to_filter(ts)));
            }
        }
        if !self.id_in.is_empty() {
            q.push(("id:in", join(&self.id_in)));
        }
        if let Some(sort) = self.sort {
            q.push(("sort", sort.to_owned()));
        }
        if let Some(include) = self.include {
            q.push(("include", include.to_owned()));
        }
        paging(&mut q, self.page, self.limit);
        q
    }
}

/// `GET /customers/addresses`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressQuery {
    pub customer_id_in: Vec<i64>,
    pub id_in: Vec<i64>,
    pub include_formfields: bool,
    pub page: u32,
    pub limit: u32,
}

impl AddressQuery {
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if !self.customer_id_in.is_empty() {
            q.push(("customer_id:in", join(&self.customer_id_in)));
        }
        if !self.id_in.is_empty() {
            q.push(("id:in", join(&self.id_in)));
        }
        if self.include_formfields {
            q.push(("include", "formfields".to_owned()));
        }
        paging(&mut q, self.page, self.limit);
        q
    }
}

pub(crate) fn paging(q: &mut Vec<(&'static str, String)>, page: u32, limit: u32) {
    q.push(("page", page.max(1).to_string()));
    q.push(("limit", limit.clamp(1, MAX_LIMIT).to_string()));
}

fn join(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use bigcommerce_models::time::parse_filter;

    #[test]
    fn customer_query_renders_documented_names() {
        let q = CustomerQuery {
            date_modified_min: parse_filter("2024-01-03T10:00:03Z"),
            id_in: vec![4, 5],
            sort: Some("date_modified:asc"),
            include: Some(CUSTOMER_INCLUDES),
            page: 0,
            limit: 1000,
            ..Default::default()
        };
        assert_eq!(
            q.pairs(),
            vec![
                ("date_modified:min", "2024-01-03T10:00:03".to_owned()),
                ("id:in", "4,5".to_owned()),
                ("sort", "date_modified:asc".to_owned()),
                ("include", CUSTOMER_INCLUDES.to_owned()),
                ("page", "1".to_owned()),
                ("limit", "250".to_owned()),
            ]
        );
    }
}
