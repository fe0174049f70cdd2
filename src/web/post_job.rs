//! Employers post a job without an account: the form, a preview with the submission
//! checks, sending it (with a confirmation e-mail), and the confirmation link. Nothing
//! is public before the address is confirmed and an editor approved the ad.

use crate::domain::company::Company;
use crate::domain::employer::{
    CONFIRM_VALID_HOURS, SUBMISSIONS_PER_CLIENT_PER_DAY, SUBMISSIONS_PER_EMAIL_PER_DAY,
};
use crate::domain::job::{JobDetail, JobPage, JobStatus, JobSummary};
use crate::domain::slug::Slug;
use crate::domain::technology::Technology;
use crate::repo;
use crate::repo::intake::{CompanyPick, Confirmation, NewPosting};
use crate::views::admin::FormErrors;
use crate::views::employer::{CompanyFormView, EmployerMessagePage, SelectOption};
use crate::views::employer_mail;
use crate::views::pages::{JobShowPage, PostingPreview};
use crate::views::{Crumb, Layout, Nav};
use crate::web::auth::{client_addr, random_token, token_hash};
use crate::web::db::with_conn;
use crate::web::form_guard::{self, HONEYPOT_FIELD, STARTED_FIELD, Verdict};
use crate::web::job_form::{JobChoices, JobFields, field, form_pairs};
use crate::web::posting::{self, PostingFields, ValidPosting};
use crate::web::state::AppState;
use crate::web::{WebError, board};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Duration, Utc};

pub const FORM_PATH: &str = "/post-a-job";
const SENT_PATH: &str = "/post-a-job/sent";

/// The job form as an employer sees it, for a new ad or an edit through the manage link.
#[derive(Template)]
#[template(path = "post_job/form.html")]
pub struct PostJobFormPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub action_url: String,
    pub job: JobFields,
    pub choices: JobChoices,
    pub company: CompanyFormView,
    pub contact_email: String,
    /// The address of a listing that exists: shown, not editable.
    pub contact_locked: Option<String>,
    pub started: String,
    pub honeypot_field: &'static str,
    pub errors: FormErrors,
    pub warnings: FormErrors,
}

/// A page only its visitor should see: never cached or indexed, and the private link in
/// its address never sent on as a referrer.
pub fn private_page(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Robots-Tag", "noindex, nofollow"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(body)
}

pub fn private_layout(state: &AppState, path: &str, title: impl Into<String>) -> Layout {
    let mut layout = Layout::page(
        &state.base_url,
        path,
        title,
        "Post a developer job in Germany.",
        Nav::None,
    );
    layout.canonical = None;
    layout.robots = Some("noindex, nofollow");
    layout
}

/// The form's lists: technologies (with their open jobs) and company sizes.
pub async fn technologies(state: &AppState) -> Result<Vec<Technology>, WebError> {
    with_conn(&state.pool, repo::technologies::all).await
}

/// Everything the form page needs from a set of fields.
pub struct FormContext<'a> {
    pub heading: String,
    pub intro: String,
    pub action_url: String,
    pub title: &'a str,
    pub path: &'a str,
    pub company_locked: Option<String>,
    pub contact_locked: Option<String>,
    /// A form nobody has typed into yet shows no warnings.
    pub fresh: bool,
}

pub async fn render_form(
    state: &AppState,
    ctx: FormContext<'_>,
    fields: PostingFields,
    technologies: &[Technology],
    started: String,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let counts = board::board_counts(state).await.ok();
    let company_name = ctx
        .company_locked
        .clone()
        .unwrap_or_else(|| fields.company_name.clone());
    let warnings = if ctx.fresh {
        FormErrors::default()
    } else {
        fields.job.warnings(&company_name)
    };
    let PostingFields {
        job,
        company_name,
        company_city,
        company_website,
        company_size,
        company_about,
        contact_email,
    } = fields;
    let title = if errors.is_empty() {
        ctx.title.to_owned()
    } else {
        format!("Error: {}", ctx.title)
    };
    let page = PostJobFormPage {
        layout: private_layout(state, ctx.path, title)
            .with_crumbs(vec![Crumb::link("Home", "/"), Crumb::here(ctx.title)]),
        heading: ctx.heading,
        intro: ctx.intro,
        action_url: ctx.action_url,
        choices: JobChoices::new(&job, technologies, |t| {
            counts
                .as_ref()
                .map(|c| c.technology(t.slug.as_str()).map_or(0, |n| n.count))
        }),
        job,
        company: CompanyFormView {
            sizes: std::iter::once(("", "Choose the size"))
                .chain(
                    crate::web::admin::companies::SIZE_BANDS
                        .iter()
                        .map(|s| (*s, *s)),
                )
                .map(|(value, label)| SelectOption {
                    selected: value == company_size,
                    value: value.to_owned(),
                    label: if value.is_empty() {
                        label.to_owned()
                    } else {
                        format!("{label} people")
                    },
                })
                .collect(),
            name: company_name,
            city: company_city,
            website: company_website,
            size: company_size,
            about: company_about,
            locked: ctx.company_locked,
        },
        contact_email,
        contact_locked: ctx.contact_locked,
        started,
        honeypot_field: HONEYPOT_FIELD,
        errors,
        warnings,
    }
    .render()?;
    Ok(private_page(status, page))
}

