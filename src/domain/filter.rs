//! What a job seeker asked for on `/jobs`: validated filters and the page number.

use super::InvalidInput;
use super::job::{RemotePolicy, Seniority};
use super::slug::Slug;

/// Jobs shown on one listing page.
pub const PAGE_SIZE: u32 = 20;
/// The deepest page anyone may ask for; deeper requests are malformed, not slow.
pub const MAX_PAGE: u32 = 10_000;
/// Longest accepted value of any one parameter; longer input is someone probing.
pub const MAX_PARAM_LEN: usize = 200;
/// Counting stops here: "10,000+" is as useful as an exact figure and far cheaper.
pub const COUNT_CAP: i64 = 10_000;

/// The validated filters of a job search. Empty means "all open jobs".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    pub query: Option<String>,
    pub technology: Option<Slug>,
    pub city: Option<String>,
    pub remote: Option<RemotePolicy>,
    pub seniority: Option<Seniority>,
}

/// A filter plus the page of results wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSearch {
    pub filter: JobFilter,
    pub page: u32,
}

impl JobSearch {
    /// Reads decoded query-string pairs. Empty values count as absent (a GET form sends
    /// every field); unknown parameters such as tracking tags are ignored.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, InvalidInput> {
        let mut filter = JobFilter::default();
        let mut page = 1;
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
                    filter.technology = Some(Slug::parse(value).map_err(|_| {
                        InvalidInput::new("technology", "is not a known technology")
                    })?)
                }
                "city" => filter.city = Some(value.to_owned()),
                "remote" => filter.remote = Some(RemotePolicy::parse(value)?),
                "seniority" => filter.seniority = Some(Seniority::parse(value)?),
                "page" => page = parse_page(value)?,
                _ => {}
            }
        }
        Ok(Self { filter, page })
    }

    /// Zero-based row offset of the first job on this page.
    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(PAGE_SIZE)
    }

    /// The query string for this filter on another page, parameters in a fixed order so
    /// every result set has exactly one URL.
    pub fn query_string_for_page(&self, page: u32) -> String {
        let f = &self.filter;
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(q) = &f.query {
            pairs.push(("q", q.clone()));
        }
        if let Some(t) = &f.technology {
            pairs.push(("technology", t.to_string()));
        }
        if let Some(c) = &f.city {
            pairs.push(("city", c.clone()));
        }
        if let Some(r) = f.remote {
            pairs.push(("remote", r.as_str().to_owned()));
        }
        if let Some(s) = f.seniority {
            pairs.push(("seniority", s.as_str().to_owned()));
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

fn field_name(key: &str) -> &'static str {
    match key {
        "q" => "search",
        "technology" => "technology",
        "city" => "city",
        "remote" => "remote",
        "seniority" => "seniority",
        "page" => "page",
        _ => "parameter",
    }
}

/// Where a result list stands: the page shown and how many pages exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    pub page: u32,
    /// Matching jobs, counted up to [`COUNT_CAP`] + 1.
    pub total: i64,
}

impl Pagination {
    pub fn last_page(&self) -> u32 {
        let pages = (self.total.min(COUNT_CAP) + i64::from(PAGE_SIZE) - 1) / i64::from(PAGE_SIZE);
        u32::try_from(pages.max(1)).unwrap_or(MAX_PAGE)
    }

    pub fn is_capped(&self) -> bool {
        self.total > COUNT_CAP
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
        assert_eq!(search.filter.technology.unwrap().as_str(), "rust");
        assert_eq!(search.filter.city.as_deref(), Some("Berlin"));
        assert_eq!(search.filter.remote, Some(RemotePolicy::Hybrid));
        assert_eq!(search.filter.seniority, Some(Seniority::Senior));
        assert_eq!(search.page, 3);
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
    fn counts_past_the_cap_are_marked() {
        let p = Pagination {
            page: 1,
            total: COUNT_CAP + 1,
        };
        assert!(p.is_capped());
        assert_eq!(p.last_page(), 500);
    }
}
