//! [`RawJson`]: a record's JSON kept as the text received, not as a parsed tree.
//!
//! The mirror stores every record's JSON (`raw`) and reads typed fields from it; it
//! seldom needs to edit it. Keeping the text avoids building, cloning, serialising
//! and dropping a `serde_json::Value` tree for every record, which was about half of
//! bcsync's CPU in a resync. The rare edits (exclusions, hashing, settings) go through
//! [`RawJson::to_value`] and [`RawJson::from_value`].

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// Well-formed JSON text (a record, usually an object), exactly as received.
#[derive(Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// As serde_json's raw value, which sqlx binds as `jsonb` without re-encoding.
    pub fn as_raw_value(&self) -> &RawValue {
        &self.0
    }

    /// The parsed tree, for the few places that edit or inspect a record.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.get()).expect("RawJson holds well-formed JSON")
    }

    pub fn from_value(value: &Value) -> RawJson {
        RawJson(serde_json::value::to_raw_value(value).expect("a Value always serialises"))
    }

    /// Top-level field `name` of an object, decoded as `T`; `None` when absent,
    /// `null`, of another type, or when this is no object.
    pub fn field<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        serde_json::from_str(self.field_text(name)?.get()).ok()
    }

    /// The text of top-level field `name` (the last one, as a parser keeps it).
    fn field_text(&self, name: &str) -> Option<&RawValue> {
        Fields::of(self)?.last(name)
    }

    /// The integer `id` of an object record, if it has one.
    pub fn id(&self) -> Option<i64> {
        self.field("id")
    }

    /// This object without the top-level fields `names` (a customer's embedded
    /// children, stored in tables of their own). Anything but an object is returned
    /// as is.
    pub fn without(&self, names: &[&str]) -> RawJson {
        match Fields::of(self) {
            Some(fields) => self.kept(&fields, names),
            None => self.clone(),
        }
    }

    /// [`RawJson::without`] `names`, and the elements of the array field `items` (one
    /// of them) as received: one parse of the object for both.
    pub fn detach(&self, names: &[&str], items: &str) -> (RawJson, Vec<RawJson>) {
        let Some(fields) = Fields::of(self) else {
            return (self.clone(), Vec::new());
        };
        let elements = fields.last(items).map(elements).unwrap_or_default();
        (self.kept(&fields, names), elements)
    }

    /// This object's `fields` but `names`; the same text when it has none of them.
    fn kept(&self, fields: &Fields<'_>, names: &[&str]) -> RawJson {
        if !fields.0.iter().any(|(k, _)| names.contains(&k.as_ref())) {
            return self.clone();
        }
        let kept = Kept { fields, names };
        RawJson(serde_json::value::to_raw_value(&kept).expect("raw fields always serialise"))
    }

    /// The elements of the top-level array field `name`, each as received; empty when
    /// absent or not an array.
    pub fn items_of(&self, name: &str) -> Vec<RawJson> {
        self.field_text(name).map(elements).unwrap_or_default()
    }
}

/// The elements of a JSON array, each as received; empty for anything else.
fn elements(array: &RawValue) -> Vec<RawJson> {
    serde_json::from_str::<Vec<Box<RawValue>>>(array.get())
        .map(|items| items.into_iter().map(RawJson).collect())
        .unwrap_or_default()
}

impl From<Box<RawValue>> for RawJson {
    fn from(raw: Box<RawValue>) -> Self {
        RawJson(raw)
    }
}

impl From<Value> for RawJson {
    fn from(value: Value) -> Self {
        RawJson::from_value(&value)
    }
}

/// Equal when the JSON is (`{"a":1, "b":2}` equals `{"b":2,"a":1}`), as `jsonb` sees it.
impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get() || self.to_value() == other.to_value()
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(RawJson)
    }
}

/// An object's top-level fields in order, values unparsed (borrowed from the text).
struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'a> Fields<'a> {
    fn of(raw: &'a RawJson) -> Option<Fields<'a>> {
        serde_json::from_str(raw.get()).ok()
    }

    /// The value of field `name` (the last one, as a parser keeps it).
    fn last(&self, name: &str) -> Option<&'a RawValue> {
        self.0.iter().rev().find(|(k, _)| k == name).map(|(_, v)| *v)
    }
}

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FieldsVisitor)
    }
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
        let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(32));
        while let Some(key) = map.next_key::<Key<'de>>()? {
            fields.push((key.0, map.next_value::<&'de RawValue>()?));
        }
        Ok(Fields(fields))
    }
}

/// A key borrowed from the text unless it holds escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The fields of an object except `names`, serialised as an object.
struct Kept<'a> {
    fields: &'a Fields<'a>,
    names: &'a [&'a str],
}

