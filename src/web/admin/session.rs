//! Signing in and out.

use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::editor::{
    ACCOUNT_FAILURE_LIMIT, ADDRESS_FAILURE_LIMIT, EmailAddress, FAILURE_WINDOW, throttled_for,
};
use crate::domain::password;
use crate::repo;
use crate::repo::editors::FailureKey;
use crate::views::admin::AdminLayout;
use crate::web::WebError;
use crate::web::auth::{
    self, AdminContext, AdminForm, Visitor, random_token, safe_return_path, see_other, token_hash,
};
use crate::web::db::with_conn;
use crate::web::state::AppState;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

/// The one answer for an unknown address and a wrong password alike.
const WRONG_CREDENTIALS: &str = "That e-mail address and password do not match an active account.";

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage<'a> {
    layout: AdminLayout,
    email: &'a str,
    next: &'a str,
    resume: &'a str,
    notice: Option<&'a str>,
    error: Option<&'a str>,
}

/// The sign-in page's HTML; also shown by the gate when a session ends mid-edit.
pub fn login_page(
    csrf: &str,
    email: &str,
    next: &str,
    resume: &str,
    notice: Option<&str>,
    error: Option<&str>,
) -> Result<String, WebError> {
    Ok(LoginPage {
        layout: AdminLayout::signed_out("Sign in", csrf),
        email,
        next,
        resume,
        notice,
        error,
    }
    .render()?)
}

/// `/admin`: the articles are the editors' home.
pub async fn home() -> HttpResponse {
    see_other("/admin/articles")
}

#[derive(Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

#[tracing::instrument(skip_all)]
pub async fn login_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, WebError> {
    let next = safe_return_path(&query.next);
    if visitor.editor.is_some() {
        return Ok(see_other(&next));
    }
    let csrf = visitor.csrf.clone().unwrap_or_else(random_token);
    let body = login_page(&csrf, "", &next, "", None, None)?;
    let mut response = super::page(actix_web::http::StatusCode::OK, body);
    auth::set_pre_session_cookie(&state, &mut response, csrf);
    Ok(response)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    resume: String,
}

/// How a sign-in attempt ended.
enum Attempt {
    Throttled(u64),
    Failed,
    SignedIn(crate::domain::editor::Editor),
}

#[tracing::instrument(skip_all)]
pub async fn login(
    state: web::Data<AppState>,
    visitor: Visitor,
    AdminForm(form): AdminForm<LoginForm>,
) -> Result<HttpResponse, WebError> {
    let next = safe_return_path(&form.next);
    let typed_email = form.email.trim().chars().take(254).collect::<String>();
    let email_key = typed_email.to_lowercase();
    let addr = visitor.client_addr.clone();
    let token = random_token();
    let new_hash = token_hash(&token);
    let csrf = random_token();
    let old_hash = visitor.session_token.as_deref().map(token_hash);
    let password = form.password;
    let attempt = {
        let csrf = csrf.clone();
        with_conn(&state.pool, move |conn| {
            let lock_key = email_key.clone();
            repo::editors::one_attempt_at_a_time(conn, &lock_key, |conn| {
                let now = Utc::now();
                let since = now - FAILURE_WINDOW;
                let by_account = repo::editors::recent_failures(
                    conn,
                    FailureKey::Account(&email_key),
                    since,
                    ACCOUNT_FAILURE_LIMIT,
                )?;
                let by_address = repo::editors::recent_failures(
                    conn,
                    FailureKey::Address(&addr),
                    since,
                    ADDRESS_FAILURE_LIMIT,
                )?;
                let wait = throttled_for(&by_account, ACCOUNT_FAILURE_LIMIT, now)
                    .max(throttled_for(&by_address, ADDRESS_FAILURE_LIMIT, now));
                let anonymous = |action| AuditEntry {
                    editor_id: None,
                    editor_email: typed_email.clone(),
                    action,
                    subject_type: "",
                    subject_id: None,
                    summary: String::new(),
                    client_addr: addr.clone(),
                };
                if let Some(wait) = wait {
                    repo::audit::record(conn, &anonymous(AuditAction::SignInThrottled))?;
                    return Ok(Attempt::Throttled(
                        u64::try_from(wait.num_seconds()).unwrap_or(1).max(1),
                    ));
                }
                let found = match EmailAddress::parse(&typed_email) {
                    Ok(email) => repo::editors::find_credentials(conn, &email)?,
                    Err(_) => None,
                };
                // The same work whether or not the account exists: no timing tells them apart.
                let editor = match found {
                    Some((editor, hash)) if password::verify_password(&password, &hash) => {
                        Some(editor)
                    }
                    Some(_) => None,
                    None => {
                        password::verify_dummy(&password);
                        None
                    }
                };
                let Some(editor) = editor else {
                    repo::editors::record_failure(conn, &email_key, &addr, now)?;
                    repo::audit::record(conn, &anonymous(AuditAction::SignInFailed))?;
                    return Ok(Attempt::Failed);
                };
                let entry = AuditEntry {
                    editor_id: Some(editor.id),
                    editor_email: editor.email.clone(),
                    action: AuditAction::SignIn,
                    subject_type: "editor",
                    subject_id: Some(editor.id),
                    summary: String::new(),
                    client_addr: addr.clone(),
                };
                repo::audit::audited(conn, entry, |conn, _| {
                    repo::editors::clear_failures(conn, &email_key)?;
                    if let Some(old) = &old_hash {
                        repo::editors::end_session(conn, old)?;
                    }
                    repo::editors::start_session(conn, editor.id, &new_hash, &csrf, &addr, now)
                })?;
                Ok(Attempt::SignedIn(editor))
            })
        })
        .await?
    };
    match attempt {
        Attempt::Throttled(seconds) => Err(WebError::Throttled(seconds)),
        Attempt::Failed => {
            let retry_csrf = visitor.csrf.clone().unwrap_or_else(random_token);
            let body = login_page(
                &retry_csrf,
                form.email.trim(),
                &next,
                &form.resume,
                None,
                Some(WRONG_CREDENTIALS),
            )?;
            let mut response = super::page(actix_web::http::StatusCode::UNAUTHORIZED, body);
            auth::set_pre_session_cookie(&state, &mut response, retry_csrf);
            Ok(response)
        }
        Attempt::SignedIn(editor) => {
            tracing::info!(editor.id = editor.id, "editor signed in");
            let mut response = if form.resume.is_empty() {
                see_other(&next)
            } else {
                let ctx =
                    AdminContext::fresh(editor, csrf, visitor.client_addr.clone(), token.clone());
                super::resume_after_sign_in(&state, &ctx, &next, &form.resume).await?
            };
            auth::set_session_cookie(&state, &mut response, token);
            Ok(response)
        }
    }
}

#[tracing::instrument(skip_all)]
pub async fn logout(
    state: web::Data<AppState>,
    ctx: AdminContext,
) -> Result<HttpResponse, WebError> {
    let hash = ctx.session_hash();
    let entry = ctx.audit(AuditAction::SignOut, "editor", Some(ctx.editor.id), "");
    with_conn(&state.pool, move |conn| {
        repo::editors::end_session(conn, &hash)?;
        repo::audit::record(conn, &entry)
    })
    .await?;
    let mut response = see_other("/admin/login");
    auth::clear_session_cookie(&state, &mut response);
    Ok(response)
}
