//! Career articles: what the public may read, and the editors' changes.
//!
//! Every public query takes `now` and shows only articles with status 'published' and
//! `published_at <= now`: drafts never, scheduled articles from their minute on.
//! Every editorial change runs in one transaction with its audit entry
//! ([`super::audit::audited`]) and writes the article's whole new state as a revision.

use super::audit::audited;
use super::{RepoError, RepoResult};
use crate::db::models::{ArticleListRow, ArticleRow, NewArticleRow};
use crate::db::schema::{article_revisions, articles, images, slug_history};
use crate::domain::article::{
    Article, ArticleDraft, ArticleRevision, ArticleSummary, CoverImage, EditableArticle,
    NewArticle, Publication, RevisionMeta, berlin_long, next_publication, reading_minutes,
    save_action,
};
use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::editor::Editor;
use crate::domain::slug::Slug;
use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

const PUBLISHED: &str = "published";
const DRAFT: &str = "draft";

diesel::define_sql_function! {
    /// SQL `lower(text)`: the title search matches the trigram index on `lower(title)`.
    #[sql_name = "lower"]
    fn lower_text(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

fn summary_from(row: ArticleListRow) -> RepoResult<ArticleSummary> {
    Ok(ArticleSummary {
        slug: Slug::parse(row.slug)?,
        title: row.title,
        summary: row.summary,
        author_name: row.author_name,
        published_at: row
            .published_at
            .ok_or_else(|| RepoError::InvalidRow("published article without date".into()))?,
        reading_minutes: reading_minutes(&row.body),
    })
}

/// Published articles that are live at `now`, newest first.
pub fn list_published(
    conn: &mut PgConnection,
    limit: i64,
    offset: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<ArticleSummary>> {
    articles::table
        .filter(articles::status.eq(PUBLISHED))
        .filter(articles::published_at.le(now))
        .order((articles::published_at.desc(), articles::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(ArticleListRow::as_select())
        .load(conn)?
        .into_iter()
        .map(summary_from)
        .collect()
}

pub fn count_published(conn: &mut PgConnection, now: DateTime<Utc>) -> RepoResult<i64> {
    Ok(articles::table
        .filter(articles::status.eq(PUBLISHED))
        .filter(articles::published_at.le(now))
        .count()
        .get_result(conn)?)
}

/// An uploaded image's columns that make its URLs.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = images, check_for_backend(diesel::pg::Pg))]
struct ImageRow {
    base_name: String,
    extension: String,
    widths: Vec<Option<i32>>,
    width: i32,
    height: i32,
}

fn cover_from(row: ImageRow, alt: String) -> CoverImage {
    let positive = |n: i32| u32::try_from(n).unwrap_or(0);
    CoverImage::new(
        row.base_name,
        row.extension,
        row.widths.into_iter().flatten().map(positive),
        positive(row.width),
        positive(row.height),
        alt,
    )
}

/// A live article with its cover image; drafts and scheduled ones read as not found.
pub fn find_published_by_slug(
    conn: &mut PgConnection,
    slug: &Slug,
    now: DateTime<Utc>,
) -> RepoResult<Article> {
    let (row, cover_alt, image): (ArticleRow, String, Option<ImageRow>) = articles::table
        .left_join(images::table)
        .filter(articles::slug.eq(slug.as_str()))
        .filter(articles::status.eq(PUBLISHED))
        .filter(articles::published_at.le(now))
        .select((
            ArticleRow::as_select(),
            articles::cover_alt,
            Option::<ImageRow>::as_select(),
        ))
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("article"))?;
    let body_markdown = row.listing.body.clone();
    Ok(Article {
        id: row.id,
        summary: summary_from(row.listing)?,
        body_markdown,
        tags: row.tags.into_iter().flatten().collect(),
        updated_at: row.updated_at,
        cover: image.map(|image| cover_from(image, cover_alt)),
    })
}

/// Whether the article with this slug was taken off the site on purpose (unpublished
/// after it had been live), so that its address answers 410. Only drafts carry a
/// retraction: publishing again clears it.
/// Whether the article with this slug is public now.
pub fn is_public(conn: &mut PgConnection, slug: &Slug, now: DateTime<Utc>) -> RepoResult<bool> {
    Ok(diesel::select(exists(
        articles::table
            .filter(articles::slug.eq(slug.as_str()))
            .filter(articles::status.eq(PUBLISHED))
            .filter(articles::published_at.le(now)),
    ))
    .get_result(conn)?)
}

pub fn is_retracted(conn: &mut PgConnection, slug: &Slug) -> RepoResult<bool> {
    Ok(diesel::select(exists(
        articles::table
            .filter(articles::slug.eq(slug.as_str()))
            .filter(articles::status.eq(DRAFT))
            .filter(articles::retracted_at.is_not_null()),
    ))
    .get_result(conn)?)
}

/// Other live articles sharing at least one tag, newest first.
pub fn related(
    conn: &mut PgConnection,
    article: &Article,
    limit: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<ArticleSummary>> {
    if article.tags.is_empty() {
        return Ok(Vec::new());
    }
    let tags: Vec<Option<String>> = article.tags.iter().cloned().map(Some).collect();
    articles::table
        .filter(articles::status.eq(PUBLISHED))
        .filter(articles::published_at.le(now))
        .filter(articles::id.ne(article.id))
        .filter(articles::tags.overlaps_with(tags))
        .order((articles::published_at.desc(), articles::id.desc()))
        .limit(limit)
        .select(ArticleListRow::as_select())
        .load(conn)?
        .into_iter()
        .map(summary_from)
        .collect()
}

/// Inserts an article (seed content, tests); `None` when one with that slug exists
/// already. Editors' articles go through [`create`].
pub fn insert(conn: &mut PgConnection, article: &NewArticle) -> RepoResult<Option<i64>> {
    Ok(diesel::insert_into(articles::table)
        .values(NewArticleRow {
            slug: article.slug.as_str(),
            title: &article.title,
            summary: &article.summary,
            body: &article.body_markdown,
            author_name: &article.author_name,
            tags: article.tags.iter().map(String::as_str).collect(),
            status: if article.published_at.is_some() {
                PUBLISHED
            } else {
                DRAFT
            },
            published_at: article.published_at,
            updated_at: article.updated_at,
        })
        .on_conflict(articles::slug)
        .do_nothing()
        .returning(articles::id)
        .get_result(conn)
        .optional()?)
}

// ---------------------------------------------------------------------------------------
// The editors' side
// ---------------------------------------------------------------------------------------

/// Which articles the editors' list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    All,
    Draft,
    Scheduled,
    Published,
}

impl StatusFilter {
    pub const ALL: [Self; 4] = [Self::All, Self::Draft, Self::Scheduled, Self::Published];

    /// Anything unknown shows all.
    pub fn parse(raw: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == raw)
            .unwrap_or_default()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All",
            Self::Draft => "Drafts",
            Self::Scheduled => "Scheduled",
            Self::Published => "Published",
        }
    }
}

/// A row of the editors' list.
#[derive(Debug, Clone)]
pub struct ArticleListing {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub author_name: String,
    pub publication: Publication,
    pub updated_at: DateTime<Utc>,
    /// Who saved the newest revision; empty when nobody has (imported articles).
    pub changed_by: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles, check_for_backend(diesel::pg::Pg))]
struct ListingRow {
    id: i64,
    title: String,
    slug: String,
    author_name: String,
    status: String,
    published_at: Option<DateTime<Utc>>,
    retracted_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

fn publication_of(
    status: &str,
    published_at: Option<DateTime<Utc>>,
    retracted_at: Option<DateTime<Utc>>,
) -> Publication {
    Publication {
        published_at: if status == PUBLISHED {
            published_at
        } else {
            None
        },
        retracted_at,
    }
}

/// `%text%` for LIKE, with the pattern characters in `text` taken literally.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

fn listing_query<'a>(
    status: StatusFilter,
    search: &str,
    now: DateTime<Utc>,
) -> articles::BoxedQuery<'a, diesel::pg::Pg> {
    let mut query = articles::table.into_boxed();
    query = match status {
        StatusFilter::All => query,
        StatusFilter::Draft => query.filter(articles::status.eq(DRAFT)),
        StatusFilter::Scheduled => query
            .filter(articles::status.eq(PUBLISHED))
            .filter(articles::published_at.gt(now)),
        StatusFilter::Published => query
            .filter(articles::status.eq(PUBLISHED))
            .filter(articles::published_at.le(now)),
    };
    let search = search.trim();
    if !search.is_empty() {
        query = query.filter(lower_text(articles::title).ilike(contains_pattern(search)));
    }
    query
}

