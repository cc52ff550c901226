//! A heat map: a grid of counts, each cell shaded from near-white (none)
//! to dark blue (the most), its count written in it when it fits, with a
//! colour scale under the grid.

use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Rectangle, Text as Label};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color as _, RGBColor};

use crate::{ChartError, GRID, INK, MUTED, text, widest};

/// Space left and right of the grid.
const SIDE: i32 = 20;
/// Room for the column labels above the grid.
const COLUMN_LABELS: i32 = 26;
/// Room for the colour scale under the grid.
const SCALE_BAND: i32 = 44;
/// The widest the row labels may take, so the grid keeps most of the width.
const MOST_ROW_LABEL_WIDTH: i32 = 220;

/// The colour of a cell with nothing in it.
const EMPTY: RGBColor = RGBColor(247, 249, 252);
/// The colour of the lightest cell with something in it.
const LIGHT: RGBColor = RGBColor(222, 235, 247);
/// The colour of the fullest cell.
const DARK: RGBColor = RGBColor(8, 48, 107);

pub(crate) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[String],
    columns: &[String],
    values: &[Vec<u32>],
) -> Result<(), ChartError> {
    let (width, height) = area.dim_in_pixel();
    let (width, height) = (width as i32, height as i32);
    let label_style = text(14.0, INK);
    let row_labels = (widest(area, rows, &label_style) as i32).min(MOST_ROW_LABEL_WIDTH) + 12;
    let left = SIDE + row_labels;
    let top = COLUMN_LABELS;
    let cell_width = f64::from((width - left - SIDE).max(1)) / columns.len() as f64;
    let cell_height = f64::from((height - top - SCALE_BAND).max(1)) / rows.len() as f64;
    let x_at = |column: usize| left + (column as f64 * cell_width).round() as i32;
    let y_at = |row: usize| top + (row as f64 * cell_height).round() as i32;
    let most = values.iter().flatten().copied().max().unwrap_or(0).max(1);

    let number_size = (cell_height * 0.45).clamp(9.0, 15.0);
    let widest_number = area
        .estimate_text_size(&most.to_string(), &text(number_size, INK))
        .map_or(0, |(w, _)| w as i32);
    let numbers_fit = f64::from(widest_number + 4) <= cell_width && cell_height >= 14.0;
    for (r, row) in values.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let colour = shade(*value, most);
            let (x0, y0, x1, y1) = (x_at(c), y_at(r), x_at(c + 1), y_at(r + 1));
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], colour.filled()))?;
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], GRID))?;
            if numbers_fit && *value > 0 {
                let ink = if lightness(colour) < 140 {
                    RGBColor(255, 255, 255)
                } else {
                    INK
                };
                area.draw(&Label::new(
                    value.to_string(),
                    ((x0 + x1) / 2, (y0 + y1) / 2),
                    text(number_size, ink).pos(Pos::new(HPos::Center, VPos::Center)),
                ))?;
            }
        }
    }

    for (r, name) in rows.iter().enumerate() {
        area.draw(&Label::new(
            name.clone(),
            (left - 8, (y_at(r) + y_at(r + 1)) / 2),
            label_style.pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    // Every column label when they fit, else every second, third...
    let needed = f64::from(widest(area, columns, &label_style) + 6);
    let step = (needed / cell_width).ceil().max(1.0) as usize;
    for (c, name) in columns.iter().enumerate().step_by(step) {
        area.draw(&Label::new(
            name.clone(),
            ((x_at(c) + x_at(c + 1)) / 2, top / 2),
            label_style.pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
    }
    scale(area, most, (width - SIDE, height - SCALE_BAND / 2))
}

/// The colour scale: a strip from empty to the most, with both numbers,
/// ending at `right_middle`.
fn scale<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    most: u32,
    (right, middle): (i32, i32),
) -> Result<(), ChartError> {
    const STRIP: i32 = 200;
    const STEPS: i32 = 40;
    let style = text(13.0, MUTED);
    let most_text = most.to_string();
    let most_width = area
        .estimate_text_size(&most_text, &style)
        .map_or(0, |(w, _)| w as i32);
    let end = right - most_width - 8;
    let start = end - STRIP;
    for step in 0..STEPS {
        let value = (f64::from(most) * f64::from(step) / f64::from(STEPS - 1)).round() as u32;
        let x0 = start + STRIP * step / STEPS;
        let x1 = start + STRIP * (step + 1) / STEPS;
        area.draw(&Rectangle::new(
            [(x0, middle - 6), (x1, middle + 6)],
            shade(value, most).filled(),
        ))?;
    }
    area.draw(&Rectangle::new(
        [(start, middle - 6), (end, middle + 6)],
        GRID,
    ))?;
    area.draw(&Label::new(
        "0".to_owned(),
        (start - 8, middle),
        style.pos(Pos::new(HPos::Right, VPos::Center)),
    ))?;
    area.draw(&Label::new(
        most_text,
        (end + 8, middle),
        style.pos(Pos::new(HPos::Left, VPos::Center)),
    ))?;
    Ok(())
}

/// The colour of a cell holding `value` when the fullest holds `most`.
fn shade(value: u32, most: u32) -> RGBColor {
    if value == 0 {
        return EMPTY;
    }
    let share = f64::from(value) / f64::from(most.max(1));
    let mix = |light: u8, dark: u8| {
        (f64::from(light) + (f64::from(dark) - f64::from(light)) * share.clamp(0.0, 1.0)).round()
            as u8
    };
    RGBColor(
        mix(LIGHT.0, DARK.0),
        mix(LIGHT.1, DARK.1),
        mix(LIGHT.2, DARK.2),
    )
}

/// How light a colour looks, 0 to 255.
fn lightness(RGBColor(r, g, b): RGBColor) -> u32 {
    (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_cells_darken_as_their_count_grows() {
        let shades: Vec<u32> = [0, 1, 5, 10]
            .iter()
            .map(|v| lightness(shade(*v, 10)))
            .collect();

        assert!(
            shades.windows(2).all(|pair| pair[0] > pair[1]),
            "{shades:?}"
        );
        assert_eq!(shade(10, 10), DARK);
    }
}
