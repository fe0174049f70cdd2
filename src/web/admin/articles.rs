//! Editors write, preview, schedule, publish, unpublish, restore and delete articles.
//!
//! Every save is a whole revision and a new version. The form carries the version it
//! was loaded from; saving over a newer one answers 409 with both texts, and the
//! editor's text stays in the form, ready to be saved on purpose. Invalid input
//! answers 422 with every input kept; a preview renders the public article markup
//! above the form and saves nothing.

use super::path_id;
use crate::domain::article::{
    self, ArticleFields, ArticleRevision, CoverImage, DiffLine, EditableArticle, FieldProblem,
    PublicState, Publication, RevisionMeta, berlin_long, berlin_short,
};
use crate::domain::audit::AuditAction;
use crate::domain::dates;
use crate::domain::markdown::{self, SafeHtml};
use crate::repo::articles::{
    ArticleListing, ImageChoice, SaveOutcome, Saved, StatusFilter, Unpublished,
};
use crate::repo::{self, RepoError};
use crate::views::admin::{AdminLayout, AdminSection, FormErrors};
use crate::web::WebError;
use crate::web::auth::{AdminContext, AdminForm, see_other_with_flash};
use crate::web::db::with_conn;
use crate::web::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Articles on a page of the editors' list.
const PER_PAGE: i64 = 25;
/// Images offered as covers: the newest ones.
const IMAGE_CHOICES: i64 = 50;

fn edit_url(id: i64) -> String {
    format!("/admin/articles/{id}/edit")
}

// ---------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

/// Where an article stands, as the list and the form show it.
struct StatusView {
    /// "draft", "scheduled", "published": the badge's modifier.
    kind: &'static str,
    label: &'static str,
    /// Berlin date and time of going live, for scheduled and published articles.
    when: Option<(String, String)>,
}

impl StatusView {
    fn new(publication: Publication, now: DateTime<Utc>) -> Self {
        let state = publication.state(now);
        let when = match state {
            PublicState::Draft => None,
            PublicState::Scheduled(at) | PublicState::Live(at) => {
                Some((dates::iso_datetime(at), berlin_short(at)))
            }
        };
        Self {
            kind: state.as_str(),
            label: state.label(),
            when,
        }
    }
}

struct ListRow {
    title: String,
    edit_url: String,
    status: StatusView,
    author: String,
    changed: String,
    changed_iso: String,
    changed_by: String,
}

impl ListRow {
    fn new(a: ArticleListing, now: DateTime<Utc>) -> Self {
        Self {
            edit_url: edit_url(a.id),
            status: StatusView::new(a.publication, now),
            changed: berlin_short(a.updated_at),
            changed_iso: dates::iso_datetime(a.updated_at),
            changed_by: a.changed_by,
            title: a.title,
            author: a.author_name,
        }
    }
}

struct Choice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "admin/articles/list.html")]
struct ArticleListPage {
    layout: AdminLayout,
    rows: Vec<ListRow>,
    statuses: Vec<Choice>,
    q: String,
    filtered: bool,
    total: i64,
    page: i64,
    pages: i64,
    prev_url: Option<String>,
    next_url: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn index(
    state: web::Data<AppState>,
    ctx: AdminContext,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let q = query.into_inner();
    let status = StatusFilter::parse(&q.status);
    let search: String = q.q.trim().chars().take(200).collect();
    let page = super::list_page(&q.page);
    let now = Utc::now();
    let (rows, total) = {
        let search = search.clone();
        with_conn(&state.pool, move |conn| {
            repo::articles::admin_list(conn, status, &search, now, PER_PAGE, (page - 1) * PER_PAGE)
        })
        .await?
    };
    let pages = super::list_pages(total, PER_PAGE);
    let url_for = |n: i64| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if status != StatusFilter::All {
            pairs.push(("status", status.as_str().to_owned()));
        }
        if !search.is_empty() {
            pairs.push(("q", search.clone()));
        }
        if n > 1 {
            pairs.push(("page", n.to_string()));
        }
        crate::web::listing_path(
            "/admin/articles",
            &serde_urlencoded::to_string(&pairs).unwrap_or_default(),
        )
    };
    let body = ArticleListPage {
        layout: ctx.layout(AdminSection::Articles, "Articles"),
        rows: rows.into_iter().map(|a| ListRow::new(a, now)).collect(),
        statuses: StatusFilter::ALL
            .iter()
            .map(|f| Choice {
                value: f.as_str(),
                label: f.label(),
                selected: *f == status,
            })
            .collect(),
        filtered: status != StatusFilter::All || !search.is_empty(),
        q: search.clone(),
        total,
        page,
        pages,
        prev_url: (page > 1).then(|| url_for(page - 1)),
        next_url: (page < pages).then(|| url_for(page + 1)),
    }
    .render()?;
    Ok(super::page(StatusCode::OK, body))
}

