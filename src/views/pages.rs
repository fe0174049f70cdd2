//! One struct per page template. Each `new` turns domain data into printable fields.

use super::{ArticleCardView, ChipView, JobCardView, Layout, LogoView, PageLinkView};
use crate::domain::article::{Article, ArticleSummary, CoverImage};
use crate::domain::company::{Company, size_label};
use crate::domain::dates;
use crate::domain::job::{JobSummary, RemotePolicy, Seniority};
use crate::domain::markdown::{self, SafeHtml};
use crate::domain::technology::NamedCount;
use askama::Template;
use chrono::{DateTime, Utc};

/// An `<option>` of a filter `<select>`.
#[derive(Debug, Clone)]
pub struct OptionView {
    pub value: String,
    pub label: String,
    pub selected: bool,
    /// Open jobs this option would show, with the other filters applied.
    pub count: Option<String>,
    /// No jobs behind it (and not chosen): shown, but not choosable.
    pub disabled: bool,
}

impl OptionView {
    pub fn new(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
            selected,
            count: None,
            disabled: false,
        }
    }
}

/// Puts facet counts beside options; options without jobs are disabled unless chosen.
pub fn apply_counts(options: &mut [OptionView], count_of: impl Fn(&str) -> i64) {
    for option in options {
        let n = count_of(&option.value);
        option.count = Some(crate::domain::salary::group_thousands(
            u32::try_from(n).unwrap_or(u32::MAX),
        ));
        option.disabled = n == 0 && !option.selected;
    }
}

