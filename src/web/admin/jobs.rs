//! Editors manage jobs: a filtered list, create and edit with the submission linter,
//! close, reopen and delete. Invalid input answers 422 with every input kept; the
//! linter's warnings are shown beside their fields and do not block a save.

use super::path_id;
use crate::domain::audit::AuditAction;
use crate::domain::dates;
use crate::domain::job::{
    ApplyChannel, EmploymentType, JobStatus, Location, RemotePolicy, Seniority,
};
use crate::domain::job_lint::{self, JobDraft, Severity};
use crate::domain::salary::{Currency, SalaryPeriod, SalaryRange};
use crate::domain::technology::Technology;
use crate::repo;
use crate::repo::admin_jobs::{
    AdminJobListing, EditableJob, JobInput, JobListFilter, JobStatusFilter,
};
use crate::views::admin::{AdminLayout, AdminSection, FormErrors};
use crate::web::WebError;
use crate::web::auth::{AdminContext, AdminForm, form_body, see_other_with_flash};
use crate::web::db::with_conn;
use crate::web::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;

/// Jobs on a page of the editors' list.
const PER_PAGE: i64 = 25;
/// The furthest a job may run: Google's rule of thumb and the board's.
const MAX_DAYS: i64 = 90;

fn edit_url(id: i64) -> String {
    format!("/admin/jobs/{id}/edit")
}

/// A value of a select or radio group.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

impl Choice {
    fn list<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>, current: &str) -> Vec<Self> {
        items
            .into_iter()
            .map(|(value, label)| Self {
                selected: value == current,
                value: value.to_owned(),
                label: label.to_owned(),
            })
            .collect()
    }
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

/// The job form's fields as typed (technologies come from the raw body: checkboxes
/// repeat their name).
#[derive(Deserialize, Default, Clone, Debug)]
pub struct JobFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    seniority: String,
    #[serde(default)]
    employment_type: String,
    #[serde(default)]
    remote_policy: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    remote_countries: String,
    #[serde(default)]
    salary_min: String,
    #[serde(default)]
    salary_max: String,
    #[serde(default)]
    salary_currency: String,
    #[serde(default)]
    salary_period: String,
    #[serde(default)]
    apply: String,
    #[serde(default)]
    valid_through: String,
    #[serde(default)]
    status: String,
    #[serde(skip)]
    technologies: Vec<String>,
}

impl JobFields {
    fn blank(now: DateTime<Utc>) -> Self {
        Self {
            seniority: Seniority::Mid.as_str().to_owned(),
            employment_type: EmploymentType::FullTime.as_str().to_owned(),
            remote_policy: RemotePolicy::Onsite.as_str().to_owned(),
            salary_currency: Currency::Eur.code().to_owned(),
            salary_period: SalaryPeriod::Year.as_str().to_owned(),
            valid_through: dates::iso_date(now + Duration::days(30)),
            status: JobStatus::Draft.as_str().to_owned(),
            ..Self::default()
        }
    }

    fn from_job(job: &EditableJob) -> Self {
        Self {
            title: job.title.clone(),
            company: job.company_id.to_string(),
            description: job.description.clone(),
            seniority: job.seniority.clone(),
            employment_type: job.employment_type.clone(),
            remote_policy: job.remote_policy.clone(),
            city: job.city.clone().unwrap_or_default(),
            remote_countries: job.remote_countries.join(", "),
            salary_min: job.salary_min.map(|v| v.to_string()).unwrap_or_default(),
            salary_max: job.salary_max.map(|v| v.to_string()).unwrap_or_default(),
            salary_currency: job
                .salary_currency
                .clone()
                .unwrap_or_else(|| Currency::Eur.code().to_owned()),
            salary_period: job
                .salary_period
                .clone()
                .unwrap_or_else(|| SalaryPeriod::Year.as_str().to_owned()),
            apply: job
                .apply_url
                .clone()
                .or_else(|| job.apply_email.clone())
                .unwrap_or_default(),
            valid_through: dates::iso_date(job.valid_through),
            status: job.status.clone(),
            technologies: job.technology_slugs.clone(),
        }
    }

