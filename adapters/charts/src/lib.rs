//! Draws meetbot's transport-neutral charts ([`Chart`]) as PNG pictures,
//! for the chat adapters to send: stacked bars, heat maps and lines, with a
//! title on top, every label in whatever language the caller translates it to.
//!
//! Text is drawn with DejaVu Sans, embedded in the binary, so Latin and
//! Cyrillic labels come out the same on a server with no fonts installed.
//! The picture has a fixed size ([`WIDTH`] × [`HEIGHT`]). Figures that do
//! not fit their labels are an error, never a panic; a chart without
//! figures is still a picture (its title and a "no data" line).
//!
//! A library shared by the chat adapters, like the screen renderer. Depends
//! on the ports only; never on a transport, a database or the use cases.

use std::ops::Range;
use std::sync::OnceLock;

use meetbot_ports::{Chart, Plot, Text};
use plotters::backend::{BitMapBackend, RGBPixel};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea as _};
use plotters::element::Text as Label;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontFamily, FontStyle, IntoFont as _, RGBColor, TextStyle};

mod bars;
mod heat;
mod line;

/// The width of every chart, in pixels.
pub const WIDTH: u32 = 1000;

/// The height of every chart, in pixels.
pub const HEIGHT: u32 = 600;

/// The message drawn under the title of a chart without figures.
const NO_DATA: &str = "chart-no-data";

/// The height of the band the title is drawn in.
const TITLE_BAND: u32 = 56;

/// Space left and right of a plot with axes (bars, line).
const SIDE: u32 = 20;
/// Room for the value labels left of such a plot.
const Y_LABELS: u32 = 56;
/// Room for the category labels under it.
const X_LABELS: u32 = 36;

const BACKGROUND: RGBColor = RGBColor(255, 255, 255);
const INK: RGBColor = RGBColor(33, 33, 33);
const MUTED: RGBColor = RGBColor(110, 110, 110);
const GRID: RGBColor = RGBColor(225, 225, 225);

/// Colours of the series, told apart also by people with the common
/// colour-vision deficiencies (Tableau 10); the eleventh series takes the
/// first colour again.
const PALETTE: [RGBColor; 10] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(225, 87, 89),
    RGBColor(118, 183, 178),
    RGBColor(89, 161, 79),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(186, 176, 172),
];

/// The colour of the `n`-th series (from 0).
pub fn series_colour(n: usize) -> (u8, u8, u8) {
    let RGBColor(r, g, b) = PALETTE[n % PALETTE.len()];
    (r, g, b)
}

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartError {
    /// The figures do not fit the labels (a series shorter than the
    /// categories, a heat map row of the wrong length).
    #[error("the chart's figures do not fit its labels: {0}")]
    Mismatch(String),
    /// A line chart whose value axis has no height.
    #[error("the value axis runs from {low} to {high} hundredths, which is no range")]
    EmptyAxis {
        /// The bottom of the axis, in hundredths.
        low: u32,
        /// The top of the axis, in hundredths.
        high: u32,
    },
    /// The embedded font could not be read.
    #[error("the embedded font cannot be read")]
    Font,
    /// Drawing failed.
    #[error("cannot draw the chart: {0}")]
    Draw(String),
    /// The picture could not be encoded as PNG.
    #[error("cannot encode the chart as PNG: {0}")]
    Encode(String),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(error: DrawingAreaErrorKind<E>) -> Self {
        Self::Draw(error.to_string())
    }
}

impl From<png::EncodingError> for ChartError {
    fn from(error: png::EncodingError) -> Self {
        Self::Encode(error.to_string())
    }
}

