//! Career articles: what readers see, and the editors' rules for writing them.
//!
//! Publication lives in two columns: `published_at` is `None` for a draft; a published
//! article whose `published_at` lies ahead is *scheduled*, and public queries compare
//! with the current time, so it goes live on the minute without a job runner.
//!
//! Scheduled times are typed as Europe/Berlin wall-clock time. A time that does not
//! exist there (the hour skipped when clocks go forward in March) is a field error; a
//! time that exists twice (the hour repeated in October) means the earlier instant,
//! i.e. the one still in summer time.

use super::audit::AuditAction;
use super::slug::Slug;
use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Berlin;

/// Words an adult reads in a minute on screen; a common rule of thumb.
const WORDS_PER_MINUTE: usize = 220;

#[derive(Debug, Clone)]
pub struct ArticleSummary {
    pub slug: Slug,
    pub title: String,
    pub summary: String,
    pub author_name: String,
    pub published_at: DateTime<Utc>,
    pub reading_minutes: u32,
}

#[derive(Debug, Clone)]
pub struct Article {
    pub id: i64,
    pub summary: ArticleSummary,
    pub body_markdown: String,
    pub tags: Vec<String>,
    pub updated_at: DateTime<Utc>,
    pub cover: Option<CoverImage>,
}

/// The `sizes` of a cover image: the reading column on wide screens, the full width
/// on phones.
pub const COVER_SIZES: &str = "(min-width: 48rem) 68ch, 100vw";

/// A stored image with its alt text. Every width in `widths` exists as the file
/// `/media/{base_name}-{width}.{extension}`; `width` × `height` is the largest one, so
/// the height of every other width follows from the aspect ratio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverImage {
    pub base_name: String,
    pub extension: String,
    /// Ascending, never empty.
    pub widths: Vec<u32>,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

impl CoverImage {
    /// `widths` is sorted and cleaned here; an image without widths is the largest alone.
    pub fn new(
        base_name: String,
        extension: String,
        widths: impl IntoIterator<Item = u32>,
        width: u32,
        height: u32,
        alt: String,
    ) -> Self {
        let mut widths: Vec<u32> = widths.into_iter().filter(|w| *w > 0).collect();
        widths.sort_unstable();
        widths.dedup();
        if widths.is_empty() {
            widths.push(width.max(1));
        }
        Self {
            base_name,
            extension,
            widths,
            width: width.max(1),
            height: height.max(1),
            alt,
        }
    }

    /// The URL path of one width.
    pub fn url(&self, width: u32) -> String {
        format!("/media/{}-{width}.{}", self.base_name, self.extension)
    }

    /// The width `src` names for browsers without `srcset`: the one nearest 960 px.
    pub fn fallback_width(&self) -> u32 {
        self.widths
            .iter()
            .copied()
            .min_by_key(|w| w.abs_diff(960))
            .unwrap_or(self.width)
    }

    pub fn src(&self) -> String {
        self.url(self.fallback_width())
    }