/// A page of the editors' list, most recently changed first, and how many match.
pub fn admin_list(
    conn: &mut PgConnection,
    status: StatusFilter,
    search: &str,
    now: DateTime<Utc>,
    limit: i64,
    offset: i64,
) -> RepoResult<(Vec<ArticleListing>, i64)> {
    let total: i64 = listing_query(status, search, now)
        .count()
        .get_result(conn)?;
    let rows: Vec<ListingRow> = listing_query(status, search, now)
        .order((articles::updated_at.desc(), articles::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(ListingRow::as_select())
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let changed_by: Vec<(i64, String)> = article_revisions::table
        .filter(article_revisions::article_id.eq_any(&ids))
        .distinct_on(article_revisions::article_id)
        .order((
            article_revisions::article_id,
            article_revisions::version.desc(),
        ))
        .select((
            article_revisions::article_id,
            article_revisions::editor_name,
        ))
        .load(conn)?;
    let listings = rows
        .into_iter()
        .map(|r| ArticleListing {
            changed_by: changed_by
                .iter()
                .find(|(id, _)| *id == r.id)
                .map(|(_, name)| name.clone())
                .unwrap_or_default(),
            publication: publication_of(&r.status, r.published_at, r.retracted_at),
            id: r.id,
            title: r.title,
            slug: r.slug,
            author_name: r.author_name,
            updated_at: r.updated_at,
        })
        .collect();
    Ok((listings, total))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles, check_for_backend(diesel::pg::Pg))]
struct EditableRow {
    id: i64,
    version: i32,
    slug: String,
    title: String,
    summary: String,
    body: String,
    tags: Vec<Option<String>>,
    author_name: String,
    cover_image_id: Option<i64>,
    cover_alt: String,
    status: String,
    published_at: Option<DateTime<Utc>>,
    retracted_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

fn editable_from(row: EditableRow) -> RepoResult<EditableArticle> {
    Ok(EditableArticle {
        id: row.id,
        version: row.version,
        slug: Slug::parse(row.slug)?,
        title: row.title,
        summary: row.summary,
        body_markdown: row.body,
        tags: row.tags.into_iter().flatten().collect(),
        author_name: row.author_name,
        cover_image_id: row.cover_image_id,
        cover_alt: row.cover_alt,
        publication: publication_of(&row.status, row.published_at, row.retracted_at),
        updated_at: row.updated_at,
    })
}

/// An article as the editors' form loads it, whatever its status.
pub fn find_editable(conn: &mut PgConnection, id: i64) -> RepoResult<EditableArticle> {
    let row = articles::table
        .find(id)
        .select(EditableRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("article"))?;
    editable_from(row)
}

/// The same, locking the row until the transaction ends.
fn lock_editable(conn: &mut PgConnection, id: i64) -> RepoResult<EditableArticle> {
    let row = articles::table
        .find(id)
        .select(EditableRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("article"))?;
    editable_from(row)
}

/// An image to choose as a cover: shown by its original name and upload date.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = images, check_for_backend(diesel::pg::Pg))]
pub struct ImageChoice {
    pub id: i64,
    pub original_name: String,
    pub created_at: DateTime<Utc>,
}

/// The newest `limit` uploaded images, plus `also` (an article's current cover) when it
/// is older than those.
pub fn image_choices(
    conn: &mut PgConnection,
    limit: i64,
    also: Option<i64>,
) -> RepoResult<Vec<ImageChoice>> {
    let mut choices: Vec<ImageChoice> = images::table
        .order((images::created_at.desc(), images::id.desc()))
        .limit(limit)
        .select(ImageChoice::as_select())
        .load(conn)?;
    let missing = also.filter(|id| !choices.iter().any(|c| c.id == *id));
    if let Some(id) = missing {
        let extra = images::table
            .find(id)
            .select(ImageChoice::as_select())
            .first(conn)
            .optional()?;
        choices.extend(extra);
    }
    Ok(choices)
}

/// An image as a cover with `alt`, for previews; `None` when it does not exist.
pub fn find_cover(
    conn: &mut PgConnection,
    image_id: i64,
    alt: &str,
) -> RepoResult<Option<CoverImage>> {
    Ok(images::table
        .find(image_id)
        .select(ImageRow::as_select())
        .first(conn)
        .optional()?
        .map(|row| cover_from(row, alt.to_owned())))
}

/// Whether another article has `slug`.
pub fn slug_taken(conn: &mut PgConnection, slug: &Slug, except: Option<i64>) -> RepoResult<bool> {
    let mut query = articles::table
        .filter(articles::slug.eq(slug.as_str()))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(articles::id.ne(id));
    }
    Ok(diesel::select(exists(query)).get_result(conn)?)
}

/// What a save did.
#[derive(Debug, Clone)]
pub struct Saved {
    pub id: i64,
    pub version: i32,
    pub action: AuditAction,
    pub publication: Publication,
    pub slug: Slug,
    /// A restore kept the current slug because another article has the revision's.
    pub kept_current_slug: bool,
}

/// How a save ended. Anything but `Saved` changed nothing.
#[derive(Debug, Clone)]
pub enum SaveOutcome {
    Saved(Saved),
    /// Another article has the slug.
    SlugTaken,
    /// The article is no longer at the version the form was loaded from.
    Stale,
    /// The chosen cover image does not exist (any more).
    NoSuchImage,
    /// The article (or revision) does not exist (any more).
    Missing,
}

// Reasons a change is rolled back, carried out of the transaction as a conflict.
const STALE: &str = "article: stale version";
const SLUG_TAKEN: &str = "article: slug taken";
const NO_SUCH_IMAGE: &str = "article: no such image";

fn conflict(why: &str) -> RepoError {
    RepoError::Conflict(why.to_owned())
}

fn outcome(result: RepoResult<Saved>) -> RepoResult<SaveOutcome> {
    match result {
        Ok(saved) => Ok(SaveOutcome::Saved(saved)),
        Err(RepoError::Conflict(why)) if why == STALE => Ok(SaveOutcome::Stale),
        Err(RepoError::Conflict(why)) if why == NO_SUCH_IMAGE => Ok(SaveOutcome::NoSuchImage),
        // Our own check, or the unique index on the slug when two saves race.
        Err(RepoError::Conflict(_)) => Ok(SaveOutcome::SlugTaken),
        Err(RepoError::NotFound(_)) => Ok(SaveOutcome::Missing),
        Err(e) => Err(e),
    }
}

/// An article's content columns, from a draft or a revision.
struct Content<'a> {
    slug: &'a Slug,
    title: &'a str,
    summary: &'a str,
    body: &'a str,
    author_name: &'a str,
    tags: &'a [String],
    cover_image_id: Option<i64>,
    cover_alt: &'a str,
}