/// The kept fields in `jsonb`'s own key order (shorter keys first, then bytewise):
/// PostgreSQL sorts every object's keys when it parses `jsonb`, and its sort returns
/// at once on sorted input, which took a quarter off parsing a customer's `raw`. The
/// sort is stable, so of repeated keys the last still wins, as in `jsonb`.
impl Serialize for Kept<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut kept: Vec<_> = (self.fields.0.iter())
            .filter(|(k, _)| !self.names.contains(&k.as_ref()))
            .collect();
        kept.sort_by(|(a, _), (b, _)| (a.len(), a.as_bytes()).cmp(&(b.len(), b.as_bytes())));
        let mut map = serializer.serialize_map(Some(kept.len()))?;
        for (k, v) in kept {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> RawJson {
        RawJson(RawValue::from_string(s.to_owned()).unwrap())
    }

    #[test]
    fn fields_are_read_without_parsing_the_rest() {
        let r = raw(r#"{"id":7,"name":"a\"b","addresses":[{"id":1},{"id":2}],"x":null}"#);
        assert_eq!(r.id(), Some(7));
        assert_eq!(r.field::<String>("name").as_deref(), Some("a\"b"));
        assert_eq!(r.field::<String>("x"), None);
        assert_eq!(r.field::<i64>("name"), None, "another type is None");
        let items = r.items_of("addresses");
        assert_eq!(
            items.iter().map(RawJson::id).collect::<Vec<_>>(),
            [Some(1), Some(2)]
        );
        assert!(r.items_of("name").is_empty());
        assert_eq!(raw("[1]").id(), None);
    }

    #[test]
    fn detach_is_without_and_items_of_at_once() {
        let r = raw(r#"{"id":7,"addresses":[{"id":1}, {"id":2,"x":"y"}],"address_count":2}"#);
        let (kept, items) = r.detach(&["addresses", "address_count"], "addresses");
        assert_eq!(kept, r.without(&["addresses", "address_count"]));
        assert_eq!(kept.get(), r#"{"id":7}"#);
        assert_eq!(items, r.items_of("addresses"));
        assert_eq!(items[1].get(), r#"{"id":2,"x":"y"}"#);
        let (kept, items) = raw(r#"{"id":1,"addresses":null}"#).detach(&["addresses"], "addresses");
        assert_eq!((kept.get(), items.len()), (r#"{"id":1}"#, 0));
        let (kept, items) = raw("[1]").detach(&["addresses"], "addresses");
        assert_eq!((kept.get(), items.len()), ("[1]", 0));
    }

    #[test]
    fn without_drops_only_the_named_fields_and_keeps_the_text_of_the_rest() {
        let r = raw(r#"{"id":7, "addresses":[{"id":1}],"note":"caf\u00e9 \n","n":1.50}"#);
        let w = r.without(&["addresses", "absent"]);
        // The text of each value as received, in jsonb's key order.
        assert_eq!(w.get(), r#"{"n":1.50,"id":7,"note":"caf\u00e9 \n"}"#);
        assert_eq!(w.to_value(), serde_json::json!({"id":7,"note":"café \n","n":1.5}));
        let untouched = r.without(&["absent"]);
        assert_eq!(untouched.get(), r.get());
        assert_eq!(raw("[1,2]").without(&["a"]).get(), "[1,2]");
    }

    #[test]
    fn of_repeated_keys_the_last_still_wins_after_the_reorder() {
        let r = raw(r#"{"bb":1,"a":2,"bb":3,"addresses":[]}"#);
        let w = r.without(&["addresses"]);
        assert_eq!(w.get(), r#"{"a":2,"bb":1,"bb":3}"#);
        assert_eq!(w.to_value(), serde_json::json!({"a":2,"bb":3}));
    }

    #[test]
    fn an_escaped_key_is_matched_by_its_value() {
        let r = raw(r#"{"addr\u0065sses":[1],"id":3}"#);
        assert_eq!(r.without(&["addresses"]).to_value(), serde_json::json!({"id":3}));
    }

    #[test]
    fn equality_is_json_equality_and_values_round_trip() {
        assert_eq!(raw(r#"{"a":1,"b":[true]}"#), raw(r#"{ "b":[true], "a":1 }"#));
        assert_ne!(raw(r#"{"a":1}"#), raw(r#"{"a":2}"#));
        let v = serde_json::json!({"a": {"b": [1, "x", null]}});
        assert_eq!(RawJson::from_value(&v).to_value(), v);
        assert_eq!(serde_json::to_string(&raw(r#"{"a": 1}"#)).unwrap(), r#"{"a": 1}"#);
    }
}