    fn country_codes(&self) -> Vec<String> {
        self.remote_countries
            .split([',', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_uppercase)
            .collect()
    }

    fn has_salary(&self) -> bool {
        !self.salary_min.trim().is_empty() || !self.salary_max.trim().is_empty()
    }
}

/// What the form needs besides the fields: the companies and technologies to choose from.
struct FormOptions {
    companies: Vec<(i64, String)>,
    technologies: Vec<Technology>,
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

/// The linter's findings for the fields as typed.
fn lint(fields: &JobFields, options: &FormOptions) -> Vec<job_lint::Finding> {
    let company_name = options
        .companies
        .iter()
        .find(|(id, _)| id.to_string() == fields.company.trim())
        .map(|(_, name)| name.as_str())
        .unwrap_or_default();
    let countries = fields.country_codes();
    job_lint::lint(&JobDraft {
        title: &fields.title,
        company_name,
        description_markdown: &fields.description,
        technology_count: fields.technologies.len(),
        has_salary: fields.has_salary(),
        remote: fields.remote_policy == RemotePolicy::Remote.as_str(),
        remote_countries: &countries,
        apply: &fields.apply,
    })
}

fn parse_amount(raw: &str, field: &str, errors: &mut FormErrors) -> Option<u32> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' '))
        .collect();
    match digits.parse::<u32>() {
        Ok(v) if v <= i32::MAX as u32 => Some(v),
        _ => {
            errors.add(field, "Enter a whole amount, e.g. 65000.");
            None
        }
    }
}