    /// "/media/x-480.jpg 480w, /media/x-960.jpg 960w, …"
    pub fn srcset(&self) -> String {
        self.widths
            .iter()
            .map(|w| format!("{} {w}w", self.url(*w)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn sizes(&self) -> &'static str {
        COVER_SIZES
    }

    /// The path of the largest width (for structured data and social cards).
    pub fn largest_url(&self) -> String {
        self.url(self.widths.last().copied().unwrap_or(self.width))
    }

    /// The height of `width` at the image's aspect ratio, rounded.
    pub fn height_for(&self, width: u32) -> u32 {
        let h = (u64::from(width) * u64::from(self.height) + u64::from(self.width) / 2)
            / u64::from(self.width);
        u32::try_from(h).unwrap_or(u32::MAX).max(1)
    }

    /// `width`/`height` attributes of the `<img>`: the fallback's, which give the
    /// browser the aspect ratio before anything loads.
    pub fn attr_width(&self) -> u32 {
        self.fallback_width()
    }

    pub fn attr_height(&self) -> u32 {
        self.height_for(self.fallback_width())
    }
}

/// Minutes to read a text, rounded up, at least one.
pub fn reading_minutes(text: &str) -> u32 {
    let words = text.split_whitespace().count();
    u32::try_from(words.div_ceil(WORDS_PER_MINUTE).max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_time_rounds_up_to_whole_minutes() {
        assert_eq!(reading_minutes(""), 1);
        assert_eq!(reading_minutes("word"), 1);
        assert_eq!(reading_minutes(&"word ".repeat(220)), 1);
        assert_eq!(reading_minutes(&"word ".repeat(221)), 2);
        assert_eq!(reading_minutes(&"word ".repeat(1100)), 5);
    }

    #[test]
    fn reading_time_counts_words_not_characters() {
        assert_eq!(reading_minutes(&"extraordinarily\n\n".repeat(300)), 2);
    }
}

/// An article as it is created.
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub slug: Slug,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub author_name: String,
    pub tags: Vec<String>,
    /// `None` keeps the article a draft.
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------
// The editors' side: the article form, its rules, publication and revisions.
// ---------------------------------------------------------------------------------------

/// The longest title the database accepts.
pub const TITLE_MAX: usize = 200;
/// Above this a summary (the meta description) is cut off in search results: a warning.
pub const SUMMARY_AIM: usize = 160;
/// Above this a summary is refused.
pub const SUMMARY_MAX: usize = 300;
pub const AUTHOR_MAX: usize = 100;
pub const TAG_MAX_CHARS: usize = 40;
pub const MAX_TAGS: usize = 10;
pub const ALT_MAX: usize = 300;

/// The article form's fields exactly as posted, so that a refused form comes back with
/// every input kept. `version` is the version the form was loaded from.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ArticleFields {
    pub title: String,
    pub slug: String,
    pub summary: String,
    pub body: String,
    pub tags: String,
    pub author: String,
    pub cover_image: String,
    pub cover_alt: String,
    /// "draft", "scheduled" or "published".
    pub status: String,
    /// `YYYY-MM-DD`, Berlin.
    pub publish_date: String,
    /// `HH:MM`, Berlin.
    pub publish_time: String,
    pub version: String,
}

impl ArticleFields {
    /// The version the form was loaded from; 0 (never current) when missing or garbled.
    pub fn loaded_version(&self) -> i32 {
        self.version.trim().parse().unwrap_or(0)
    }
}

/// What the editor asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Draft,
    /// Published, going live at this instant (in the future when saved).
    Scheduled(DateTime<Utc>),
    /// Published now, or kept at its date if it is live already.
    Published,
}

/// A validated article, ready to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleDraft {
    pub title: String,
    pub slug: Slug,
    pub summary: String,
    pub body_markdown: String,
    pub tags: Vec<String>,
    pub author_name: String,
    pub cover_image_id: Option<i64>,
    /// Empty when there is no cover image.
    pub cover_alt: String,
    pub visibility: Visibility,
}

/// A rule a field broke; `field` is the form input's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// Parses the posted form into an article, collecting every problem at once.
pub fn parse_draft(
    fields: &ArticleFields,
    now: DateTime<Utc>,
) -> Result<ArticleDraft, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let title = fields.title.trim().to_owned();
    if title.is_empty() {
        problems.push(FieldProblem::new("title", "Enter a title."));
    } else if chars(&title) > TITLE_MAX {
        problems.push(FieldProblem::new(
            "title",
            format!(
                "The title is {} characters long; at most {TITLE_MAX} fit.",
                chars(&title)
            ),
        ));
    }
    let slug = parse_slug(&fields.slug, &title)
        .map_err(|m| problems.push(FieldProblem::new("slug", m)))
        .ok();
    let summary = fields.summary.trim().to_owned();
    if let Err(m) = check_summary(&summary) {
        problems.push(FieldProblem::new("summary", m));
    }
    let body_markdown = fields.body.trim_end().to_owned();
    let tags = parse_tags(&fields.tags)
        .map_err(|m| problems.push(FieldProblem::new("tags", m)))
        .ok();
    let author_name = fields.author.trim().to_owned();
    if author_name.is_empty() {
        problems.push(FieldProblem::new("author", "Enter the author's name."));
    } else if chars(&author_name) > AUTHOR_MAX {
        problems.push(FieldProblem::new(
            "author",
            format!("The author's name may be at most {AUTHOR_MAX} characters long."),
        ));
    }
    let (cover_image_id, cover_alt) = match parse_cover(&fields.cover_image, &fields.cover_alt) {
        Ok(cover) => cover,
        Err(problem) => {
            problems.push(problem);
            (None, String::new())
        }
    };
    let visibility = match parse_visibility(fields, now) {
        Ok(v) => Some(v),
        Err(mut found) => {
            problems.append(&mut found);
            None
        }
    };
    // Checked even when the date is wrong, so that every problem shows at once.
    if matches!(fields.status.trim(), "scheduled" | "published") {
        if summary.is_empty() {
            problems.push(FieldProblem::new(
                "summary",
                "Write a summary before publishing: search results and link previews show it.",
            ));
        }
        if body_markdown.trim().is_empty() {
            problems.push(FieldProblem::new(
                "body",
                "Write the article's text before publishing it.",
            ));
        }
    }
    match (slug, tags, visibility) {
        (Some(slug), Some(tags), Some(visibility)) if problems.is_empty() => Ok(ArticleDraft {
            title,
            slug,
            summary,
            body_markdown,
            tags,
            author_name,
            cover_image_id,
            cover_alt,
            visibility,
        }),
        _ => {
            // In the order of the form, so the summary at its top reads down the page.
            problems.sort_by_key(|p| FORM_ORDER.iter().position(|f| *f == p.field));
            Err(problems)
        }
    }
}

