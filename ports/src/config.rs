//! Reading configuration: the pieces every adapter's configuration type
//! shares, so that a secret is hidden and a list is read the same way in
//! every section.
//!
//! Each adapter owns its section (a serde type with its own checks); these
//! are the `serialize_with` and `deserialize_with` helpers they have in
//! common.

use std::fmt;

use secrecy::SecretString;
use serde::Deserialize;
use serde::Serializer;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

/// What a secret is shown as, wherever configuration is printed.
pub const REDACTED: &str = "[redacted]";

/// Serialises a secret as [`REDACTED`] (`serialize_with`).
///
/// # Errors
/// Only those of the serializer.
pub fn redacted<S: Serializer>(_: &SecretString, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(REDACTED)
}

/// Serialises a secret that may be unset as [`REDACTED`], or as nothing
/// when it is unset (`serialize_with`).
///
/// # Errors
/// Only those of the serializer.
pub fn redacted_if_set<S: Serializer>(
    secret: &Option<SecretString>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(_) => serializer.serialize_str(REDACTED),
        None => serializer.serialize_none(),
    }
}

/// The items of a list as trimmed text (`deserialize_with`): a TOML array,
/// or from the environment a comma-separated string
/// (`MEETBOT__TELEGRAM__OWNER_IDS=111,222`). Empty items are dropped.
///
/// # Errors
/// When the value is neither a list nor a single value.
pub fn list_items<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    struct Items;

    impl<'de> Visitor<'de> for Items {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
            Ok(text
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_owned)
                .collect())
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
            Ok(vec![value.to_string()])
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
            Ok(vec![value.to_string()])
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(Scalar(item)) = seq.next_element()? {
                if !item.is_empty() {
                    items.push(item);
                }
            }
            Ok(items)
        }
    }

    de.deserialize_any(Items)
}

/// One item of a list, whatever its TOML type, as text.
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Text;

        impl Visitor<'_> for Text {
            type Value = Scalar;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a single value")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Scalar, E> {
                Ok(Scalar(text.trim().to_owned()))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
        }

        de.deserialize_any(Text)
    }
}
