//! Salary figures of the market the board sees: median and quartiles of open jobs'
//! salaries (EUR a year), per technology, city, seniority and their combinations.
//!
//! A [`SalaryFigure`] exists only when at least [`MIN_JOBS`] salaries back it, so a page
//! can never show a figure drawn from a handful of jobs.
//!
//! Percentiles use linear interpolation between closest ranks (the "R-7" / spreadsheet
//! `PERCENTILE.INC` method): for `n` sorted salaries and fraction `p`, the position is
//! `h = (n - 1) · p` and the value `x[⌊h⌋] + (h − ⌊h⌋) · (x[⌊h⌋ + 1] − x[⌊h⌋])`,
//! rounded to whole euros.

use super::job::Seniority;
use std::collections::BTreeMap;

/// The fewest salaries a figure may be drawn from.
pub const MIN_JOBS: usize = 10;

/// Median and quartiles of at least [`MIN_JOBS`] salaries, in EUR a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SalaryFigure {
    count: u32,
    lower_quartile: u32,
    median: u32,
    upper_quartile: u32,
}

/// Where one salary sits against a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quartile {
    /// Below the 25th percentile.
    Lower,
    /// From the 25th to the 75th percentile.
    Middle,
    /// Above the 75th percentile.
    Upper,
}

impl Quartile {
    /// "lower quarter", "middle half", "upper quarter".
    pub fn label(self) -> &'static str {
        match self {
            Self::Lower => "lower quarter",
            Self::Middle => "middle half",
            Self::Upper => "upper quarter",
        }
    }
}

impl SalaryFigure {
    /// The figure of `sorted` (ascending) salaries; `None` below [`MIN_JOBS`].
    pub fn from_sorted(sorted: &[i32]) -> Option<Self> {
        if sorted.len() < MIN_JOBS {
            return None;
        }
        debug_assert!(sorted.is_sorted());
        Some(Self {
            count: u32::try_from(sorted.len()).unwrap_or(u32::MAX),
            lower_quartile: percentile(sorted, 0.25),
            median: percentile(sorted, 0.5),
            upper_quartile: percentile(sorted, 0.75),
        })
    }

    /// The figure of `salaries` in any order.
    pub fn from_unsorted(mut salaries: Vec<i32>) -> Option<Self> {
        salaries.sort_unstable();
        Self::from_sorted(&salaries)
    }

    pub fn count(&self) -> u32 {
        self.count
    }

    /// The 25th percentile.
    pub fn lower_quartile(&self) -> u32 {
        self.lower_quartile
    }

    pub fn median(&self) -> u32 {
        self.median
    }

    /// The 75th percentile.
    pub fn upper_quartile(&self) -> u32 {
        self.upper_quartile
    }

    /// Where `salary` sits: below the lower quartile, above the upper one, or between.
    pub fn place(&self, salary: u32) -> Quartile {
        if salary < self.lower_quartile {
            Quartile::Lower
        } else if salary > self.upper_quartile {
            Quartile::Upper
        } else {
            Quartile::Middle
        }
    }
}

/// The `p` percentile (0 to 1) of non-empty ascending `sorted`, by linear interpolation.
fn percentile(sorted: &[i32], p: f64) -> u32 {
    let h = (sorted.len() - 1) as f64 * p;
    let below = h.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let low = f64::from(sorted[below]);
    let value = low + (h - below as f64) * (f64::from(sorted[above]) - low);
    value.round().max(0.0) as u32
}

/// Every figure the board has, keyed by technology slug, city name and seniority. Groups
/// with fewer than [`MIN_JOBS`] salaries are absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SalaryStats {
    pub technologies: BTreeMap<String, SalaryFigure>,
    pub cities: BTreeMap<String, SalaryFigure>,
    pub seniorities: BTreeMap<Seniority, SalaryFigure>,
    pub technology_seniorities: BTreeMap<(String, Seniority), SalaryFigure>,
    pub technology_cities: BTreeMap<(String, String), SalaryFigure>,
    pub technology_city_seniorities: BTreeMap<(String, String, Seniority), SalaryFigure>,
}

impl SalaryStats {
    /// The figures of `technology` per seniority, most junior first.
    pub fn by_seniority_for(&self, technology: &str) -> Vec<(Seniority, SalaryFigure)> {
        Seniority::ALL
            .iter()
            .filter_map(|s| {
                self.technology_seniorities
                    .get(&(technology.to_owned(), *s))
                    .map(|f| (*s, *f))
            })
            .collect()
    }

    /// The figures of `technology` per city, by city name.
    pub fn by_city_for(&self, technology: &str) -> Vec<(&str, SalaryFigure)> {
        self.technology_cities
            .iter()
            .filter(|((t, _), _)| t == technology)
            .map(|((_, c), f)| (c.as_str(), *f))
            .collect()
    }

    /// The figures of `technology` in `city` per seniority, most junior first.
    pub fn by_seniority_in(&self, technology: &str, city: &str) -> Vec<(Seniority, SalaryFigure)> {
        Seniority::ALL
            .iter()
            .filter_map(|s| {
                self.technology_city_seniorities
                    .get(&(technology.to_owned(), city.to_owned(), *s))
                    .map(|f| (*s, *f))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_interpolate_between_ranks() {
        // 10 salaries 50k..95k in steps of 5k: h = 9p.
        let salaries: Vec<i32> = (0..10).map(|i| 50_000 + i * 5_000).collect();
        let figure = SalaryFigure::from_sorted(&salaries).unwrap();
        assert_eq!(figure.count(), 10);
        // h = 2.25 → 60,000 + 0.25 · 5,000
        assert_eq!(figure.lower_quartile(), 61_250);
        // h = 4.5 → between 70,000 and 75,000
        assert_eq!(figure.median(), 72_500);
        // h = 6.75 → 80,000 + 0.75 · 5,000
        assert_eq!(figure.upper_quartile(), 83_750);
    }

    #[test]
    fn an_odd_count_has_its_middle_value_as_median() {
        let salaries = vec![
            40_000, 41_000, 45_000, 50_000, 52_000, 60_000, 61_000, 70_000, 80_000, 90_000, 120_000,
        ];
        let figure = SalaryFigure::from_unsorted(salaries).unwrap();
        assert_eq!(figure.count(), 11);
        assert_eq!(figure.median(), 60_000);
        // h = 2.5 → (45,000 + 50,000) / 2; h = 7.5 → (70,000 + 80,000) / 2
        assert_eq!(figure.lower_quartile(), 47_500);
        assert_eq!(figure.upper_quartile(), 75_000);
    }

    #[test]
    fn fewer_than_ten_salaries_give_no_figure() {
        assert_eq!(SalaryFigure::from_sorted(&[60_000; 9]), None);
        assert_eq!(SalaryFigure::from_sorted(&[]), None);
        assert!(SalaryFigure::from_sorted(&[60_000; 10]).is_some());
    }

    #[test]
    fn a_salary_is_placed_in_its_quarter() {
        let salaries: Vec<i32> = (0..10).map(|i| 50_000 + i * 5_000).collect();
        let figure = SalaryFigure::from_sorted(&salaries).unwrap();
        assert_eq!(figure.place(61_249), Quartile::Lower);
        assert_eq!(figure.place(61_250), Quartile::Middle);
        assert_eq!(figure.place(83_750), Quartile::Middle);
        assert_eq!(figure.place(83_751), Quartile::Upper);
        assert_eq!(Quartile::Upper.label(), "upper quarter");
    }
}
