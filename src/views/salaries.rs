//! The salary pages (`/salaries`, `/salaries/{technology}`, `/salaries/{technology}/{city}`)
//! and their charts: page structs, table rows and the geometry of the inline SVG charts,
//! every number already formatted for printing.

use crate::domain::salary::group_thousands;
use crate::domain::salary_stats::SalaryFigure;
use crate::views::Layout;
use askama::Template;

/// One line of a salary table: a group and its figure, formatted.
#[derive(Debug, Clone)]
pub struct FigureRow {
    pub label: String,
    /// The group's own salary page, when it has one.
    pub url: Option<String>,
    pub count: String,
    pub lower: String,
    pub median: String,
    pub upper: String,
}

impl FigureRow {
    pub fn new(label: impl Into<String>, url: Option<String>, figure: &SalaryFigure) -> Self {
        Self {
            label: label.into(),
            url,
            count: group_thousands(figure.count()),
            lower: euros(figure.lower_quartile()),
            median: euros(figure.median()),
            upper: euros(figure.upper_quartile()),
        }
    }
}

/// 72500 → "€72,500".
pub fn euros(amount: u32) -> String {
    format!("€{}", group_thousands(amount))
}

/// 72500 → "€72.5k"; 70000 → "€70k".
fn thousands(amount: u32) -> String {
    let tenths = (amount + 50) / 100;
    if tenths.is_multiple_of(10) {
        format!("€{}k", tenths / 10)
    } else {
        format!("€{}.{}k", tenths / 10, tenths % 10)
    }
}

/// Chart geometry, in SVG user units (the SVG scales to its box).
const WIDTH: u32 = 640;
const LEFT: u32 = 32;
const RIGHT: u32 = 40;
const TOP: u32 = 16;
const ROW: u32 = 60;
const AXIS: u32 = 40;
/// Axis ticks every this many euros.
const TICK: u32 = 10_000;

/// A horizontal chart of quartile ranges, one row a group: a box plot (box from the
/// 25th to the 75th percentile, a line at the median) or a dot plot (a line across
/// the quartiles, a dot at the median). Each row carries its label and median as text,
/// so nothing depends on colour.
#[derive(Debug, Clone)]
pub struct RangeChart {
    /// The `id` of the SVG's `<title>`, for `aria-labelledby`.
    pub id: String,
    pub title: String,
    pub dots: bool,
    pub width: u32,
    pub height: u32,
    pub plot_left: u32,
    pub plot_right: u32,
    pub axis_y: u32,
    pub tick_label_y: u32,
    pub axis_label_x: u32,
    pub axis_label_y: u32,
    pub ticks: Vec<Tick>,
    pub rows: Vec<RangeRow>,
}