// ---------------------------------------------------------------------------------------
// The form: new, edit, preview, 422, 409 and resuming after sign-in
// ---------------------------------------------------------------------------------------

/// A post of the article form: its fields and which button sent it.
#[derive(Deserialize, Default)]
pub struct ArticlePost {
    #[serde(flatten)]
    fields: ArticleFields,
    #[serde(default)]
    action: String,
}

impl ArticlePost {
    fn is_preview(&self) -> bool {
        self.action == "preview"
    }
}

/// The public article markup (`articles/article_body.html`), for the preview.
#[derive(Template)]
#[template(path = "articles/article_body.html")]
struct ArticlePreview {
    title: String,
    summary: String,
    author: String,
    published_iso: String,
    published_long: String,
    updated: Option<(String, String)>,
    reading_time: String,
    body: SafeHtml,
    tags: Vec<String>,
    cover: Option<CoverImage>,
}

impl ArticlePreview {
    /// The article as it would read once saved, from the fields as typed: lenient where
    /// saving is strict, so that a preview works before everything is valid.
    fn new(
        fields: &ArticleFields,
        current: Option<&EditableArticle>,
        cover: Option<CoverImage>,
        now: DateTime<Utc>,
    ) -> Self {
        let live_since = current.and_then(|a| match a.publication.state(now) {
            PublicState::Live(at) => Some(at),
            _ => None,
        });
        let published = match fields.status.as_str() {
            "scheduled" => {
                article::parse_schedule(&fields.publish_date, &fields.publish_time, now).ok()
            }
            "published" => live_since,
            _ => None,
        }
        .unwrap_or(now);
        // The public page says "Updated" when the last change is on a later day.
        let updated = (now.date_naive() > published.date_naive() && published <= now)
            .then(|| (dates::iso_date(now), dates::long_date(now)));
        let tags = article::parse_tags(&fields.tags).unwrap_or_else(|_| {
            fields
                .tags
                .split(',')
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty())
                .collect()
        });
        Self {
            title: fields.title.trim().to_owned(),
            summary: fields.summary.trim().to_owned(),
            author: fields.author.trim().to_owned(),
            published_iso: dates::iso_date(published),
            published_long: dates::long_date(published),
            updated,
            reading_time: format!("{} min read", article::reading_minutes(&fields.body)),
            body: markdown::render(&fields.body),
            tags,
            cover,
        }
    }
}

struct ImageOption {
    value: String,
    label: String,
    selected: bool,
}

/// Both sides of a conflict: the version saved meanwhile and the editor's own text.
struct ConflictView {
    version: i32,
    saved_by: String,
    saved_at: String,
    saved_iso: String,
    theirs: TextSide,
    yours: TextSide,
    /// The text's line diff from the saved version to the editor's.
    diff: Vec<DiffLine>,
}

struct TextSide {
    title: String,
    summary: String,
    body: String,
}

/// What the form page needs besides the fields.
struct FormContext {
    /// The article as saved now; `None` for a new one.
    current: Option<EditableArticle>,
    /// Who saved the current version, when recorded.
    current_meta: Option<RevisionMeta>,
    images: Vec<ImageChoice>,
    /// The chosen cover, for a preview.
    cover: Option<CoverImage>,
}

#[derive(Template)]
#[template(path = "admin/articles/form.html")]
struct ArticleFormPage {
    layout: AdminLayout,
    heading: String,
    action_url: String,
    article_id: Option<i64>,
    status: Option<StatusView>,
    version_line: Option<String>,
    public_url: Option<String>,
    can_unpublish: bool,
    form: ArticleFields,
    errors: FormErrors,
    warnings: FormErrors,
    notice: Option<String>,
    /// The rendered public article markup (escaped by its own template).
    preview_html: Option<String>,
    conflict: Option<ConflictView>,
    images: Vec<ImageOption>,
    summary_chars: usize,
    slug_base: String,
    /// What the slug will be when the field is left empty.
    slug_suggestion: String,
    /// The form holds text that is not saved (a refused save, a preview, a conflict, a
    /// resumed form): leaving the page warns even before anything is typed.
    unsaved: bool,
}