fn new_form_context() -> FormContext<'static> {
    FormContext {
        heading: "Post a developer job".to_owned(),
        intro: "Free, no account needed. Fill in the ad, look at the preview, send it: we e-mail you a link to confirm your address, an editor reviews the ad, and it goes live — usually within one working day.".to_owned(),
        action_url: FORM_PATH.to_owned(),
        title: "Post a job",
        path: FORM_PATH,
        company_locked: None,
        contact_locked: None,
        fresh: false,
    }
}

fn now_seconds() -> i64 {
    Utc::now().timestamp()
}

#[tracing::instrument(skip_all)]
pub async fn form(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let technologies = technologies(&state).await?;
    let started = form_guard::started_token(&state.form_key, now_seconds());
    render_form(
        &state,
        FormContext {
            fresh: true,
            ..new_form_context()
        },
        PostingFields::blank(Utc::now()),
        &technologies,
        started,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The fields of a form post as pairs, and which button was pressed.
pub fn posted(body: &[u8]) -> (Vec<(String, String)>, String) {
    let pairs = form_pairs(body);
    let action = field(&pairs, "action");
    (pairs, action)
}

/// The company an ad names: an existing one by its name, if there is one.
pub async fn existing_company(state: &AppState, name: &str) -> Result<Option<Company>, WebError> {
    let name = name.trim().to_owned();
    if name.is_empty() {
        return Ok(None);
    }
    with_conn(&state.pool, move |conn| {
        repo::intake::company_by_name(conn, &name)
    })
    .await
}

/// The hidden fields that carry an ad from the preview back to the form or onwards.
pub fn hidden_fields(fields: &PostingFields, started: &str) -> Vec<(String, String)> {
    let json = fields.to_json();
    let mut hidden: Vec<(String, String)> = Vec::new();
    if let Some(map) = json.as_object() {
        for (name, value) in map {
            match value {
                serde_json::Value::String(s) => hidden.push((name.clone(), s.clone())),
                serde_json::Value::Array(items) => hidden.extend(
                    items
                        .iter()
                        .filter_map(|v| v.as_str())
                        .map(|v| (name.clone(), v.to_owned())),
                ),
                _ => {}
            }
        }
    }
    hidden.push((STARTED_FIELD.to_owned(), started.to_owned()));
    hidden
}

/// The panel above a previewed ad: the checks' warnings and the buttons, carrying every
/// field to `action_url`.
pub fn posting_preview(
    fields: &PostingFields,
    valid: &ValidPosting,
    started: &str,
    action_url: &str,
    company_note: String,
    submit_label: &'static str,
) -> PostingPreview {
    PostingPreview {
        action_url: action_url.to_owned(),
        hidden: hidden_fields(fields, started),
        warnings: fields
            .job
            .warnings(&valid.company_name)
            .errors
            .into_iter()
            .map(|w| w.message)
            .collect(),
        company_note,
        submit_label,
    }
}

/// The ad as its public page will show it, with the panel that sends it.
pub fn preview_page(
    state: &AppState,
    valid: &ValidPosting,
    company: Option<&Company>,
    technologies: &[Technology],
    preview: PostingPreview,
) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let company = match (company, &valid.company) {
        (Some(c), _) => c.clone(),
        (None, CompanyPick::New(input, slug)) => Company {
            id: 0,
            slug: slug.clone(),
            name: input.name.clone(),
            city: input.city.clone(),
            website: input.website.clone(),
            about_markdown: input.about_markdown.clone(),
            size_band: input.size_band.clone(),
            logo: None,
        },
        (None, CompanyPick::Existing(_)) => return Err(WebError::NotFound),
    };
    let content = &valid.content;
    let page = JobPage {
        job: JobDetail {
            summary: JobSummary {
                id: 0,
                slug: Slug::parse("preview").map_err(|_| WebError::NotFound)?,
                title: content.title.clone(),
                company_name: company.name.clone(),
                company_slug: company.slug.clone(),
                company_logo: company.logo.clone().map(std::sync::Arc::new),
                location: content.location.clone(),
                seniority: content.seniority,
                employment_type: content.employment_type,
                salary: content.salary,
                posted_at: now,
                updated_at: now,
                technologies: technologies
                    .iter()
                    .filter(|t| content.technology_slugs.contains(&t.slug))
                    .cloned()
                    .collect(),
            },
            description_markdown: content.description_markdown.clone(),
            description_html: None,
            apply: content.apply.clone(),
            valid_through: content.valid_through,
            status: JobStatus::Published,
        },
        company,
    };
    let layout = private_layout(
        state,
        &preview.action_url,
        format!("Preview: {}", content.title),
    );
    let mut view = JobShowPage::new(layout, &page, &[], now);
    view.preview = Some(preview);
    Ok(private_page(StatusCode::OK, view.render()?))
}

/// The started-time token to carry on: the form's own while it is valid (the time a
/// person started filling it in), a new one otherwise.
pub fn carried_started(state: &AppState, pairs: &[(String, String)]) -> String {
    let token = field(pairs, STARTED_FIELD);
    match form_guard::started_at(&state.form_key, &token, now_seconds()) {
        Some(_) => token,
        None => form_guard::started_token(&state.form_key, now_seconds()),
    }
}

/// Says no (429) when an address or a client has sent its day's share of ads.
pub async fn check_daily_limits(
    state: &AppState,
    email: &str,
    client: &str,
) -> Result<(), WebError> {
    let (email, client) = (email.to_owned(), client.to_owned());
    let since = Utc::now() - Duration::days(1);
    let (by_email, by_client) = with_conn(&state.pool, move |conn| {
        repo::intake::submission_counts(conn, &email, &client, since)
    })
    .await?;
    if by_email >= SUBMISSIONS_PER_EMAIL_PER_DAY {
        return Err(WebError::RateLimited {
            seconds: 3600,
            message: "This address has sent as many job ads as it can in a day. Please try again in an hour.".to_owned(),
        });
    }
    if by_client >= SUBMISSIONS_PER_CLIENT_PER_DAY {
        return Err(WebError::RateLimited {
            seconds: 3600,
            message: "Your network has sent as many job ads as it can in a day. Please try again in an hour.".to_owned(),
        });
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let (pairs, action) = posted(&body);
    let fields = PostingFields::from_pairs(&pairs);
    let technologies = technologies(&state).await?;
    let started = carried_started(&state, &pairs);
    let back_to_form = |errors: FormErrors, status: StatusCode| {
        render_form(
            &state,
            new_form_context(),
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
    let company = existing_company(&state, &fields.company_name).await?;
    let now = Utc::now();
    let mut errors = FormErrors::default();
    let Some(valid) = posting::validate(&fields, company.as_ref(), &technologies, now, &mut errors)
    else {
        return back_to_form(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if action != "submit" {
        let note = match &company {
            Some(c) => format!(
                "It will be listed under {}, a company already on the board.",
                c.name
            ),
            None => format!(
                "{} is new to the board: its profile is created with the ad.",
                valid.company_name
            ),
        };
        let preview = posting_preview(
            &fields,
            &valid,
            &started,
            FORM_PATH,
            note,
            "Send for review",
        );
        return preview_page(&state, &valid, company.as_ref(), &technologies, preview);
    }
    match form_guard::check(
        &state.form_key,
        &field(&pairs, HONEYPOT_FIELD),
        &field(&pairs, STARTED_FIELD),
        now.timestamp(),
        state.submit_min_fill,
    ) {
        Verdict::Person => {}
        Verdict::Honeypot => {
            // Looks like success to the script; nothing is stored or sent.
            tracing::info!("job form with a filled honeypot ignored");
            return Ok(crate::web::auth::see_other(SENT_PATH));
        }
        Verdict::TooFast => {
            let mut errors = FormErrors::default();
            errors.add(
                "title",
                "That was quicker than a person can fill in this form. Please check your ad and send it again.",
            );
            return back_to_form(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    }
    let client = client_addr(&req);
    check_daily_limits(&state, valid.contact_email.as_str(), &client).await?;
    let token = random_token();
    let expires = now + Duration::hours(CONFIRM_VALID_HOURS);
    let mail = employer_mail::confirm_posting(
        valid.contact_email.as_str(),
        &valid.content.title,
        format!("{}/post-a-job/confirm/{token}", state.base_url),
        expires,
    )
    .map_err(WebError::BadRequest)?;
    let json = fields.to_json();
    let email = valid.contact_email.as_str().to_owned();
    let ends_at = valid.content.valid_through;
    let listing = with_conn(&state.pool, move |conn| {
        repo::intake::create_posting(
            conn,
            &NewPosting {
                contact_email: &email,
                fields: &json,
                client_addr: &client,
                confirm_token_hash: &token_hash(&token),
                confirm_expires_at: expires,
                ends_at,
            },
            &mail,
        )
    })
    .await?;
    tracing::info!(
        listing.id = listing,
        "job ad {listing} sent, waiting for confirmation"
    );
    Ok(crate::web::auth::see_other(SENT_PATH))
}

fn message_page(
    state: &AppState,
    path: &str,
    status: StatusCode,
    heading: &str,
    paragraphs: Vec<String>,
    button: Option<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let body = EmployerMessagePage {
        layout: private_layout(state, path, heading),
        heading: heading.to_owned(),
        paragraphs,
        button,
        links: vec![
            ("Browse the jobs".to_owned(), "/jobs".to_owned()),
            ("Post another job".to_owned(), FORM_PATH.to_owned()),
        ],
    }
    .render()?;
    Ok(private_page(status, body))
}

#[tracing::instrument(skip_all)]
pub async fn sent(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    message_page(
        &state,
        SENT_PATH,
        StatusCode::OK,
        "Check your inbox",
        vec![
            "We have sent you an e-mail with a link to confirm your address. Please open it within 48 hours: only confirmed ads go to our editors.".to_owned(),
            "No e-mail after a few minutes? Look in the spam folder, or send the ad again with the right address.".to_owned(),
        ],
        None,
    )
}

const WHAT_NEXT: &str = "An editor reviews your ad, usually within one working day. When it is live, we e-mail you its address and a private link to manage it: see its views, change it, extend it or close it.";

fn confirmation_page(
    state: &AppState,
    path: &str,
    outcome: Confirmation,
    asking: bool,
) -> Result<HttpResponse, WebError> {
    match outcome {
        Confirmation::Unknown => Err(WebError::NotFound),
        Confirmation::Expired => Err(WebError::LinkExpired(
            "Confirmation links work for 48 hours. Please post the job again: it only takes a minute with the preview."
                .to_owned(),
        )),
        Confirmation::AlreadyConfirmed => message_page(
            state,
            path,
            StatusCode::OK,
            "Your address is already confirmed",
            vec![
                "This link has been used: your ad is with our editors.".to_owned(),
                WHAT_NEXT.to_owned(),
            ],
            None,
        ),
        Confirmation::Confirmed if asking => message_page(
            state,
            path,
            StatusCode::OK,
            "Confirm your job ad",
            vec!["One click sends your ad to our editors for review.".to_owned()],
            Some((path.to_owned(), "Confirm and send for review".to_owned())),
        ),
        Confirmation::Confirmed => message_page(
            state,
            path,
            StatusCode::OK,
            "Thank you: your ad is in review",
            vec![WHAT_NEXT.to_owned()],
            None,
        ),
    }
}

fn confirm_path(token: &str) -> Result<String, WebError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebError::NotFound);
    }
    Ok(format!("/post-a-job/confirm/{token}"))
}

/// Reads (`use_it` false) or uses a confirmation link, and answers with its page.
async fn confirmation(
    state: &AppState,
    token: &str,
    use_it: bool,
) -> Result<HttpResponse, WebError> {
    let path = confirm_path(token)?;
    let hash = token_hash(token);
    let outcome = with_conn(&state.pool, move |conn| {
        if use_it {
            repo::intake::confirm(conn, &hash, Utc::now())
        } else {
            repo::intake::confirmation_state(conn, &hash, Utc::now())
        }
    })
    .await?;
    if use_it && outcome == Confirmation::Confirmed {
        tracing::info!("a job ad was confirmed and waits for review");
    }
    confirmation_page(state, &path, outcome, !use_it)
}

/// The link from the e-mail: a page with one button, so that mail scanners that open
/// links do not confirm on the employer's behalf.
#[tracing::instrument(skip_all)]
pub async fn confirm_page(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    confirmation(&state, &token, false).await
}

#[tracing::instrument(skip_all)]
pub async fn confirm(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    confirmation(&state, &token, true).await
}