/// The form's inputs from top to bottom.
const FORM_ORDER: [&str; 11] = [
    "title",
    "slug",
    "summary",
    "body",
    "tags",
    "author",
    "cover_image",
    "cover_alt",
    "status",
    "publish_date",
    "publish_time",
];

/// Warnings that do not stop a save: a summary longer than search results show.
pub fn form_warnings(fields: &ArticleFields) -> Vec<FieldProblem> {
    let n = chars(fields.summary.trim());
    if n > SUMMARY_AIM && n <= SUMMARY_MAX {
        vec![FieldProblem::new(
            "summary",
            format!(
                "The summary is {n} characters long; search results cut it off after about {SUMMARY_AIM}. It can be saved like this."
            ),
        )]
    } else {
        Vec::new()
    }
}

/// The slug typed, or one made from the title when left empty.
pub fn parse_slug(raw: &str, title: &str) -> Result<Slug, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Slug::from_text(title).map_err(|_| {
            "Enter a slug: the title has no letters or digits to make one from.".to_owned()
        });
    }
    Slug::parse(raw).map_err(|e| match Slug::from_text(raw) {
        Ok(suggestion) => format!("The slug {}; for example “{suggestion}”.", e.message),
        Err(_) => format!("The slug {}.", e.message),
    })
}

fn check_summary(summary: &str) -> Result<(), String> {
    let n = chars(summary);
    if n > SUMMARY_MAX {
        Err(format!(
            "The summary is {n} characters long; shorten it to at most {SUMMARY_MAX} (aim for 120–160)."
        ))
    } else {
        Ok(())
    }
}

/// Comma-separated tags: trimmed, lower-cased, duplicates dropped, each 1–40
/// characters, at most 10.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.split(',').map(|t| t.trim().to_lowercase()) {
        if tag.is_empty() || tags.contains(&tag) {
            continue;
        }
        if chars(&tag) > TAG_MAX_CHARS {
            return Err(format!(
                "The tag “{}…” is too long; each tag may have at most {TAG_MAX_CHARS} characters.",
                tag.chars().take(20).collect::<String>()
            ));
        }
        if tag.chars().any(char::is_control) {
            return Err("Tags may not contain line breaks or control characters.".to_owned());
        }
        tags.push(tag);
    }
    if tags.len() > MAX_TAGS {
        return Err(format!(
            "There are {} tags; at most {MAX_TAGS} are allowed.",
            tags.len()
        ));
    }
    Ok(tags)
}

fn parse_cover(image: &str, alt: &str) -> Result<(Option<i64>, String), FieldProblem> {
    let image = image.trim();
    if image.is_empty() {
        return Ok((None, String::new()));
    }
    let id = image
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| FieldProblem::new("cover_image", "Choose an image from the list."))?;
    let alt = alt.trim();
    if alt.is_empty() {
        return Err(FieldProblem::new(
            "cover_alt",
            "Describe the cover image for people who cannot see it (alt text), or choose no image.",
        ));
    }
    if chars(alt) > ALT_MAX {
        return Err(FieldProblem::new(
            "cover_alt",
            format!("The alt text may be at most {ALT_MAX} characters long."),
        ));
    }
    Ok((Some(id), alt.to_owned()))
}

fn parse_visibility(
    fields: &ArticleFields,
    now: DateTime<Utc>,
) -> Result<Visibility, Vec<FieldProblem>> {
    match fields.status.trim() {
        "draft" => Ok(Visibility::Draft),
        "published" => Ok(Visibility::Published),
        "scheduled" => parse_schedule(&fields.publish_date, &fields.publish_time, now)
            .map(Visibility::Scheduled),
        _ => Err(vec![FieldProblem::new(
            "status",
            "Choose draft, scheduled or published.",
        )]),
    }
}

