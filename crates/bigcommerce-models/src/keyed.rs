//! A record known only by its integer `id`: what a generic reader needs of a listing
//! it has no type for (`Reading::CompleteListing`). Everything else stays in the
//! record's raw JSON ([`crate::Raw::raw`]), which is what the mirror stores.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

/// A JSON object with an integer `id`. Decoded through [`crate::decode_collection`],
/// a record that is no object, has no `id` or a non-integer one fails with the field
/// named (`data[3].id: invalid type: string "x", expected i64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyed {
    pub id: i64,
}

impl<'de> Deserialize<'de> for Keyed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // By hand: a derived struct would also accept an array (`[5]`) as a record.
        deserializer.deserialize_map(KeyedVisitor)
    }
}

struct KeyedVisitor;

impl<'de> Visitor<'de> for KeyedVisitor {
    type Value = Keyed;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record object with an integer `id`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keyed, A::Error> {
        let mut id = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "id" {
                id = Some(map.next_value::<i64>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        id.map(|id| Keyed { id })
            .ok_or_else(|| de::Error::missing_field("id"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode_collection;

    fn page(records: &str) -> String {
        format!(
            r#"{{"data":[{records}],"meta":{{"pagination":{{"total":2,"count":2,"per_page":250,
            "current_page":1,"total_pages":1}}}}}}"#
        )
    }

    #[test]
    fn keeps_the_id_and_the_whole_record_raw() {
        let body = page(r#"{"id":7,"name":"a","extra":{"x":[1]}},{"name":"b","id":8}"#);
        let p = decode_collection::<Keyed>(body.as_bytes()).unwrap();
        assert_eq!(p.data.iter().map(|r| r.value.id).collect::<Vec<_>>(), [7, 8]);
        assert_eq!(p.data[0].raw.to_value()["extra"]["x"][0], 1);
    }

    #[test]
    fn a_record_without_an_integer_id_names_the_field() {
        let wrong = page(r#"{"id":7},{"id":"x"}"#);
        let err = decode_collection::<Keyed>(wrong.as_bytes()).unwrap_err();
        assert_eq!(err.path, "data[1].id");
        let missing = page(r#"{"id":7},{"name":"b"}"#);
        let err = decode_collection::<Keyed>(missing.as_bytes()).unwrap_err();
        assert_eq!(err.path, "data[1]");
        assert!(err.message.contains("missing field `id`"), "{err}");
        let array = page(r#"[7]"#);
        let err = decode_collection::<Keyed>(array.as_bytes()).unwrap_err();
        assert_eq!(err.path, "data[0]");
        assert!(err.message.contains("record object"), "{err}");
    }

    #[test]
    fn a_body_that_is_not_the_envelope_is_an_error() {
        let err = decode_collection::<Keyed>(br#"{"id":1}"#).unwrap_err();
        assert!(err.message.contains("missing field `data`"), "{err}");
    }
}
