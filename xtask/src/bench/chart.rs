//! `benchmarks.svg`: a horizontal bar chart of the Rust/Python speed ratios, drawn with
//! plotters' SVG backend. Per configuration, operation and size, one bar: the geometric
//! mean over the data kinds, on a log scale from 0.25× to 32×, blue right of the line
//! at 1× (Rust faster), red left of it.

use std::collections::BTreeMap;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{ratio, Row};
use crate::Result;

/// The chart's title, and what the x axis shows.
const TITLE: &str = "Rust / Python numcodecs speed";
const X_DESC: &str =
    "Rust MB/s over Python MB/s, geometric mean over data kinds (log scale; right of the line: Rust faster)";
/// The x axis: log2 of the ratio, in hundredths (plotters' mesh labels need an integer
/// or a plain coordinate: `WithKeyPoints` over `f64` has no default formatter), from
/// 0.25× to 32×, a grid line at each power of two.
const X_RANGE: (i32, i32) = (-200, 500);
const X_UNIT: f64 = 100.0;
/// Pixels per bar, gap included.
const BAR_PX: u32 = 16;
/// Width of the plotting area.
const PLOT_PX: u32 = 480;
/// Longest label drawn whole; longer configurations are cut with `…`.
const MAX_LABEL_CHARS: usize = 56;
/// plotters' SVG backend writes `font-size` as the style's size / 1.24.
const FONT_SCALE: f64 = 1.24;
const FASTER: RGBColor = RGBColor(0x3a, 0x7d, 0xc9);
const SLOWER: RGBColor = RGBColor(0xd9, 0x53, 0x4f);
const GRID: RGBColor = RGBColor(0xcc, 0xcc, 0xcc);

/// One bar: its label and the ratio (Rust MB/s over Python MB/s).
#[derive(Debug, PartialEq)]
pub(super) struct Bar {
    pub(super) name: String,
    pub(super) ratio: f64,
}

/// The bars of `rows`: for each configuration (in the order of the rows), size and
/// operation, the geometric mean over the data kinds of the ratios there are.
pub(super) fn bars(rows: &[Row]) -> Vec<Bar> {
    // (configuration's rank, label, size, op) → ratios
    let mut groups: BTreeMap<(usize, &str, &str, &str), Vec<f64>> = BTreeMap::new();
    let mut order: Vec<&str> = vec![];
    for r in rows {
        let i = order.iter().position(|l| *l == r.label).unwrap_or_else(|| {
            order.push(&r.label);
            order.len() - 1
        });
        for (op, q) in
            [("encode", ratio(r.rust_encode, r.python_encode)), ("decode", ratio(r.rust_decode, r.python_decode))]
        {
            if let Some(q) = q.filter(|q| *q > 0.0) {
                groups.entry((i, &r.label, &r.size_label, op)).or_default().push(q);
            }
        }
    }
    groups
        .into_iter()
        .map(|((_, label, size, op), qs)| {
            let g = (qs.iter().map(|q| q.ln()).sum::<f64>() / qs.len() as f64).exp();
            Bar { name: format!("{} {op} {size}", shorten(label)), ratio: g }
        })
        .collect()
}

/// `label`, cut to [`MAX_LABEL_CHARS`] characters with `…` if longer.
fn shorten(label: &str) -> String {
    match label.char_indices().nth(MAX_LABEL_CHARS) {
        Some((end, _)) => format!("{}…", &label[..end]),
        None => label.to_string(),
    }
}

/// Where the ratio `q` falls on the x axis (clamped to [`X_RANGE`]).
#[allow(clippy::cast_possible_truncation, reason = "clamped to X_RANGE, well within i32")]
fn x_of(q: f64) -> i32 {
    let (lo, hi) = (f64::from(X_RANGE.0), f64::from(X_RANGE.1));
    (q.log2() * X_UNIT).clamp(lo, hi).round() as i32
}

fn drawing<E: std::fmt::Display>(e: E) -> String {
    format!("drawing benchmarks.svg: {e}")
}

