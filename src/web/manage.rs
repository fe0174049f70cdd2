//! The employer's private page for an ad, opened with the link from an e-mail: its
//! status and views, edit (a live ad stays unchanged until the edit is approved), close
//! early, extend by 30 days. And the form that sends the links again, which answers the
//! same whether or not an address is known.

use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::dates;
use crate::domain::editor::EmailAddress;
use crate::domain::employer::{
    LINK_REQUESTS_PER_CLIENT_PER_HOUR, LINK_REQUESTS_PER_EMAIL_PER_HOUR, SubmissionState,
    can_extend, extended_end,
};
use crate::domain::job::JobStatus;
use crate::repo;
use crate::repo::intake::Listing;
use crate::views::admin::FormErrors;
use crate::views::employer::{ManageFact, ManagePage, ResendLinkPage};
use crate::views::employer_mail;
use crate::web::WebError;
use crate::web::auth::{client_addr, see_other, token_hash};
use crate::web::db::with_conn;
use crate::web::employer_links::ManageLink;
use crate::web::job_form::field;
use crate::web::post_job::{
    FormContext, carried_started, check_daily_limits, posted, posting_preview, preview_page,
    private_layout, private_page, render_form, technologies,
};
use crate::web::posting::{self, PostingFields};
use crate::web::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Duration, Utc};
use serde::Deserialize;

const RESEND_PATH: &str = "/manage";

fn manage_path(token: &str) -> String {
    format!("/manage/{token}")
}

/// The listing a manage link opens; 404 for a wrong or expired link.
async fn listing_for(state: &AppState, token: &str) -> Result<Listing, WebError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebError::NotFound);
    }
    let hash = token_hash(token);
    with_conn(&state.pool, move |conn| {
        repo::intake::listing_by_manage_token(conn, &hash, Utc::now())
    })
    .await?
    .ok_or(WebError::NotFound)
}

#[derive(Deserialize)]
pub struct ManageQuery {
    #[serde(default)]
    done: String,
}

/// Whether the employer may send a new version.
fn can_edit(listing: &Listing) -> bool {
    let job_open = listing
        .job
        .as_ref()
        .is_some_and(|j| j.status == JobStatus::Published.as_str());
    job_open
        || matches!(
            listing.latest.state,
            SubmissionState::Pending | SubmissionState::ChangesRequested
        )
}

