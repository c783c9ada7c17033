//! What the operator keeps out of the mirror: whole resources (`stored_instruments`)
//! or single fields of a table (`customers.notes`).
//!
//! Fields are removed from a record's raw JSON before it is stored, so neither the
//! typed column (extracted from the same JSON) nor `raw` ever holds them.

use std::collections::{BTreeMap, BTreeSet};

use crate::Resource;

/// Fields the mirror cannot do without: keys, and the timestamps the poller walks by.
const REQUIRED_FIELDS: [&str; 8] = [
    "id",
    "customer_id",
    "address_id",
    "token",
    "name",
    "date_modified",
    "date_created",
    "channel_id",
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exclusions {
    resources: BTreeSet<Resource>,
    /// resource → field names.
    fields: BTreeMap<Resource, BTreeSet<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot exclude `{entry}`: {reason}")]
pub struct ExclusionError {
    pub entry: String,
    pub reason: String,
}

impl Exclusions {
    /// Parses entries like `stored_instruments` or `customers.notes`.
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Exclusions, ExclusionError> {
        let mut ex = Exclusions::default();
        for entry in entries.into_iter().map(str::trim).filter(|e| !e.is_empty()) {
            let err = |reason: String| ExclusionError {
                entry: entry.to_owned(),
                reason,
            };
            match entry.split_once('.') {
                None => match entry.parse::<Resource>() {
                    Ok(r) if r.excludable() => {
                        ex.resources.insert(r);
                    }
                    Ok(_) => return Err(err("customers are the mirror's spine".into())),
                    Err(_) => {
                        return Err(err(format!(
                            "unknown resource; known: {}",
                            Resource::names(Resource::ALL)
                        )));
                    }
                },
                Some((resource, field)) => {
                    let Ok(resource) = resource.parse::<Resource>() else {
                        return Err(err(format!("unknown resource `{resource}`")));
                    };
                    if field.is_empty() || field.contains('.') {
                        return Err(err("expected `resource.field`".into()));
                    }
                    if REQUIRED_FIELDS.contains(&field) {
                        return Err(err(format!("`{field}` is required to mirror the records")));
                    }
                    ex.fields.entry(resource).or_default().insert(field.to_owned());
                }
            }
        }
        Ok(ex)
    }

    /// Whether a whole resource is kept out of the mirror.
    pub fn skips(&self, resource: Resource) -> bool {
        self.resources.contains(&resource)
    }

    /// Removes the excluded fields of `resource` from a record's JSON.
    pub fn strip(&self, resource: Resource, record: &mut serde_json::Value) {
        if let (Some(fields), Some(obj)) = (self.fields.get(&resource), record.as_object_mut()) {
            for f in fields {
                obj.remove(f);
            }
        }
    }

    /// [`Exclusions::strip`] on a record kept as received.
    pub fn strip_raw(&self, resource: Resource, record: &mut crate::RawJson) {
        if let Some(fields) = self.fields.get(&resource) {
            let names: Vec<&str> = fields.iter().map(String::as_str).collect();
            *record = record.without(&names);
        }
    }

    /// A record as the generic writer takes it: its excluded fields removed, parsed.
    pub fn kept_value(&self, resource: Resource, mut record: crate::RawJson) -> serde_json::Value {
        self.strip_raw(resource, &mut record);
        record.to_value()
    }

    /// Whether any field of `resource` is excluded (so callers can skip work).
    pub fn strips(&self, resource: Resource) -> bool {
        self.fields.contains_key(&resource)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_and_fields_are_parsed_and_applied() {
        let ex = Exclusions::parse(["stored_instruments", " customers.notes ", ""]).unwrap();
        assert!(ex.skips(Resource::StoredInstruments) && !ex.skips(Resource::Consents));
        let mut c = serde_json::json!({"id": 1, "notes": "secret", "email": "a@b"});
        ex.strip(Resource::Customers, &mut c);
        assert_eq!(c, serde_json::json!({"id": 1, "email": "a@b"}));
    }

    #[test]
    fn bad_entries_are_named() {
        for bad in [
            "customers",
            "instruments",
            "customers.id",
            "metafields.",
            "nope.notes",
        ] {
            let err = Exclusions::parse([bad]).unwrap_err();
            assert_eq!(err.entry, bad);
        }
    }
}
