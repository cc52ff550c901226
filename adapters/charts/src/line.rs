//! A line over categories: a point per value, joined to its neighbours,
//! with a gap where a category has no value.

use plotters::backend::DrawingBackend;
use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Circle;
use plotters::series::LineSeries;
use plotters::style::{Color as _, TRANSPARENT};

use crate::{
    ChartError, GRID, MUTED, PALETTE, SIDE, Slots, X_LABELS, Y_LABELS, category_at, text, widest,
};

pub(crate) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    categories: &[String],
    values: &[Option<u32>],
    (low, high): (u32, u32),
) -> Result<(), ChartError> {
    let (bottom, top) = (f64::from(low) / 100.0, f64::from(high) / 100.0);
    let count = categories.len();
    let label_style = text(14.0, MUTED);
    let room = area.dim_in_pixel().0.saturating_sub(Y_LABELS + 2 * SIDE);
    let slots = Slots::new(count, widest(area, categories, &label_style), room);
    let mut chart = ChartBuilder::on(area)
        .margin(SIDE)
        .x_label_area_size(X_LABELS)
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d(slots, bottom..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(6)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .label_style(label_style)
        .x_label_formatter(&|x| category_at(categories, *x))
        .y_label_formatter(&|y| hundredths(*y))
        .draw()?;
    // A value off the axis is drawn at its edge rather than outside the plot.
    let points: Vec<Option<(f64, f64)>> = values
        .iter()
        .enumerate()
        .map(|(i, v)| v.map(|v| (i as f64 + 0.5, (f64::from(v) / 100.0).clamp(bottom, top))))
        .collect();
    let colour = PALETTE[0];
    for run in points.split(Option::is_none).filter(|run| run.len() > 1) {
        chart.draw_series(LineSeries::new(
            run.iter().flatten().copied(),
            colour.stroke_width(3),
        ))?;
    }
    chart.draw_series(
        points
            .iter()
            .flatten()
            .map(|point| Circle::new(*point, 5, colour.filled())),
    )?;
    Ok(())
}

/// A value of the axis, in units: `4.5`, `4`, `4.25`.
fn hundredths(value: f64) -> String {
    if value.abs() < 0.005 {
        return "0".to_owned();
    }
    let shown = format!("{value:.2}");
    shown.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_axis_values_show_as_units_without_trailing_zeros() {
        assert_eq!(hundredths(4.5), "4.5");
        assert_eq!(hundredths(4.0), "4");
        assert_eq!(hundredths(4.25), "4.25");
        assert_eq!(hundredths(-0.000_001), "0");
        assert_eq!(hundredths(10.0), "10");
    }
}
