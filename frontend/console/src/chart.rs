//! Line charts of the stats series, drawn as SVG by plotters, each with a table alternative for screen
//! readers (the drawing itself is hidden from them).
//!
//! Only the left and bottom axes carry labels and the legend is HTML: plotters measures text in the browser
//! with an inline `style` attribute, which the Content-Security-Policy (`style-src 'self'`) refuses, and
//! those two axes are drawn without measuring.

use leptos::prelude::*;
use plotters::prelude::*;

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

const WIDTH: u32 = 640;
const HEIGHT: u32 = 260;
/// The lines' colours, in order (`.swatch.c0` … in console.css match them for the HTML legend).
const COLOURS: [RGBColor; 6] = [
    RGBColor(0x1d, 0x4e, 0xd8),
    RGBColor(0xc2, 0x41, 0x0c),
    RGBColor(0x04, 0x78, 0x57),
    RGBColor(0x7e, 0x22, 0xce),
    RGBColor(0xb9, 0x1c, 0x1c),
    RGBColor(0x4b, 0x55, 0x63),
];

/// A value as the axis and the table show it: whole numbers without decimals, others with two.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// The SVG document of `series` over `buckets` (the x axis), or `None` when plotters fails.
pub fn svg(buckets: &[String], series: &[Series]) -> Option<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let top = series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0_f64, f64::max);
        // Some headroom; counts get at least 0..4, so that the ticks are whole numbers.
        let whole = series.iter().all(|s| s.values.iter().all(|v| v.fract() == 0.0));
        let top = match (top * 1.1, whole) {
            (top, true) => top.max(4.0),
            (top, false) if top > 0.0 => top,
            _ => 1.0,
        };
        let last = buckets.len().saturating_sub(1).max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(64)
            .build_cartesian_2d(0..last, 0.0..top)
            .ok()?;
        let label = |index: &usize| {
            buckets
                .get(*index)
                .map(|b| b.get(5..).unwrap_or(b).to_owned())
                .unwrap_or_default()
        };
        let value = |v: &f64| number(*v);
        chart
            .configure_mesh()
            .x_labels(buckets.len().clamp(2, 8))
            .y_labels(5)
            .label_style(("sans-serif", 15))
            .x_label_formatter(&label)
            .y_label_formatter(&value)
            .light_line_style(WHITE)
            .draw()
            .ok()?;
        for (index, line) in series.iter().enumerate() {
            let colour = COLOURS[index % COLOURS.len()];
            chart
                .draw_series(LineSeries::new(
                    line.values.iter().enumerate().map(|(x, y)| (x, *y)),
                    colour.stroke_width(2),
                ))
                .ok()?;
        }
        root.present().ok()?;
    }
    Some(out)
}

/// A chart: its title, the drawing, an HTML legend, and the same figures as a table.
#[component]
pub fn Chart(
    /// The chart's id (also its test id).
    id: &'static str,
    #[prop(into)] title: Signal<&'static str>,
    /// The table's label for the bucket column ("Jour" / "Day").
    #[prop(into)]
    bucket_label: Signal<&'static str>,
    /// The summary of the table alternative.
    #[prop(into)]
    table_label: Signal<&'static str>,
    buckets: Vec<String>,
    series: Vec<Series>,
) -> impl IntoView {
    let drawing = svg(&buckets, &series).unwrap_or_default();
    let heading = format!("{id}-title");
    let labelled_by = heading.clone();
    let legend = series
        .iter()
        .enumerate()
        .map(|(index, s)| {
            view! {
                <li><span class=format!("swatch c{}", index % COLOURS.len()) aria-hidden="true"></span>{s.name.clone()}</li>
            }
        })
        .collect_view();
    let head = series
        .iter()
        .map(|s| view! { <th scope="col">{s.name.clone()}</th> })
        .collect_view();
    let rows = buckets
        .iter()
        .enumerate()
        .map(|(row, bucket)| {
            let cells = series
                .iter()
                .map(|s| view! { <td>{number(s.values.get(row).copied().unwrap_or_default())}</td> })
                .collect_view();
            view! { <tr><th scope="row">{bucket.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <figure class="chart card" data-testid=id aria-labelledby=labelled_by>
            <h2 id=heading>{move || title.get()}</h2>
            <div class="chart-drawing" aria-hidden="true" data-testid=format!("{id}-svg") inner_html=drawing></div>
            <ul class="legend">{legend}</ul>
            <details>
                <summary>{move || table_label.get()}</summary>
                <div class="table-scroll">
                    <table data-testid=format!("{id}-table")>
                        <caption>{move || title.get()}</caption>
                        <thead><tr><th scope="col">{move || bucket_label.get()}</th>{head}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}
