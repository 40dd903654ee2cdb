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

pub fn usize<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    narrow(d.deserialize_any(Whole)?)
}

/// A non-negative whole number that fits in a `T`, or null.
struct Maybe<T>(std::marker::PhantomData<T>);

impl<'de, T: TryFrom<u64>> Visitor<'de> for Maybe<T> {
    type Value = Option<T>;
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
        narrow(d.deserialize_any(Whole)?).map(Some)
    }
}

pub fn option_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    d.deserialize_option(Maybe(std::marker::PhantomData))
}

/// A non-negative whole number that fits in an `i64`, or null (amounts such as salaries).
pub fn option_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_option(Maybe(std::marker::PhantomData))
}

/// An optional nested object, from a JSON object only: serde would also build a struct whose fields all have
/// defaults from an array (`[]`), which the schema does not allow.
pub fn option_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::Deserialize;
    match Option::<serde_json::Map<String, serde_json::Value>>::deserialize(d)? {
        None => Ok(None),
        Some(map) => serde_json::from_value(serde_json::Value::Object(map))
            .map(Some)
            .map_err(de::Error::custom),
    }
}

/// A list of objects, from JSON objects only (see [`option_object`]).
pub fn objects<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::Deserialize;
    Vec::<serde_json::Map<String, serde_json::Value>>::deserialize(d)?
        .into_iter()
        .map(|map| serde_json::from_value(serde_json::Value::Object(map)).map_err(de::Error::custom))
        .collect()
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

    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    struct Inner {
        #[serde(default)]
        a: Option<String>,
    }

    #[derive(serde::Deserialize)]
    struct Outer {
        #[serde(default, deserialize_with = "super::option_object")]
        inner: Option<Inner>,
        #[serde(default, deserialize_with = "super::option_i64")]
        amount: Option<i64>,
    }

    #[test]
    fn nested_objects_only_from_objects_and_amounts_whole() {
        let parse = |json: &str| serde_json::from_str::<Outer>(json).map(|o| (o.inner, o.amount));
        assert_eq!(
            parse(r#"{"inner": {}, "amount": 30000.0}"#).ok(),
            Some((Some(Inner::default()), Some(30000)))
        );
        assert_eq!(parse(r#"{"inner": null}"#).ok(), Some((None, None)));
        assert!(parse(r#"{"inner": []}"#).is_err());
        assert!(parse(r#"{"inner": {"a": 1}}"#).is_err());
        assert!(parse(r#"{"amount": 1.5}"#).is_err());
        assert!(parse(r#"{"amount": -1}"#).is_err());
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