impl<'a> Content<'a> {
    fn of(draft: &'a ArticleDraft) -> Self {
        Self {
            slug: &draft.slug,
            title: &draft.title,
            summary: &draft.summary,
            body: &draft.body_markdown,
            author_name: &draft.author_name,
            tags: &draft.tags,
            cover_image_id: draft.cover_image_id,
            cover_alt: &draft.cover_alt,
        }
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = articles, treat_none_as_null = true)]
struct ArticleChanges<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    body: &'a str,
    author_name: &'a str,
    tags: Vec<&'a str>,
    cover_image_id: Option<i64>,
    cover_alt: &'a str,
    status: &'a str,
    published_at: Option<DateTime<Utc>>,
    retracted_at: Option<DateTime<Utc>>,
    version: i32,
    editor_id: Option<i64>,
}

impl<'a> ArticleChanges<'a> {
    fn new(
        content: &'a Content<'a>,
        publication: Publication,
        version: i32,
        editor: &Editor,
    ) -> Self {
        Self {
            slug: content.slug.as_str(),
            title: content.title,
            summary: content.summary,
            body: content.body,
            author_name: content.author_name,
            tags: content.tags.iter().map(String::as_str).collect(),
            cover_image_id: content.cover_image_id,
            cover_alt: if content.cover_image_id.is_some() {
                content.cover_alt
            } else {
                ""
            },
            status: if publication.published_at.is_some() {
                PUBLISHED
            } else {
                DRAFT
            },
            published_at: publication.published_at,
            retracted_at: publication.retracted_at,
            version,
            editor_id: Some(editor.id),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = article_revisions)]
struct NewRevisionRow<'a> {
    article_id: i64,
    version: i32,
    editor_id: Option<i64>,
    editor_name: &'a str,
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    body: &'a str,
    author_name: &'a str,
    tags: Vec<&'a str>,
    status: &'a str,
    published_at: Option<DateTime<Utc>>,
    cover_image_id: Option<i64>,
    cover_alt: &'a str,
}

