//! The `[calendar]` keys of `kind = "none"`: there are none, so any other
//! key in the section is refused as a typo.

use serde::{Deserialize, Serialize};

/// The `[calendar]` keys of `kind = "none"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoCalendarConfig {}