#[derive(Debug, Clone)]
pub struct Tick {
    pub x: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct RangeRow {
    pub label: String,
    /// The baselines of the label (above the mark) and of the median's figure, the
    /// mark's centre line, top and bottom.
    pub label_y: String,
    pub value_y: String,
    pub mid_y: String,
    pub box_y: String,
    pub box_bottom: String,
    pub box_height: String,
    pub lower_x: String,
    pub upper_x: String,
    pub box_width: String,
    pub median_x: String,
    /// The median as printed beside the mark.
    pub median: String,
    pub median_label_x: String,
    /// `end` when the median label sits left of the mark (near the right edge).
    pub median_anchor: &'static str,
    /// What a screen reader or tooltip says of the row.
    pub summary: String,
}

impl RangeChart {
    /// A chart of `groups` (label, figure); `id` must be unique on the page.
    pub fn new(id: &str, title: String, dots: bool, groups: &[(String, SalaryFigure)]) -> Self {
        let low = groups
            .iter()
            .map(|(_, f)| f.lower_quartile())
            .min()
            .unwrap_or(0);
        let high = groups
            .iter()
            .map(|(_, f)| f.upper_quartile())
            .max()
            .unwrap_or(TICK);
        let from = low / TICK * TICK;
        let to = (high.div_ceil(TICK) * TICK).max(from + TICK);
        let plot_left = LEFT;
        let plot_right = WIDTH - RIGHT;
        let span = f64::from(plot_right - plot_left);
        let x = |amount: u32| {
            f64::from(plot_left)
                + f64::from(amount.saturating_sub(from)) / f64::from(to - from) * span
        };
        let fmt = |v: f64| format!("{v:.1}");
        let rows_height = ROW * u32::try_from(groups.len()).unwrap_or(0);
        let axis_y = TOP + rows_height;
        // At most six labelled ticks, whatever the range, so that their labels stay
        // apart on a phone.
        let step = TICK * ((to - from) / TICK).div_ceil(6).max(1);
        let ticks = (0..)
            .map(|i| from + i * step)
            .take_while(|v| *v <= to)
            .map(|v| Tick {
                x: fmt(x(v)),
                label: thousands(v),
            })
            .collect();
        let rows = groups
            .iter()
            .zip(0u32..)
            .map(|((label, f), i)| {
                let top = TOP + i * ROW;
                let (lower, upper, median) =
                    (x(f.lower_quartile()), x(f.upper_quartile()), x(f.median()));
                // The median is written beside the mark, after its right end, or
                // before its left end when there is no room.
                let near_end = upper > f64::from(plot_right) - 64.0;
                RangeRow {
                    label: label.clone(),
                    label_y: (top + 18).to_string(),
                    value_y: (top + 45).to_string(),
                    mid_y: (top + 40).to_string(),
                    box_y: (top + 26).to_string(),
                    box_bottom: (top + 54).to_string(),
                    box_height: "28".to_owned(),
                    lower_x: fmt(lower),
                    upper_x: fmt(upper),
                    box_width: fmt((upper - lower).max(1.0)),
                    median_x: fmt(median),
                    median: thousands(f.median()),
                    median_label_x: fmt(if near_end { lower - 10.0 } else { upper + 10.0 }),
                    median_anchor: if near_end { "end" } else { "start" },
                    summary: format!(
                        "{label}: median {}, middle half {} to {}, {} jobs",
                        euros(f.median()),
                        euros(f.lower_quartile()),
                        euros(f.upper_quartile()),
                        group_thousands(f.count())
                    ),
                }
            })
            .collect();
        Self {
            id: id.to_owned(),
            title,
            dots,
            width: WIDTH,
            height: axis_y + AXIS,
            plot_left,
            plot_right,
            axis_y,
            tick_label_y: axis_y + 18,
            axis_label_x: (plot_left + plot_right) / 2,
            axis_label_y: axis_y + 36,
            ticks,
            rows,
        }
    }
}

/// `/salaries`: figures per technology and city, and per seniority as a chart.
#[derive(Template)]
#[template(path = "salaries/index.html")]
pub struct SalaryIndexPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub seniority_chart: Option<RangeChart>,
    pub seniority_rows: Vec<FigureRow>,
    pub technology_rows: Vec<FigureRow>,
    pub city_rows: Vec<FigureRow>,
}

/// `/salaries/{technology}`: per seniority and across cities.
#[derive(Template)]
#[template(path = "salaries/technology.html")]
pub struct SalaryTechnologyPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub seniority_chart: Option<RangeChart>,
    pub seniority_rows: Vec<FigureRow>,
    pub city_chart: Option<RangeChart>,
    pub city_rows: Vec<FigureRow>,
    pub jobs_url: String,
    pub jobs_label: String,
}

/// `/salaries/{technology}/{city}`: the pair's figure and per seniority.
#[derive(Template)]
#[template(path = "salaries/city.html")]
pub struct SalaryCityPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub overall: FigureRow,
    pub seniority_chart: Option<RangeChart>,
    pub seniority_rows: Vec<FigureRow>,
    pub technology_url: String,
    pub technology_label: String,
    pub jobs_url: String,
    pub jobs_label: String,
}

/// The line on a job page that places its salary in the market.
#[derive(Debug, Clone)]
pub struct MarketLine {
    /// "in the upper quarter of"
    pub position: String,
    /// "143 senior Rust jobs in Berlin"
    pub group: String,
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_print_in_thousands_with_one_decimal() {
        assert_eq!(thousands(70_000), "€70k");
        assert_eq!(thousands(72_500), "€72.5k");
        assert_eq!(thousands(61_249), "€61.2k");
        assert_eq!(euros(61_250), "€61,250");
    }

    #[test]
    fn a_chart_scales_its_rows_to_round_ticks() {
        let figure = SalaryFigure::from_sorted(&[
            50_000, 55_000, 60_000, 65_000, 70_000, 75_000, 80_000, 85_000, 90_000, 95_000,
        ])
        .unwrap();
        let chart = RangeChart::new("c", "Chart".into(), false, &[("Senior".into(), figure)]);
        let labels: Vec<&str> = chart.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["€60k", "€70k", "€80k", "€90k"]);
        assert_eq!(chart.ticks[0].x, "32.0");
        assert_eq!(chart.ticks[3].x, "600.0");
        assert_eq!(chart.rows[0].median, "€72.5k");
    }
}
