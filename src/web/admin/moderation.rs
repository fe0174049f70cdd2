//! Editors review what employers post and what job seekers report, at
//! `/admin/moderation`: the queue of pending submissions (oldest first) with the
//! linter's findings and a hint at duplicates, a review page per submission with three
//! decisions (approve, reject with a reason, ask for changes), and the open reports
//! (close the job, or dismiss the report). Every decision is in the audit trail and
//! e-mails the employer with a new manage link; a decision on a submission someone
//! else decided meanwhile answers 409 and changes nothing.

use super::path_id;
use crate::domain::article::{DiffLine, line_diff};
use crate::domain::audit::AuditAction;
use crate::domain::company::Company;
use crate::domain::dates;
use crate::domain::employer::{
    RejectReason, ReportReason, ReportResolution, SubmissionState, titles_look_alike,
};
use crate::domain::job::{EmploymentType, RemotePolicy, Seniority};
use crate::domain::job_lint::Severity;
use crate::domain::markdown::{self, SafeHtml};
use crate::domain::technology::Technology;
use crate::repo::admin_jobs::EditableJob;
use crate::repo::intake::{Decision, OpenReport, QueueItem};
use crate::repo::{self, RepoError, RepoResult};
use crate::views::admin::{AdminLayout, AdminSection, FormErrors};
use crate::views::employer_mail;
use crate::web::WebError;
use crate::web::auth::{AdminContext, AdminForm, see_other_with_flash};
use crate::web::db::with_conn;
use crate::web::employer_links::{ManageLink, job_url};
use crate::web::job_form::Choice;
use crate::web::posting::{self, PostingFields};
use crate::web::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use diesel::PgConnection;
use serde::Deserialize;

/// Submissions and reports shown at once; the oldest come first, so nothing waits
/// unseen for long.
const QUEUE_LIMIT: i64 = 100;
/// The longest note an editor may write to an employer.
const MAX_NOTE: usize = 2000;
const QUEUE_URL: &str = "/admin/moderation";

/// How long something has waited, to the hour while it is young: "12 minutes",
/// "3 hours", "2 days".
fn waited(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0);
    let (n, unit) = match minutes {
        0..60 => (minutes, "minute"),
        60..2880 => (minutes / 60, "hour"),
        _ => (minutes / 1440, "day"),
    };
    if n == 1 {
        format!("1 {unit} ago")
    } else {
        format!("{n} {unit}s ago")
    }
}

fn review_url(id: i64) -> String {
    format!("/admin/moderation/submissions/{id}")
}

// ---------------------------------------------------------------------------------------
// What a submission is about: its fields, its company, the live job it would change and
// a look-alike open job.
// ---------------------------------------------------------------------------------------

/// A submission with what the queue and the review page say about it.
struct Reviewed {
    item: QueueItem,
    fields: PostingFields,
    /// The company the job goes under if it exists already: the live job's for an edit,
    /// else the one the typed name finds.
    company: Option<Company>,
    /// The live job an edit would change.
    live: Option<EditableJob>,
    /// An open job of the same company whose title looks alike: (slug, title).
    duplicate: Option<(String, String)>,
}

fn reviewed(conn: &mut PgConnection, item: QueueItem, now: DateTime<Utc>) -> RepoResult<Reviewed> {
    let fields = PostingFields::from_json(&item.submission.fields).unwrap_or_default();
    let live = item
        .job_id
        .map(|id| repo::admin_jobs::find_editable(conn, id))
        .transpose()?;
    let company = match &live {
        Some(job) => Some(repo::admin_companies::find(conn, job.company_id)?),
        None => repo::intake::company_by_name(conn, &fields.company_name)?,
    };
    let duplicate = match &company {
        Some(c) => repo::intake::open_titles_of_company(conn, c.id, now, item.job_id)?
            .into_iter()
            .find(|(_, title)| titles_look_alike(title, &fields.job.title)),
        None => None,
    };
    Ok(Reviewed {
        item,
        fields,
        company,
        live,
        duplicate,
    })
}

impl Reviewed {
    fn company_name(&self) -> String {
        match &self.company {
            Some(c) => c.name.clone(),
            None => self.fields.company_name.trim().to_owned(),
        }
    }

    fn title(&self) -> String {
        self.fields.job.title.trim().to_owned()
    }
}