/// The chart as a PNG picture of [`WIDTH`] × [`HEIGHT`] pixels, its texts
/// turned into words by `label`.
pub fn render(chart: &Chart, label: &dyn Fn(&Text) -> String) -> Result<Vec<u8>, ChartError> {
    check(&chart.plot)?;
    register_font()?;
    let mut pixels = vec![0; WIDTH as usize * HEIGHT as usize * 3];
    {
        let backend =
            BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut pixels, (WIDTH, HEIGHT))
                .map_err(|error| ChartError::Draw(error.to_string()))?;
        let root = backend.into_drawing_area();
        root.fill(&BACKGROUND)?;
        let (top, body) = root.split_vertically(TITLE_BAND);
        let centre = (WIDTH as i32 / 2, TITLE_BAND as i32 / 2 + 4);
        top.draw(&Label::new(
            label(&chart.title),
            centre,
            text(26.0, INK).pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        if is_empty(&chart.plot) {
            no_data(&body, &label(&Text::new(NO_DATA)))?;
        } else {
            match &chart.plot {
                Plot::StackedBars { categories, series } => {
                    let categories: Vec<String> = categories.iter().map(label).collect();
                    let series: Vec<(String, &[u32])> = series
                        .iter()
                        .map(|s| (label(&s.label), s.values.as_slice()))
                        .collect();
                    bars::draw(&body, &categories, &series)?;
                }
                Plot::HeatMap {
                    rows,
                    columns,
                    values,
                } => {
                    let rows: Vec<String> = rows.iter().map(label).collect();
                    let columns: Vec<String> = columns.iter().map(label).collect();
                    heat::draw(&body, &rows, &columns, values)?;
                }
                Plot::Line {
                    categories,
                    values,
                    low,
                    high,
                } => {
                    let categories: Vec<String> = categories.iter().map(label).collect();
                    line::draw(&body, &categories, values, (*low, *high))?;
                }
            }
        }
        root.present()?;
    }
    encode(&pixels)
}

/// Refuses figures that do not fit their labels.
fn check(plot: &Plot) -> Result<(), ChartError> {
    match plot {
        Plot::StackedBars { categories, series } => {
            for (n, series) in series.iter().enumerate() {
                if series.values.len() != categories.len() {
                    return Err(ChartError::Mismatch(format!(
                        "series {n} has {} values for {} categories",
                        series.values.len(),
                        categories.len()
                    )));
                }
            }
        }
        Plot::HeatMap {
            rows,
            columns,
            values,
        } => {
            if values.len() != rows.len() {
                return Err(ChartError::Mismatch(format!(
                    "{} rows of values for {} row labels",
                    values.len(),
                    rows.len()
                )));
            }
            for (n, row) in values.iter().enumerate() {
                if row.len() != columns.len() {
                    return Err(ChartError::Mismatch(format!(
                        "row {n} has {} values for {} columns",
                        row.len(),
                        columns.len()
                    )));
                }
            }
        }
        Plot::Line {
            categories,
            values,
            low,
            high,
        } => {
            if values.len() != categories.len() {
                return Err(ChartError::Mismatch(format!(
                    "{} values for {} categories",
                    values.len(),
                    categories.len()
                )));
            }
            if high <= low {
                return Err(ChartError::EmptyAxis {
                    low: *low,
                    high: *high,
                });
            }
        }
    }
    Ok(())
}

/// Whether there is nothing to draw but the title.
fn is_empty(plot: &Plot) -> bool {
    match plot {
        Plot::StackedBars { categories, series } => categories.is_empty() || series.is_empty(),
        Plot::HeatMap { rows, columns, .. } => rows.is_empty() || columns.is_empty(),
        Plot::Line { values, .. } => values.iter().all(Option::is_none),
    }
}

/// Registers the embedded font once, under the family every text style
/// here uses (also plotters' default, so no text can ask for a font that
/// is not there).
fn register_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = REGISTERED.get_or_init(|| {
        plotters::style::register_font(
            FontFamily::SansSerif.as_str(),
            FontStyle::Normal,
            dejavu::sans::regular(),
        )
        .is_ok()
    });
    if *registered {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}

/// Text of `size` pixels in `colour`, in the embedded font.
fn text(size: f64, colour: RGBColor) -> TextStyle<'static> {
    FontFamily::SansSerif
        .into_font()
        .resize(size)
        .color(&colour)
}

/// The "no data" line in the middle of the body.
fn no_data<DB: plotters::backend::DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    words: &str,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let (width, height) = body.dim_in_pixel();
    body.draw(&Label::new(
        words.to_owned(),
        (width as i32 / 2, height as i32 / 2),
        text(20.0, MUTED).pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    Ok(())
}

/// An axis of categories, each a slot one unit wide (category `i` spans
/// `i..i + 1`), labelled at the middle of every `step`-th slot so that its
/// labels never overlap.
#[derive(Debug, Clone)]
struct Slots {
    count: usize,
    labelled: Vec<f64>,
}

impl Slots {
    /// `count` slots on an axis `room` pixels long, with labels of up to
    /// `widest` pixels.
    fn new(count: usize, widest: u32, room: u32) -> Self {
        let slot = f64::from(room) / count.max(1) as f64;
        let needed = f64::from(widest) + 10.0;
        let step = (needed / slot).ceil().max(1.0) as usize;
        Self {
            count,
            labelled: (0..count).step_by(step).map(|i| i as f64 + 0.5).collect(),
        }
    }
}

impl Ranged for Slots {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, (start, end): (i32, i32)) -> i32 {
        let share = value / self.count.max(1) as f64;
        start + (f64::from(end - start) * share).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Ticks and labels only; no light lines between categories.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.labelled.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        0.0..self.count as f64
    }
}

/// The label of the category whose slot holds `x`.
fn category_at(categories: &[String], x: f64) -> String {
    if x < 0.0 {
        return String::new();
    }
    categories.get(x as usize).cloned().unwrap_or_default()
}

/// The widest of `labels` in `style`, in pixels.
fn widest<DB: plotters::backend::DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
    style: &TextStyle<'_>,
) -> u32 {
    labels
        .iter()
        .filter_map(|l| area.estimate_text_size(l, style).ok())
        .map(|(width, _)| width)
        .max()
        .unwrap_or(0)
}

/// The RGB pixels as a PNG file.
fn encode(pixels: &[u8]) -> Result<Vec<u8>, ChartError> {
    let mut png = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixels)?;
    writer.finish()?;
    Ok(png)
}
