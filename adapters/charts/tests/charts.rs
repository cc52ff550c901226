//! The pictures the charts become, decoded and looked at pixel by pixel:
//! the right size, not blank, drawn from the figures, and with Cyrillic
//! text drawn as letters.

#![expect(clippy::unwrap_used, reason = "tests: a panic reports the failure")]

use std::cell::RefCell;
use std::collections::HashSet;

use meetbot_charts::{ChartError, HEIGHT, WIDTH, render, series_colour};
use meetbot_ports::{Chart, Plot, Series, Text};

/// A decoded picture.
struct Picture {
    width: u32,
    height: u32,
    pixels: Vec<(u8, u8, u8)>,
}

impl Picture {
    fn decode(png_bytes: &[u8]) -> Self {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buffer).unwrap();
        assert_eq!(frame.color_type, png::ColorType::Rgb);
        assert_eq!(frame.bit_depth, png::BitDepth::Eight);
        let pixels = buffer[..frame.buffer_size()]
            .chunks_exact(3)
            .map(|p| (p[0], p[1], p[2]))
            .collect();
        Self {
            width: frame.width,
            height: frame.height,
            pixels,
        }
    }

    fn at(&self, x: u32, y: u32) -> (u8, u8, u8) {
        self.pixels[(y * self.width + x) as usize]
    }

    /// The pixels of a rectangle, right and bottom edges excluded.
    fn region(&self, (x0, y0): (u32, u32), (x1, y1): (u32, u32)) -> Vec<(u8, u8, u8)> {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .map(|(x, y)| self.at(x, y))
            .collect()
    }

    fn count(&self, colour: (u8, u8, u8)) -> usize {
        self.pixels.iter().filter(|p| **p == colour).count()
    }
}