/// One finding of the submission linter, for people.
struct FindingView {
    /// "error" or "warning": the badge's modifier.
    kind: &'static str,
    label: &'static str,
    message: &'static str,
}

fn findings(r: &Reviewed) -> Vec<FindingView> {
    let mut list: Vec<FindingView> = r
        .fields
        .job
        .lint(&r.company_name())
        .into_iter()
        .map(|f| match f.severity {
            Severity::Error => FindingView {
                kind: "error",
                label: "Error",
                message: f.message,
            },
            Severity::Warning => FindingView {
                kind: "warning",
                label: "Warning",
                message: f.message,
            },
        })
        .collect();
    // Errors first: they stop an approval.
    list.sort_by_key(|f| f.kind != "error");
    list
}

struct DuplicateHint {
    title: String,
    url: String,
}

fn duplicate_hint(r: &Reviewed) -> Option<DuplicateHint> {
    r.duplicate.as_ref().map(|(slug, title)| DuplicateHint {
        title: title.clone(),
        url: format!("/jobs/{slug}"),
    })
}

// ---------------------------------------------------------------------------------------
// The queue
// ---------------------------------------------------------------------------------------

struct QueueRow {
    review_url: String,
    title: String,
    company: String,
    new_company: bool,
    contact_email: String,
    age: String,
    submitted_iso: String,
    submitted_long: String,
    /// The live job an edit would change.
    live_url: Option<String>,
    findings: Vec<FindingView>,
    duplicate: Option<DuplicateHint>,
}

impl QueueRow {
    fn new(r: &Reviewed, now: DateTime<Utc>) -> Self {
        let s = &r.item.submission;
        let title = r.title();
        Self {
            review_url: review_url(s.id),
            title: if title.is_empty() {
                "(no title)".to_owned()
            } else {
                title
            },
            company: r.company_name(),
            new_company: r.company.is_none(),
            contact_email: s.contact_email.clone(),
            age: waited(s.submitted_at, now),
            submitted_iso: dates::iso_datetime(s.submitted_at),
            submitted_long: dates::long_date_time_berlin(s.submitted_at),
            live_url: r.live.as_ref().map(|j| format!("/jobs/{}", j.slug)),
            findings: findings(r),
            duplicate: duplicate_hint(r),
        }
    }
}

struct ReportRow {
    id: i64,
    job_title: String,
    job_url: String,
    job_open: bool,
    reason: String,
    details: String,
    age: String,
    created_iso: String,
    created_long: String,
}