fn record_revision(
    conn: &mut PgConnection,
    article_id: i64,
    changes: &ArticleChanges<'_>,
    editor: &Editor,
) -> RepoResult<()> {
    diesel::insert_into(article_revisions::table)
        .values(NewRevisionRow {
            article_id,
            version: changes.version,
            editor_id: Some(editor.id),
            editor_name: &editor.display_name,
            slug: changes.slug,
            title: changes.title,
            summary: changes.summary,
            body: changes.body,
            author_name: changes.author_name,
            tags: changes.tags.clone(),
            status: changes.status,
            published_at: changes.published_at,
            cover_image_id: changes.cover_image_id,
            cover_alt: changes.cover_alt,
        })
        .execute(conn)?;
    Ok(())
}

/// Articles from before revisions were kept (seeded, imported) get their current state
/// recorded as the revision of their current version before the first change, so that
/// it can be compared and restored like any other.
fn keep_unrecorded_state(conn: &mut PgConnection, id: i64) -> RepoResult<()> {
    diesel::sql_query(
        "INSERT INTO article_revisions (article_id, version, editor_id, editor_name, created_at,
                slug, title, summary, body, author_name, tags, status, published_at,
                cover_image_id, cover_alt)
         SELECT a.id, a.version, a.editor_id,
                COALESCE((SELECT e.display_name FROM editors e WHERE e.id = a.editor_id), ''),
                a.updated_at, a.slug, a.title, a.summary, a.body, a.author_name, a.tags,
                a.status, a.published_at, a.cover_image_id, a.cover_alt
           FROM articles a WHERE a.id = $1
         ON CONFLICT (article_id, version) DO NOTHING",
    )
    .bind::<BigInt, _>(id)
    .execute(conn)?;
    Ok(())
}

