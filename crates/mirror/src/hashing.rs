//! Column hashing: configured text columns are stored as HMAC-SHA-256 (hex) of their
//! value, in the column and in `raw`, so analysts can join and count distinct values
//! without seeing them. Applied to the records before the upsert, so a re-read hashes
//! to the same `raw` and writes nothing.
//!
//! Which columns may be hashed: the personal text columns declared next to each
//! table's columns (`customers.rs`, `addresses.rs`, `resources.rs`).

use std::collections::BTreeSet;
use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use sha2::Sha256;

use crate::resources::{Extract, Kind};
use crate::{addresses, customers};

/// A `hash_columns` entry that names no hashable column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{entry:?} is not a column that can be hashed (hashable: {})", hashable().join(", "))]
pub struct UnknownHashColumn {
    pub entry: String,
}

/// The key and the `table.column` pairs of one store. `Debug` never shows the key.
#[derive(Clone)]
pub struct Hashing {
    key: SecretString,
    columns: BTreeSet<(String, String)>,
}

impl fmt::Debug for Hashing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hashing")
            .field("key", &"[redacted]")
            .field("columns", &self.columns)
            .finish()
    }
}

/// Every `table.column` that may be hashed: the personal columns of type text.
pub fn hashable() -> Vec<String> {
    let mut out = Vec::new();
    let fixed = [
        ("customers", customers::PERSONAL),
        ("customer_addresses", addresses::PERSONAL),
    ];
    for (table, personal) in fixed {
        out.extend(
            personal
                .iter()
                .filter(|c| **c != "form_fields")
                .map(|c| format!("{table}.{c}")),
        );
    }
    for r in crate::resources::record_resources() {
        let spec = crate::resources::spec_of(r);
        for c in spec.columns {
            let text = matches!(c.extract, Extract::Field(Kind::Text));
            if text && spec.personal.contains(&c.name) {
                out.push(format!("{}.{}", spec.table, c.name));
            }
        }
    }
    out
}

impl Hashing {
    /// Checks every entry against [`hashable`]. The key's length is checked by the
    /// configuration (at least 32 bytes).
    pub fn new(key: SecretString, entries: &[String]) -> Result<Hashing, UnknownHashColumn> {
        let known = hashable();
        let mut columns = BTreeSet::new();
        for entry in entries {
            let entry = entry.trim();
            if !known.iter().any(|k| k == entry) {
                return Err(UnknownHashColumn {
                    entry: entry.to_owned(),
                });
            }
            let (t, c) = entry.split_once('.').expect("hashable entries are table.column");
            columns.insert((t.to_owned(), c.to_owned()));
        }
        Ok(Hashing { key, columns })
    }

    /// HMAC-SHA-256 of `value` under the key, lower-case hex.
    pub fn hash(&self, value: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.expose_secret().as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether any column of `table` is hashed.
    pub(crate) fn touches(&self, table: &str) -> bool {
        self.columns.iter().any(|(t, _)| t == table)
    }

    /// Replaces the string values of `table`'s hashed fields in a record's JSON (the
    /// column is extracted from it, so both change). Other JSON types are left as sent.
    pub(crate) fn apply(&self, table: &str, record: &mut Value) {
        for (_, column) in self.columns.iter().filter(|(t, _)| t == table) {
            if let Some(v) = record.get_mut(column.as_str())
                && let Some(text) = v.as_str()
            {
                *v = Value::String(self.hash(text));
            }
        }
    }
}