/// How the form page was reached.
struct FormState {
    form: ArticleFields,
    errors: FormErrors,
    notice: Option<String>,
    preview: bool,
    conflict: bool,
}

impl FormState {
    fn fresh(form: ArticleFields) -> Self {
        Self {
            form,
            errors: FormErrors::default(),
            notice: None,
            preview: false,
            conflict: false,
        }
    }
}

fn form_errors(problems: &[FieldProblem]) -> FormErrors {
    let mut errors = FormErrors::default();
    for p in problems {
        errors.add(p.field, p.message.clone());
    }
    errors
}

/// Loads what the form shows besides the fields (the article as saved, the images).
async fn form_context(
    state: &AppState,
    id: Option<i64>,
    fields: &ArticleFields,
    with_cover: bool,
) -> Result<FormContext, WebError> {
    let chosen = fields.cover_image.trim().parse::<i64>().ok();
    let alt = fields.cover_alt.trim().to_owned();
    with_conn(&state.pool, move |conn| {
        let current = match id {
            Some(id) => match repo::articles::find_editable(conn, id) {
                Ok(a) => Some(a),
                Err(RepoError::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let current_meta = match &current {
            Some(a) => repo::articles::current_revision_meta(conn, a.id, a.version)?,
            None => None,
        };
        let images = repo::articles::image_choices(
            conn,
            IMAGE_CHOICES,
            chosen.or(current.as_ref().and_then(|a| a.cover_image_id)),
        )?;
        let cover = match (with_cover, chosen) {
            (true, Some(image)) => repo::articles::find_cover(conn, image, &alt)?,
            _ => None,
        };
        Ok(FormContext {
            current,
            current_meta,
            images,
            cover,
        })
    })
    .await
}

fn saved_by(meta: Option<&RevisionMeta>, current: &EditableArticle) -> (String, String, String) {
    match meta {
        Some(m) => (
            if m.editor_name.is_empty() {
                "an import".to_owned()
            } else {
                m.editor_name.clone()
            },
            berlin_long(m.created_at),
            dates::iso_datetime(m.created_at),
        ),
        None => (
            "an import".to_owned(),
            berlin_long(current.updated_at),
            dates::iso_datetime(current.updated_at),
        ),
    }
}

/// Renders the form page. The form posts to the article when `ctx.current` exists,
/// otherwise it creates a new one.
fn render_form(
    state: &AppState,
    ctx: &AdminContext,
    page: FormState,
    context: FormContext,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let FormState {
        mut form,
        errors,
        notice,
        preview,
        conflict,
    } = page;
    let current = context.current.as_ref();
    let conflict = match (conflict, current) {
        (true, Some(current)) => {
            let (saved_by, saved_at, saved_iso) = saved_by(context.current_meta.as_ref(), current);
            let view = ConflictView {
                version: current.version,
                saved_by,
                saved_at,
                saved_iso,
                theirs: TextSide {
                    title: current.title.clone(),
                    summary: current.summary.clone(),
                    body: current.body_markdown.clone(),
                },
                yours: TextSide {
                    title: form.title.clone(),
                    summary: form.summary.clone(),
                    body: form.body.clone(),
                },
                diff: article::line_diff(&current.body_markdown, &form.body),
            };
            // A second save goes through: the editor has seen what it replaces.
            form.version = current.version.to_string();
            Some(view)
        }
        _ => None,
    };
    let preview_html = if preview {
        Some(ArticlePreview::new(&form, current, context.cover.clone(), now).render()?)
    } else {
        None
    };
    let chosen = form.cover_image.trim().to_owned();
    let images = context
        .images
        .iter()
        .map(|i| ImageOption {
            value: i.id.to_string(),
            label: format!(
                "{} ({})",
                if i.original_name.is_empty() {
                    format!("Image {}", i.id)
                } else {
                    i.original_name.clone()
                },
                berlin_short(i.created_at)
            ),
            selected: i.id.to_string() == chosen,
        })
        .collect();
    let (heading, action_url, version_line) = match current {
        Some(a) => {
            let (by, at, _) = saved_by(context.current_meta.as_ref(), a);
            (
                format!("Edit “{}”", a.title),
                format!("/admin/articles/{}", a.id),
                Some(format!(
                    "Version {} · saved by {by} on {at} (Berlin)",
                    a.version
                )),
            )
        }
        None => ("New article".to_owned(), "/admin/articles".to_owned(), None),
    };
    let unsaved = preview || conflict.is_some() || !errors.is_empty() || notice.is_some();
    let body = ArticleFormPage {
        layout: ctx.layout(AdminSection::Articles, heading.clone()),
        heading,
        action_url,
        article_id: current.map(|a| a.id),
        status: current.map(|a| StatusView::new(a.publication, now)),
        version_line,
        public_url: current
            .filter(|a| a.publication.is_live(now))
            .map(|a| format!("/articles/{}", a.slug)),
        can_unpublish: current.is_some_and(|a| a.publication.published_at.is_some()),
        warnings: form_errors(&article::form_warnings(&form)),
        summary_chars: form.summary.trim().chars().count(),
        slug_base: format!("{}/articles/", state.base_url),
        slug_suggestion: crate::domain::slug::Slug::from_text(&form.title)
            .map(|s| s.into_string())
            .unwrap_or_default(),
        form,
        errors,
        notice,
        preview_html,
        conflict,
        images,
        unsaved,
    }
    .render()?;
    Ok(super::page(status, body))
}

fn blank_form(ctx: &AdminContext) -> ArticleFields {
    ArticleFields {
        author: ctx.editor.display_name.clone(),
        status: "draft".to_owned(),
        ..ArticleFields::default()
    }
}

#[tracing::instrument(skip_all)]
pub async fn new_form(
    state: web::Data<AppState>,
    ctx: AdminContext,
) -> Result<HttpResponse, WebError> {
    let form = blank_form(&ctx);
    let context = form_context(&state, None, &form, false).await?;
    render_form(
        &state,
        &ctx,
        FormState::fresh(form),
        context,
        StatusCode::OK,
    )
}

#[tracing::instrument(skip_all)]
pub async fn edit(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let now = Utc::now();
    // The saved cover is among the choices even when older than the newest 50.
    let context = form_context(&state, Some(id), &ArticleFields::default(), false).await?;
    let form = context
        .current
        .as_ref()
        .ok_or(WebError::NotFound)?
        .to_fields(now);
    render_form(
        &state,
        &ctx,
        FormState::fresh(form),
        context,
        StatusCode::OK,
    )
}

/// The flash message after a save. Flash messages travel in a cookie, which ends at
/// the first semicolon: none in these.
fn saved_message(saved: &Saved, warnings: &[FieldProblem], now: DateTime<Utc>) -> String {
    let mut message = match (saved.action, saved.publication.state(now)) {
        (AuditAction::ArticleScheduled, PublicState::Scheduled(at)) => {
            format!("Article scheduled for {} (Berlin).", berlin_long(at))
        }
        (AuditAction::ArticlePublished, _) => "Article published.".to_owned(),
        (AuditAction::ArticleUnpublished, _) => {
            "Article unpublished: it is a draft again and its address answers “gone”.".to_owned()
        }
        (_, PublicState::Live(_)) => "Changes saved. They are live.".to_owned(),
        (_, PublicState::Scheduled(at)) => {
            format!(
                "Changes saved. The article goes live on {} (Berlin).",
                berlin_long(at)
            )
        }
        (_, PublicState::Draft) => "Draft saved.".to_owned(),
    };
    if !warnings.is_empty() {
        message.push_str(
            " Note: the summary is longer than search results show (about 160 characters).",
        );
    }
    message
}

/// What a refused save adds to the form's errors.
fn refusal_errors(outcome: &SaveOutcome) -> Option<FormErrors> {
    let mut errors = FormErrors::default();
    match outcome {
        SaveOutcome::SlugTaken => {
            errors.add("slug", "Another article has this slug; choose another one.")
        }
        SaveOutcome::NoSuchImage => errors.add(
            "cover_image",
            "That image is no longer there; choose another one or none.",
        ),
        _ => return None,
    }
    Some(errors)
}

#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    ctx: AdminContext,
    AdminForm(post): AdminForm<ArticlePost>,
) -> Result<HttpResponse, WebError> {
    submit(&state, &ctx, None, post).await
}

#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
    AdminForm(post): AdminForm<ArticlePost>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    submit(&state, &ctx, Some(id), post).await
}

const DELETED_MEANWHILE: &str = "This article was deleted while you were editing it. Your text is below: saving it creates a new article.";

/// Create (`id` None) or update: preview, validate, save, or show why not.
async fn submit(
    state: &AppState,
    ctx: &AdminContext,
    id: Option<i64>,
    post: ArticlePost,
) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let preview = post.is_preview();
    let fields = post.fields;
    let context = form_context(state, id, &fields, preview).await?;
    if id.is_some() && context.current.is_none() {
        let page = FormState {
            notice: Some(DELETED_MEANWHILE.to_owned()),
            ..FormState::fresh(ArticleFields {
                version: String::new(),
                ..fields
            })
        };
        return render_form(state, ctx, page, context, StatusCode::CONFLICT);
    }
    let draft = article::parse_draft(&fields, now);
    if preview {
        let page = FormState {
            errors: draft.err().map(|p| form_errors(&p)).unwrap_or_default(),
            preview: true,
            ..FormState::fresh(fields)
        };
        return render_form(state, ctx, page, context, StatusCode::OK);
    }
    let draft = match draft {
        Ok(draft) => draft,
        Err(problems) => {
            let page = FormState {
                errors: form_errors(&problems),
                ..FormState::fresh(fields)
            };
            return render_form(state, ctx, page, context, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let warnings = article::form_warnings(&fields);
    let editor = ctx.editor.clone();
    let expected = fields.loaded_version();
    let entry = ctx.audit(
        AuditAction::ArticleUpdated,
        "article",
        id,
        draft.title.clone(),
    );
    let outcome = with_conn(&state.pool, move |conn| match id {
        None => repo::articles::create(conn, &draft, &editor, entry, now),
        Some(id) => repo::articles::update(conn, id, expected, &draft, &editor, entry, now),
    })
    .await?;
    match outcome {
        SaveOutcome::Saved(saved) => {
            tracing::info!(
                article.id = saved.id,
                article.version = saved.version,
                "article saved"
            );
            Ok(see_other_with_flash(
                state,
                &edit_url(saved.id),
                &saved_message(&saved, &warnings, now),
            ))
        }
        SaveOutcome::Stale => {
            // Load the version that won, to show it beside the editor's text.
            let context = form_context(state, id, &fields, false).await?;
            let page = FormState {
                conflict: context.current.is_some(),
                notice: context
                    .current
                    .is_none()
                    .then(|| DELETED_MEANWHILE.to_owned()),
                ..FormState::fresh(fields)
            };
            render_form(state, ctx, page, context, StatusCode::CONFLICT)
        }
        SaveOutcome::Missing => {
            let context = form_context(state, None, &fields, false).await?;
            let page = FormState {
                notice: Some(DELETED_MEANWHILE.to_owned()),
                ..FormState::fresh(ArticleFields {
                    version: String::new(),
                    ..fields
                })
            };
            render_form(state, ctx, page, context, StatusCode::CONFLICT)
        }
        refused => {
            let errors = refusal_errors(&refused).unwrap_or_default();
            let page = FormState {
                errors,
                ..FormState::fresh(fields)
            };
            render_form(state, ctx, page, context, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// Which article form a path posts to: a new article, or an existing one.
pub fn resume_target(path: &str) -> Option<Option<i64>> {
    match path.strip_prefix("/admin/articles") {
        Some("") => Some(None),
        Some(rest) => rest
            .strip_prefix('/')
            .and_then(|id| path_id(id).ok())
            .map(Some),
        None => None,
    }
}

/// The article form with the fields an interrupted save posted (after signing in again).
pub async fn resume(
    state: &AppState,
    ctx: &AdminContext,
    id: Option<i64>,
    resume: &str,
) -> Result<HttpResponse, WebError> {
    let post: ArticlePost = serde_urlencoded::from_str(resume).unwrap_or_default();
    let fields = post.fields;
    let context = form_context(state, id, &fields, false).await?;
    let notice = if id.is_some() && context.current.is_none() {
        DELETED_MEANWHILE
    } else {
        "You were signed out while writing. Here is your text — check it and save."
    };
    let fields = if context.current.is_none() {
        ArticleFields {
            version: String::new(),
            ..fields
        }
    } else {
        fields
    };
    let page = FormState {
        notice: Some(notice.to_owned()),
        ..FormState::fresh(fields)
    };
    render_form(state, ctx, page, context, StatusCode::OK)
}

// ---------------------------------------------------------------------------------------
// Revisions
// ---------------------------------------------------------------------------------------

struct RevisionRow {
    version: i32,
    who: String,
    when: String,
    when_iso: String,
    diff_url: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "admin/articles/revisions.html")]
struct RevisionsPage {
    layout: AdminLayout,
    article_id: i64,
    title: String,
    revisions: Vec<RevisionRow>,
}

fn editor_label(name: &str) -> String {
    if name.is_empty() {
        "Before revisions were kept".to_owned()
    } else {
        name.to_owned()
    }
}

#[tracing::instrument(skip_all)]
pub async fn revisions(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let (current, revisions) = with_conn(&state.pool, move |conn| {
        Ok((
            repo::articles::find_editable(conn, id)?,
            repo::articles::revisions(conn, id)?,
        ))
    })
    .await?;
    let body = RevisionsPage {
        layout: ctx.layout(
            AdminSection::Articles,
            format!("Revisions of “{}”", current.title),
        ),
        article_id: id,
        title: current.title.clone(),
        revisions: revisions
            .into_iter()
            .map(|r| RevisionRow {
                current: r.version == current.version,
                diff_url: format!("/admin/articles/{id}/revisions/{}", r.version),
                who: editor_label(&r.editor_name),
                when: berlin_long(r.created_at),
                when_iso: dates::iso_datetime(r.created_at),
                version: r.version,
            })
            .collect(),
    }
    .render()?;
    Ok(super::page(StatusCode::OK, body))
}

/// A field that differs between a revision and the current version.
struct FieldChange {
    label: &'static str,
    then: String,
    now: String,
}

fn field_changes(old: &ArticleRevision, current: &EditableArticle) -> Vec<FieldChange> {
    let cover = |id: Option<i64>| id.map_or_else(|| "none".to_owned(), |id| format!("image {id}"));
    let pairs = [
        ("Title", old.title.clone(), current.title.clone()),
        ("Slug", old.slug.clone(), current.slug.to_string()),
        ("Summary", old.summary.clone(), current.summary.clone()),
        (
            "Author",
            old.author_name.clone(),
            current.author_name.clone(),
        ),
        ("Tags", old.tags.join(", "), current.tags.join(", ")),
        (
            "Cover image",
            cover(old.cover_image_id),
            cover(current.cover_image_id),
        ),
        ("Alt text", old.cover_alt.clone(), current.cover_alt.clone()),
    ];
    pairs
        .into_iter()
        .filter(|(_, then, now)| then != now)
        .map(|(label, then, now)| FieldChange { label, then, now })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/articles/diff.html")]
struct DiffPage {
    layout: AdminLayout,
    article_id: i64,
    title: String,
    version: i32,
    current_version: i32,
    who: String,
    when: String,
    when_iso: String,
    changes: Vec<FieldChange>,
    diff: Vec<DiffLine>,
    notice: Option<String>,
}

async fn diff_page(
    state: &AppState,
    ctx: &AdminContext,
    id: i64,
    version: i32,
    notice: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let (current, old) = with_conn(&state.pool, move |conn| {
        Ok((
            repo::articles::find_editable(conn, id)?,
            repo::articles::revision(conn, id, version)?,
        ))
    })
    .await?;
    let body = DiffPage {
        layout: ctx.layout(
            AdminSection::Articles,
            format!("Revision {version} of “{}”", current.title),
        ),
        article_id: id,
        title: current.title.clone(),
        version,
        current_version: current.version,
        who: editor_label(&old.meta.editor_name),
        when: berlin_long(old.meta.created_at),
        when_iso: dates::iso_datetime(old.meta.created_at),
        changes: field_changes(&old, &current),
        diff: article::line_diff(&old.body_markdown, &current.body_markdown),
        notice,
    }
    .render()?;
    Ok(super::page(status, body))
}

fn path_version(raw: &str) -> Result<i32, WebError> {
    raw.parse::<i32>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or(WebError::NotFound)
}

#[tracing::instrument(skip_all)]
pub async fn revision(
    state: web::Data<AppState>,
    ctx: AdminContext,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let (id, version) = path.into_inner();
    diff_page(
        &state,
        &ctx,
        path_id(&id)?,
        path_version(&version)?,
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

#[tracing::instrument(skip_all)]
pub async fn restore(
    state: web::Data<AppState>,
    ctx: AdminContext,
    path: web::Path<(String, String)>,
    AdminForm(form): AdminForm<VersionForm>,
) -> Result<HttpResponse, WebError> {
    let (id, version) = path.into_inner();
    let (id, from) = (path_id(&id)?, path_version(&version)?);
    let expected = form.version.trim().parse::<i32>().unwrap_or(0);
    let editor = ctx.editor.clone();
    let entry = ctx.audit(AuditAction::ArticleRestored, "article", Some(id), "");
    let outcome = with_conn(&state.pool, move |conn| {
        repo::articles::restore(conn, id, from, expected, &editor, entry)
    })
    .await?;
    match outcome {
        SaveOutcome::Saved(saved) => {
            let mut message = format!("Revision {from} restored as version {}.", saved.version);
            if saved.kept_current_slug {
                message.push_str(" Another article has its slug now, so the current slug stays.");
            }
            Ok(see_other_with_flash(&state, &edit_url(id), &message))
        }
        SaveOutcome::Stale => {
            diff_page(
                &state,
                &ctx,
                id,
                from,
                Some("The article was saved again while you were looking; here is the difference to the version now saved. Restore again if you still want to.".to_owned()),
                StatusCode::CONFLICT,
            )
            .await
        }
        SaveOutcome::Missing => Err(WebError::NotFound),
        other => Err(WebError::Internal(anyhow::anyhow!("restore refused: {other:?}"))),
    }
}

// ---------------------------------------------------------------------------------------
// Unpublish and delete
// ---------------------------------------------------------------------------------------

#[tracing::instrument(skip_all)]
pub async fn unpublish(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let now = Utc::now();
    let editor = ctx.editor.clone();
    let entry = ctx.audit(AuditAction::ArticleUnpublished, "article", Some(id), "");
    let outcome = with_conn(&state.pool, move |conn| {
        repo::articles::unpublish(conn, id, &editor, entry, now)
    })
    .await?;
    let message = match outcome {
        Unpublished::WasLive { .. } => {
            "Article unpublished. It is a draft again, and its address now answers “gone” (410)."
        }
        Unpublished::WasScheduled { .. } => {
            "Article unpublished. It is a draft again and will not go live."
        }
        Unpublished::AlreadyDraft => "The article is a draft already. Nothing changed.",
    };
    Ok(see_other_with_flash(&state, &edit_url(id), message))
}

#[derive(Template)]
#[template(path = "admin/articles/delete.html")]
struct DeletePage {
    layout: AdminLayout,
    article_id: i64,
    title: String,
    status: StatusView,
    public_url: String,
}

#[tracing::instrument(skip_all)]
pub async fn delete_confirm(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let current = with_conn(&state.pool, move |conn| {
        repo::articles::find_editable(conn, id)
    })
    .await?;
    let body = DeletePage {
        layout: ctx.layout(
            AdminSection::Articles,
            format!("Delete “{}”?", current.title),
        ),
        article_id: id,
        status: StatusView::new(current.publication, Utc::now()),
        public_url: format!("/articles/{}", current.slug),
        title: current.title,
    }
    .render()?;
    Ok(super::page(StatusCode::OK, body))
}

#[tracing::instrument(skip_all)]
pub async fn delete(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let entry = ctx.audit(AuditAction::ArticleDeleted, "article", Some(id), "");
    let title = with_conn(&state.pool, move |conn| {
        repo::articles::delete(conn, id, entry)
    })
    .await?;
    tracing::info!(article.id = id, "article deleted");
    Ok(see_other_with_flash(
        &state,
        "/admin/articles",
        &format!(
            "Article deleted: “{}”. Its address now answers “gone” (410).",
            title.replace(';', ",")
        ),
    ))
}
