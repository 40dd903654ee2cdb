//! Whole numbers as JSON Schema sees them: `3` and `3.0` are the same integer. serde's unsigned integers
//! refuse `3.0`; these accept any number with no fractional part that fits, and refuse the rest.

use serde::de::{self, Deserializer, Visitor};

struct Whole;

impl Visitor<'_> for Whole {
    type Value = u64;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a non-negative whole number")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
        if v.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(&v) {
            Ok(v as u64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
}

fn narrow<T: TryFrom<u64>, E: de::Error>(v: u64) -> Result<T, E> {
    T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &"a smaller number"))
}

pub fn u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    narrow(d.deserialize_any(Whole)?)
}

pub fn usize<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    narrow(d.deserialize_any(Whole)?)
}

pub fn option_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct Maybe;
    impl<'de> Visitor<'de> for Maybe {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a non-negative whole number or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            u32(d).map(Some)
        }
    }
    d.deserialize_option(Maybe)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Days {
        #[serde(default, deserialize_with = "super::option_u32")]
        days: Option<u32>,
        #[serde(deserialize_with = "super::usize")]
        start: usize,
    }

    #[test]
    fn whole_floats_are_integers_and_fractions_are_not() {
        let parse = |json: &str| serde_json::from_str::<Days>(json).map(|d| (d.days, d.start));
        assert_eq!(parse(r#"{"days": 7.0, "start": 3}"#).ok(), Some((Some(7), 3)));
        assert_eq!(parse(r#"{"days": null, "start": 3.0}"#).ok(), Some((None, 3)));
        assert_eq!(parse(r#"{"start": 0}"#).ok(), Some((None, 0)));
        assert!(parse(r#"{"days": 7.5, "start": 3}"#).is_err());
        assert!(parse(r#"{"days": -1, "start": 3}"#).is_err());
        assert!(parse(r#"{"days": 5000000000, "start": 3}"#).is_err());
    }
}