impl ReportRow {
    fn new(r: OpenReport, now: DateTime<Utc>) -> Self {
        Self {
            id: r.id,
            job_url: format!("/jobs/{}", r.job_slug),
            job_open: r.job_status == crate::domain::job::JobStatus::Published.as_str(),
            reason: ReportReason::parse(&r.reason)
                .map_or_else(|| r.reason.clone(), |reason| reason.label().to_owned()),
            details: r.details,
            age: waited(r.created_at, now),
            created_iso: dates::iso_datetime(r.created_at),
            created_long: dates::long_date_time_berlin(r.created_at),
            job_title: r.job_title,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/moderation/queue.html")]
struct QueuePage {
    layout: AdminLayout,
    submissions: Vec<QueueRow>,
    submission_total: i64,
    reports: Vec<ReportRow>,
    report_total: i64,
}

#[tracing::instrument(skip_all)]
pub async fn queue(
    state: web::Data<AppState>,
    ctx: AdminContext,
) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let (items, reports, (submission_total, report_total)) = with_conn(&state.pool, move |conn| {
        let items = repo::intake::queue(conn, QUEUE_LIMIT)?
            .into_iter()
            .map(|item| reviewed(conn, item, now))
            .collect::<RepoResult<Vec<_>>>()?;
        let reports = repo::intake::open_reports(conn, QUEUE_LIMIT)?;
        Ok((items, reports, repo::intake::waiting_counts(conn)?))
    })
    .await?;
    let body = QueuePage {
        layout: ctx
            .layout(AdminSection::Moderation, "Moderation")
            .with_waiting(submission_total + report_total),
        submissions: items.iter().map(|r| QueueRow::new(r, now)).collect(),
        submission_total,
        reports: reports
            .into_iter()
            .map(|r| ReportRow::new(r, now))
            .collect(),
        report_total,
    }
    .render()?;
    Ok(super::page(StatusCode::OK, body))
}

// ---------------------------------------------------------------------------------------
// The review page
// ---------------------------------------------------------------------------------------

/// A label and a value of the submitted job.
struct Fact {
    label: &'static str,
    value: String,
}

/// The details of a company new to the board, as the employer typed them.
struct NewCompanyView {
    name: String,
    city: String,
    website: String,
    size: String,
    about: String,
}

/// What the editor typed into the decision forms, kept when one comes back.
#[derive(Default)]
struct DecisionInput {
    reason: String,
    reject_note: String,
    changes_note: String,
}

#[derive(Template)]
#[template(path = "admin/moderation/review.html")]
struct ReviewPage {
    layout: AdminLayout,
    id: i64,
    heading: String,
    pending: bool,
    state_label: &'static str,
    decided: Option<String>,
    notice: Option<String>,
    live_url: Option<String>,
    company: String,
    company_url: Option<String>,
    new_company: Option<NewCompanyView>,
    contact_email: String,
    submitted_long: String,
    submitted_iso: String,
    age: String,
    facts: Vec<Fact>,
    technologies: Vec<String>,
    description: SafeHtml,
    /// For an edit: the live job's title, when the edit changes it.
    old_title: Option<String>,
    /// The title as sent.
    new_title: String,
    /// For an edit: the description's line diff from the live job.
    diff: Vec<DiffLine>,
    findings: Vec<FindingView>,
    duplicate: Option<DuplicateHint>,
    /// Why approving did not work (the fields no longer pass the checks).
    not_approvable: FormErrors,
    reasons: Vec<Choice>,
    reject_note: String,
    changes_note: String,
    max_note: usize,
    errors: FormErrors,
}

/// Everything the review page needs from the database.
struct ReviewData {
    reviewed: Reviewed,
    decision: Decision,
    technologies: Vec<Technology>,
}

async fn load(state: &AppState, id: i64) -> Result<ReviewData, WebError> {
    let now = Utc::now();
    with_conn(&state.pool, move |conn| {
        let item = repo::intake::find_submission(conn, id)?;
        // Only versions the employer confirmed reach the editors.
        if item.submission.state == SubmissionState::Unconfirmed {
            return Err(RepoError::NotFound("submission"));
        }
        Ok(ReviewData {
            reviewed: reviewed(conn, item, now)?,
            decision: repo::intake::decision_of(conn, id)?,
            technologies: repo::technologies::all(conn)?,
        })
    })
    .await
}

fn label_of<T>(
    raw: &str,
    parse: impl Fn(&str) -> Option<T>,
    label: impl Fn(T) -> &'static str,
) -> String {
    parse(raw).map_or_else(|| raw.to_owned(), |v| label(v).to_owned())
}

fn facts(fields: &PostingFields, technologies: &[Technology]) -> (Vec<Fact>, Vec<String>) {
    let job = &fields.job;
    let remote = label_of(
        &job.remote_policy,
        |r| RemotePolicy::parse(r).ok(),
        RemotePolicy::label,
    );
    let mut place = remote;
    if !job.city.trim().is_empty() {
        place = format!("{place} · {}", job.city.trim());
    }
    if !job.remote_countries.trim().is_empty() {
        place = format!("{place} · countries: {}", job.country_codes().join(", "));
    }
    let salary = if job.has_salary() {
        format!(
            "{} – {} {} per {}",
            job.salary_min.trim(),
            job.salary_max.trim(),
            job.salary_currency,
            job.salary_period
        )
    } else {
        "Not stated".to_owned()
    };
    let facts = vec![
        Fact {
            label: "Salary",
            value: salary,
        },
        Fact {
            label: "Seniority",
            value: label_of(
                &job.seniority,
                |s| Seniority::parse(s).ok(),
                Seniority::label,
            ),
        },
        Fact {
            label: "Employment",
            value: label_of(
                &job.employment_type,
                |s| EmploymentType::parse(s).ok(),
                EmploymentType::label,
            ),
        },
        Fact {
            label: "Where",
            value: place,
        },
        Fact {
            label: "Apply",
            value: job.apply.trim().to_owned(),
        },
        Fact {
            label: "Ends",
            value: job.valid_through.trim().to_owned(),
        },
    ];
    let names = job
        .technologies
        .iter()
        .map(|slug| {
            technologies
                .iter()
                .find(|t| t.slug.as_str() == slug)
                .map_or_else(|| format!("{slug} (unknown)"), |t| t.name.clone())
        })
        .collect();
    (facts, names)
}

fn decided_line(decision: &Decision) -> Option<String> {
    let at = decision.decided_at?;
    let who = decision
        .editor_name
        .clone()
        .unwrap_or_else(|| "an editor".to_owned());
    Some(format!(
        "{} by {who} on {} (Berlin).",
        decision.state.label(),
        dates::long_date_time_berlin(at)
    ))
}

struct Extras {
    notice: Option<String>,
    not_approvable: FormErrors,
    input: DecisionInput,
    errors: FormErrors,
}

impl Extras {
    fn none() -> Self {
        Self {
            notice: None,
            not_approvable: FormErrors::default(),
            input: DecisionInput::default(),
            errors: FormErrors::default(),
        }
    }
}

fn render_review(
    ctx: &AdminContext,
    data: &ReviewData,
    extras: Extras,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let r = &data.reviewed;
    let s = &r.item.submission;
    let now = Utc::now();
    let title = r.title();
    let heading = if r.live.is_some() {
        format!("Review the edit of “{title}”")
    } else {
        format!("Review “{title}”")
    };
    let page_title = if extras.errors.is_empty() && extras.not_approvable.is_empty() {
        heading.clone()
    } else {
        format!("Error: {heading}")
    };
    let (facts, technologies) = facts(&r.fields, &data.technologies);
    let (old_title, diff) = match &r.live {
        Some(live) => (
            (live.title.trim() != title).then(|| live.title.clone()),
            line_diff(&live.description, r.fields.job.description.trim()),
        ),
        None => (None, Vec::new()),
    };
    let f = &r.fields;
    let body = ReviewPage {
        layout: ctx.layout(AdminSection::Moderation, page_title),
        id: s.id,
        heading,
        pending: data.decision.state == SubmissionState::Pending,
        state_label: data.decision.state.label(),
        decided: decided_line(&data.decision),
        notice: extras.notice,
        live_url: r.live.as_ref().map(|j| format!("/jobs/{}", j.slug)),
        company: r.company_name(),
        company_url: r.company.as_ref().map(|c| format!("/companies/{}", c.slug)),
        new_company: r.company.is_none().then(|| NewCompanyView {
            name: f.company_name.trim().to_owned(),
            city: f.company_city.trim().to_owned(),
            website: f.company_website.trim().to_owned(),
            size: f.company_size.trim().to_owned(),
            about: f.company_about.trim().to_owned(),
        }),
        contact_email: s.contact_email.clone(),
        submitted_long: dates::long_date_time_berlin(s.submitted_at),
        submitted_iso: dates::iso_datetime(s.submitted_at),
        age: waited(s.submitted_at, now),
        facts,
        technologies,
        description: markdown::render(&f.job.description),
        old_title,
        new_title: title.clone(),
        diff,
        findings: findings(r),
        duplicate: duplicate_hint(r),
        not_approvable: extras.not_approvable,
        reasons: Choice::list(
            RejectReason::ALL.iter().map(|r| (r.as_str(), r.label())),
            &extras.input.reason,
        ),
        reject_note: extras.input.reject_note,
        changes_note: extras.input.changes_note,
        max_note: MAX_NOTE,
        errors: extras.errors,
    }
    .render()?;
    Ok(super::page(status, body))
}

#[tracing::instrument(skip_all)]
pub async fn review(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let data = load(&state, id).await?;
    render_review(&ctx, &data, Extras::none(), StatusCode::OK)
}

// ---------------------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------------------

/// The answer to a decision on a submission that is no longer pending: 409, the review
/// page saying who decided it.
async fn already_decided(
    state: &AppState,
    ctx: &AdminContext,
    id: i64,
) -> Result<HttpResponse, WebError> {
    let data = load(state, id).await?;
    let notice = match decided_line(&data.decision) {
        Some(line) => format!("Nothing was changed: this submission was decided already. {line}"),
        None => format!(
            "Nothing was changed: this submission is no longer waiting ({}).",
            data.decision.state.label().to_lowercase()
        ),
    };
    let extras = Extras {
        notice: Some(notice),
        ..Extras::none()
    };
    render_review(ctx, &data, extras, StatusCode::CONFLICT)
}

/// A repository result where a decision that lost the race (`Conflict`) is a value.
fn settled<T>(result: RepoResult<T>) -> RepoResult<Option<T>> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(RepoError::Conflict(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn flash_title(title: &str) -> String {
    title.replace(';', ",")
}

#[tracing::instrument(skip_all)]
pub async fn approve(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let data = load(&state, id).await?;
    if data.decision.state != SubmissionState::Pending {
        return already_decided(&state, &ctx, id).await;
    }
    let now = Utc::now();
    let r = &data.reviewed;
    let mut problems = FormErrors::default();
    let Some(valid) = posting::validate(
        &r.fields,
        r.company.as_ref(),
        &data.technologies,
        now,
        &mut problems,
    ) else {
        let extras = Extras {
            not_approvable: problems,
            ..Extras::none()
        };
        return render_review(&ctx, &data, extras, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let title = valid.content.title.clone();
    let was_edit = r.live.is_some();
    let link = ManageLink::new(&state.base_url);
    let base_url = state.base_url.clone();
    let entry = ctx.audit(
        AuditAction::SubmissionApproved,
        "submission",
        Some(id),
        title.clone(),
    );
    let approved = {
        let title = title.clone();
        with_conn(&state.pool, move |conn| {
            settled(repo::intake::approve(
                conn,
                entry,
                id,
                valid.company,
                &valid.content,
                &link.hash,
                now,
                |job| {
                    Ok(employer_mail::approved(
                        &job.contact_email,
                        &title,
                        job_url(&base_url, &job.slug),
                        link.url.clone(),
                        was_edit,
                    )?)
                },
            ))
        })
        .await?
    };
    let Some(job) = approved else {
        return already_decided(&state, &ctx, id).await;
    };
    tracing::info!(submission.id = id, job.id = job.job_id, job.slug = %job.slug, "submission {id} approved as job {}", job.job_id);
    let message = if was_edit {
        format!(
            "Approved: the changes to “{}” are live at /jobs/{}. The employer has been e-mailed.",
            flash_title(&title),
            job.slug
        )
    } else {
        format!(
            "Approved: “{}” is live at /jobs/{}. The employer has been e-mailed.",
            flash_title(&title),
            job.slug
        )
    };
    Ok(see_other_with_flash(&state, QUEUE_URL, &message))
}

#[derive(Deserialize, Default)]
pub struct RejectFields {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize, Default)]
pub struct ChangesFields {
    #[serde(default)]
    note: String,
}

/// A note to an employer: trimmed, at most [`MAX_NOTE`] characters.
fn check_note(raw: &str, field: &str, required: bool, errors: &mut FormErrors) -> String {
    let note = raw.trim().replace("\r\n", "\n");
    if required && note.is_empty() {
        errors.add(field, "Write what the employer should change.");
    } else if note.chars().count() > MAX_NOTE {
        errors.add(
            field,
            format!("Shorten the note to at most {MAX_NOTE} characters."),
        );
    }
    note
}

#[tracing::instrument(skip_all)]
pub async fn reject(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
    form: AdminForm<RejectFields>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let data = load(&state, id).await?;
    if data.decision.state != SubmissionState::Pending {
        return already_decided(&state, &ctx, id).await;
    }
    let fields = form.0;
    let mut errors = FormErrors::default();
    let reason = RejectReason::parse(fields.reason.trim());
    if reason.is_none() {
        errors.add("reason", "Choose the reason the employer will read.");
    }
    let note = check_note(&fields.note, "reject_note", false, &mut errors);
    let Some(reason) = reason.filter(|_| errors.is_empty()) else {
        let extras = Extras {
            input: DecisionInput {
                reason: fields.reason,
                reject_note: fields.note,
                changes_note: String::new(),
            },
            errors,
            ..Extras::none()
        };
        return render_review(&ctx, &data, extras, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let title = data.reviewed.title();
    decline(
        &state,
        &ctx,
        id,
        Decline {
            action: AuditAction::SubmissionRejected,
            state: SubmissionState::Rejected,
            reason: Some(reason),
            note,
            title,
        },
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn request_changes(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
    form: AdminForm<ChangesFields>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let data = load(&state, id).await?;
    if data.decision.state != SubmissionState::Pending {
        return already_decided(&state, &ctx, id).await;
    }
    let mut errors = FormErrors::default();
    let note = check_note(&form.0.note, "changes_note", true, &mut errors);
    if !errors.is_empty() {
        let extras = Extras {
            input: DecisionInput {
                changes_note: form.0.note,
                ..DecisionInput::default()
            },
            errors,
            ..Extras::none()
        };
        return render_review(&ctx, &data, extras, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let title = data.reviewed.title();
    decline(
        &state,
        &ctx,
        id,
        Decline {
            action: AuditAction::ChangesRequested,
            state: SubmissionState::ChangesRequested,
            reason: None,
            note,
            title,
        },
    )
    .await
}

/// A rejection or a request for changes, checked.
struct Decline {
    action: AuditAction,
    state: SubmissionState,
    reason: Option<RejectReason>,
    note: String,
    title: String,
}

async fn decline(
    state: &web::Data<AppState>,
    ctx: &AdminContext,
    id: i64,
    d: Decline,
) -> Result<HttpResponse, WebError> {
    let link = ManageLink::new(&state.base_url);
    let entry = ctx.audit(d.action, "submission", Some(id), d.title.clone());
    let done = {
        let (title, note, reason, decision) = (d.title.clone(), d.note.clone(), d.reason, d.state);
        with_conn(&state.pool, move |conn| {
            settled(repo::intake::decline(
                conn,
                entry,
                id,
                decision,
                reason.map(RejectReason::as_str),
                &note,
                &link.hash,
                |_listing, email| {
                    let url = link.url.clone();
                    Ok(match reason {
                        Some(reason) => {
                            employer_mail::rejected(email, &title, reason.label(), &note, url)?
                        }
                        None => employer_mail::changes_requested(email, &title, &note, url)?,
                    })
                },
            ))
        })
        .await?
    };
    if done.is_none() {
        return already_decided(state, ctx, id).await;
    }
    tracing::info!(
        submission.id = id,
        submission.state = d.state.as_str(),
        "submission {id}: {}",
        d.state.as_str()
    );
    let message = match d.state {
        SubmissionState::Rejected => format!(
            "Rejected: “{}”. The employer has been told why.",
            flash_title(&d.title)
        ),
        _ => format!(
            "Changes requested for “{}”. The employer has your note and a link to change the ad.",
            flash_title(&d.title)
        ),
    };
    Ok(see_other_with_flash(state, QUEUE_URL, &message))
}

// ---------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------

async fn resolve(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: &str,
    resolution: ReportResolution,
) -> Result<HttpResponse, WebError> {
    let id = path_id(id)?;
    let (action, subject) = match resolution {
        ReportResolution::JobClosed => (AuditAction::ReportJobClosed, "job"),
        ReportResolution::Dismissed => (AuditAction::ReportDismissed, "report"),
    };
    let entry = ctx.audit(action, subject, Some(id), format!("report #{id}"));
    let result = with_conn(&state.pool, move |conn| match repo::intake::resolve_report(
        conn, entry, id, resolution,
    ) {
        Ok(()) => Ok(true),
        Err(RepoError::NotFound(_)) => Ok(false),
        Err(e) => Err(e),
    })
    .await?;
    let message = match (result, resolution) {
        (false, _) => "Nothing was changed: this report was settled already.",
        (true, ReportResolution::JobClosed) => {
            "Job closed: it has left the listings, and every open report about it is settled."
        }
        (true, ReportResolution::Dismissed) => "Report dismissed: the job stays as it is.",
    };
    if result {
        tracing::info!(
            report.id = id,
            report.resolution = resolution.as_str(),
            "report {id}: {}",
            resolution.as_str()
        );
    }
    Ok(see_other_with_flash(&state, QUEUE_URL, message))
}

#[tracing::instrument(skip_all)]
pub async fn close_job(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    resolve(state, ctx, &id, ReportResolution::JobClosed).await
}

#[tracing::instrument(skip_all)]
pub async fn dismiss(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    resolve(state, ctx, &id, ReportResolution::Dismissed).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_times_count_minutes_then_hours_then_days() {
        let now = Utc::now();
        assert_eq!(waited(now, now), "0 minutes ago");
        assert_eq!(
            waited(now - chrono::Duration::minutes(1), now),
            "1 minute ago"
        );
        assert_eq!(
            waited(now - chrono::Duration::minutes(150), now),
            "2 hours ago"
        );
        assert_eq!(
            waited(now - chrono::Duration::hours(47), now),
            "47 hours ago"
        );
        assert_eq!(waited(now - chrono::Duration::hours(72), now), "3 days ago");
    }
}
