//! E-mail alerts for any search: the sign-up form (`/alerts/new`, `POST /alerts`), the
//! confirmation link, one-click unsubscribe (RFC 8058: `POST` without a cookie ends the
//! alert) and the manage page. Public forms without a session: the tokens in the links
//! are the only keys, so the pages that carry one are never cached or indexed and send
//! no referrer.

use super::board::board_counts;
use super::db::with_conn;
use super::jobs::{TechnologyNames, alert_search, heading_for, with_known_cities};
use super::{WebError, listing_path, query_pairs};
use crate::domain::InvalidInput;
use crate::domain::alert::{
    CONFIRM_WITHIN, Frequency, TokenPurpose, derived_token, is_token, token_hash,
};
use crate::domain::editor::EmailAddress;
use crate::domain::filter::JobSearch;
use crate::domain::mail::OutgoingMail;
use crate::repo::{self, alerts as store};
use crate::views::alerts::{
    AlertConfirmPage, AlertErasedPage, AlertExistsMail, AlertManagePage, AlertNewPage,
    AlertSentPage, AlertUnsubscribePage, ConfirmMail, ConfirmState, frequency_options,
};
use crate::views::{Layout, Nav};
use crate::web::auth::{client_addr, random_token, see_other};
use crate::web::state::AppState;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;

/// A search an alert can be made for: its normal query, its one URL and its name.
struct AlertSearch {
    query: String,
    path: String,
    label: String,
}

/// Reads `search` (a `/jobs` query string) into its normal form, one URL and name, as
/// the listings show it. A search the listings would refuse is a 400.
async fn alert_search_of(state: &web::Data<AppState>, raw: &str) -> Result<AlertSearch, WebError> {
    let search = JobSearch::from_pairs(&query_pairs(raw)?)?;
    let counts = board_counts(state).await?;
    let search = with_known_cities(search, &counts);
    let query = alert_search(&search.filter);
    let path = super::landing::path_for_filter(&search.filter, &counts)
        .unwrap_or_else(|| listing_path("/jobs", &query));
    let technologies = with_conn(&state.pool, repo::technologies::all).await?;
    let label = heading_for(&search.filter, &TechnologyNames(&technologies));
    Ok(AlertSearch { query, path, label })
}

/// A page of the alert pages: no canonical URL, not indexed.
fn layout(state: &AppState, path: &str, title: &str) -> Layout {
    let mut layout = Layout::page(
        &state.base_url,
        path,
        title,
        "E-mail alerts for new developer jobs.",
        Nav::Jobs,
    )
    .noindex();
    layout.canonical = None;
    layout.robots = Some("noindex,nofollow");
    layout
}

/// A page that must stay private: it carries a token (or answers one), so neither
/// caches nor the next site's `Referer` may see it.
fn private(
    status: actix_web::http::StatusCode,
    page: &impl Template,
) -> Result<HttpResponse, WebError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store, private"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header(("X-Robots-Tag", "noindex, nofollow"))
        .body(page.render()?))
}

fn ok(page: &impl Template) -> Result<HttpResponse, WebError> {
    private(actix_web::http::StatusCode::OK, page)
}

/// The decoded fields of a form post, or a 400 for a body that is not form encoding.
fn form_fields(body: &Bytes) -> Result<Vec<(String, String)>, WebError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| WebError::BadRequest(InvalidInput::new("form", "is not valid UTF-8 text")))?;
    query_pairs(text)
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn feed_url(state: &AppState, query: &str) -> String {
    format!(
        "{}{}",
        state.base_url,
        listing_path("/jobs/feed.xml", query)
    )
}

#[derive(serde::Deserialize)]
pub struct SearchParam {
    #[serde(default)]
    search: String,
}

/// `GET /alerts/new?search=…`: the sign-up form on a page of its own.
#[tracing::instrument(skip(state, params))]
pub async fn new_form(
    state: web::Data<AppState>,
    params: web::Query<SearchParam>,
) -> Result<HttpResponse, WebError> {
    let search = alert_search_of(&state, &params.search).await?;
    let page = new_page(&state, &search, "", Frequency::Daily, Vec::new());
    super::html(&page)
}