fn check_cover(conn: &mut PgConnection, image_id: Option<i64>) -> RepoResult<()> {
    if let Some(id) = image_id {
        let found: bool = diesel::select(exists(images::table.find(id))).get_result(conn)?;
        if !found {
            return Err(conflict(NO_SUCH_IMAGE));
        }
    }
    Ok(())
}

/// Writes `content` over version `expected` of the article, as version `expected + 1`,
/// with its revision. The version check is the UPDATE's own condition, so two saves
/// from the same version cannot both succeed.
fn write_version(
    conn: &mut PgConnection,
    id: i64,
    expected: i32,
    content: &Content<'_>,
    publication: Publication,
    editor: &Editor,
) -> RepoResult<i32> {
    keep_unrecorded_state(conn, id)?;
    let changes = ArticleChanges::new(content, publication, expected + 1, editor);
    let updated = diesel::update(
        articles::table
            .filter(articles::id.eq(id))
            .filter(articles::version.eq(expected)),
    )
    .set(&changes)
    .execute(conn)?;
    if updated == 0 {
        return Err(conflict(STALE));
    }
    record_revision(conn, id, &changes, editor)?;
    Ok(changes.version)
}

/// The audit summary: the title, and where the article stands after the change.
fn describe(title: &str, publication: Publication, now: DateTime<Utc>) -> String {
    match publication.published_at {
        None => format!("{title} (draft)"),
        Some(at) if at > now => format!("{title} (goes live {} Berlin)", berlin_long(at)),
        Some(_) => format!("{title} (live)"),
    }
}

/// Creates an article from a validated draft as version 1, with its first revision.
/// `entry` gets the action the save amounts to, the new id and a summary.
pub fn create(
    conn: &mut PgConnection,
    draft: &ArticleDraft,
    editor: &Editor,
    entry: AuditEntry,
    now: DateTime<Utc>,
) -> RepoResult<SaveOutcome> {
    outcome(audited(conn, entry, |conn, entry| {
        check_cover(conn, draft.cover_image_id)?;
        let publication = next_publication(None, draft.visibility, now);
        let content = Content::of(draft);
        let changes = ArticleChanges::new(&content, publication, 1, editor);
        let id: i64 = diesel::insert_into(articles::table)
            .values(&changes)
            .on_conflict(articles::slug)
            .do_nothing()
            .returning(articles::id)
            .get_result(conn)
            .optional()?
            .ok_or_else(|| conflict(SLUG_TAKEN))?;
        record_revision(conn, id, &changes, editor)?;
        let action = save_action(None, publication, now);
        entry.action = action;
        entry.subject_id = Some(id);
        entry.summary = describe(&draft.title, publication, now);
        Ok(Saved {
            id,
            version: 1,
            action,
            publication,
            slug: draft.slug.clone(),
            kept_current_slug: false,
        })
    }))
}

