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
            if let Some(keys) = keys.as_table() {
                self.render_table(&mut out, section, keys);
            }
        }
        out
    }

    /// `[path]` and its keys, then its subsections (`[telegram.limits]`):
    /// in TOML a table's own keys come before its subtables.
    fn render_table(&self, out: &mut String, path: &str, keys: &toml::Table) {
        let _ = write!(out, "\n[{path}]\n");
        for (key, value) in keys.iter().filter(|(_, value)| !value.is_table()) {
            let origin = self.origin(&format!("{path}.{key}")).note();
            let _ = writeln!(out, "{key} = {value}  # {origin}");
        }
        for (key, value) in keys {
            if let Some(inner) = value.as_table() {
                self.render_table(out, &format!("{path}.{key}"), inner);
            }
        }
    }
}