/// The chart of `bars` as an SVG document.
pub(super) fn svg(bars: &[Bar]) -> Result<String> {
    let n = bars.len();
    // plotters lays text out by estimate without fonts: about 0.56 em per character.
    let longest = bars.iter().map(|b| b.name.chars().count()).max().unwrap_or(0);
    let label_px = u32::try_from(longest * 6 + 16).unwrap_or(u32::MAX).min(400);
    let width = (label_px + PLOT_PX + 70).max(860);
    let height = BAR_PX * u32::try_from(n).unwrap_or(0).max(1) + 120;
    let text = |px: f64| ("sans-serif", (px * FONT_SCALE).ceil());
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        if bars.is_empty() {
            let style = text(14.0).into_text_style(&root);
            root.draw(&Text::new(TITLE, (10, 10), style.clone())).map_err(drawing)?;
            let note = "No ratio to show: no benchmark has both a Rust and a Python figure in this run.";
            root.draw(&Text::new(note, (10, 50), style)).map_err(drawing)?;
            root.present().map_err(drawing)?;
            drop(root);
            return Ok(out);
        }
        let (lo, hi) = X_RANGE;
        // Two units per bar: bar `i` (from the top) spans y in [2(n - 1 - i), 2(n - i)],
        // its label at the middle.
        let top = i32::try_from(2 * n).map_err(|_| format!("{n} bars: too many to draw"))?;
        let y_of = |i: usize| top - 2 - 2 * i32::try_from(i).unwrap_or(0);
        let grid: Vec<i32> = (lo..=hi).step_by(100).collect();
        let centres: Vec<i32> = (0..n).map(|i| y_of(i) + 1).collect();
        // The chart, and under it what the x axis shows (an axis description would be
        // drawn under the top axis labels too).
        let (upper, lower) = root.split_vertically(height - 24);
        let desc_style = text(11.0).into_text_style(&root).pos(Pos::new(HPos::Center, VPos::Center));
        let centre = i32::try_from(width / 2).unwrap_or(0);
        lower.draw(&Text::new(X_DESC, (centre, 8), desc_style)).map_err(drawing)?;
        let mut chart = ChartBuilder::on(&upper)
            .caption(TITLE, text(14.0))
            .margin(8)
            .margin_right(60)
            .x_label_area_size(24)
            .top_x_label_area_size(20)
            .y_label_area_size(label_px)
            .build_cartesian_2d((lo..hi).with_key_points(grid), (0..top).with_key_points(centres))
            .map_err(drawing)?;
        let name_at = |y: &i32| (0..n).find(|&i| y_of(i) + 1 == *y).map_or_else(String::new, |i| bars[i].name.clone());
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .label_style(text(11.0))
            .x_label_formatter(&|v| format!("{}×", (f64::from(*v) / X_UNIT).exp2()))
            .y_label_formatter(&name_at)
            .draw()
            .map_err(drawing)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                // At least a sliver, so that a bar at 1× still shows.
                let (x0, x1) = (x_of(1.0), x_of(b.ratio));
                let x1 = if b.ratio >= 1.0 { x1.max(x0 + 2) } else { x1.min(x0 - 2) };
                let colour = if b.ratio >= 1.0 { FASTER } else { SLOWER };
                let mut rect = Rectangle::new([(x0.min(x1), y_of(i)), (x0.max(x1), y_of(i) + 2)], colour.filled());
                rect.set_margin(1, 1, 0, 0);
                rect
            }))
            .map_err(drawing)?;
        let value_style = text(11.0).into_text_style(&root).pos(Pos::new(HPos::Left, VPos::Center));
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                EmptyElement::at((x_of(1.0).max(x_of(b.ratio)), y_of(i) + 1))
                    + Text::new(format!("{:.2}×", b.ratio), (4, 0), value_style.clone())
            }))
            .map_err(drawing)?;
        // The line at 1×: right of it, Rust is faster.
        chart.draw_series([PathElement::new(vec![(0, 0), (0, top)], BLACK)]).map_err(drawing)?;
        root.present().map_err(drawing)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::row;
    use super::*;

    /// Whether the SVG has a `<text>` element that reads `text`.
    fn has_text(svg: &str, text: &str) -> bool {
        svg.split("</text>").any(|t| t.rsplit_once('>').is_some_and(|(_, inner)| inner.trim() == text))
    }

    #[test]
    fn one_bar_per_configuration_op_and_size() {
        let rows = [
            row("zstd", 64 << 10, 200.0, 100.0),
            row("zstd", 8 << 20, 50.0, 100.0),
            row("lz4", 64 << 10, 100.0, 100.0),
        ];
        let bars = bars(&rows);
        let names: Vec<&str> = bars.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "zstd/level=1 decode 64KiB",
                "zstd/level=1 encode 64KiB",
                "zstd/level=1 decode 8MiB",
                "zstd/level=1 encode 8MiB",
                "lz4/level=1 decode 64KiB",
                "lz4/level=1 encode 64KiB",
            ]
        );
        assert!((bars[0].ratio - 2.0).abs() < 1e-9 && (bars[2].ratio - 0.5).abs() < 1e-9);

        let s = svg(&bars).unwrap();
        assert!(s.starts_with("<svg") && s.trim_end().ends_with("</svg>"), "{s}");
        // The background, then one rectangle per bar.
        assert_eq!(s.matches("<rect").count(), 1 + bars.len(), "{s}");
        assert_eq!(s.matches(r##"fill="#3A7DC9""##).count(), 4, "blue: Rust as fast or faster\n{s}");
        assert_eq!(s.matches(r##"fill="#D9534F""##).count(), 2, "red: Rust slower\n{s}");
        for label in names.iter().copied().chain(["2.00×", "0.50×", "1.00×", "0.25×", "1×", "32×"]) {
            assert!(has_text(&s, label), "{label}\n{s}");
        }
        assert!(has_text(&s, TITLE) && has_text(&s, X_DESC));
    }

    #[test]
    fn ratios_are_averaged_over_data_kinds() {
        let mut rows = [row("zstd", 64 << 10, 400.0, 100.0), row("zstd", 64 << 10, 100.0, 100.0)];
        rows[1].kind = "i4_ramp".into();
        rows[1].python_decode = None;
        let bars = bars(&rows);
        assert_eq!(bars.len(), 2);
        // decode: only the first kind has both figures; encode: sqrt(4 × 1).
        assert!((bars[0].ratio - 4.0).abs() < 1e-9 && (bars[1].ratio - 2.0).abs() < 1e-9, "{bars:?}");
    }

    #[test]
    fn long_labels_are_cut_and_escaped() {
        let bars =
            [Bar { name: format!("{} decode 64KiB", shorten(&format!("cat/\"<{}", "x".repeat(80)))), ratio: 40.0 }];
        assert!(bars[0].name.contains("…"));
        let s = svg(&bars).unwrap();
        assert!(s.contains("&lt;") && !s.contains("\"<x"), "{s}");
        assert!(has_text(&s, "40.00×"));
    }

    #[test]
    fn no_bars_is_still_a_chart() {
        let s = svg(&[]).unwrap();
        assert_eq!(s.matches("<rect").count(), 1);
        assert!(s.contains("No ratio to show"));
    }
}
