//! Editors manage jobs: a filtered list, create and edit with the submission linter,
//! close, reopen and delete. Invalid input answers 422 with every input kept; the
//! linter's warnings are shown beside their fields and do not block a save.

use super::path_id;
use crate::domain::audit::AuditAction;
use crate::domain::dates;
use crate::domain::job::JobStatus;
use crate::domain::technology::Technology;
use crate::repo;
use crate::repo::admin_jobs::{AdminJobListing, JobInput, JobListFilter, JobStatusFilter};
use crate::views::admin::{AdminLayout, AdminSection, FormErrors};
use crate::web::WebError;
use crate::web::auth::{AdminContext, AdminForm, form_body, see_other_with_flash};
use crate::web::db::with_conn;
use crate::web::job_form::{self, Choice, JobChoices, JobFields};
use crate::web::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Jobs on a page of the editors' list.
const PER_PAGE: i64 = 25;

fn edit_url(id: i64) -> String {
    format!("/admin/jobs/{id}/edit")
}

/// Where a job stands, as the list and the form show it.
struct JobState {
    /// "draft", "published", "closed", "expired": the badge's modifier.
    kind: &'static str,
    label: &'static str,
}

impl JobState {
    fn new(status: &str, valid_through: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        match JobStatus::parse(status) {
            Ok(JobStatus::Published) if valid_through <= now => Self {
                kind: "expired",
                label: "Expired",
            },
            Ok(s) => Self {
                kind: s.as_str(),
                label: s.label(),
            },
            Err(_) => Self {
                kind: "draft",
                label: "Unknown",
            },
        }
    }
}

// ---------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

struct ListRow {
    title: String,
    edit_url: String,
    state: JobState,
    company: String,
    valid_through: String,
    valid_through_iso: String,
}