/// Saves a validated draft over the article if it is still at `expected_version`.
pub fn update(
    conn: &mut PgConnection,
    id: i64,
    expected_version: i32,
    draft: &ArticleDraft,
    editor: &Editor,
    entry: AuditEntry,
    now: DateTime<Utc>,
) -> RepoResult<SaveOutcome> {
    outcome(audited(conn, entry, |conn, entry| {
        let before = lock_editable(conn, id)?;
        if before.version != expected_version {
            return Err(conflict(STALE));
        }
        if slug_taken(conn, &draft.slug, Some(id))? {
            return Err(conflict(SLUG_TAKEN));
        }
        check_cover(conn, draft.cover_image_id)?;
        let publication = next_publication(Some(before.publication), draft.visibility, now);
        let version = write_version(
            conn,
            id,
            expected_version,
            &Content::of(draft),
            publication,
            editor,
        )?;
        let action = save_action(Some(before.publication), publication, now);
        entry.action = action;
        entry.subject_id = Some(id);
        entry.summary = format!(
            "{} → version {version}",
            describe(&draft.title, publication, now)
        );
        Ok(Saved {
            id,
            version,
            action,
            publication,
            slug: draft.slug.clone(),
            kept_current_slug: false,
        })
    }))
}

/// Saves revision `from_version`'s content as the article's next version, if the
/// article is still at `expected_version`. Only content comes back: the article stays
/// as public (or not) as it is. When another article has taken the revision's slug
/// meanwhile, the current slug stays; a cover image deleted since is left out.
pub fn restore(
    conn: &mut PgConnection,
    id: i64,
    from_version: i32,
    expected_version: i32,
    editor: &Editor,
    entry: AuditEntry,
) -> RepoResult<SaveOutcome> {
    outcome(audited(conn, entry, |conn, entry| {
        let before = lock_editable(conn, id)?;
        let old = revision(conn, id, from_version)?;
        if before.version != expected_version {
            return Err(conflict(STALE));
        }
        let wanted = Slug::parse(old.slug.clone())?;
        let kept_current_slug = wanted != before.slug && slug_taken(conn, &wanted, Some(id))?;
        let slug = if kept_current_slug {
            before.slug.clone()
        } else {
            wanted
        };
        let cover_image_id = match old.cover_image_id {
            Some(image)
                if diesel::select(exists(images::table.find(image)))
                    .get_result::<bool>(conn)? =>
            {
                Some(image)
            }
            _ => None,
        };
        let content = Content {
            slug: &slug,
            title: &old.title,
            summary: &old.summary,
            body: &old.body_markdown,
            author_name: &old.author_name,
            tags: &old.tags,
            cover_image_id,
            cover_alt: &old.cover_alt,
        };
        let version = write_version(
            conn,
            id,
            expected_version,
            &content,
            before.publication,
            editor,
        )?;
        entry.action = AuditAction::ArticleRestored;
        entry.subject_id = Some(id);
        entry.summary = format!(
            "{}: revision {from_version} restored as version {version}",
            old.title
        );
        Ok(Saved {
            id,
            version,
            action: AuditAction::ArticleRestored,
            publication: before.publication,
            slug,
            kept_current_slug,
        })
    }))
}

/// How an unpublish ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    /// It had been live: its address now answers 410.
    WasLive { version: i32 },
    /// It was scheduled: it will not go live, and its address answers 404.
    WasScheduled { version: i32 },
    /// A draft already; nothing changed.
    AlreadyDraft,
}