#[tracing::instrument(skip_all)]
pub async fn show(
    state: web::Data<AppState>,
    token: web::Path<String>,
    query: web::Query<ManageQuery>,
) -> Result<HttpResponse, WebError> {
    let listing = listing_for(&state, &token).await?;
    let now = Utc::now();
    let path = manage_path(&token);
    let latest = &listing.latest;
    let title = PostingFields::from_json(&latest.fields)
        .map(|f| f.job.title)
        .filter(|t| !t.trim().is_empty())
        .or_else(|| listing.job.as_ref().map(|j| j.title.clone()))
        .unwrap_or_else(|| "Your job ad".to_owned());
    let (kind, label, mut text) = match &listing.job {
        Some(job) if job.status == JobStatus::Closed.as_str() => (
            "closed",
            "Closed".to_owned(),
            "The ad is closed: it has left the listings and its page says so.".to_owned(),
        ),
        Some(job) if job.status == JobStatus::Published.as_str() && job.valid_through <= now => (
            "expired",
            "Ended".to_owned(),
            format!(
                "The ad ended on {} and has left the listings. Extend it to bring it back.",
                dates::long_date(job.valid_through)
            ),
        ),
        Some(job) if job.status == JobStatus::Published.as_str() => (
            "published",
            "Live".to_owned(),
            format!(
                "The ad is on the board until {}.",
                dates::long_date(job.valid_through)
            ),
        ),
        Some(_) => (
            "draft",
            "Offline".to_owned(),
            "An editor has taken the ad offline for now.".to_owned(),
        ),
        None => match latest.state {
            SubmissionState::ChangesRequested => (
                "draft",
                "Changes requested".to_owned(),
                "An editor asks for a change before the ad can go live.".to_owned(),
            ),
            SubmissionState::Rejected => (
                "closed",
                "Not accepted".to_owned(),
                "An editor could not accept this ad.".to_owned(),
            ),
            SubmissionState::Unconfirmed => (
                "draft",
                "Waiting for your confirmation".to_owned(),
                "Please open the confirmation link we e-mailed you.".to_owned(),
            ),
            _ => (
                "scheduled",
                "In review".to_owned(),
                "An editor reviews the ad, usually within one working day.".to_owned(),
            ),
        },
    };
    if listing.job.is_some() {
        match latest.state {
            SubmissionState::Pending => text.push_str(&format!(
                " Your changes of {} wait for review; until they are approved the ad stays online as it was.",
                dates::long_date(latest.submitted_at)
            )),
            SubmissionState::ChangesRequested => {
                text.push_str(" An editor asks for a change to your latest edit.")
            }
            SubmissionState::Rejected => {
                text.push_str(" Your latest edit was not accepted; the ad stays as it was.")
            }
            _ => {}
        }
    }
    if let Some(reason) = latest
        .reason
        .as_deref()
        .and_then(crate::domain::employer::RejectReason::parse)
        .filter(|_| latest.state == SubmissionState::Rejected)
    {
        text.push_str(&format!(" The reason: {}.", reason.label()));
    }
    if !latest.note.trim().is_empty()
        && matches!(
            latest.state,
            SubmissionState::Rejected | SubmissionState::ChangesRequested
        )
    {
        text.push_str(&format!(" The editor’s note: “{}”", latest.note.trim()));
    }
    let mut facts = vec![ManageFact {
        label: "Contact",
        value: listing.contact_email.clone(),
    }];
    let (public_url, close_url, extend_url) = match &listing.job {
        Some(job) => {
            facts.insert(
                0,
                ManageFact {
                    label: "Views",
                    value: listing.views.to_string(),
                },
            );
            facts.insert(
                1,
                ManageFact {
                    label: "Company",
                    value: job.company_name.clone(),
                },
            );
            facts.insert(
                2,
                ManageFact {
                    label: "Ends",
                    value: dates::long_date(job.valid_through),
                },
            );
            let published = job.status == JobStatus::Published.as_str();
            (
                Some(format!("/jobs/{}", job.slug)),
                (published && job.valid_through > now).then(|| format!("{path}/close")),
                (published && can_extend(job.valid_through, now)).then(|| format!("{path}/extend")),
            )
        }
        None => (None, None, None),
    };
    let extend_until = listing
        .job
        .as_ref()
        .map(|j| dates::long_date(extended_end(j.valid_through, now)))
        .unwrap_or_default();
    let notice = match query.done.as_str() {
        "sent" => Some(
            "Thank you: your changes are with our editors. We e-mail you when they are decided."
                .to_owned(),
        ),
        "closed" => Some("The ad is closed.".to_owned()),
        "extended" => Some(format!(
            "The ad runs until {extend_until_now}.",
            extend_until_now = listing
                .job
                .as_ref()
                .map(|j| dates::long_date(j.valid_through))
                .unwrap_or_default()
        )),
        _ => None,
    };
    let body = ManagePage {
        layout: private_layout(&state, &path, format!("Manage: {title}")),
        title,
        notice,
        status_kind: kind,
        status_label: label,
        status_text: text,
        facts,
        public_url,
        edit_url: if can_edit(&listing) {
            format!("{path}/edit")
        } else {
            String::new()
        },
        close_url,
        extend_url,
        extend_until,
    }
    .render()?;
    Ok(private_page(StatusCode::OK, body))
}

fn edit_context<'a>(listing: &Listing, path: &'a str, token: &str) -> FormContext<'a> {
    FormContext {
        heading: "Change your job ad".to_owned(),
        intro: if listing.job.is_some() {
            "Your ad stays online as it is until an editor has approved the changes.".to_owned()
        } else {
            "Send the changed ad and it goes back to our editors.".to_owned()
        },
        action_url: format!("{}/edit", manage_path(token)),
        title: "Change your job ad",
        path,
        company_locked: listing.job.as_ref().map(|j| j.company_name.clone()),
        contact_locked: Some(listing.contact_email.clone()),
        fresh: false,
    }
}

