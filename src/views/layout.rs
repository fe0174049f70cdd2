//! What every page tells the base layout: titles, crawler hints, social cards,
//! breadcrumbs and structured data.

use super::assets;
use super::structured_data::{self, JsonLd};

/// Which main navigation entry is the current section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Home,
    Jobs,
    Companies,
    Articles,
    PostJob,
    None,
}

/// A crumb in the breadcrumb trail; the last one (the page itself) has no link.
#[derive(Debug, Clone)]
pub struct Crumb {
    pub label: String,
    pub url: Option<String>,
}

impl Crumb {
    pub fn link(label: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            url: Some(url.into()),
        }
    }

    pub fn here(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            url: None,
        }
    }
}

/// An Atom feed a page offers with `rel=alternate`.
#[derive(Debug, Clone)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
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
    /// Absolute base of the site's URLs, without a trailing slash.
    pub base_url: String,
    /// Absolute URL of the page as requested, for Open Graph.
    pub url: String,
    /// Open Graph type: "website" or "article".
    pub og_type: &'static str,
    /// Absolute URL of the social card image.
    pub og_image: String,
    pub crumbs: Vec<Crumb>,
    /// Absolute URLs of the neighbouring pages of a paged list.
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub feed: Option<FeedLink>,
    /// JSON-LD blocks, already serialised and safe inside `<script>`.
    pub structured_data: Vec<JsonLd>,
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
        let url = format!("{base_url}{path}");
        Self {
            title: title.into(),
            description: description.into(),
            canonical: Some(url.clone()),
            robots: None,
            nav,
            search_query: String::new(),
            stylesheet: assets::url("css/site.css"),
            icon: assets::url("img/favicon.svg"),
            site_name: SITE_NAME,
            base_url: base_url.to_owned(),
            url,
            og_type: "website",
            og_image: format!("{base_url}{}", assets::url("img/social-card.png")),
            crumbs: Vec::new(),
            prev_url: None,
            next_url: None,
            feed: None,
            structured_data: Vec::new(),
        }
    }

    /// Error pages: no canonical URL and never indexed.
    pub fn error(title: impl Into<String>) -> Self {
        let mut layout = Self::page("", "", title, "Developer jobs in Germany.", Nav::None);
        layout.canonical = None;
        layout.robots = Some("noindex");
        layout
    }

    /// Crawlers may follow the links but should not index this page.
    pub fn noindex(mut self) -> Self {
        self.robots = Some("noindex,follow");
        self
    }

    pub fn with_search(mut self, query: &str) -> Self {
        self.search_query = query.to_owned();
        self
    }

    pub fn article(mut self) -> Self {
        self.og_type = "article";
        self
    }

    /// Shows the trail and adds it as BreadcrumbList structured data.
    pub fn with_crumbs(mut self, crumbs: Vec<Crumb>) -> Self {
        self.structured_data.push(structured_data::breadcrumb_list(
            &self.base_url,
            &self.url,
            &crumbs,
        ));
        self.crumbs = crumbs;
        self
    }

    /// Page `page` of a list of `pages`: from page 2 on, the title and the description
    /// name the page ("… – page 2", "Page 2 of 18: …"), so that no two pages of a list
    /// share them.
    pub fn paged(mut self, page: u32, pages: u32) -> Self {
        if page > 1 {
            self.title = format!("{} – page {page}", self.title);
            self.description = if page <= pages {
                format!("Page {page} of {pages}: {}", self.description)
            } else {
                format!("Page {page}: {}", self.description)
            };
        }
        self
    }

    /// Links to the previous and next page of a list (given as site paths).
    pub fn with_neighbours(mut self, prev: Option<&str>, next: Option<&str>) -> Self {
        self.prev_url = prev.map(|p| format!("{}{p}", self.base_url));
        self.next_url = next.map(|p| format!("{}{p}", self.base_url));
        self
    }

    pub fn with_feed(mut self, title: impl Into<String>, url: impl Into<String>) -> Self {
        self.feed = Some(FeedLink {
            title: title.into(),
            url: url.into(),
        });
        self
    }

    pub fn with_structured_data(mut self, block: JsonLd) -> Self {
        self.structured_data.push(block);
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
            Nav::PostJob => "post",
            Nav::None => "",
        };
        key == section
    }
}
