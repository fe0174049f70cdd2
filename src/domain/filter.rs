//! What a job seeker asked for on `/jobs`: validated filters and the page number.

use super::InvalidInput;
use super::job::{EmploymentType, RemotePolicy, Seniority};
use super::slug::Slug;

/// Jobs shown on one listing page.
pub const PAGE_SIZE: u32 = 20;
/// The deepest page anyone may ask for; deeper requests are malformed, not slow.
pub const MAX_PAGE: u32 = 10_000;
/// Longest accepted value of any one parameter; longer input is someone probing.
pub const MAX_PARAM_LEN: usize = 200;

/// Values one multi-valued parameter may carry; more is someone probing.
pub const MAX_VALUES: usize = 10;
/// The "posted within" choices, in days.
pub const POSTED_WITHIN_DAYS: [u32; 3] = [1, 7, 30];
/// Minimum salaries the form offers, in EUR a year.
pub const SALARY_STEPS: [u32; 7] = [40_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000];
/// Highest minimum salary one can ask for, in EUR a year.
pub const MAX_SALARY: u32 = 1_000_000;

/// The validated filters of a job search. Empty means "all open jobs". Values within
/// one filter are alternatives (Rust or Go); different filters all apply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct JobFilter {
    pub query: Option<String>,
    /// Sorted and without duplicates, like the other lists, so that equal searches are
    /// equal values with one URL.
    pub technologies: Vec<Slug>,
    pub cities: Vec<String>,
    pub remote: Option<RemotePolicy>,
    pub seniorities: Vec<Seniority>,
    pub employment: Option<EmploymentType>,
    /// Jobs paying at least this much, in EUR a year (judged by the top of the range).
    pub min_salary: Option<u32>,
    /// Jobs posted within this many days (one of [`POSTED_WITHIN_DAYS`]).
    pub posted_within: Option<u32>,
    pub company: Option<Slug>,
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Best match for the search words first; only meaningful with a query.
    Relevance,
    Newest,
    /// Highest salary first (by the top of the range, in EUR a year).
    Salary,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::Newest => "newest",
            Self::Salary => "salary",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Relevance => "Best match",
            Self::Newest => "Newest",
            Self::Salary => "Highest salary",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        match raw {
            "relevance" => Ok(Self::Relevance),
            "newest" => Ok(Self::Newest),
            "salary" => Ok(Self::Salary),
            _ => Err(InvalidInput::new(
                "sort",
                "must be one of: relevance, newest, salary",
            )),
        }
    }

    /// Relevance when there are search words, newest otherwise.
    pub fn default_for(filter: &JobFilter) -> Self {
        if filter.query.is_some() {
            Self::Relevance
        } else {
            Self::Newest
        }
    }
}

/// A filter plus the order and page of results wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSearch {
    pub filter: JobFilter,
    pub sort: Sort,
    pub page: u32,
}

fn push_unique<T: Ord>(
    list: &mut Vec<T>,
    value: T,
    field: &'static str,
) -> Result<(), InvalidInput> {
    if let Err(at) = list.binary_search(&value) {
        if list.len() >= MAX_VALUES {
            return Err(InvalidInput::new(
                field,
                format!("can be chosen at most {MAX_VALUES} times"),
            ));
        }
        list.insert(at, value);
    }
    Ok(())
}

impl JobSearch {
    /// The first page of `filter` in its default order.
    pub fn new(filter: JobFilter) -> Self {
        Self {
            sort: Sort::default_for(&filter),
            filter,
            page: 1,
        }
    }

