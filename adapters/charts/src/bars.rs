//! Stacked bars: one bar per category, its layers the series bottom first,
//! with a legend of the series above the plot.

use plotters::backend::DrawingBackend;
use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Rectangle, Text as Label};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color as _, TRANSPARENT};

use crate::{
    ChartError, GRID, INK, MUTED, PALETTE, SIDE, Slots, X_LABELS, Y_LABELS, category_at, text,
    widest,
};

/// The height of one line of the legend.
const LEGEND_LINE: u32 = 26;
/// The side of a legend's colour square.
const SWATCH: i32 = 14;

pub(crate) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    categories: &[String],
    series: &[(String, &[u32])],
) -> Result<(), ChartError> {
    let legend_lines = legend(area, series)?;
    let (_, plot) = area.split_vertically(legend_lines * LEGEND_LINE + 8);
    let totals: Vec<u64> = (0..categories.len())
        .map(|i| {
            series
                .iter()
                .map(|(_, values)| u64::from(values.get(i).copied().unwrap_or(0)))
                .sum()
        })
        .collect();
    let most = totals.iter().copied().max().unwrap_or(0);
    // Headroom above the highest bar, and an axis of at least 0..1.
    let top = (most + most / 10 + 1).max(1);
    let count = categories.len();
    let label_style = text(14.0, MUTED);
    let room = plot.dim_in_pixel().0.saturating_sub(Y_LABELS + 2 * SIDE);
    let slots = Slots::new(count, widest(area, categories, &label_style), room);
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(SIDE)
        .margin_right(SIDE)
        .margin_bottom(8)
        .x_label_area_size(X_LABELS)
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d(slots, 0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(6)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .label_style(label_style)
        .x_label_formatter(&|x| category_at(categories, *x))
        .draw()?;
    // Bars take 70 % of their slot, so neighbours stay apart.
    let gap = 0.15;
    for (i, _) in categories.iter().enumerate() {
        let mut base = 0_u64;
        for (n, (_, values)) in series.iter().enumerate() {
            let value = u64::from(values.get(i).copied().unwrap_or(0));
            if value == 0 {
                continue;
            }
            let left = i as f64 + gap;
            let right = i as f64 + 1.0 - gap;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(left, base), (right, base + value)],
                PALETTE[n % PALETTE.len()].filled(),
            )))?;
            base += value;
        }
    }
    Ok(())
}

/// Draws the legend, a colour square and the label of each series, in
/// lines across the top of `area`; returns how many lines it took.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[(String, &[u32])],
) -> Result<u32, ChartError> {
    let style = text(15.0, INK);
    let (width, _) = area.dim_in_pixel();
    let start = (SIDE + Y_LABELS) as i32;
    let end = width.saturating_sub(SIDE) as i32;
    let (mut x, mut line) = (start, 0);
    for (n, (label, _)) in series.iter().enumerate() {
        let label_width = area
            .estimate_text_size(label, &style)
            .map_or(0, |(w, _)| w as i32);
        let item = SWATCH + 6 + label_width + 24;
        if x > start && x + item > end {
            x = start;
            line += 1;
        }
        let middle = (line * LEGEND_LINE + LEGEND_LINE / 2) as i32;
        area.draw(&Rectangle::new(
            [(x, middle - SWATCH / 2), (x + SWATCH, middle + SWATCH / 2)],
            PALETTE[n % PALETTE.len()].filled(),
        ))?;
        area.draw(&Label::new(
            label.clone(),
            (x + SWATCH + 6, middle),
            style.pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        x += item;
    }
    Ok(if series.is_empty() { 0 } else { line + 1 })
}