/// A date and time typed as Berlin wall-clock time, as the UTC instant; it must lie
/// ahead of `now`. See the module documentation for the hours that clock changes skip
/// or repeat.
pub fn parse_schedule(
    date: &str,
    time: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let date = date.trim();
    let time = time.trim();
    let day = if date.is_empty() {
        problems.push(FieldProblem::new(
            "publish_date",
            "Enter the day it should go live.",
        ));
        None
    } else {
        NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| {
                problems.push(FieldProblem::new(
                    "publish_date",
                    "Enter the day as YYYY-MM-DD, for example 2026-12-03.",
                ))
            })
            .ok()
    };
    let clock = if time.is_empty() {
        problems.push(FieldProblem::new(
            "publish_time",
            "Enter the time it should go live.",
        ));
        None
    } else {
        NaiveTime::parse_from_str(time, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M:%S"))
            .map_err(|_| {
                problems.push(FieldProblem::new(
                    "publish_time",
                    "Enter the time as HH:MM (24 hours), for example 09:00.",
                ))
            })
            .ok()
    };
    let (Some(day), Some(clock)) = (day, clock) else {
        return Err(problems);
    };
    let at = match Berlin.from_local_datetime(&day.and_time(clock)) {
        LocalResult::Single(at) => at,
        // The hour repeated when clocks go back: the earlier instant (summer time).
        LocalResult::Ambiguous(earlier, _) => earlier,
        LocalResult::None => {
            return Err(vec![FieldProblem::new(
                "publish_time",
                format!(
                    "{} does not exist in Berlin on {}: the clocks jump forward an hour that night. Choose another time.",
                    clock.format("%H:%M"),
                    day.format("%-d %B %Y")
                ),
            )]);
        }
    };
    let at = at.with_timezone(&Utc);
    if at <= now {
        return Err(vec![FieldProblem::new(
            "publish_time",
            format!(
                "{} (Berlin) has passed. Choose a time ahead, or choose “Published” to publish now.",
                berlin_long(at)
            ),
        )]);
    }
    Ok(at)
}

/// "3 December 2026, 09:00" in Berlin time.
pub fn berlin_long(at: DateTime<Utc>) -> String {
    at.with_timezone(&Berlin)
        .format("%-d %B %Y, %H:%M")
        .to_string()
}

/// "3 Dec 2026, 09:00" in Berlin time, for tables.
pub fn berlin_short(at: DateTime<Utc>) -> String {
    at.with_timezone(&Berlin)
        .format("%-d %b %Y, %H:%M")
        .to_string()
}

/// The date and time inputs' values (`YYYY-MM-DD`, `HH:MM`) for an instant, in Berlin.
pub fn berlin_inputs(at: DateTime<Utc>) -> (String, String) {
    let local = at.with_timezone(&Berlin);
    (
        local.format("%Y-%m-%d").to_string(),
        local.format("%H:%M").to_string(),
    )
}

/// Where an article stands for the public: its two publication columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Publication {
    /// `None`: a draft (status 'draft'); otherwise status 'published'.
    pub published_at: Option<DateTime<Utc>>,
    /// When it last stopped being public; its URL then answers 410.
    pub retracted_at: Option<DateTime<Utc>>,
}

/// What readers can see of an article at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicState {
    Draft,
    Scheduled(DateTime<Utc>),
    Live(DateTime<Utc>),
}

impl PublicState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled(_) => "scheduled",
            Self::Live(_) => "published",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Scheduled(_) => "Scheduled",
            Self::Live(_) => "Published",
        }
    }
}

impl Publication {
    pub fn state(&self, now: DateTime<Utc>) -> PublicState {
        match self.published_at {
            None => PublicState::Draft,
            Some(at) if at > now => PublicState::Scheduled(at),
            Some(at) => PublicState::Live(at),
        }
    }

    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        matches!(self.state(now), PublicState::Live(_))
    }
}

/// The publication after a save that asked for `requested`; `before` is `None` for a
/// new article. Publishing keeps the date of an article that is live already; going
/// back to draft from live marks the article retracted (410 rather than 404).
pub fn next_publication(
    before: Option<Publication>,
    requested: Visibility,
    now: DateTime<Utc>,
) -> Publication {
    let before = before.unwrap_or_default();
    match requested {
        Visibility::Draft => Publication {
            published_at: None,
            retracted_at: if before.is_live(now) {
                Some(now)
            } else {
                before.retracted_at
            },
        },
        Visibility::Scheduled(at) => Publication {
            published_at: Some(at),
            retracted_at: None,
        },
        Visibility::Published => Publication {
            published_at: match before.state(now) {
                PublicState::Live(at) => Some(at),
                _ => Some(now),
            },
            retracted_at: None,
        },
    }
}

