//! `&'static str` fields read back (the history cache, `scan::cache`): a string is
//! looked up in the fixed table of the values the code writes and the table's own
//! `&'static str` is returned, so the types keep their `&'static str` (no allocation,
//! no leak, nothing changes for the code that writes or compares them). A string not in
//! the table is an error: the cache entry that holds it fails its round trip and is not
//! stored, so an unknown value costs a re-read, never a wrong answer.

use std::fmt;

use serde::Deserializer;
use serde::de::{Error, SeqAccess, Visitor};

struct One(&'static [&'static str]);

impl<'de> Visitor<'de> for One {
    type Value = &'static str;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "one of {:?}", self.0)
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<&'static str, E> {
        self.0
            .iter()
            .find(|t| **t == v)
            .copied()
            .ok_or_else(|| E::unknown_variant(v, &[]))
    }
}

struct Many(&'static [&'static str]);

impl<'de> Visitor<'de> for Many {
    type Value = Vec<&'static str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of {:?}", self.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<&'static str>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(Seed(self.0))? {
            out.push(v);
        }
        Ok(out)
    }
}

struct Seed(&'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for Seed {
    type Value = &'static str;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<&'static str, D::Error> {
        d.deserialize_str(One(self.0))
    }
}

/// One string of `table`.
pub(crate) fn one<'de, D: Deserializer<'de>>(
    d: D,
    table: &'static [&'static str],
) -> Result<&'static str, D::Error> {
    d.deserialize_str(One(table))
}

/// A list of strings of `table`.
pub(crate) fn many<'de, D: Deserializer<'de>>(
    d: D,
    table: &'static [&'static str],
) -> Result<Vec<&'static str>, D::Error> {
    d.deserialize_seq(Many(table))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    static TABLE: &[&str] = &["", "bpm", "min"];

    #[derive(Debug, serde::Deserialize)]
    struct T {
        #[serde(deserialize_with = "unit")]
        unit: &'static str,
        #[serde(deserialize_with = "units")]
        units: Vec<&'static str>,
    }
    fn unit<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
        one(d, TABLE)
    }
    fn units<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<&'static str>, D::Error> {
        many(d, TABLE)
    }

    #[test]
    fn strings_of_the_table_come_back_as_the_tables_own() {
        let t: T = serde_json::from_str(r#"{"unit":"bpm","units":["min","","bpm"]}"#).unwrap();
        assert_eq!(t.unit, "bpm");
        assert!(std::ptr::eq(t.unit, TABLE[1]));
        assert_eq!(t.units, vec!["min", "", "bpm"]);
        // Escaped in the JSON: still found.
        let t: T = serde_json::from_str(r#"{"unit":"\u0062pm","units":[]}"#).unwrap();
        assert_eq!(t.unit, "bpm");
    }

    #[test]
    fn a_string_not_in_the_table_is_an_error() {
        let e = serde_json::from_str::<T>(r#"{"unit":"furlong","units":[]}"#).unwrap_err();
        assert!(e.to_string().contains("furlong"), "{e}");
        assert!(serde_json::from_str::<T>(r#"{"unit":"","units":["z9"]}"#).is_err());
    }
}
