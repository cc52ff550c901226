//! Lists in the configuration: a TOML array, or from the environment a
//! comma-separated string (`MEETBOT__TELEGRAM__OWNER_IDS=111,222`).

use serde::de::{self, Deserializer};

/// The items of a list as trimmed text; empty items are dropped.
pub(super) use meetbot_ports::config::list_items as items;

/// The items of a list of whole numbers; `what` names their unit.
pub(super) fn whole_numbers<'de, D: Deserializer<'de>>(
    de: D,
    what: &str,
) -> Result<Vec<i64>, D::Error> {
    items(de)?
        .iter()
        .map(|item| {
            item.parse::<i64>().map_err(|_| {
                de::Error::custom(format!("be a list of whole numbers ({what}), got {item:?}"))
            })
        })
        .collect()
}