/// The audit action of a save from `before` (`None`: a new article) to `after`.
pub fn save_action(
    before: Option<Publication>,
    after: Publication,
    now: DateTime<Utc>,
) -> AuditAction {
    let was = before.map(|b| b.state(now));
    match (was, after.state(now)) {
        (Some(PublicState::Live(_)), PublicState::Draft) => AuditAction::ArticleUnpublished,
        (None, PublicState::Draft) => AuditAction::ArticleCreated,
        (_, PublicState::Draft) => AuditAction::ArticleUpdated,
        (Some(PublicState::Scheduled(old)), PublicState::Scheduled(new)) if old == new => {
            AuditAction::ArticleUpdated
        }
        (_, PublicState::Scheduled(_)) => AuditAction::ArticleScheduled,
        (Some(PublicState::Live(_)), PublicState::Live(_)) => AuditAction::ArticleUpdated,
        (_, PublicState::Live(_)) => AuditAction::ArticlePublished,
    }
}

/// An article as editors load it into the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditableArticle {
    pub id: i64,
    pub version: i32,
    pub slug: Slug,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub tags: Vec<String>,
    pub author_name: String,
    pub cover_image_id: Option<i64>,
    pub cover_alt: String,
    pub publication: Publication,
    pub updated_at: DateTime<Utc>,
}

impl EditableArticle {
    /// The form filled with this article, as of `now` (a scheduled time that has passed
    /// reads as published).
    pub fn to_fields(&self, now: DateTime<Utc>) -> ArticleFields {
        let state = self.publication.state(now);
        let (publish_date, publish_time) = match state {
            PublicState::Scheduled(at) => berlin_inputs(at),
            _ => (String::new(), String::new()),
        };
        ArticleFields {
            title: self.title.clone(),
            slug: self.slug.to_string(),
            summary: self.summary.clone(),
            body: self.body_markdown.clone(),
            tags: self.tags.join(", "),
            author: self.author_name.clone(),
            cover_image: self
                .cover_image_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            cover_alt: self.cover_alt.clone(),
            status: state.as_str().to_owned(),
            publish_date,
            publish_time,
            version: self.version.to_string(),
        }
    }
}

/// One line of a line diff, or a gap standing for unchanged lines left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: DiffKind,
    /// Line number in the old text (for unchanged and removed lines).
    pub old_no: Option<usize>,
    /// Line number in the new text (for unchanged and added lines).
    pub new_no: Option<usize>,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    Same,
    Added,
    Removed,
    /// `text` says how many unchanged lines were left out.
    Gap,
}

impl DiffKind {
    /// The marker shown in the margin.
    pub fn marker(self) -> &'static str {
        match self {
            Self::Same => "",
            Self::Added => "+",
            Self::Removed => "−",
            Self::Gap => "…",
        }
    }

    /// What a screen reader says for the marker.
    pub fn word(self) -> &'static str {
        match self {
            Self::Same => "unchanged",
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Gap => "skipped",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Same => "same",
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Gap => "gap",
        }
    }
}

/// Lines of unchanged context kept around each change.
const DIFF_CONTEXT: usize = 3;

/// A line diff from `old` to `new`: changed lines with three lines of context around
/// them; longer unchanged stretches become one gap line. Empty when the texts are equal.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_secs(1))
        .diff_lines(old, new);
    let mut lines = Vec::new();
    let groups = diff.grouped_ops(DIFF_CONTEXT);
    let total_old = diff.old_len();
    let mut next_old = 0usize;
    for group in &groups {
        let Some(first) = group.first() else { continue };
        let start = first.old_range().start;
        if start > next_old {
            lines.push(gap(start - next_old));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let text = change
                    .to_string_lossy()
                    .trim_end_matches(['\n', '\r'])
                    .to_owned();
                let (kind, old_no, new_no) = match change.tag() {
                    ChangeTag::Equal => (DiffKind::Same, change.old_index(), change.new_index()),
                    ChangeTag::Insert => (DiffKind::Added, None, change.new_index()),
                    ChangeTag::Delete => (DiffKind::Removed, change.old_index(), None),
                };
                lines.push(DiffLine {
                    kind,
                    old_no: old_no.map(|n| n + 1),
                    new_no: new_no.map(|n| n + 1),
                    text,
                });
            }
        }
        if let Some(last) = group.last() {
            next_old = last.old_range().end;
        }
    }
    if !groups.is_empty() && next_old < total_old {
        lines.push(gap(total_old - next_old));
    }
    lines
}

fn gap(lines: usize) -> DiffLine {
    DiffLine {
        kind: DiffKind::Gap,
        old_no: None,
        new_no: None,
        text: if lines == 1 {
            "1 unchanged line".to_owned()
        } else {
            format!("{lines} unchanged lines")
        },
    }
}

