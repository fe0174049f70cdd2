//! Small view models shared by several pages.

use crate::domain::article::ArticleSummary;
use crate::domain::dates;
use crate::domain::filter::Pagination;
use crate::domain::image::StoredImage;
use crate::domain::job::JobSummary;
use chrono::{DateTime, Utc};

/// A link that looks like a chip: technologies, cities, tags.
#[derive(Debug, Clone)]
pub struct ChipView {
    pub label: String,
    pub url: String,
    /// Job count shown beside the label, if any.
    pub count: Option<String>,
}

impl ChipView {
    /// A technology chip linking to the jobs that use it.
    pub fn technology(technology: &crate::domain::technology::Technology) -> Self {
        Self {
            label: technology.name.clone(),
            url: format!("/technologies/{}", technology.slug),
            count: None,
        }
    }
}

/// A company logo as an `<img>` shows it: fitted into a square of `side` CSS pixels,
/// with every stored width in `srcset` so the browser picks the smallest file that is
/// sharp at that size. The `alt` text is the template's: empty beside the company's name.
#[derive(Debug, Clone)]
pub struct LogoView {
    pub src: String,
    pub srcset: String,
    /// The `sizes` attribute: the shown width.
    pub sizes: String,
    pub width: u32,
    pub height: u32,
}

impl LogoView {
    /// Card and company-box logos: 48 px.
    pub const SMALL: u32 = 48;
    /// The company page's header: 72 px, as big as the monogram it replaces.
    pub const LARGE: u32 = 72;

    pub fn new(image: &StoredImage, side: u32) -> Self {
        let (width, height) = image.fit_within(side);
        Self {
            src: image.url(image.fitting_width(side * 2)),
            srcset: image.srcset(),
            sizes: format!("{width}px"),
            width,
            height,
        }
    }
}

/// One job in a list.
#[derive(Debug, Clone)]
pub struct JobCardView {
    pub url: String,
    pub title: String,
    pub company_name: String,
    pub company_url: String,
    pub company_logo: Option<LogoView>,
    pub location: String,
    pub facts: String,
    pub salary: Option<String>,
    pub technologies: Vec<ChipView>,
    pub posted_relative: String,
    pub posted_iso: String,
    pub posted_long: String,
}

impl JobCardView {
    pub fn new(job: &JobSummary, now: DateTime<Utc>) -> Self {
        Self {
            url: format!("/jobs/{}", job.slug),
            title: job.title.clone(),
            company_name: job.company_name.clone(),
            company_url: format!("/companies/{}", job.company_slug),
            company_logo: job
                .company_logo
                .as_deref()
                .map(|logo| LogoView::new(logo, LogoView::SMALL)),
            location: job.location.display(),
            facts: format!(
                "{} · {}",
                job.seniority.label(),
                job.employment_type.label()
            ),
            salary: job.salary.as_ref().map(|s| s.display_short()),
            technologies: job.technologies.iter().map(ChipView::technology).collect(),
            posted_relative: dates::relative(job.posted_at, now),
            posted_iso: dates::iso_date(job.posted_at),
            posted_long: dates::long_date(job.posted_at),
        }
    }

    pub fn list(jobs: &[JobSummary], now: DateTime<Utc>) -> Vec<Self> {
        jobs.iter().map(|j| Self::new(j, now)).collect()
    }
}

/// One article in a list.
#[derive(Debug, Clone)]
pub struct ArticleCardView {
    pub url: String,
    pub title: String,
    pub summary: String,
    pub author: String,
    pub reading_time: String,
    pub published_iso: String,
    pub published_long: String,
}

impl ArticleCardView {
    pub fn new(article: &ArticleSummary) -> Self {
        Self {
            url: format!("/articles/{}", article.slug),
            title: article.title.clone(),
            summary: article.summary.clone(),
            author: article.author_name.clone(),
            reading_time: format!("{} min read", article.reading_minutes),
            published_iso: dates::iso_date(article.published_at),
            published_long: dates::long_date(article.published_at),
        }
    }

    pub fn list(articles: &[ArticleSummary]) -> Vec<Self> {
        articles.iter().map(Self::new).collect()
    }
}

/// An entry of a pagination bar: a page link, the current page, or a gap.
#[derive(Debug, Clone)]
pub struct PageLinkView {
    pub label: String,
    pub url: Option<String>,
    pub current: bool,
}

/// Pagination bar entries, with `url_for(page)` building each link.
pub fn pagination_links(
    pagination: &Pagination,
    url_for: impl Fn(u32) -> String,
) -> Vec<PageLinkView> {
    pagination
        .window()
        .into_iter()
        .map(|entry| match entry {
            Some(n) => PageLinkView {
                label: crate::domain::salary::group_thousands(n),
                url: Some(url_for(n)),
                current: n == pagination.page,
            },
            None => PageLinkView {
                label: "…".to_owned(),
                url: None,
                current: false,
            },
        })
        .collect()
}