/// Turns the fields into a job to save, or the errors that stop it. The linter's
/// errors count; its warnings do not.
fn parse_fields(
    fields: &JobFields,
    options: &FormOptions,
    country: &str,
    now: DateTime<Utc>,
) -> Result<JobInput, FormErrors> {
    let mut errors = FormErrors::default();
    let title = fields.title.trim().to_owned();
    if title.is_empty() {
        errors.add("title", "Enter the job's title.");
    } else if title.chars().count() > 200 {
        errors.add("title", "The title can have at most 200 characters.");
    }
    let company_id = options
        .companies
        .iter()
        .find(|(id, _)| id.to_string() == fields.company.trim())
        .map(|(id, _)| *id);
    if company_id.is_none() {
        errors.add("company", "Choose the company.");
    }
    let description = fields.description.trim().to_owned();
    if description.is_empty() {
        errors.add("description", "Describe the job.");
    }
    let mut technology_slugs = Vec::new();
    for raw in &fields.technologies {
        match options.technologies.iter().find(|t| t.slug.as_str() == raw) {
            Some(t) => technology_slugs.push(t.slug.clone()),
            None => errors.add("technologies", "Choose technologies from the list."),
        }
    }
    technology_slugs.sort();
    technology_slugs.dedup();
    let seniority = Seniority::parse(&fields.seniority)
        .map_err(|_| errors.add("seniority", "Choose the seniority."))
        .ok();
    let employment_type = EmploymentType::parse(&fields.employment_type)
        .map_err(|_| errors.add("employment_type", "Choose the employment type."))
        .ok();
    let remote = RemotePolicy::parse(&fields.remote_policy)
        .map_err(|_| errors.add("remote_policy", "Choose where the work happens."))
        .ok();
    let city = fields.city.trim().to_owned();
    if city.chars().count() > 100 {
        errors.add("city", "The city can have at most 100 characters.");
    } else if city.is_empty() && remote != Some(RemotePolicy::Remote) {
        errors.add(
            "city",
            "Enter the city (only fully remote jobs go without one).",
        );
    }
    let countries = fields.country_codes();
    if remote == Some(RemotePolicy::Remote) {
        if countries
            .iter()
            .any(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()))
        {
            errors.add(
                "remote_countries",
                "Enter two-letter country codes separated by commas, e.g. DE, AT, CH.",
            );
        }
    } else if !countries.is_empty() {
        errors.add(
            "remote_countries",
            "Countries are only for fully remote jobs; leave this empty or choose Remote.",
        );
    }
    let salary = if fields.has_salary() {
        let min = parse_amount(&fields.salary_min, "salary_min", &mut errors);
        let max = parse_amount(&fields.salary_max, "salary_max", &mut errors);
        let currency = Currency::parse(&fields.salary_currency)
            .map_err(|_| errors.add("salary_currency", "Choose the currency."))
            .ok();
        let period = SalaryPeriod::parse(&fields.salary_period)
            .map_err(|_| errors.add("salary_period", "Choose the period."))
            .ok();
        match (min, max, currency, period) {
            (Some(min), Some(max), Some(c), Some(p)) => match SalaryRange::parse(min, max, c, p) {
                Ok(range) => Some(range),
                Err(e) => {
                    errors.add("salary_min", format!("The salary: {}.", e.message));
                    None
                }
            },
            _ => None,
        }
    } else {
        None
    };
    let apply_raw = fields.apply.trim();
    let apply = if apply_raw.contains('@') && !apply_raw.contains("://") {
        let valid = apply_raw.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !apply_raw.contains(char::is_whitespace)
        });
        if !valid {
            errors.add("apply", "Enter an e-mail address like jobs@example.org.");
        }
        valid.then(|| ApplyChannel::Email(apply_raw.to_owned()))
    } else if apply_raw.is_empty() {
        errors.add("apply", "Enter the apply link or e-mail address.");
        None
    } else {
        // The linter reports anything that is not https; here only the shape counts.
        url::Url::parse(apply_raw)
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some())
            .map(|_| ApplyChannel::Url(apply_raw.to_owned()))
    };
    let today = now.date_naive();
    let valid_through = match NaiveDate::parse_from_str(fields.valid_through.trim(), "%Y-%m-%d") {
        Ok(date) if date < today => {
            errors.add("valid_through", "The end date must not be in the past.");
            None
        }
        Ok(date) if date > today + Duration::days(MAX_DAYS) => {
            errors.add(
                "valid_through",
                format!("The end date can be at most {MAX_DAYS} days from today."),
            );
            None
        }
        Ok(date) => date.and_hms_opt(23, 59, 59).map(|d| d.and_utc()),
        Err(_) => {
            errors.add("valid_through", "Enter the end date as YYYY-MM-DD.");
            None
        }
    };
    let status = JobStatus::parse(&fields.status)
        .map_err(|_| errors.add("status", "Choose the status."))
        .ok();
    for finding in lint(fields, options) {
        if finding.severity == Severity::Error && errors.of(finding.field).is_empty() {
            errors.add(finding.field, finding.message);
        }
    }
    match (
        company_id,
        seniority,
        employment_type,
        remote,
        apply,
        valid_through,
        status,
    ) {
        (
            Some(company_id),
            Some(seniority),
            Some(employment_type),
            Some(remote),
            Some(apply),
            Some(valid_through),
            Some(status),
        ) if errors.is_empty() => {
            let is_remote = remote == RemotePolicy::Remote;
            Ok(JobInput {
                title,
                company_id,
                description_markdown: description,
                technology_slugs,
                seniority,
                employment_type,
                location: Location {
                    city: (!city.is_empty()).then_some(city),
                    country: country.to_owned(),
                    remote,
                    remote_countries: if is_remote { countries } else { Vec::new() },
                },
                salary,
                apply,
                valid_through,
                status,
            })
        }
        _ => Err(errors),
    }
}