fn lightness((r, g, b): (u8, u8, u8)) -> u32 {
    (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000
}

fn dark(pixels: &[(u8, u8, u8)]) -> usize {
    pixels.iter().filter(|p| lightness(**p) < 128).count()
}

fn mean_lightness(pixels: &[(u8, u8, u8)]) -> u32 {
    pixels.iter().map(|p| lightness(*p)).sum::<u32>() / pixels.len() as u32
}

/// Texts are drawn as their keys: the tests pick words, not messages.
fn words(text: &Text) -> String {
    text.key.to_string()
}

fn texts(words: &[&str]) -> Vec<Text> {
    words.iter().map(|w| Text::new(w.to_string())).collect()
}

fn bars(categories: &[&str], series: &[(&str, &[u32])]) -> Chart {
    Chart {
        title: Text::new("Meetings per week"),
        plot: Plot::StackedBars {
            categories: texts(categories),
            series: series
                .iter()
                .map(|(label, values)| Series {
                    label: Text::new(label.to_string()),
                    values: values.to_vec(),
                })
                .collect(),
        },
    }
}

fn heat_map(values: Vec<Vec<u32>>) -> Chart {
    let columns: Vec<String> = (0..values.first().map_or(0, Vec::len))
        .map(|c| c.to_string())
        .collect();
    let rows: Vec<String> = (0..values.len()).map(|r| format!("row {r}")).collect();
    Chart {
        title: Text::new("Meetings by weekday and hour"),
        plot: Plot::HeatMap {
            rows: rows.into_iter().map(Text::new).collect(),
            columns: columns.into_iter().map(Text::new).collect(),
            values,
        },
    }
}

fn line(values: &[Option<u32>], low: u32, high: u32) -> Chart {
    let categories: Vec<String> = (1..=values.len()).map(|w| format!("w{w}")).collect();
    Chart {
        title: Text::new("Average rating"),
        plot: Plot::Line {
            categories: categories.into_iter().map(Text::new).collect(),
            values: values.to_vec(),
            low,
            high,
        },
    }
}

fn draw(chart: &Chart) -> Picture {
    Picture::decode(&render(chart, &words).unwrap())
}

/// The picture has the chart size and plenty drawn on it.
fn assert_drawn(picture: &Picture) {
    assert_eq!((picture.width, picture.height), (WIDTH, HEIGHT));
    let colours: HashSet<_> = picture.pixels.iter().collect();
    assert!(colours.len() > 30, "only {} colours", colours.len());
    let inked = picture
        .pixels
        .iter()
        .filter(|p| **p != (255, 255, 255))
        .count();
    assert!(
        inked > picture.pixels.len() / 100,
        "only {inked} pixels are not background"
    );
}

#[test]
fn a_stacked_bar_chart_is_a_png_of_the_chart_size_with_much_drawn_on_it() {
    let chart = bars(
        &["w1", "w2", "w3", "w4"],
        &[("held", &[3, 5, 2, 4]), ("cancelled", &[1, 0, 2, 1])],
    );

    assert_drawn(&draw(&chart));
}

#[test]
fn a_heat_map_chart_is_a_png_of_the_chart_size_with_much_drawn_on_it() {
    let values = (0..7)
        .map(|d| (0..24).map(|h| (d * h) % 5).collect())
        .collect();

    assert_drawn(&draw(&heat_map(values)));
}

#[test]
fn a_line_chart_is_a_png_of_the_chart_size_with_much_drawn_on_it() {
    let values: Vec<Option<u32>> = (0..12).map(|w| Some(300 + w * 15)).collect();

    assert_drawn(&draw(&line(&values, 100, 500)));
}

#[test]
fn a_stacked_bar_chart_paints_each_series_in_proportion_to_its_values() {
    let chart = bars(
        &["w1", "w2", "w3"],
        &[("small", &[1, 1, 1]), ("big", &[9, 9, 9])],
    );

    let picture = draw(&chart);

    let small = picture.count(series_colour(0));
    let big = picture.count(series_colour(1));
    assert!(small > 0, "the small series is not drawn");
    // 9 times the value; the legend's squares, the same for both, blur it a little.
    assert!(big > 6 * small, "big {big} vs small {small} pixels");
}

#[test]
fn a_stacked_bar_chart_draws_the_bigger_category_taller() {
    let left_big = draw(&bars(&["a", "b"], &[("held", &[8, 2])]));
    let right_big = draw(&bars(&["a", "b"], &[("held", &[2, 8])]));

    let bar = series_colour(0);
    let bar_pixels = |picture: &Picture, x0, x1| {
        picture
            .region((x0, 100), (x1, HEIGHT))
            .into_iter()
            .filter(|p| *p == bar)
            .count()
    };
    let half = WIDTH / 2;
    assert!(bar_pixels(&left_big, 0, half) > 3 * bar_pixels(&left_big, half, WIDTH));
    assert!(bar_pixels(&right_big, half, WIDTH) > 3 * bar_pixels(&right_big, 0, half));
}

#[test]
fn a_heat_map_chart_shades_the_fullest_cell_darker_than_an_empty_one() {
    let right_full = draw(&heat_map(vec![vec![0, 9]]));
    let left_full = draw(&heat_map(vec![vec![9, 0]]));

    // The middle of the grid, below the labels and above the scale.
    let (top, bottom) = (200, 450);
    let left_half = |p: &Picture| mean_lightness(&p.region((150, top), (500, bottom)));
    let right_half = |p: &Picture| mean_lightness(&p.region((600, top), (950, bottom)));
    assert!(
        right_half(&right_full) + 100 < left_half(&right_full),
        "full {} vs empty {}",
        right_half(&right_full),
        left_half(&right_full)
    );
    assert!(left_half(&left_full) + 100 < right_half(&left_full));
}

/// Pixels of the line's colour in columns `x0..x1`.
fn line_pixels(picture: &Picture, x0: u32, x1: u32) -> Vec<(u32, u32)> {
    let colour = series_colour(0);
    (70..HEIGHT)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|(x, y)| picture.at(*x, *y) == colour)
        .collect()
}

