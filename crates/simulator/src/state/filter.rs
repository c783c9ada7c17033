//! What a listing asks for: filters, order and page, already parsed and validated.

use super::index::Dir;
use crate::data::{AddressRec, CustomerRec, Secs};

/// An inclusive time window at second precision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DateRange {
    pub min: Option<Secs>,
    pub max: Option<Secs>,
}

impl DateRange {
    pub(crate) fn is_set(&self) -> bool {
        self.min.is_some() || self.max.is_some()
    }

    pub(crate) fn at_least(&mut self, t: Secs) {
        self.min = Some(self.min.map_or(t, |m| m.max(t)));
    }

    pub(crate) fn at_most(&mut self, t: Secs) {
        self.max = Some(self.max.map_or(t, |m| m.min(t)));
    }

    pub(crate) fn contains(&self, t: Secs) -> bool {
        self.min.is_none_or(|m| t >= m) && self.max.is_none_or(|m| t <= m)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Id,
    Modified(Dir),
    Created(Dir),
    LastName(Dir),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paging {
    /// 1-based.
    pub page: u64,
    pub limit: u64,
}

impl Paging {
    pub(crate) fn offset(&self) -> usize {
        usize::try_from((self.page - 1).saturating_mul(self.limit)).unwrap_or(usize::MAX)
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit as usize
    }
}

/// Text lists are lower-cased when parsed; matching ignores case like the API's MySQL.
#[derive(Debug, Clone, Default)]
pub(crate) struct CustomerFilter {
    /// Handled by the planner (candidate lookup), not by [`CustomerFilter::matches`].
    pub ids: Option<Vec<i64>>,
    pub emails: Option<Vec<String>>,
    pub names: Option<Vec<String>>,
    pub name_like: Option<Vec<String>>,
    pub companies: Option<Vec<String>>,
    pub groups: Option<Vec<i64>>,
    pub ips: Option<Vec<String>>,
    pub created: DateRange,
    pub modified: DateRange,
}

fn any_eq(list: &Option<Vec<String>>, value: &str) -> bool {
    list.as_ref().is_none_or(|l| {
        let v = value.to_lowercase();
        l.contains(&v)
    })
}

fn full_name(first: &str, last: &str) -> String {
    format!("{first} {last}").to_lowercase()
}

impl CustomerFilter {
    /// Whether anything besides ids and the two date windows filters rows.
    pub(crate) fn has_field_filters(&self) -> bool {
        self.emails.is_some()
            || self.names.is_some()
            || self.name_like.is_some()
            || self.companies.is_some()
            || self.groups.is_some()
            || self.ips.is_some()
    }

    pub(crate) fn matches(&self, c: &CustomerRec) -> bool {
        self.created.contains(c.date_created)
            && self.modified.contains(c.date_modified)
            && self
                .emails
                .as_ref()
                .is_none_or(|l| l.iter().any(|e| e.eq_ignore_ascii_case(&c.email)))
            && any_eq(&self.companies, &c.company)
            && any_eq(&self.ips, &c.registration_ip_address)
            && self
                .groups
                .as_ref()
                .is_none_or(|g| g.contains(&c.customer_group_id))
            && self.names_match(&c.first_name, &c.last_name)
    }

    fn names_match(&self, first: &str, last: &str) -> bool {
        if self.names.is_none() && self.name_like.is_none() {
            return true;
        }
        let name = full_name(first, last);
        self.names.as_ref().is_none_or(|l| l.contains(&name))
            && self
                .name_like
                .as_ref()
                .is_none_or(|l| l.iter().any(|s| name.contains(s.as_str())))
    }
}

/// The address listing's filters; each `None` when its parameter is absent.
#[derive(Debug, Clone, Default)]
pub(crate) struct AddressFilter {
    /// `id:in`, sorted: the page is read straight from these ids.
    pub ids: Option<Vec<i64>>,
    /// `customer_id:in`, sorted (matched by binary search).
    pub customer_ids: Option<Vec<i64>>,
    /// `company:in`, lower-cased.
    pub companies: Option<Vec<String>>,
    /// `name:in`: full names ("first last"), lower-cased.
    pub names: Option<Vec<String>>,
}

impl AddressFilter {
    pub(crate) fn matches(&self, a: &AddressRec) -> bool {
        self.ids.as_ref().is_none_or(|l| l.binary_search(&a.id).is_ok())
            && self
                .customer_ids
                .as_ref()
                .is_none_or(|l| l.binary_search(&a.customer_id).is_ok())
            && any_eq(&self.companies, &a.company)
            && self
                .names
                .as_ref()
                .is_none_or(|l| l.contains(&full_name(&a.first_name, &a.last_name)))
    }
}