struct TechnologyChoice {
    slug: String,
    name: String,
    checked: bool,
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
    form: JobFields,
    companies: Vec<Choice>,
    technologies: Vec<TechnologyChoice>,
    seniorities: Vec<Choice>,
    employment_types: Vec<Choice>,
    remote_policies: Vec<Choice>,
    currencies: Vec<Choice>,
    periods: Vec<Choice>,
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
    form: JobFields,
    options: &FormOptions,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let mut warnings = FormErrors::default();
    for finding in lint(&form, options) {
        if finding.severity == Severity::Warning {
            warnings.add(finding.field, finding.message);
        }
    }
    let heading = match existing {
        Some(_) => format!("Edit “{}”", form.title.trim()),
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
                selected: id.to_string() == form.company.trim(),
            })
            .collect(),
        technologies: options
            .technologies
            .iter()
            .map(|t| TechnologyChoice {
                checked: form.technologies.iter().any(|s| s == t.slug.as_str()),
                slug: t.slug.as_str().to_owned(),
                name: t.name.clone(),
            })
            .collect(),
        seniorities: Choice::list(
            Seniority::ALL.iter().map(|s| (s.as_str(), s.label())),
            &form.seniority,
        ),
        employment_types: Choice::list(
            EmploymentType::ALL.iter().map(|s| (s.as_str(), s.label())),
            &form.employment_type,
        ),
        remote_policies: Choice::list(
            RemotePolicy::ALL.iter().map(|s| (s.as_str(), s.label())),
            &form.remote_policy,
        ),
        currencies: Choice::list(
            [Currency::Eur, Currency::Chf, Currency::Usd, Currency::Gbp]
                .iter()
                .map(|c| (c.code(), c.code())),
            &form.salary_currency,
        ),
        periods: Choice::list(
            [
                ("year", "per year"),
                ("month", "per month"),
                ("hour", "per hour"),
            ],
            &form.salary_period,
        ),
        statuses: Choice::list(
            JobStatus::ALL.iter().map(|s| (s.as_str(), s.label())),
            &form.status,
        ),
        form,
        errors,
        warnings,
    }
    .render()?;
    Ok(super::page(status, page))
}

/// The technologies ticked in a form post (checkboxes repeat their name).
fn ticked_technologies(req: &HttpRequest) -> Vec<String> {
    url::form_urlencoded::parse(&form_body(req))
        .filter(|(k, _)| k == "technologies")
        .map(|(_, v)| v.into_owned())
        .collect()
}

#[tracing::instrument(skip_all)]
pub async fn new_form(
    state: web::Data<AppState>,
    ctx: AdminContext,
) -> Result<HttpResponse, WebError> {
    let options = form_options(&state).await?;
    let form = JobFields::blank(Utc::now());
    render_form(
        &ctx,
        None,
        form,
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
    render_form(
        &ctx,
        Some(&existing),
        JobFields::from_job(&job),
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
    form: AdminForm<JobFields>,
) -> Result<HttpResponse, WebError> {
    let mut fields = form.0;
    fields.technologies = ticked_technologies(&req);
    let options = form_options(&state).await?;
    let now = Utc::now();
    let input = match parse_fields(&fields, &options, "DE", now) {
        Ok(input) => input,
        Err(errors) => {
            return render_form(
                &ctx,
                None,
                fields,
                &options,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let warnings = lint(&fields, &options).len();
    let entry = ctx.audit(AuditAction::JobCreated, "job", None, input.title.clone());
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
        &saved_message("created", &input.title, warnings),
    ))
}

#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    ctx: AdminContext,
    req: HttpRequest,
    id: web::Path<String>,
    form: AdminForm<JobFields>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let current = with_conn(&state.pool, move |conn| {
        repo::admin_jobs::find_editable(conn, id)
    })
    .await?;
    let mut fields = form.0;
    fields.technologies = ticked_technologies(&req);
    let options = form_options(&state).await?;
    let existing = Existing {
        id,
        slug: current.slug.clone(),
        status: current.status.clone(),
        valid_through: current.valid_through,
    };
    let input = match parse_fields(&fields, &options, &current.country, Utc::now()) {
        Ok(input) => input,
        Err(errors) => {
            return render_form(
                &ctx,
                Some(&existing),
                fields,
                &options,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let warnings = lint(&fields, &options).len();
    let entry = ctx.audit(
        AuditAction::JobUpdated,
        "job",
        Some(id),
        input.title.clone(),
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
        &saved_message("saved", &input.title, warnings),
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
    fn country_codes_are_split_on_commas_and_spaces_and_upper_cased() {
        let fields = JobFields {
            remote_countries: "de, at ch,".into(),
            ..JobFields::default()
        };
        assert_eq!(fields.country_codes(), vec!["DE", "AT", "CH"]);
    }

    #[test]
    fn saved_messages_count_the_warnings() {
        assert_eq!(saved_message("saved", "A", 0), "Job saved: “A”.");
        assert!(saved_message("saved", "A", 2).contains("2 warnings"));
    }
}