fn new_page(
    state: &AppState,
    search: &AlertSearch,
    email: &str,
    frequency: Frequency,
    errors: Vec<(&'static str, String)>,
) -> AlertNewPage {
    let title = if errors.is_empty() {
        format!("E-mail alert: {}", search.label)
    } else {
        format!("Error: e-mail alert: {}", search.label)
    };
    AlertNewPage {
        layout: layout(state, "/alerts/new", &title),
        search: search.query.clone(),
        label: search.label.clone(),
        search_url: search.path.clone(),
        feed_url: feed_url(state, &search.query),
        email: email.to_owned(),
        frequencies: frequency_options(frequency),
        errors,
    }
}

/// `POST /alerts`: signs an address up for a search. A good sign-up queues the
/// confirmation message (double opt-in) and shows "check your inbox"; a form that
/// cannot be used comes back with its input (422); too many sign-ups from one client
/// answer 429.
#[tracing::instrument(skip(state, req, body))]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, WebError> {
    let fields = form_fields(&body)?;
    let search = alert_search_of(&state, field(&fields, "search")).await?;
    let email_raw = field(&fields, "email").trim().to_owned();
    let email = EmailAddress::parse(&email_raw);
    let frequency = Frequency::parse(field(&fields, "frequency"));
    let mut errors = Vec::new();
    if let Err(e) = &email {
        errors.push((
            "alert-email",
            if email_raw.is_empty() {
                "Enter your e-mail address".to_owned()
            } else {
                format!("The e-mail address {}", e.message)
            },
        ));
    }
    if frequency.is_err() {
        errors.push(("alert-frequency", "Choose daily or weekly".to_owned()));
    }
    let chosen = frequency.clone().unwrap_or(Frequency::Daily);
    let (Ok(email), Ok(frequency)) = (email, frequency) else {
        let page = new_page(&state, &search, &email_raw, chosen, errors);
        return private(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    // Refused by the outbox's own rules (an address with characters a header cannot
    // carry): the same form, with the reason.
    if let Err(e) = OutgoingMail::new(email.clone(), "check", "check") {
        let page = new_page(
            &state,
            &search,
            &email_raw,
            frequency,
            vec![("alert-email", format!("The e-mail address {}", e.message))],
        );
        return private(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
    }

    let now = Utc::now();
    let token = random_token();
    let new = store::NewAlert {
        email: email.as_str().to_owned(),
        search_query: search.query.clone(),
        search_path: search.path.clone(),
        label: search.label.clone(),
        frequency,
        client_addr: client_addr(&req),
        confirm_token_hash: token_hash(&token),
        confirm_expires_at: now + CONFIRM_WITHIN,
    };
    let base = state.base_url.clone();
    let key = state.alert_key.expose().to_owned();
    let (label, path) = (search.label.clone(), search.path.clone());
    let outcome = with_conn(&state.pool, move |conn| {
        store::sign_up(conn, &new, &key, now, |outcome| {
            let (subject, text) = match outcome {
                store::SignedUp::ConfirmationNeeded { .. } => {
                    let mail = ConfirmMail {
                        label: label.clone(),
                        frequency: match frequency {
                            Frequency::Daily => "daily",
                            Frequency::Weekly => "weekly, on Mondays",
                        },
                        confirm_url: format!("{base}/alerts/confirm/{token}"),
                        search_url: format!("{base}{path}"),
                        hours: CONFIRM_WITHIN.num_hours(),
                    };
                    (mail.subject(), mail.render())
                }
                store::SignedUp::AlreadySubscribed { manage_salt } => {
                    let mail = AlertExistsMail {
                        label: label.clone(),
                        manage_url: format!(
                            "{base}/alerts/manage/{}",
                            derived_token(&key, TokenPurpose::Manage, manage_salt)
                        ),
                    };
                    (mail.subject(), mail.render())
                }
            };
            let text = text.map_err(|e| InvalidInput::new("mail", e.to_string()))?;
            // No List-Unsubscribe: this message is about something the reader did.
            OutgoingMail::new(email.clone(), &subject, &text)
        })
    })
    .await?;
    match outcome {
        Ok(_) => {
            let search =
                serde_urlencoded::to_string([("search", &search.query)]).unwrap_or_default();
            Ok(see_other(&format!("/alerts/sent?{search}")))
        }
        Err(store::SignUpRefused::TooManyAlerts) => {
            let page = new_page(
                &state,
                &search,
                &email_raw,
                frequency,
                vec![(
                    "alert-email",
                    format!(
                        "This address has {} alerts already, the most one address can have. \
                         Delete one on the manage page linked in every alert e-mail first.",
                        crate::domain::alert::MAX_ALERTS_PER_ADDRESS
                    ),
                )],
            );
            private(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(store::SignUpRefused::TooManySignUps { retry_after }) => Err(WebError::RateLimited {
            seconds: retry_after,
            message: format!(
                "There were {} alert sign-ups from your network within the hour. Please wait \
                 {} minute{} and try again.",
                crate::domain::alert::MAX_SIGNUPS_PER_CLIENT,
                retry_after.div_ceil(60),
                if retry_after.div_ceil(60) == 1 {
                    ""
                } else {
                    "s"
                }
            ),
        }),
    }
}

/// `GET /alerts/sent?search=…`: "check your inbox".
#[tracing::instrument(skip(state, params))]
pub async fn sent(
    state: web::Data<AppState>,
    params: web::Query<SearchParam>,
) -> Result<HttpResponse, WebError> {
    let search = alert_search_of(&state, &params.search).await?;
    let page = AlertSentPage::new(
        layout(&state, "/alerts/sent", "Check your inbox"),
        search.label,
        search.path,
    );
    ok(&page)
}

/// The token of a link, or `None` for anything that cannot be one.
fn token_of(raw: &str) -> Option<String> {
    is_token(raw).then(|| raw.to_owned())
}

/// `GET /alerts/confirm/{token}`: the link from the e-mail shows one button, so that
/// mail scanners that open links start no alert on anyone's behalf; or explains an
/// expired or unknown link.
#[tracing::instrument(skip(state, token))]
pub async fn confirm_page(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    confirmation(&state, &token, false).await
}

/// `POST /alerts/confirm/{token}`: starts the alert (once; using the link again changes
/// nothing).
#[tracing::instrument(skip(state, token))]
pub async fn confirm(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    confirmation(&state, &token, true).await
}

async fn confirmation(
    state: &AppState,
    token: &str,
    use_it: bool,
) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let found = match token_of(token) {
        Some(token) => {
            let hash = token_hash(&token);
            with_conn(&state.pool, move |conn| {
                store::confirm(conn, &hash, now, use_it)
            })
            .await?
        }
        None => store::Confirmation::Unknown,
    };
    let key = state.alert_key.expose();
    let manage = |salt: &[u8]| {
        format!(
            "/alerts/manage/{}",
            derived_token(key, TokenPurpose::Manage, salt)
        )
    };
    let (state_shown, alert, manage_url) = match found {
        store::Confirmation::Confirmed { alert, manage_salt } => {
            (ConfirmState::Confirmed, Some(alert), manage(&manage_salt))
        }
        store::Confirmation::AlreadyConfirmed { alert, manage_salt } => (
            ConfirmState::AlreadyConfirmed,
            Some(alert),
            manage(&manage_salt),
        ),
        store::Confirmation::Waiting { alert } => (ConfirmState::Ask, Some(alert), String::new()),
        store::Confirmation::Expired { alert } => {
            (ConfirmState::Expired, Some(alert), String::new())
        }
        store::Confirmation::Unknown => (ConfirmState::Unknown, None, String::new()),
    };
    let title = match state_shown {
        ConfirmState::Ask => "Start your job alert",
        ConfirmState::Confirmed => "Your alert is on",
        ConfirmState::AlreadyConfirmed => "Already confirmed",
        ConfirmState::Expired => "This link has expired",
        ConfirmState::Unknown => "We do not know this link",
    };
    let page = AlertConfirmPage {
        layout: layout(state, "/alerts/confirm", title),
        state: state_shown,
        label: alert.as_ref().map(|a| a.label.clone()).unwrap_or_default(),
        search_url: alert
            .as_ref()
            .map(|a| a.search_path.clone())
            .unwrap_or_default(),
        sign_up_url: alert.as_ref().map_or_else(String::new, |a| {
            format!(
                "/alerts/new?{}",
                serde_urlencoded::to_string([("search", &a.search_query)]).unwrap_or_default()
            )
        }),
        manage_url,
        frequency: alert
            .as_ref()
            .map(|a| a.frequency.label().to_lowercase())
            .unwrap_or_default(),
        hours: CONFIRM_WITHIN.num_hours(),
    };
    let status = match state_shown {
        ConfirmState::Unknown => actix_web::http::StatusCode::NOT_FOUND,
        ConfirmState::Expired => actix_web::http::StatusCode::GONE,
        _ => actix_web::http::StatusCode::OK,
    };
    private(status, &page)
}

/// `GET /alerts/unsubscribe/{token}`: a page with the button (a GET changes nothing:
/// link scanners open links).
#[tracing::instrument(skip(state, token))]
pub async fn unsubscribe_form(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let token = token.into_inner();
    let alert = match token_of(&token) {
        Some(token) => {
            let hash = token_hash(&token);
            with_conn(&state.pool, move |conn| {
                store::find_by_unsubscribe(conn, &hash)
            })
            .await?
        }
        None => None,
    };
    let page = AlertUnsubscribePage {
        layout: layout(&state, "/alerts/unsubscribe", "Unsubscribe"),
        search_url: alert
            .as_ref()
            .map(|a| a.search_path.clone())
            .unwrap_or_default(),
        label: alert.map(|a| a.label),
        done: false,
        address_erased: false,
        action: format!("/alerts/unsubscribe/{token}"),
    };
    let status = if page.label.is_some() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::NOT_FOUND
    };
    private(status, &page)
}

/// `POST /alerts/unsubscribe/{token}`: ends the alert at once, no cookie, no
/// confirmation (RFC 8058 one-click; mail programs send `List-Unsubscribe=One-Click`).
/// A link used before answers 200 too: the reader is unsubscribed either way.
#[tracing::instrument(skip(state, token))]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let token = token.into_inner();
    let deleted = match token_of(&token) {
        Some(token) => {
            let hash = token_hash(&token);
            with_conn(&state.pool, move |conn| store::unsubscribe(conn, &hash)).await?
        }
        None => None,
    };
    if let Some((alert, _)) = &deleted {
        tracing::info!(alert.id = alert.id, "alert {} unsubscribed", alert.id);
    }
    let page = AlertUnsubscribePage {
        layout: layout(&state, "/alerts/unsubscribe", "You are unsubscribed"),
        search_url: deleted
            .as_ref()
            .map(|(a, _)| a.search_path.clone())
            .unwrap_or_default(),
        address_erased: deleted.as_ref().is_some_and(|(_, d)| d.address_erased),
        label: deleted.map(|(a, _)| a.label),
        done: true,
        action: String::new(),
    };
    ok(&page)
}

#[derive(serde::Deserialize)]
pub struct ManageParams {
    #[serde(default)]
    done: String,
}

/// `GET /alerts/manage/{token}`: every alert of the address.
#[tracing::instrument(skip(state, token, params))]
pub async fn manage(
    state: web::Data<AppState>,
    token: web::Path<String>,
    params: web::Query<ManageParams>,
) -> Result<HttpResponse, WebError> {
    let token = token.into_inner();
    let subscriber = subscriber_of(&state, &token).await?;
    let flash = match params.done.as_str() {
        "paused" => Some("The alert is paused."),
        "resumed" => Some("The alert is on again."),
        "frequency" => Some("How often is changed."),
        "deleted" => Some("The alert is deleted."),
        _ => None,
    };
    let page = AlertManagePage::new(
        layout(&state, "/alerts/manage", "Your job alerts"),
        subscriber.email,
        &subscriber.alerts,
        format!("/alerts/manage/{token}"),
        flash.map(str::to_owned),
    );
    ok(&page)
}

async fn subscriber_of(state: &AppState, token: &str) -> Result<store::Subscriber, WebError> {
    let Some(token) = token_of(token) else {
        return Err(WebError::NotFound);
    };
    let hash = token_hash(&token);
    with_conn(&state.pool, move |conn| {
        store::subscriber_by_manage(conn, &hash)
    })
    .await?
    .ok_or(WebError::NotFound)
}

/// `POST /alerts/manage/{token}`: pause, resume, change how often, delete one, delete
/// all (which erases the address).
#[tracing::instrument(skip(state, token, body))]
pub async fn manage_change(
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: Bytes,
) -> Result<HttpResponse, WebError> {
    let token = token.into_inner();
    let fields = form_fields(&body)?;
    let subscriber = subscriber_of(&state, &token).await?;
    let now = Utc::now();
    let subscriber_id = subscriber.id;
    let action = field(&fields, "do");
    if action == "delete-all" {
        with_conn(&state.pool, move |conn| {
            store::delete_all(conn, subscriber_id)
        })
        .await?;
        let page = AlertErasedPage {
            layout: layout(&state, "/alerts/manage", "All alerts deleted"),
        };
        return ok(&page);
    }
    let alert_id: i64 = field(&fields, "alert")
        .parse()
        .map_err(|_| InvalidInput::new("alert", "must be one of your alerts"))?;
    let (change, done) = match action {
        "pause" => (store::Change::Pause, "paused"),
        "resume" => (store::Change::Resume, "resumed"),
        "delete" => (store::Change::Delete, "deleted"),
        "frequency" => (
            store::Change::Frequency(Frequency::parse(field(&fields, "frequency"))?),
            "frequency",
        ),
        _ => {
            return Err(WebError::BadRequest(InvalidInput::new(
                "action",
                "must be pause, resume, frequency, delete or delete-all",
            )));
        }
    };
    let deleted = with_conn(&state.pool, move |conn| {
        store::change(conn, subscriber_id, alert_id, change, now)
    })
    .await?;
    if deleted.address_erased {
        let page = AlertErasedPage {
            layout: layout(&state, "/alerts/manage", "All alerts deleted"),
        };
        return ok(&page);
    }
    Ok(see_other(&format!("/alerts/manage/{token}?done={done}")))
}