impl ListRow {
    fn new(j: AdminJobListing, now: DateTime<Utc>) -> Self {
        Self {
            edit_url: edit_url(j.id),
            state: JobState::new(&j.status, j.valid_through, now),
            valid_through: dates::long_date(j.valid_through),
            valid_through_iso: dates::iso_date(j.valid_through),
            title: j.title,
            company: j.company_name,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/jobs/list.html")]
struct JobListPage {
    layout: AdminLayout,
    rows: Vec<ListRow>,
    statuses: Vec<Choice>,
    company: String,
    q: String,
    filtered: bool,
    total: i64,
    page: i64,
    pages: i64,
    prev_url: Option<String>,
    next_url: Option<String>,
}

fn trimmed(raw: &str) -> String {
    raw.trim().chars().take(200).collect()
}

#[tracing::instrument(skip_all)]
pub async fn index(
    state: web::Data<AppState>,
    ctx: AdminContext,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let q = query.into_inner();
    let filter = JobListFilter {
        status: JobStatusFilter::parse(&q.status),
        company: trimmed(&q.company),
        text: trimmed(&q.q),
    };
    let page = super::list_page(&q.page);
    let now = Utc::now();
    let (rows, total) = {
        let filter = filter.clone();
        with_conn(&state.pool, move |conn| {
            repo::admin_jobs::list(conn, &filter, now, PER_PAGE, (page - 1) * PER_PAGE)
        })
        .await?
    };
    let pages = super::list_pages(total, PER_PAGE);
    let url_for = |n: i64| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if filter.status != JobStatusFilter::All {
            pairs.push(("status", filter.status.as_str().to_owned()));
        }
        if !filter.company.is_empty() {
            pairs.push(("company", filter.company.clone()));
        }
        if !filter.text.is_empty() {
            pairs.push(("q", filter.text.clone()));
        }
        if n > 1 {
            pairs.push(("page", n.to_string()));
        }
        crate::web::listing_path(
            "/admin/jobs",
            &serde_urlencoded::to_string(&pairs).unwrap_or_default(),
        )
    };
    let body = JobListPage {
        layout: ctx.layout(AdminSection::Jobs, "Jobs"),
        rows: rows.into_iter().map(|j| ListRow::new(j, now)).collect(),
        statuses: Choice::list(
            JobStatusFilter::ALL.iter().map(|f| (f.as_str(), f.label())),
            filter.status.as_str(),
        ),
        filtered: filter.status != JobStatusFilter::All
            || !filter.company.is_empty()
            || !filter.text.is_empty(),
        company: filter.company.clone(),
        q: filter.text.clone(),
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
// The form
// ---------------------------------------------------------------------------------------

/// What the editors' form has besides the job's own fields.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct JobAdminFields {
    #[serde(default)]
    company: String,
    #[serde(default)]
    status: String,
}

/// What the form needs besides the fields: the companies and technologies to choose from.
struct FormOptions {
    companies: Vec<(i64, String)>,
    technologies: Vec<Technology>,
}

impl FormOptions {
    fn company_name(&self, company: &str) -> &str {
        self.companies
            .iter()
            .find(|(id, _)| id.to_string() == company.trim())
            .map(|(_, name)| name.as_str())
            .unwrap_or_default()
    }
}

async fn form_options(state: &AppState) -> Result<FormOptions, WebError> {
    with_conn(&state.pool, |conn| {
        Ok(FormOptions {
            companies: repo::admin_jobs::company_choices(conn)?,
            technologies: repo::technologies::all(conn)?,
        })
    })
    .await
}

/// Turns the fields into a job to save, or the errors that stop it.
fn parse_fields(
    job: &JobFields,
    admin: &JobAdminFields,
    options: &FormOptions,
    country: &str,
    now: DateTime<Utc>,
) -> Result<JobInput, FormErrors> {
    let mut errors = FormErrors::default();
    let company_id = options
        .companies
        .iter()
        .find(|(id, _)| id.to_string() == admin.company.trim())
        .map(|(id, _)| *id);
    if company_id.is_none() {
        errors.add("company", "Choose the company.");
    }
    let status = JobStatus::parse(&admin.status)
        .map_err(|_| errors.add("status", "Choose the status."))
        .ok();
    let valid = job_form::validate(
        job,
        &options.technologies,
        options.company_name(&admin.company),
        country,
        now,
        &mut errors,
    );
    match (company_id, status, valid) {
        (Some(company_id), Some(status), Some(valid)) if errors.is_empty() => {
            Ok(JobInput::new(valid, company_id, status))
        }
        _ => Err(errors),
    }
}

#[derive(Template)]
#[template(path = "admin/jobs/form.html")]
struct JobFormPage {
    layout: AdminLayout,
    heading: String,
    action_url: String,
    job_id: Option<i64>,
    state: Option<JobState>,
    public_url: Option<String>,
    job: JobFields,
    companies: Vec<Choice>,
    choices: JobChoices,
    statuses: Vec<Choice>,
    errors: FormErrors,
    warnings: FormErrors,
}

/// The stored job a form belongs to, for its heading and links.
struct Existing {
    id: i64,
    slug: String,
    status: String,
    valid_through: DateTime<Utc>,
}

fn render_form(
    ctx: &AdminContext,
    existing: Option<&Existing>,
    (job, admin): (JobFields, JobAdminFields),
    options: &FormOptions,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let warnings = job.warnings(options.company_name(&admin.company));
    let heading = match existing {
        Some(_) => format!("Edit “{}”", job.title.trim()),
        None => "New job".to_owned(),
    };
    let title = if errors.is_empty() {
        heading.clone()
    } else {
        format!("Error: {heading}")
    };
    let page = JobFormPage {
        layout: ctx.layout(AdminSection::Jobs, title),
        heading,
        action_url: existing.map_or_else(
            || "/admin/jobs".to_owned(),
            |e| format!("/admin/jobs/{}", e.id),
        ),
        job_id: existing.map(|e| e.id),
        state: existing.map(|e| JobState::new(&e.status, e.valid_through, now)),
        public_url: existing
            .filter(|e| e.status != JobStatus::Draft.as_str())
            .map(|e| format!("/jobs/{}", e.slug)),
        companies: options
            .companies
            .iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name.clone(),
                selected: id.to_string() == admin.company.trim(),
            })
            .collect(),
        choices: JobChoices::new(&job, &options.technologies, |_| None),
        statuses: Choice::list(
            JobStatus::ALL.iter().map(|s| (s.as_str(), s.label())),
            &admin.status,
        ),
        job,
        errors,
        warnings,
    }
    .render()?;
    Ok(super::page(status, page))
}

/// The job's fields of a form post (checkboxes repeat their name, so they are read from
/// the raw body the gate checked).
fn posted_job(req: &HttpRequest) -> JobFields {
    JobFields::from_pairs(&job_form::form_pairs(&form_body(req)))
}

#[tracing::instrument(skip_all)]
pub async fn new_form(
    state: web::Data<AppState>,
    ctx: AdminContext,
) -> Result<HttpResponse, WebError> {
    let options = form_options(&state).await?;
    let admin = JobAdminFields {
        status: JobStatus::Draft.as_str().to_owned(),
        ..JobAdminFields::default()
    };
    render_form(
        &ctx,
        None,
        (JobFields::blank(Utc::now()), admin),
        &options,
        FormErrors::default(),
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
    let job = with_conn(&state.pool, move |conn| {
        repo::admin_jobs::find_editable(conn, id)
    })
    .await?;
    let options = form_options(&state).await?;
    let existing = Existing {
        id,
        slug: job.slug.clone(),
        status: job.status.clone(),
        valid_through: job.valid_through,
    };
    let admin = JobAdminFields {
        company: job.company_id.to_string(),
        status: job.status.clone(),
    };
    render_form(
        &ctx,
        Some(&existing),
        (JobFields::from_job(&job), admin),
        &options,
        FormErrors::default(),
        StatusCode::OK,
    )
}

fn saved_message(verb: &str, title: &str, warnings: usize) -> String {
    let title = title.replace(';', ",");
    match warnings {
        0 => format!("Job {verb}: “{title}”."),
        1 => format!("Job {verb}: “{title}”, with 1 warning to look at."),
        n => format!("Job {verb}: “{title}”, with {n} warnings to look at."),
    }
}

#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    ctx: AdminContext,
    req: HttpRequest,
    form: AdminForm<JobAdminFields>,
) -> Result<HttpResponse, WebError> {
    let admin = form.0;
    let fields = posted_job(&req);
    let options = form_options(&state).await?;
    let now = Utc::now();
    let input = match parse_fields(&fields, &admin, &options, "DE", now) {
        Ok(input) => input,
        Err(errors) => {
            return render_form(
                &ctx,
                None,
                (fields, admin),
                &options,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let warnings = fields
        .warnings(options.company_name(&admin.company))
        .errors
        .len();
    let entry = ctx.audit(
        AuditAction::JobCreated,
        "job",
        None,
        input.content.title.clone(),
    );
    let (id, slug) = {
        let input = input.clone();
        with_conn(&state.pool, move |conn| {
            repo::admin_jobs::create(conn, entry, &input, now)
        })
        .await?
    };
    tracing::info!(job.id = id, job.slug = %slug, "job {id} created");
    Ok(see_other_with_flash(
        &state,
        &edit_url(id),
        &saved_message("created", &input.content.title, warnings),
    ))
}

#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    ctx: AdminContext,
    req: HttpRequest,
    id: web::Path<String>,
    form: AdminForm<JobAdminFields>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let current = with_conn(&state.pool, move |conn| {
        repo::admin_jobs::find_editable(conn, id)
    })
    .await?;
    let admin = form.0;
    let fields = posted_job(&req);
    let options = form_options(&state).await?;
    let existing = Existing {
        id,
        slug: current.slug.clone(),
        status: current.status.clone(),
        valid_through: current.valid_through,
    };
    let input = match parse_fields(&fields, &admin, &options, &current.country, Utc::now()) {
        Ok(input) => input,
        Err(errors) => {
            return render_form(
                &ctx,
                Some(&existing),
                (fields, admin),
                &options,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let warnings = fields
        .warnings(options.company_name(&admin.company))
        .errors
        .len();
    let entry = ctx.audit(
        AuditAction::JobUpdated,
        "job",
        Some(id),
        input.content.title.clone(),
    );
    {
        let input = input.clone();
        with_conn(&state.pool, move |conn| {
            repo::admin_jobs::update(conn, entry, id, &input)
        })
        .await?;
    }
    tracing::info!(job.id = id, "job {id} saved");
    Ok(see_other_with_flash(
        &state,
        &edit_url(id),
        &saved_message("saved", &input.content.title, warnings),
    ))
}

async fn change_status(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: &str,
    status: JobStatus,
) -> Result<HttpResponse, WebError> {
    let id = path_id(id)?;
    let (action, message) = match status {
        JobStatus::Closed => (
            AuditAction::JobClosed,
            "Job closed: it has left the listings; its page says it is closed.",
        ),
        _ => (
            AuditAction::JobReopened,
            "Job reopened: it is published again until its end date.",
        ),
    };
    let entry = ctx.audit(action, "job", Some(id), "");
    with_conn(&state.pool, move |conn| {
        repo::admin_jobs::set_status(conn, entry, id, status)
    })
    .await?;
    tracing::info!(
        job.id = id,
        job.status = status.as_str(),
        "job {id} is {}",
        status.as_str()
    );
    Ok(see_other_with_flash(&state, &edit_url(id), message))
}

#[tracing::instrument(skip_all)]
pub async fn close(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    change_status(state, ctx, &id, JobStatus::Closed).await
}

#[tracing::instrument(skip_all)]
pub async fn reopen(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    change_status(state, ctx, &id, JobStatus::Published).await
}

#[derive(Template)]
#[template(path = "admin/jobs/delete.html")]
struct JobDeletePage {
    layout: AdminLayout,
    job_id: i64,
    title: String,
    state: JobState,
    public_url: String,
}

#[tracing::instrument(skip_all)]
pub async fn delete_confirm(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let job = with_conn(&state.pool, move |conn| {
        repo::admin_jobs::find_editable(conn, id)
    })
    .await?;
    let body = JobDeletePage {
        layout: ctx.layout(AdminSection::Jobs, format!("Delete “{}”?", job.title)),
        job_id: id,
        state: JobState::new(&job.status, job.valid_through, Utc::now()),
        public_url: format!("/jobs/{}", job.slug),
        title: job.title,
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
    let job = with_conn(&state.pool, move |conn| {
        repo::admin_jobs::find_editable(conn, id)
    })
    .await?;
    let entry = ctx.audit(AuditAction::JobDeleted, "job", Some(id), job.title.clone());
    with_conn(&state.pool, move |conn| {
        repo::admin_jobs::delete(conn, entry, id)
    })
    .await?;
    tracing::info!(job.id = id, "job {id} deleted");
    Ok(see_other_with_flash(
        &state,
        "/admin/jobs",
        &format!(
            "Job deleted: “{}”. Its address now answers “gone” (410).",
            job.title.replace(';', ",")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_messages_count_the_warnings() {
        assert_eq!(saved_message("saved", "A", 0), "Job saved: “A”.");
        assert!(saved_message("saved", "A", 2).contains("2 warnings"));
    }
}