#[cfg(test)]
mod editing_tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap()
    }

    fn fields() -> ArticleFields {
        ArticleFields {
            title: "What does a backend developer do?".into(),
            summary: "Tasks, tools and salaries of backend developers in Germany.".into(),
            body: "## Tasks\n\nAPIs.".into(),
            tags: "Career, backend".into(),
            author: "Jana Voss".into(),
            status: "draft".into(),
            version: "3".into(),
            ..ArticleFields::default()
        }
    }

    fn problems_of(fields: &ArticleFields) -> Vec<(&'static str, String)> {
        parse_draft(fields, now())
            .unwrap_err()
            .into_iter()
            .map(|p| (p.field, p.message))
            .collect()
    }

    #[test]
    fn a_valid_form_becomes_a_draft_with_a_slug_from_the_title() {
        let draft = parse_draft(&fields(), now()).unwrap();
        assert_eq!(draft.slug.as_str(), "what-does-a-backend-developer-do");
        assert_eq!(draft.tags, vec!["career", "backend"]);
        assert_eq!(draft.visibility, Visibility::Draft);
        assert_eq!(draft.cover_image_id, None);
        assert_eq!(fields().loaded_version(), 3);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let f = ArticleFields {
            title: " ".into(),
            slug: "Not a slug!".into(),
            summary: "x".repeat(301),
            tags: "a, ".to_owned() + &"b".repeat(41),
            author: String::new(),
            cover_image: "7".into(),
            status: "bogus".into(),
            ..ArticleFields::default()
        };
        let fields: Vec<&str> = problems_of(&f).iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec![
                "title",
                "slug",
                "summary",
                "tags",
                "author",
                "cover_alt",
                "status"
            ]
        );
    }

    #[test]
    fn a_typed_slug_is_kept_or_refused_with_a_suggestion() {
        assert_eq!(
            parse_slug(" my-guide ", "Title").unwrap().as_str(),
            "my-guide"
        );
        let message = parse_slug("My Guide", "Title").unwrap_err();
        assert!(message.contains("“my-guide”"), "{message}");
        assert!(parse_slug("", "!!!").is_err());
    }

    #[test]
    fn summaries_over_160_warn_and_over_300_are_refused() {
        let mut f = fields();
        f.summary = "x".repeat(160);
        assert!(form_warnings(&f).is_empty());
        f.summary = "x".repeat(161);
        assert_eq!(form_warnings(&f)[0].field, "summary");
        assert!(parse_draft(&f, now()).is_ok());
        f.summary = "x".repeat(300);
        assert!(parse_draft(&f, now()).is_ok());
        f.summary = "x".repeat(301);
        assert!(form_warnings(&f).is_empty());
        assert_eq!(problems_of(&f)[0].0, "summary");
        // Characters, not bytes.
        f.summary = "ä".repeat(300);
        assert!(parse_draft(&f, now()).is_ok());
    }

    #[test]
    fn tags_are_lower_cased_deduplicated_and_limited() {
        assert_eq!(
            parse_tags(" Rust, rust ,, Career ").unwrap(),
            vec!["rust", "career"]
        );
        assert_eq!(parse_tags("").unwrap(), Vec::<String>::new());
        assert!(parse_tags(&"x".repeat(40)).is_ok());
        assert!(parse_tags(&"x".repeat(41)).is_err());
        let ten = (0..10)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(parse_tags(&ten).unwrap().len(), 10);
        assert!(
            parse_tags(&format!("{ten},t10"))
                .unwrap_err()
                .contains("at most 10")
        );
    }

    #[test]
    fn a_cover_image_needs_alt_text() {
        let mut f = fields();
        f.cover_image = "12".into();
        assert_eq!(
            problems_of(&f),
            vec![("cover_alt", problems_of(&f)[0].1.clone())]
        );
        f.cover_alt = "  A developer at a standing desk ".into();
        let draft = parse_draft(&f, now()).unwrap();
        assert_eq!(draft.cover_image_id, Some(12));
        assert_eq!(draft.cover_alt, "A developer at a standing desk");
        f.cover_image = "x".into();
        assert_eq!(problems_of(&f)[0].0, "cover_image");
        // Alt text without an image is dropped.
        f.cover_image = String::new();
        assert_eq!(parse_draft(&f, now()).unwrap().cover_alt, "");
    }

    #[test]
    fn publishing_needs_a_summary_and_a_text() {
        let mut f = fields();
        f.status = "published".into();
        f.summary = String::new();
        f.body = "  ".into();
        let fields: Vec<&str> = problems_of(&f).iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["summary", "body"]);
        // Also when the schedule is wrong too, and in the form's order.
        f.status = "scheduled".into();
        let fields: Vec<&str> = problems_of(&f).iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec!["summary", "body", "publish_date", "publish_time"]
        );
        f.status = "draft".into();
        assert!(parse_draft(&f, now()).is_ok());
    }

    #[test]
    fn scheduled_times_are_berlin_time_stored_as_utc() {
        // 3 December: winter time, UTC+1.
        let at = parse_schedule("2026-12-03", "09:00", now()).unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 12, 3, 8, 0, 0).unwrap());
        // 1 July: summer time, UTC+2; seconds from some browsers are accepted.
        let at = parse_schedule("2027-07-01", "09:00:00", now()).unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2027, 7, 1, 7, 0, 0).unwrap());
        assert_eq!(berlin_long(at), "1 July 2027, 09:00");
        assert_eq!(
            berlin_inputs(at),
            ("2027-07-01".to_owned(), "09:00".to_owned())
        );
    }

    #[test]
    fn a_time_skipped_by_the_clock_change_is_refused() {
        // 28 March 2027: 02:00 becomes 03:00.
        let problems = parse_schedule("2027-03-28", "02:30", now()).unwrap_err();
        assert_eq!(problems[0].field, "publish_time");
        assert!(problems[0].message.contains("does not exist"));
        assert!(parse_schedule("2027-03-28", "03:00", now()).is_ok());
    }

    #[test]
    fn a_time_repeated_by_the_clock_change_means_the_earlier_instant() {
        // 31 October 2027: 02:30 happens twice; the first is still summer time (UTC+2).
        let at = parse_schedule("2027-10-31", "02:30", now()).unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2027, 10, 31, 0, 30, 0).unwrap());
    }

    #[test]
    fn a_schedule_must_be_complete_well_formed_and_ahead() {
        let fields_of = |d: &str, t: &str| -> Vec<&'static str> {
            parse_schedule(d, t, now())
                .unwrap_err()
                .into_iter()
                .map(|p| p.field)
                .collect()
        };
        assert_eq!(fields_of("", ""), vec!["publish_date", "publish_time"]);
        assert_eq!(
            fields_of("3.12.2026", "9 Uhr"),
            vec!["publish_date", "publish_time"]
        );
        // 2 December 10:00 UTC is 11:00 in Berlin: 10:59 has passed, 11:01 lies ahead.
        assert_eq!(fields_of("2026-12-02", "10:59"), vec!["publish_time"]);
        assert!(parse_schedule("2026-12-02", "11:01", now()).is_ok());
        let mut f = fields();
        f.status = "scheduled".into();
        assert_eq!(problems_of(&f).len(), 2);
    }

    #[test]
    fn publishing_keeps_the_date_of_a_live_article_and_dates_others_now() {
        let live = Publication {
            published_at: Some(now() - Duration::days(5)),
            retracted_at: None,
        };
        let ahead = Publication {
            published_at: Some(now() + Duration::days(1)),
            retracted_at: None,
        };
        let p = next_publication(Some(live), Visibility::Published, now());
        assert_eq!(p.published_at, live.published_at);
        let p = next_publication(Some(ahead), Visibility::Published, now());
        assert_eq!(p.published_at, Some(now()));
        let p = next_publication(None, Visibility::Published, now());
        assert_eq!(p.published_at, Some(now()));
        let when = now() + Duration::hours(3);
        assert_eq!(
            next_publication(Some(live), Visibility::Scheduled(when), now()),
            Publication {
                published_at: Some(when),
                retracted_at: None
            }
        );
    }

    #[test]
    fn going_back_to_draft_retracts_only_what_was_live() {
        let live = Publication {
            published_at: Some(now() - Duration::days(5)),
            retracted_at: None,
        };
        let ahead = Publication {
            published_at: Some(now() + Duration::days(1)),
            retracted_at: None,
        };
        assert_eq!(
            next_publication(Some(live), Visibility::Draft, now()),
            Publication {
                published_at: None,
                retracted_at: Some(now())
            }
        );
        assert_eq!(
            next_publication(Some(ahead), Visibility::Draft, now()),
            Publication::default()
        );
        // Republishing clears the retraction.
        let retracted = Publication {
            published_at: None,
            retracted_at: Some(now()),
        };
        assert_eq!(
            next_publication(Some(retracted), Visibility::Published, now()).retracted_at,
            None
        );
        assert_eq!(
            next_publication(Some(retracted), Visibility::Draft, now()).retracted_at,
            Some(now())
        );
    }

    #[test]
    fn each_save_is_audited_as_what_it_did() {
        let n = now();
        let draft = Publication::default();
        let live = Publication {
            published_at: Some(n - Duration::days(1)),
            retracted_at: None,
        };
        let ahead = Publication {
            published_at: Some(n + Duration::days(1)),
            retracted_at: None,
        };
        let later = Publication {
            published_at: Some(n + Duration::days(2)),
            retracted_at: None,
        };
        assert_eq!(save_action(None, draft, n), AuditAction::ArticleCreated);
        assert_eq!(save_action(None, live, n), AuditAction::ArticlePublished);
        assert_eq!(save_action(None, ahead, n), AuditAction::ArticleScheduled);
        assert_eq!(
            save_action(Some(draft), draft, n),
            AuditAction::ArticleUpdated
        );
        assert_eq!(
            save_action(Some(draft), live, n),
            AuditAction::ArticlePublished
        );
        assert_eq!(
            save_action(Some(live), live, n),
            AuditAction::ArticleUpdated
        );
        assert_eq!(
            save_action(Some(live), draft, n),
            AuditAction::ArticleUnpublished
        );
        assert_eq!(
            save_action(Some(ahead), ahead, n),
            AuditAction::ArticleUpdated
        );
        assert_eq!(
            save_action(Some(ahead), later, n),
            AuditAction::ArticleScheduled
        );
        assert_eq!(
            save_action(Some(ahead), draft, n),
            AuditAction::ArticleUpdated
        );
    }

    #[test]
    fn an_article_fills_the_form_it_was_saved_from() {
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 8, 0, 0).unwrap();
        let article = EditableArticle {
            id: 4,
            version: 7,
            slug: Slug::parse("guide").unwrap(),
            title: "Guide".into(),
            summary: "S".into(),
            body_markdown: "B".into(),
            tags: vec!["a".into(), "b".into()],
            author_name: "Jana".into(),
            cover_image_id: Some(9),
            cover_alt: "Alt".into(),
            publication: Publication {
                published_at: Some(at),
                retracted_at: None,
            },
            updated_at: now(),
        };
        let f = article.to_fields(now());
        assert_eq!(f.status, "scheduled");
        assert_eq!(
            (f.publish_date.as_str(), f.publish_time.as_str()),
            ("2026-12-03", "09:00")
        );
        assert_eq!(
            (f.tags.as_str(), f.cover_image.as_str(), f.version.as_str()),
            ("a, b", "9", "7")
        );
        let draft = parse_draft(&f, now()).unwrap();
        assert_eq!(draft.visibility, Visibility::Scheduled(at));
        assert_eq!(
            article.to_fields(at + Duration::minutes(1)).status,
            "published"
        );
    }

    #[test]
    fn cover_images_name_every_width_and_keep_the_aspect_ratio() {
        let cover = CoverImage::new(
            "abc123".into(),
            "jpg".into(),
            [1600, 480, 960],
            1600,
            900,
            "Alt".into(),
        );
        assert_eq!(
            cover.srcset(),
            "/media/abc123-480.jpg 480w, /media/abc123-960.jpg 960w, /media/abc123-1600.jpg 1600w"
        );
        assert_eq!(cover.src(), "/media/abc123-960.jpg");
        assert_eq!((cover.attr_width(), cover.attr_height()), (960, 540));
        assert_eq!(cover.height_for(480), 270);
        assert_eq!(cover.largest_url(), "/media/abc123-1600.jpg");
        let small = CoverImage::new("s".into(), "png".into(), [], 300, 200, String::new());
        assert_eq!(small.srcset(), "/media/s-300.png 300w");
    }

    #[test]
    fn line_diffs_mark_added_and_removed_lines_with_context() {
        let old = (1..=20).map(|i| format!("line {i}\n")).collect::<String>();
        let new = old.replace("line 10\n", "line ten\n") + "line 21\n";
        let diff = line_diff(&old, &new);
        let kinds: Vec<DiffKind> = diff.iter().map(|l| l.kind).collect();
        use DiffKind::*;
        assert_eq!(
            kinds,
            vec![
                Gap, Same, Same, Same, Removed, Added, Same, Same, Same, Gap, Same, Same, Same,
                Added
            ]
        );
        assert_eq!(diff[0].text, "6 unchanged lines");
        assert_eq!(
            (diff[4].text.as_str(), diff[4].old_no, diff[4].new_no),
            ("line 10", Some(10), None)
        );
        assert_eq!(
            (diff[5].text.as_str(), diff[5].old_no, diff[5].new_no),
            ("line ten", None, Some(10))
        );
        assert_eq!(diff.last().unwrap().text, "line 21");
        assert!(line_diff("same\n", "same\n").is_empty());
        assert_eq!(DiffKind::Removed.word(), "removed");
    }
}

/// Who saved a revision and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionMeta {
    pub version: i32,
    /// Empty for the state an article had before editors' revisions were kept.
    pub editor_name: String,
    pub created_at: DateTime<Utc>,
}

/// One saved state of an article, whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleRevision {
    pub meta: RevisionMeta,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub author_name: String,
    pub tags: Vec<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub cover_image_id: Option<i64>,
    pub cover_alt: String,
}