#[test]
fn a_line_chart_leaves_a_gap_where_a_category_has_no_value() {
    let joined = draw(&line(&[Some(300), Some(300), Some(300)], 100, 500));
    let gapped = draw(&line(&[Some(300), None, Some(300)], 100, 500));

    // The middle category's slot, away from the points either side.
    let (x0, x1) = (WIDTH * 2 / 5, WIDTH * 3 / 5);
    assert!(line_pixels(&joined, x0, x1).len() > 100);
    assert_eq!(line_pixels(&gapped, x0, x1), []);
    assert!(
        line_pixels(&gapped, 0, x0).len() > 20,
        "the first point is missing"
    );
}

#[test]
fn a_line_chart_draws_a_higher_value_higher_on_its_axis() {
    let picture = draw(&line(&[Some(150), Some(450)], 100, 500));

    let highest = |x0, x1| {
        line_pixels(&picture, x0, x1)
            .iter()
            .map(|(_, y)| *y)
            .min()
            .unwrap()
    };
    let (left, right) = (highest(0, WIDTH / 3), highest(WIDTH * 2 / 3, WIDTH));
    // 3 of the 4 units of axis apart, on a plot some 450 pixels high.
    assert!(
        left > right + 250,
        "left point at y {left}, right at y {right}"
    );
}

fn titled(title: &str) -> Picture {
    let chart = Chart {
        title: Text::new(title.to_owned()),
        plot: Plot::StackedBars {
            categories: Vec::new(),
            series: Vec::new(),
        },
    };
    draw(&chart)
}

#[test]
fn a_chart_title_in_cyrillic_is_drawn_as_its_letters() {
    let band = |p: &Picture| p.region((0, 0), (WIDTH, 56));
    let untitled = band(&titled(""));
    let weeks = band(&titled("Встречи по неделям"));
    let months = band(&titled("Встречи по месяцам"));

    assert_eq!(dark(&untitled), 0);
    assert!(dark(&weeks) > 300, "{} dark pixels", dark(&weeks));
    // The same number of letters: a font without Cyrillic would draw the
    // same missing-glyph boxes for both.
    assert_ne!(weeks, months);
    assert!(dark(&months) > 300);
}

#[test]
fn a_chart_without_figures_is_a_picture_of_its_title_and_no_data() {
    let asked = RefCell::new(Vec::new());
    let label = |text: &Text| {
        asked.borrow_mut().push(text.key.to_string());
        text.key.to_string()
    };
    let empty = [
        bars(&[], &[]),
        bars(&["w1"], &[]),
        heat_map(Vec::new()),
        line(&[], 100, 500),
        line(&[None, None], 100, 500),
    ];

    for chart in &empty {
        let picture = Picture::decode(&render(chart, &label).unwrap());

        assert_eq!((picture.width, picture.height), (WIDTH, HEIGHT));
        assert!(dark(&picture.region((0, 0), (WIDTH, 56))) > 100);
    }
    let no_data = asked
        .borrow()
        .iter()
        .filter(|k| *k == "chart-no-data")
        .count();
    assert_eq!(no_data, empty.len());
}

#[test]
fn a_chart_whose_figures_do_not_fit_its_labels_is_an_error() {
    let short_series = bars(&["w1", "w2"], &[("held", &[1])]);
    let missing_row = Chart {
        title: Text::new("t"),
        plot: Plot::HeatMap {
            rows: texts(&["mon", "tue"]),
            columns: texts(&["9", "10"]),
            values: vec![vec![1, 2]],
        },
    };
    let short_row = heat_map(vec![vec![1, 2], vec![3]]);
    let long_line = Chart {
        title: Text::new("t"),
        plot: Plot::Line {
            categories: texts(&["w1"]),
            values: vec![Some(1), Some(2)],
            low: 0,
            high: 500,
        },
    };

    for chart in [short_series, missing_row, short_row, long_line] {
        assert!(
            matches!(render(&chart, &words), Err(ChartError::Mismatch(_))),
            "{chart:?}"
        );
    }
    assert_eq!(
        render(&line(&[Some(300)], 500, 500), &words),
        Err(ChartError::EmptyAxis {
            low: 500,
            high: 500
        })
    );
}