/// Takes an article back to draft as a new version.
pub fn unpublish(
    conn: &mut PgConnection,
    id: i64,
    editor: &Editor,
    entry: AuditEntry,
    now: DateTime<Utc>,
) -> RepoResult<Unpublished> {
    if find_editable(conn, id)?.publication.published_at.is_none() {
        return Ok(Unpublished::AlreadyDraft);
    }
    audited(conn, entry, |conn, entry| {
        let before = lock_editable(conn, id)?;
        let publication = next_publication(
            Some(before.publication),
            crate::domain::article::Visibility::Draft,
            now,
        );
        let content = Content {
            slug: &before.slug,
            title: &before.title,
            summary: &before.summary,
            body: &before.body_markdown,
            author_name: &before.author_name,
            tags: &before.tags,
            cover_image_id: before.cover_image_id,
            cover_alt: &before.cover_alt,
        };
        let version = write_version(conn, id, before.version, &content, publication, editor)?;
        entry.action = AuditAction::ArticleUnpublished;
        entry.subject_id = Some(id);
        let was_live = before.publication.is_live(now);
        entry.summary = format!(
            "{} ({}) → version {version}",
            before.title,
            if was_live {
                "was live"
            } else {
                "was scheduled"
            }
        );
        Ok(if was_live {
            Unpublished::WasLive { version }
        } else {
            Unpublished::WasScheduled { version }
        })
    })
}

/// Deletes an article and its revisions; returns its title. The slug-history trigger
/// remembers the slug, so its address answers 410 from now on.
pub fn delete(conn: &mut PgConnection, id: i64, entry: AuditEntry) -> RepoResult<String> {
    audited(conn, entry, |conn, entry| {
        let before = lock_editable(conn, id)?;
        let was_public = diesel::select(exists(
            articles::table.find(id).filter(
                articles::retracted_at.is_not_null().or(articles::status
                    .eq(PUBLISHED)
                    .and(articles::published_at.le(diesel::dsl::now))),
            ),
        ))
        .get_result::<bool>(conn)?;
        diesel::delete(articles::table.find(id)).execute(conn)?;
        if !was_public {
            // A draft nobody saw leaves no trace: its addresses answer 404, not 410.
            diesel::delete(
                slug_history::table
                    .filter(slug_history::entity.eq("article"))
                    .filter(slug_history::entity_id.eq(id)),
            )
            .execute(conn)?;
        }
        entry.subject_id = Some(id);
        entry.summary = format!("{} (/articles/{})", before.title, before.slug);
        Ok(before.title)
    })
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = article_revisions, check_for_backend(diesel::pg::Pg))]
struct RevisionMetaRow {
    version: i32,
    editor_name: String,
    created_at: DateTime<Utc>,
}

impl From<RevisionMetaRow> for RevisionMeta {
    fn from(r: RevisionMetaRow) -> Self {
        Self {
            version: r.version,
            editor_name: r.editor_name,
            created_at: r.created_at,
        }
    }
}

/// An article's revisions, newest first.
pub fn revisions(conn: &mut PgConnection, id: i64) -> RepoResult<Vec<RevisionMeta>> {
    Ok(article_revisions::table
        .filter(article_revisions::article_id.eq(id))
        .order(article_revisions::version.desc())
        .select(RevisionMetaRow::as_select())
        .load(conn)?
        .into_iter()
        .map(RevisionMeta::from)
        .collect())
}

/// Who saved the article's current version and when, if that was recorded.
pub fn current_revision_meta(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
) -> RepoResult<Option<RevisionMeta>> {
    Ok(article_revisions::table
        .filter(article_revisions::article_id.eq(id))
        .filter(article_revisions::version.eq(version))
        .select(RevisionMetaRow::as_select())
        .first(conn)
        .optional()?
        .map(RevisionMeta::from))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = article_revisions, check_for_backend(diesel::pg::Pg))]
struct RevisionRow {
    #[diesel(embed)]
    meta: RevisionMetaRow,
    slug: String,
    title: String,
    summary: String,
    body: String,
    author_name: String,
    tags: Vec<Option<String>>,
    status: String,
    published_at: Option<DateTime<Utc>>,
    cover_image_id: Option<i64>,
    cover_alt: String,
}

/// One revision of an article, whole.
pub fn revision(conn: &mut PgConnection, id: i64, version: i32) -> RepoResult<ArticleRevision> {
    let row: RevisionRow = article_revisions::table
        .filter(article_revisions::article_id.eq(id))
        .filter(article_revisions::version.eq(version))
        .select(RevisionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("revision"))?;
    Ok(ArticleRevision {
        meta: row.meta.into(),
        slug: row.slug,
        title: row.title,
        summary: row.summary,
        body_markdown: row.body,
        author_name: row.author_name,
        tags: row.tags.into_iter().flatten().collect(),
        published_at: if row.status == PUBLISHED {
            row.published_at
        } else {
            None
        },
        cover_image_id: row.cover_image_id,
        cover_alt: row.cover_alt,
    })
}