    /// Reads decoded query-string pairs. Empty values count as absent (a GET form sends
    /// every field); unknown parameters such as tracking tags are ignored.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, InvalidInput> {
        let mut filter = JobFilter::default();
        let mut page = 1;
        let mut sort = None;
        for (key, value) in pairs {
            let value = value.trim();
            if value.len() > MAX_PARAM_LEN {
                return Err(InvalidInput::new(
                    field_name(key),
                    format!("is too long (at most {MAX_PARAM_LEN} characters)"),
                ));
            }
            if value.is_empty() {
                continue;
            }
            match key.as_str() {
                "q" => filter.query = Some(value.split_whitespace().collect::<Vec<_>>().join(" ")),
                "technology" => {
                    let slug = Slug::parse(value).map_err(|_| {
                        InvalidInput::new("technology", "is not a known technology")
                    })?;
                    push_unique(&mut filter.technologies, slug, "technology")?;
                }
                "city" => push_unique(&mut filter.cities, value.to_owned(), "city")?,
                "remote" => filter.remote = Some(RemotePolicy::parse(value)?),
                "seniority" => push_unique(
                    &mut filter.seniorities,
                    Seniority::parse(value)?,
                    "seniority",
                )?,
                "type" => filter.employment = Some(EmploymentType::parse(value)?),
                "salary" => filter.min_salary = Some(parse_salary(value)?),
                "posted" => filter.posted_within = Some(parse_posted_within(value)?),
                "company" => {
                    filter.company = Some(
                        Slug::parse(value)
                            .map_err(|_| InvalidInput::new("company", "is not a known company"))?,
                    )
                }
                "sort" => sort = Some(Sort::parse(value)?),
                "page" => page = parse_page(value)?,
                _ => {}
            }
        }
        let sort = match sort {
            // Relevance needs words to rank by; without them it means the default.
            Some(Sort::Relevance) if filter.query.is_none() => Sort::Newest,
            Some(sort) => sort,
            None => Sort::default_for(&filter),
        };
        Ok(Self { filter, sort, page })
    }

    /// Zero-based row offset of the first job on this page.
    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(PAGE_SIZE)
    }

    /// The query string for this search on another page, parameters in a fixed order and
    /// defaults left out, so every result set has exactly one URL.
    pub fn query_string_for_page(&self, page: u32) -> String {
        let f = &self.filter;
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(q) = &f.query {
            pairs.push(("q", q.clone()));
        }
        pairs.extend(f.technologies.iter().map(|t| ("technology", t.to_string())));
        pairs.extend(f.cities.iter().map(|c| ("city", c.clone())));
        if let Some(r) = f.remote {
            pairs.push(("remote", r.as_str().to_owned()));
        }
        pairs.extend(
            f.seniorities
                .iter()
                .map(|s| ("seniority", s.as_str().to_owned())),
        );
        if let Some(e) = f.employment {
            pairs.push(("type", e.as_str().to_owned()));
        }
        if let Some(salary) = f.min_salary {
            pairs.push(("salary", salary.to_string()));
        }
        if let Some(days) = f.posted_within {
            pairs.push(("posted", days.to_string()));
        }
        if let Some(company) = &f.company {
            pairs.push(("company", company.to_string()));
        }
        if self.sort != Sort::default_for(f) {
            pairs.push(("sort", self.sort.as_str().to_owned()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

impl JobFilter {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The same filter with each city in the one spelling `known` gives it ("berlin" →
    /// "Berlin"); cities `known` does not recognise stay as they were.
    pub fn with_city_names(mut self, known: impl Fn(&str) -> Option<String>) -> Self {
        for city in &mut self.cities {
            if let Some(name) = known(city) {
                *city = name;
            }
        }
        self.cities.sort();
        self.cities.dedup();
        self
    }
}

/// A 1-based page number within [`MAX_PAGE`].
pub fn parse_page(raw: &str) -> Result<u32, InvalidInput> {
    match raw.parse::<u32>() {
        Ok(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        _ => Err(InvalidInput::new(
            "page",
            format!("must be a whole number from 1 to {MAX_PAGE}"),
        )),
    }
}

fn parse_salary(raw: &str) -> Result<u32, InvalidInput> {
    match raw.parse::<u32>() {
        Ok(n) if (1..=MAX_SALARY).contains(&n) => Ok(n),
        _ => Err(InvalidInput::new(
            "minimum salary",
            format!("must be a whole number of euros a year, at most {MAX_SALARY}"),
        )),
    }
}

fn parse_posted_within(raw: &str) -> Result<u32, InvalidInput> {
    match raw.parse::<u32>() {
        Ok(n) if POSTED_WITHIN_DAYS.contains(&n) => Ok(n),
        _ => Err(InvalidInput::new(
            "posted within",
            "must be 1, 7 or 30 days",
        )),
    }
}

fn field_name(key: &str) -> &'static str {
    match key {
        "q" => "search",
        "technology" => "technology",
        "city" => "city",
        "remote" => "remote",
        "seniority" => "seniority",
        "type" => "employment type",
        "salary" => "minimum salary",
        "posted" => "posted within",
        "company" => "company",
        "sort" => "sort",
        "page" => "page",
        _ => "parameter",
    }
}

/// Where a result list stands: the page shown and how many pages exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    pub page: u32,
    /// Matching jobs, exactly.
    pub total: i64,
}

impl Pagination {
    pub fn last_page(&self) -> u32 {
        let pages = (self.total + i64::from(PAGE_SIZE) - 1) / i64::from(PAGE_SIZE);
        u32::try_from(pages.clamp(1, i64::from(MAX_PAGE))).unwrap_or(MAX_PAGE)
    }

    pub fn is_past_end(&self) -> bool {
        self.page > self.last_page()
    }

    /// Page numbers to link, with `None` for a gap: 1 … 4 5 [6] 7 8 … 20.
    pub fn window(&self) -> Vec<Option<u32>> {
        let last = self.last_page();
        let current = self.page.min(last);
        let mut pages = Vec::new();
        let mut previous = 0;
        for n in 1..=last {
            let near = n.abs_diff(current) <= 2;
            if n == 1 || n == last || near {
                if previous != 0 && n > previous + 1 {
                    pages.push(None);
                }
                pages.push(Some(n));
                previous = n;
            }
        }
        pages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn empty_query_means_all_jobs_on_page_one() {
        let search = JobSearch::from_pairs(&[]).unwrap();
        assert!(search.filter.is_empty());
        assert_eq!(search.page, 1);
        assert_eq!(search.offset(), 0);
    }

    #[test]
    fn reads_every_filter() {
        let search = JobSearch::from_pairs(&pairs(&[
            ("technology", "rust"),
            ("city", "Berlin"),
            ("remote", "hybrid"),
            ("seniority", "senior"),
            ("page", "3"),
            ("utm_source", "newsletter"),
        ]))
        .unwrap();
        assert_eq!(
            search.filter.technologies,
            vec![Slug::parse("rust").unwrap()]
        );
        assert_eq!(search.filter.cities, vec!["Berlin".to_owned()]);
        assert_eq!(search.filter.remote, Some(RemotePolicy::Hybrid));
        assert_eq!(search.filter.seniorities, vec![Seniority::Senior]);
        assert_eq!(search.page, 3);
    }

    #[test]
    fn reads_the_newer_filters_and_the_sort() {
        let search = JobSearch::from_pairs(&pairs(&[
            ("type", "contract"),
            ("salary", "70000"),
            ("posted", "7"),
            ("company", "acme"),
            ("sort", "salary"),
        ]))
        .unwrap();
        assert_eq!(search.filter.employment, Some(EmploymentType::Contract));
        assert_eq!(search.filter.min_salary, Some(70_000));
        assert_eq!(search.filter.posted_within, Some(7));
        assert_eq!(search.filter.company.unwrap().as_str(), "acme");
        assert_eq!(search.sort, Sort::Salary);
    }

    #[test]
    fn cities_take_their_known_spelling_and_stay_sorted_and_unique() {
        let filter = JobSearch::from_pairs(&pairs(&[
            ("city", "munchen"),
            ("city", "Berlin"),
            ("city", "berlin"),
            ("city", "Atlantis"),
        ]))
        .unwrap()
        .filter
        .with_city_names(|city| match city.to_lowercase().as_str() {
            "berlin" => Some("Berlin".to_owned()),
            "munchen" => Some("München".to_owned()),
            _ => None,
        });
        assert_eq!(filter.cities, vec!["Atlantis", "Berlin", "München"]);
    }

    #[test]
    fn several_values_of_one_filter_are_kept_sorted_and_unique() {
        let search = JobSearch::from_pairs(&pairs(&[
            ("technology", "rust"),
            ("technology", "go"),
            ("technology", "rust"),
            ("seniority", "senior"),
            ("seniority", "junior"),
        ]))
        .unwrap();
        let technologies: Vec<&str> = search
            .filter
            .technologies
            .iter()
            .map(Slug::as_str)
            .collect();
        assert_eq!(technologies, vec!["go", "rust"]);
        assert_eq!(
            search.filter.seniorities,
            vec![Seniority::Junior, Seniority::Senior]
        );
        assert_eq!(
            search.query_string_for_page(1),
            "technology=go&technology=rust&seniority=junior&seniority=senior"
        );
    }

    #[test]
    fn too_many_values_and_bad_new_filters_are_rejected() {
        let many: Vec<(String, String)> = (0..11)
            .map(|i| ("city".to_owned(), format!("City {i}")))
            .collect();
        assert_eq!(JobSearch::from_pairs(&many).unwrap_err().field, "city");
        for (key, value, field) in [
            ("salary", "lots", "minimum salary"),
            ("salary", "0", "minimum salary"),
            ("posted", "3", "posted within"),
            ("type", "gig", "employment type"),
            ("sort", "random", "sort"),
            ("company", "Not A Slug", "company"),
        ] {
            assert_eq!(
                JobSearch::from_pairs(&pairs(&[(key, value)]))
                    .unwrap_err()
                    .field,
                field,
                "{key}={value}"
            );
        }
    }

    #[test]
    fn the_default_sort_is_relevance_with_words_and_newest_without() {
        assert_eq!(
            JobSearch::from_pairs(&pairs(&[("q", "rust")]))
                .unwrap()
                .sort,
            Sort::Relevance
        );
        assert_eq!(JobSearch::from_pairs(&[]).unwrap().sort, Sort::Newest);
        // Relevance without words falls back to the default, so it has no URL of its own.
        let search = JobSearch::from_pairs(&pairs(&[("sort", "relevance")])).unwrap();
        assert_eq!(search.sort, Sort::Newest);
        assert_eq!(search.query_string_for_page(1), "");
        let by_date = JobSearch::from_pairs(&pairs(&[("q", "rust"), ("sort", "newest")])).unwrap();
        assert_eq!(by_date.query_string_for_page(1), "q=rust&sort=newest");
    }

    #[test]
    fn empty_fields_from_a_get_form_are_ignored() {
        let search = JobSearch::from_pairs(&pairs(&[("city", ""), ("remote", "  ")])).unwrap();
        assert!(search.filter.is_empty());
    }

    #[test]
    fn malformed_pages_are_rejected() {
        for bad in ["abc", "-1", "0", "1.5", "99999999", "10001"] {
            let err = JobSearch::from_pairs(&pairs(&[("page", bad)])).unwrap_err();
            assert_eq!(err.field, "page", "{bad}");
        }
    }

    #[test]
    fn unknown_enum_values_are_rejected() {
        assert_eq!(
            JobSearch::from_pairs(&pairs(&[("seniority", "guru")]))
                .unwrap_err()
                .field,
            "seniority"
        );
        assert_eq!(
            JobSearch::from_pairs(&pairs(&[("remote", "moon")]))
                .unwrap_err()
                .field,
            "remote"
        );
        assert_eq!(
            JobSearch::from_pairs(&pairs(&[("technology", "C++")]))
                .unwrap_err()
                .field,
            "technology"
        );
    }

    #[test]
    fn overlong_values_are_rejected() {
        let long = "x".repeat(10_000);
        assert!(JobSearch::from_pairs(&pairs(&[("city", &long)])).is_err());
        assert!(JobSearch::from_pairs(&pairs(&[("utm", &long)])).is_err());
    }

    #[test]
    fn query_string_has_one_normal_form() {
        let a = JobSearch::from_pairs(&pairs(&[("city", "Köln"), ("technology", "go")])).unwrap();
        let b = JobSearch::from_pairs(&pairs(&[
            ("technology", "go"),
            ("city", "Köln"),
            ("page", "1"),
        ]))
        .unwrap();
        assert_eq!(a.query_string_for_page(1), b.query_string_for_page(1));
        assert_eq!(
            a.query_string_for_page(2),
            "technology=go&city=K%C3%B6ln&page=2"
        );
    }

    #[test]
    fn pagination_window_shows_ends_and_neighbours() {
        let p = Pagination {
            page: 6,
            total: 400,
        };
        assert_eq!(p.last_page(), 20);
        assert_eq!(
            p.window(),
            vec![
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(20)
            ]
        );
    }

    #[test]
    fn pagination_of_nothing_has_one_page() {
        let p = Pagination { page: 1, total: 0 };
        assert_eq!(p.last_page(), 1);
        assert!(!p.is_past_end());
        assert!(Pagination { page: 2, total: 0 }.is_past_end());
    }

    #[test]
    fn pages_stop_at_the_deepest_page_allowed() {
        let p = Pagination {
            page: 1,
            total: 893_168,
        };
        assert_eq!(p.last_page(), MAX_PAGE);
        assert_eq!(Pagination { page: 1, total: 41 }.last_page(), 3);
    }
}
