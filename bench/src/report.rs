//! The results as markdown: the machine, then one section per benchmark.

use crate::machine::Machine;

/// A markdown table.
#[derive(Debug, Clone)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column names.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        Self {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are left empty, extra ones dropped.
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let mut row: Vec<String> = cells.into_iter().map(Into::into).collect();
        row.resize(self.header.len(), String::new());
        self.rows.push(row);
    }

    fn markdown(&self) -> String {
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        let mut out = line(&self.header);
        out.push_str(&line(&vec!["---".to_owned(); self.header.len()]));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

/// One benchmark's results.
#[derive(Debug, Clone)]
pub struct Section {
    /// Its heading, such as "B4 micro".
    pub title: String,
    /// What was measured and how, in a sentence or two.
    pub intro: String,
    pub table: Table,
    /// What the reader should know: targets missed and why, parts skipped.
    pub notes: Vec<String>,
}

/// The whole run.
#[derive(Debug)]
pub struct Report {
    machine: Machine,
    sections: Vec<Section>,
}

impl Report {
    pub fn new(machine: Machine) -> Self {
        Self {
            machine,
            sections: Vec::new(),
        }
    }

    pub fn add(&mut self, section: Section) {
        self.sections.push(section);
    }

    pub fn markdown(&self) -> String {
        let mut out = String::from("# Benchmark results\n\n");
        out.push_str(&self.machine.markdown());
        for section in &self.sections {
            out.push_str(&format!("\n## {}\n\n{}\n\n", section.title, section.intro));
            out.push_str(&section.table.markdown());
            for note in &section.notes {
                out.push_str(&format!("\n- {note}"));
            }
            if !section.notes.is_empty() {
                out.push('\n');
            }
        }
        out
    }
}

/// A duration in microseconds, with one decimal under 10 µs.
pub fn micros(seconds: f64) -> String {
    let micros = seconds * 1e6;
    if micros < 10.0 {
        format!("{micros:.1} µs")
    } else {
        format!("{} µs", thousands(micros.round()))
    }
}

/// A number with thousands separated by commas, as the README writes them.
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if value < 0.0 { format!("-{out}") } else { out }
}

/// "yes" or "**no**", for a target column.
pub fn met(yes: bool) -> &'static str {
    if yes { "yes" } else { "**no**" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_in_the_readme() {
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(micros(0.000_004_26), "4.3 µs");
        assert_eq!(micros(0.001_5), "1,500 µs");
    }

    #[test]
    fn a_table_pads_short_rows() {
        let mut table = Table::new(["a", "b"]);
        table.row(["1"]);
        assert_eq!(table.markdown(), "| a | b |\n| --- | --- |\n| 1 |  |\n");
    }
}
