//! What every page tells the base layout.

use crate::web::assets;

/// Which main navigation entry is the current section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Home,
    Jobs,
    Companies,
    Articles,
    None,
}

/// The fields `templates/base.html` reads. Every page struct carries one as `layout`.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The `<title>`, without the site name (the layout appends it).
    pub title: String,
    pub description: String,
    /// Absolute canonical URL; `None` on pages that should not be indexed as such.
    pub canonical: Option<String>,
    /// `noindex,follow` and friends; `None` leaves crawlers to their default.
    pub robots: Option<&'static str>,
    pub nav: Nav,
    /// Pre-fills the header search box.
    pub search_query: String,
    pub stylesheet: String,
    pub icon: String,
    pub site_name: &'static str,
}

pub const SITE_NAME: &str = "jobboard";

impl Layout {
    /// A page at `path` (starting with `/`) of the site at `base_url`.
    pub fn page(
        base_url: &str,
        path: &str,
        title: impl Into<String>,
        description: impl Into<String>,
        nav: Nav,
    ) -> Self {
        Self {
            title: title.into(),
            description: description.into(),
            canonical: Some(format!("{base_url}{path}")),
            robots: None,
            nav,
            search_query: String::new(),
            stylesheet: assets::url("css/site.css"),
            icon: assets::url("img/favicon.svg"),
            site_name: SITE_NAME,
        }
    }

    /// Error pages: no canonical URL and never indexed.
    pub fn error(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            description: "Developer jobs in Germany.".to_owned(),
            canonical: None,
            robots: Some("noindex"),
            nav: Nav::None,
            search_query: String::new(),
            stylesheet: assets::url("css/site.css"),
            icon: assets::url("img/favicon.svg"),
            site_name: SITE_NAME,
        }
    }

    pub fn noindex(mut self) -> Self {
        self.robots = Some("noindex,follow");
        self
    }

    pub fn with_search(mut self, query: &str) -> Self {
        self.search_query = query.to_owned();
        self
    }

    /// Whether `section` ("home", "jobs", "companies", "articles") is the current one,
    /// for `aria-current` in the navigation.
    pub fn current(&self, section: &str) -> bool {
        let key = match self.nav {
            Nav::Home => "home",
            Nav::Jobs => "jobs",
            Nav::Companies => "companies",
            Nav::Articles => "articles",
            Nav::None => "",
        };
        key == section
    }
}