fn count_chips(counts: &[NamedCount], url_for: impl Fn(&NamedCount) -> String) -> Vec<ChipView> {
    counts
        .iter()
        .map(|c| ChipView {
            label: c.name.clone(),
            url: url_for(c),
            count: Some(crate::domain::salary::group_thousands(
                u32::try_from(c.count).unwrap_or(u32::MAX),
            )),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
    pub open_jobs: String,
    pub latest_jobs: Vec<JobCardView>,
    pub technologies: Vec<ChipView>,
    pub cities: Vec<ChipView>,
    pub articles: Vec<ArticleCardView>,
}

impl HomePage {
    pub fn new(
        layout: Layout,
        open_jobs: i64,
        latest_jobs: &[JobSummary],
        technologies: &[NamedCount],
        cities: &[NamedCount],
        articles: &[ArticleSummary],
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            layout,
            open_jobs: crate::domain::salary::group_thousands(
                u32::try_from(open_jobs).unwrap_or(u32::MAX),
            ),
            latest_jobs: JobCardView::list(latest_jobs, now),
            technologies: count_chips(technologies, |t| format!("/technologies/{}", t.slug)),
            cities: count_chips(cities, |c| format!("/cities/{}", c.slug)),
            articles: ArticleCardView::list(articles),
        }
    }
}

/// The state of the `/jobs` filter form and result list.
#[derive(Template)]
#[template(path = "jobs/index.html")]
pub struct JobIndexPage {
    pub layout: Layout,
    /// A landing page's link to its salary figures.
    pub salary_link: Option<ChipView>,
    pub heading: String,
    pub count_text: String,
    pub jobs: Vec<JobCardView>,
    pub query: String,
    pub technology_options: Vec<OptionView>,
    pub city_options: Vec<OptionView>,
    pub remote_options: Vec<OptionView>,
    /// No work model chosen: the "Any" radio button is checked.
    pub remote_any: bool,
    pub seniority_options: Vec<OptionView>,
    pub employment_options: Vec<OptionView>,
    pub salary_options: Vec<OptionView>,
    pub posted_options: Vec<OptionView>,
    /// No "posted within" chosen: the "Any time" radio button is checked.
    pub posted_any: bool,
    pub sort_options: Vec<OptionView>,
    /// A company filter (set from a link) travels along as a hidden field.
    pub company: Option<String>,
    pub active_filters: Vec<ChipView>,
    /// Shown when nothing matched: technologies that do have jobs there.
    pub related_technologies: Vec<ChipView>,
    /// The related technologies are counted in the one city searched, not board-wide.
    pub related_in_city: bool,
    /// Searched cities without open jobs ("Atlantis or Gotham"); empty when none.
    pub unknown_cities: String,
    pub pages: Vec<PageLinkView>,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    /// Set when the page number is past the last page.
    pub last_page_url: Option<String>,
    pub clear_url: String,
    /// "E-mail me new jobs like these" for this search.
    pub alert: super::alerts::AlertBoxView,
}

/// Options for a select of enum values, with the chosen one marked.
pub fn enum_options<T: Copy + PartialEq>(
    all: &[T],
    selected: Option<T>,
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<OptionView> {
    all.iter()
        .map(|v| {
            OptionView::new(
                value(*v).to_owned(),
                label(*v).to_owned(),
                selected == Some(*v),
            )
        })
        .collect()
}

pub fn remote_options(selected: Option<RemotePolicy>) -> Vec<OptionView> {
    enum_options(
        RemotePolicy::ALL,
        selected,
        RemotePolicy::as_str,
        RemotePolicy::label,
    )
}

pub fn seniority_options(selected: &[Seniority]) -> Vec<OptionView> {
    Seniority::ALL
        .iter()
        .map(|s| {
            OptionView::new(
                s.as_str().to_owned(),
                s.label().to_owned(),
                selected.contains(s),
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "jobs/show.html")]
pub struct JobShowPage {
    pub layout: Layout,
    pub title: String,
    pub company_name: String,
    pub company_url: String,
    pub company_monogram: String,
    pub company_tone: u8,
    pub company_logo: Option<LogoView>,
    pub company_city: String,
    pub company_size: String,
    pub company_about: String,
    pub company_website: Option<String>,
    pub is_open: bool,
    pub salary: Option<String>,
    pub location: String,
    pub seniority: String,
    pub employment_type: String,
    pub posted_iso: String,
    pub posted_long: String,
    pub posted_relative: String,
    pub valid_iso: String,
    pub valid_long: String,
    pub apply_href: String,
    pub apply_is_email: bool,
    pub description: SafeHtml,
    pub technologies: Vec<ChipView>,
    pub similar: Vec<JobCardView>,
    /// Where the salary sits in its market, when at least 10 jobs back the comparison.
    pub salary_market: Option<super::salaries::MarketLine>,
    /// Set when an employer previews the ad before sending it.
    pub preview: Option<PostingPreview>,
    /// "Report this job" (open jobs only).
    pub report_url: String,
}

/// The panel above a job ad an employer previews: the checks' findings and the buttons
/// that send the ad or go back to the form, carrying every field.
pub struct PostingPreview {
    pub action_url: String,
    pub hidden: Vec<(String, String)>,
    pub warnings: Vec<String>,
    pub company_note: String,
    pub submit_label: &'static str,
}

#[derive(Template)]
#[template(path = "companies/show.html")]
pub struct CompanyShowPage {
    pub layout: Layout,
    pub name: String,
    pub monogram: String,
    pub tone: u8,
    pub logo: Option<LogoView>,
    pub city: String,
    pub size: String,
    pub website: Option<String>,
    pub about: SafeHtml,
    pub jobs: Vec<JobCardView>,
}

impl CompanyShowPage {
    pub fn new(layout: Layout, company: &Company, jobs: &[JobSummary], now: DateTime<Utc>) -> Self {
        Self {
            layout,
            name: company.name.clone(),
            monogram: company.monogram(),
            tone: crate::domain::company::monogram_tone(company.slug.as_str()),
            logo: company
                .logo
                .as_ref()
                .map(|logo| LogoView::new(logo, LogoView::LARGE)),
            city: company.city.clone(),
            size: size_label(&company.size_band),
            website: company.website.clone(),
            about: markdown::render_without_images(&company.about_markdown),
            jobs: JobCardView::list(jobs, now),
        }
    }
}

#[derive(Template)]
#[template(path = "articles/index.html")]
pub struct ArticleIndexPage {
    pub layout: Layout,
    pub articles: Vec<ArticleCardView>,
    pub pages: Vec<PageLinkView>,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

#[derive(Template)]
#[template(path = "articles/show.html")]
pub struct ArticleShowPage {
    pub layout: Layout,
    pub title: String,
    pub summary: String,
    pub author: String,
    pub published_iso: String,
    pub published_long: String,
    /// Present when the article changed after publication.
    pub updated: Option<(String, String)>,
    pub reading_time: String,
    pub body: SafeHtml,
    pub tags: Vec<String>,
    /// Read by `articles/article_body.html`.
    pub cover: Option<CoverImage>,
    pub related: Vec<ArticleCardView>,
    pub jobs: Vec<JobCardView>,
}

impl ArticleShowPage {
    pub fn new(
        layout: Layout,
        article: &Article,
        related: &[ArticleSummary],
        jobs: &[JobSummary],
        now: DateTime<Utc>,
    ) -> Self {
        let s = &article.summary;
        let updated = (article.updated_at.date_naive() > s.published_at.date_naive()).then(|| {
            (
                dates::iso_date(article.updated_at),
                dates::long_date(article.updated_at),
            )
        });
        Self {
            layout,
            title: s.title.clone(),
            summary: s.summary.clone(),
            author: s.author_name.clone(),
            published_iso: dates::iso_date(s.published_at),
            published_long: dates::long_date(s.published_at),
            updated,
            reading_time: format!("{} min read", s.reading_minutes),
            body: markdown::render(&article.body_markdown),
            tags: article.tags.clone(),
            cover: article.cover.clone(),
            related: ArticleCardView::list(related),
            jobs: JobCardView::list(jobs, now),
        }
    }
}

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub heading: String,
    pub message: String,
}

impl JobShowPage {
    pub fn new(
        layout: Layout,
        page: &crate::domain::job::JobPage,
        similar: &[JobSummary],
        now: DateTime<Utc>,
    ) -> Self {
        let job = &page.job;
        let s = &job.summary;
        let company = &page.company;
        Self {
            layout,
            title: s.title.clone(),
            company_name: company.name.clone(),
            company_url: format!("/companies/{}", company.slug),
            company_monogram: company.monogram(),
            company_tone: crate::domain::company::monogram_tone(company.slug.as_str()),
            company_logo: company
                .logo
                .as_ref()
                .map(|logo| LogoView::new(logo, LogoView::SMALL)),
            company_city: company.city.clone(),
            company_size: size_label(&company.size_band),
            company_about: markdown::plain_excerpt(&company.about_markdown, 240),
            company_website: company.website.clone(),
            is_open: job.is_open(now),
            salary: s.salary.as_ref().map(|r| r.display_long()),
            location: s.location.display(),
            seniority: s.seniority.label().to_owned(),
            employment_type: s.employment_type.label().to_owned(),
            posted_iso: dates::iso_date(s.posted_at),
            posted_long: dates::long_date(s.posted_at),
            posted_relative: dates::relative(s.posted_at, now),
            valid_iso: dates::iso_date(job.valid_through),
            valid_long: dates::long_date(job.valid_through),
            apply_href: job.apply.href(),
            apply_is_email: matches!(job.apply, crate::domain::job::ApplyChannel::Email(_)),
            description: job.description_html(),
            technologies: s.technologies.iter().map(ChipView::technology).collect(),
            similar: JobCardView::list(similar, now),
            salary_market: None,
            preview: None,
            report_url: format!("/jobs/{}/report", s.slug),
        }
    }
}

/// One company in the companies index.
#[derive(Debug, Clone)]
pub struct CompanyCardView {
    pub url: String,
    pub name: String,
    pub monogram: String,
    pub tone: u8,
    pub city: String,
    pub open_jobs: String,
}

#[derive(Template)]
#[template(path = "companies/index.html")]
pub struct CompanyIndexPage {
    pub layout: Layout,
    pub companies: Vec<CompanyCardView>,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub heading: String,
    /// The name searched for, to pre-fill the search box.
    pub query: String,
}

/// One entry of an Atom feed; every field is plain text the template escapes.
#[derive(Debug, Clone)]
pub struct AtomEntry {
    pub title: String,
    pub url: String,
    pub published: String,
    pub updated: String,
    pub author: String,
    pub summary: String,
    /// Sanitised HTML, sent escaped as `type="html"` content as Atom requires.
    pub content_html: Option<String>,
}

#[derive(Template)]
#[template(path = "feeds/atom.xml")]
pub struct AtomFeed {
    pub title: String,
    pub subtitle: String,
    pub self_url: String,
    pub page_url: String,
    pub updated: String,
    pub site_name: &'static str,
    pub entries: Vec<AtomEntry>,
}

/// One entry of a directory page: a landing page link with its count and sub-links.
#[derive(Debug, Clone)]
pub struct DirectoryEntry {
    pub label: String,
    pub url: String,
    pub count: String,
    pub links: Vec<ChipView>,
}

/// The indexes of technologies and cities.
#[derive(Template)]
#[template(path = "landing/directory.html")]
pub struct DirectoryPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub entries: Vec<DirectoryEntry>,
}