#[tracing::instrument(skip_all)]
pub async fn edit_form(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let listing = listing_for(&state, &token).await?;
    if !can_edit(&listing) {
        return Ok(see_other(&manage_path(&token)));
    }
    let fields = PostingFields::from_json(&listing.latest.fields).unwrap_or_default();
    let technologies = technologies(&state).await?;
    let path = format!("{}/edit", manage_path(&token));
    let started = crate::web::form_guard::started_token(&state.form_key, Utc::now().timestamp());
    render_form(
        &state,
        edit_context(&listing, &path, &token),
        fields,
        &technologies,
        started,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn edit(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let listing = listing_for(&state, &token).await?;
    if !can_edit(&listing) {
        return Ok(see_other(&manage_path(&token)));
    }
    let (pairs, action) = posted(&body);
    let mut fields = PostingFields::from_pairs(&pairs);
    // What an employer cannot change here: the address, and the company of a live job.
    fields.contact_email = listing.contact_email.clone();
    let company = match &listing.job {
        Some(job) => {
            let stored = PostingFields::from_json(&listing.latest.fields).unwrap_or_default();
            fields.company_name = stored.company_name;
            fields.company_city = stored.company_city;
            fields.company_website = stored.company_website;
            fields.company_size = stored.company_size;
            fields.company_about = stored.company_about;
            let id = job.company_id;
            Some(
                with_conn(&state.pool, move |conn| {
                    repo::admin_companies::find(conn, id)
                })
                .await?,
            )
        }
        None => crate::web::post_job::existing_company(&state, &fields.company_name).await?,
    };
    let technologies = technologies(&state).await?;
    let started = carried_started(&state, &pairs);
    let path = format!("{}/edit", manage_path(&token));
    let back_to_form = |errors: FormErrors, status: StatusCode| {
        render_form(
            &state,
            edit_context(&listing, &path, &token),
            fields.clone(),
            &technologies,
            started.clone(),
            errors,
            status,
        )
    };
    if action == "edit" {
        return back_to_form(FormErrors::default(), StatusCode::OK).await;
    }
    let mut errors = FormErrors::default();
    let Some(valid) = posting::validate(
        &fields,
        company.as_ref(),
        &technologies,
        Utc::now(),
        &mut errors,
    ) else {
        return back_to_form(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if action != "submit" {
        let preview = posting_preview(
            &fields,
            &valid,
            &started,
            &path,
            String::new(),
            "Send the changes for review",
        );
        return preview_page(&state, &valid, company.as_ref(), &technologies, preview);
    }
    let client = client_addr(&req);
    check_daily_limits(&state, &listing.contact_email, &client).await?;
    let json = fields.to_json();
    let listing_id = listing.id;
    let ends_at = valid.content.valid_through;
    with_conn(&state.pool, move |conn| {
        repo::intake::resubmit(conn, listing_id, &json, &client, ends_at)
    })
    .await?;
    tracing::info!(
        listing.id = listing_id,
        "an employer sent a new version of an ad"
    );
    Ok(see_other(&format!("{}?done=sent", manage_path(&token))))
}

fn employer_entry(
    listing: &Listing,
    action: AuditAction,
    job_id: i64,
    req: &HttpRequest,
    summary: String,
) -> AuditEntry {
    AuditEntry {
        editor_id: None,
        editor_email: listing.contact_email.clone(),
        action,
        subject_type: "job",
        subject_id: Some(job_id),
        summary,
        client_addr: client_addr(req),
    }
}

#[tracing::instrument(skip_all)]
pub async fn close(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let listing = listing_for(&state, &token).await?;
    let Some(job) = listing
        .job
        .as_ref()
        .filter(|j| j.status == JobStatus::Published.as_str())
    else {
        return Ok(see_other(&manage_path(&token)));
    };
    let entry = employer_entry(
        &listing,
        AuditAction::EmployerJobClosed,
        job.id,
        &req,
        job.title.clone(),
    );
    let job_id = job.id;
    with_conn(&state.pool, move |conn| {
        repo::intake::close_job(conn, entry, job_id)
    })
    .await?;
    tracing::info!(job.id = job_id, "the employer closed job {job_id}");
    Ok(see_other(&format!("{}?done=closed", manage_path(&token))))
}

#[tracing::instrument(skip_all)]
pub async fn extend(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let listing = listing_for(&state, &token).await?;
    let now = Utc::now();
    let Some(job) = listing
        .job
        .as_ref()
        .filter(|j| j.status == JobStatus::Published.as_str() && can_extend(j.valid_through, now))
    else {
        return Ok(see_other(&manage_path(&token)));
    };
    let new_end = extended_end(job.valid_through, now);
    let entry = employer_entry(
        &listing,
        AuditAction::EmployerJobExtended,
        job.id,
        &req,
        format!("until {}", dates::iso_date(new_end)),
    );
    let (listing_id, job_id) = (listing.id, job.id);
    with_conn(&state.pool, move |conn| {
        repo::intake::extend_job(conn, entry, listing_id, job_id, new_end)
    })
    .await?;
    tracing::info!(job.id = job_id, "the employer extended job {job_id}");
    Ok(see_other(&format!("{}?done=extended", manage_path(&token))))
}

fn resend_page(
    state: &AppState,
    email: String,
    sent: bool,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let title = if errors.is_empty() {
        "Get your manage links"
    } else {
        "Error: Get your manage links"
    };
    let body = ResendLinkPage {
        layout: private_layout(state, RESEND_PATH, title),
        email,
        sent,
        errors,
    }
    .render()?;
    Ok(private_page(status, body))
}

#[tracing::instrument(skip_all)]
pub async fn resend_form(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    resend_page(
        &state,
        String::new(),
        false,
        FormErrors::default(),
        StatusCode::OK,
    )
}

/// Sends the manage links of an address. The answer is the same whether or not the
/// address has ads with us, so the form tells nobody who posts here.
#[tracing::instrument(skip_all)]
pub async fn resend(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let (pairs, _) = posted(&body);
    let raw = field(&pairs, "email");
    let Ok(email) = EmailAddress::parse(&raw) else {
        let mut errors = FormErrors::default();
        errors.add(
            "email",
            "Enter the e-mail address you posted the job with, e.g. hiring@example.com.",
        );
        return resend_page(&state, raw, false, errors, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let key = email.as_str().to_lowercase();
    let client = client_addr(&req);
    let now = Utc::now();
    let (by_email, by_client) = {
        let (key, client) = (key.clone(), client.clone());
        with_conn(&state.pool, move |conn| {
            repo::intake::record_link_request(conn, &key, &client, now - Duration::hours(1))
        })
        .await?
    };
    if by_email > LINK_REQUESTS_PER_EMAIL_PER_HOUR || by_client > LINK_REQUESTS_PER_CLIENT_PER_HOUR
    {
        return Err(WebError::RateLimited {
            seconds: 3600,
            message: "The links have been asked for several times in the last hour. Please try again in an hour.".to_owned(),
        });
    }
    let base_url = state.base_url.clone();
    let to = email.as_str().to_owned();
    let sent = with_conn(&state.pool, move |conn| {
        let listings = repo::intake::manageable_listings(conn, &key, now)?;
        if listings.is_empty() {
            return Ok(0);
        }
        let mut links = Vec::new();
        let mut lines = Vec::new();
        for listing in &listings {
            let link = ManageLink::new(&base_url);
            let title = listing
                .job
                .as_ref()
                .map(|j| j.title.clone())
                .or_else(|| PostingFields::from_json(&listing.latest.fields).map(|f| f.job.title))
                .unwrap_or_else(|| "Your job ad".to_owned());
            lines.push((title, link.url));
            links.push((listing.id, link.hash));
        }
        let mail = employer_mail::manage_links(&to, &lines)
            .map_err(|e| repo::RepoError::Conflict(e.to_string()))?;
        repo::intake::send_with_links(conn, &links, &mail)?;
        Ok(links.len())
    })
    .await?;
    tracing::info!(links = sent, "manage links asked for");
    resend_page(
        &state,
        String::new(),
        true,
        FormErrors::default(),
        StatusCode::OK,
    )
}
