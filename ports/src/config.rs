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
use url::Url;

/// What a secret is shown as, wherever configuration is printed.
pub const REDACTED: &str = "[redacted]";

/// `raw`, trimmed, as an `http://` or `https://` URL with a host, or `None`.
/// White space and control characters inside are refused rather than
/// percent-encoded as `Url::parse` would: in a configured URL they are a
/// typo far more often than a wish.
pub fn http_url(raw: &str) -> Option<Url> {
    let raw = raw.trim();
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Url::parse(raw)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
}

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
    de.deserialize_any(Items)
}

/// Reads a list of any scalars, or a comma-separated string.
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

/// The items of a list of text as trimmed text (`deserialize_with`): a TOML
/// array of strings, or from the environment a comma-separated string
/// (`MEETBOT__ORGANISATION__DEPARTMENTS=Sales,Support`). Empty items are
/// dropped. Unlike [`list_items`], an item that is not text (a number, a
/// table) is refused rather than turned into text: `[1, {a = 2}]` is a
/// mistake, not two names.
///
/// # Errors
/// When the value is neither a list of text nor a single text.
pub fn text_list_items<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    struct TextItems;

    impl<'de> Visitor<'de> for TextItems {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of text")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
            Items.visit_str(text)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                match item {
                    // The list, not the item, is refused, so that the
                    // message names the list's key.
                    AnyItem::Text(text) if text.is_empty() => {}
                    AnyItem::Text(text) => items.push(text),
                    AnyItem::Other(what) => {
                        return Err(de::Error::custom(format!(
                            "be a list of text in quotes, got {what}"
                        )));
                    }
                }
            }
            Ok(items)
        }
    }

    de.deserialize_any(TextItems)
}

/// One item of a list as found: trimmed text, or what else it was.
enum AnyItem {
    Text(String),
    Other(String),
}

impl<'de> Deserialize<'de> for AnyItem {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Anything;

        impl<'de> Visitor<'de> for Anything {
            type Value = AnyItem;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<AnyItem, E> {
                Ok(AnyItem::Text(text.trim().to_owned()))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<AnyItem, E> {
                Ok(AnyItem::Other(format!("the number {value}")))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<AnyItem, E> {
                Ok(AnyItem::Other(format!("the number {value}")))
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<AnyItem, E> {
                Ok(AnyItem::Other(format!("the number {value}")))
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<AnyItem, E> {
                Ok(AnyItem::Other(format!("{value}")))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnyItem, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(AnyItem::Other("a list".to_owned()))
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<AnyItem, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(AnyItem::Other("a table".to_owned()))
            }
        }

        de.deserialize_any(Anything)
    }
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
