//! `meetbot config`: the effective configuration as TOML, through the
//! sections' `Serialize` (so secrets show as `"[redacted]"` by type), each
//! value commented with where it came from.

use std::fmt::Write as _;

use super::Config;

impl Config {
    /// The effective configuration as TOML, secrets replaced by
    /// `"[redacted]"`, each line commented with where its value came from.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# meetbot's effective configuration; secrets are shown as \"[redacted]\".\n",
        );
        let table = match toml::Table::try_from(self) {
            Ok(table) => table,
            // Every section is plain data, so this cannot happen; say so
            // rather than print half a configuration.
            Err(err) => return format!("{out}# cannot show the configuration: {err}\n"),
        };
        for (section, keys) in &table {
            let _ = write!(out, "\n[{section}]\n");
            let Some(keys) = keys.as_table() else {
                continue;
            };
            for (key, value) in keys {
                let origin = self.origin(&format!("{section}.{key}")).note();
                let _ = writeln!(out, "{key} = {value}  # {origin}");
            }
        }
        out
    }
}
