//! Sessions, CSRF and roles for the editorial side, in one place.
//!
//! Sessions live in PostgreSQL (`editor_sessions`), looked up on every admin request:
//! signing out or deactivating an editor deletes the row, which ends the session on
//! every server instance at once. The cookie holds a random token; the table holds its
//! SHA-256 only.
//!
//! Every `/admin` request passes [`admin_gate`], which decides from the route table in
//! `web::admin` (the only place admin routes are declared, each with its access rule):
//! anonymous visitors go to the sign-in page, editors do not reach admin-only pages, and
//! every POST must come from our own origin and carry the session's CSRF token. The
//! gate reads a form post's fields once and hands them to the handler ([`AdminForm`]),
//! so no handler can forget the token check.

use super::WebError;
use super::admin::{self, Access};
use crate::domain::editor::{Editor, Role};
use crate::repo;
use crate::repo::editors::SessionEditor;
use crate::web::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::future::{Ready, ready};

/// Form posts larger than this are refused before they are read (uploads are multipart
/// and have their own limit).
const MAX_FORM_BYTES: usize = 1024 * 1024;
const SESSION_COOKIE: &str = "jb_session";
const PRE_SESSION_COOKIE: &str = "jb_csrf";
const FLASH_COOKIE: &str = "jb_flash";
/// Where signing in leads when no (safe) return path was given.
pub const ADMIN_HOME: &str = "/admin";

/// Cookie names and flags follow the site's scheme: over https the session cookie is
/// `Secure` with the `__Host-` prefix (bound to this host, path `/`).
fn secure(state: &AppState) -> bool {
    state.base_url.starts_with("https://")
}

fn cookie_name(state: &AppState, name: &str) -> String {
    if secure(state) {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

fn cookie<'c>(state: &AppState, name: &str, value: String) -> Cookie<'c> {
    Cookie::build(cookie_name(state, name), value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure(state))
        .finish()
}

fn removal<'c>(state: &AppState, name: &str) -> Cookie<'c> {
    let mut c = cookie(state, name, String::new());
    c.set_max_age(CookieDuration::ZERO);
    c
}

/// 32 random bytes as hex: session tokens and CSRF tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Compares without an early exit, so the time taken says nothing about the token.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The client's address as this server saw it. Proxy headers are not trusted: anyone can
/// send them, and throttling by address must not be that easy to dodge.
pub fn client_addr(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default()
}

/// A return path after signing in: a local path under `/admin`, or [`ADMIN_HOME`].
/// Refuses every way of leaving the site (`//host`, `/\host`, schemes, control
/// characters), since browsers read some of them as another host.
pub fn safe_return_path(raw: &str) -> String {
    let local = raw.starts_with('/')
        && !raw.contains("//")
        && !raw.contains('\\')
        && !raw.contains("://")
        && !raw.chars().any(|c| c.is_control() || c.is_whitespace())
        && (raw == "/admin" || raw.starts_with("/admin/") || raw.starts_with("/admin?"))
        && !raw.starts_with("/admin/login")
        && !raw.contains("/..")
        && !["%2e", "%2f", "%5c"]
            .iter()
            .any(|escape| raw.to_ascii_lowercase().contains(escape));
    if local {
        raw.to_owned()
    } else {
        ADMIN_HOME.to_owned()
    }
}

/// What the gate learned about the request, for the handlers.
#[derive(Clone)]
struct GateInfo {
    session: Option<SessionEditor>,
    /// The token a form must carry: the session's, or before sign-in the pre-session
    /// cookie's (which the sign-in page sets).
    expected_csrf: Option<String>,
    flash: Option<String>,
    client_addr: String,
    session_token: Option<String>,
    /// Submissions and reports waiting for the editors.
    waiting: i64,
}

/// A form post's fields, read once by the gate after its token check.
#[derive(Clone)]
struct FormBody(Bytes);

/// Guards every `/admin` request; see the module documentation.
pub async fn admin_gate(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // The router matches the decoded path (`/%61dmin` is `/admin`), so the gate must too.
    let path = req.match_info().as_str().to_owned();
    if path != "/admin" && !path.starts_with("/admin/") {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let Some(state) = req.app_data::<Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let is_post = req.method() == Method::POST;
    let access = admin::access_for(req.method(), req.match_pattern().as_deref());

    let session_token = req
        .cookie(&cookie_name(&state, SESSION_COOKIE))
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 64);
    // With the session, what waits in the moderation queue: every admin page's menu
    // shows it.
    let (session, waiting) = match session_token.clone() {
        Some(token) => {
            let now = chrono::Utc::now();
            let hash = token_hash(&token);
            match super::db::with_conn(&state.pool, move |conn| {
                let session = repo::editors::find_session(conn, &hash, now)?;
                let waiting = match session {
                    Some(_) => {
                        let (submissions, reports) = repo::intake::waiting_counts(conn)?;
                        submissions + reports
                    }
                    None => 0,
                };
                Ok((session, waiting))
            })
            .await
            {
                Ok(found) => found,
                Err(e) => return Ok(req.error_response(e).map_into_boxed_body()),
            }
        }
        None => (None, 0),
    };
    // Stored form-encoded: a cookie value cannot hold `;` or `,` as they are.
    let flash = req
        .cookie(&cookie_name(&state, FLASH_COOKIE))
        .and_then(|c| {
            url::form_urlencoded::parse(format!("m={}", c.value()).as_bytes())
                .next()
                .map(|(_, message)| message.into_owned())
        })
        .filter(|v| !v.is_empty());
    let expected_csrf = match &session {
        Some(s) => Some(s.csrf_token.clone()),
        None => req
            .cookie(&cookie_name(&state, PRE_SESSION_COOKIE))
            .map(|c| c.value().to_owned())
            .filter(|v| v.len() == 64),
    };
    let info = GateInfo {
        session: session.clone(),
        expected_csrf,
        flash: flash.clone(),
        client_addr: client_addr(req.request()),
        session_token,
        waiting,
    };

    let denied: Option<HttpResponse> = match (&access, &session) {
        (Access::Anyone, _) => None,
        (_, None) if is_post => Some(signed_out_post(&mut req, &state, &path).await),
        (_, None) => {
            let target = match req.query_string() {
                "" => path.clone(),
                q => format!("{path}?{q}"),
            };
            let location = format!(
                "/admin/login?{}",
                serde_urlencoded::to_string([("next", safe_return_path(&target))])
                    .unwrap_or_default()
            );
            Some(
                HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, location))
                    .finish(),
            )
        }
        (Access::Admin, Some(s)) if s.editor.role != Role::Admin => {
            Some(WebError::Forbidden("Only admins may open this page.".to_owned()).error_response())
        }
        (Access::Unlisted, Some(_)) => Some(WebError::NotFound.error_response()),
        _ => None,
    };
    if let Some(response) = denied {
        return Ok(finish_admin(req.into_response(response), &state, false));
    }

    if is_post {
        if let Err(e) = check_origin(&req, &state.base_url) {
            return Ok(finish_admin(
                req.into_response(e.error_response()),
                &state,
                false,
            ));
        }
        match read_csrf_checked_body(&mut req, &info).await {
            Ok(body) => {
                req.extensions_mut().insert(FormBody(body));
            }
            Err(e) => {
                return Ok(finish_admin(
                    req.into_response(e.error_response()),
                    &state,
                    false,
                ));
            }
        }
    }
    req.extensions_mut().insert(info);
    let response = next.call(req).await?.map_into_boxed_body();
    let shown_flash = flash.is_some() && response.status() == StatusCode::OK;
    Ok(finish_admin(response, &state, shown_flash))
}

/// No admin response may be stored by anyone or indexed; a flash message, once shown,
/// is gone.
fn finish_admin(
    mut response: ServiceResponse<BoxBody>,
    state: &AppState,
    clear_flash: bool,
) -> ServiceResponse<BoxBody> {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    if clear_flash {
        let _ = response
            .response_mut()
            .add_cookie(&removal(state, FLASH_COOKIE));
    }
    response
}

/// POSTs must come from a page of this site: a foreign `Origin`, or a browser saying
/// the request is cross-site, is refused before anything is read.
fn check_origin(req: &ServiceRequest, base_url: &str) -> Result<(), WebError> {
    check_same_origin(req.headers(), base_url)
}

/// The origin rule of [`check_origin`] for the public site's forms (which have no
/// session to carry a CSRF token).
pub fn check_same_origin(
    headers: &actix_web::http::header::HeaderMap,
    base_url: &str,
) -> Result<(), WebError> {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        let ours = url::Url::parse(base_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        if origin != ours {
            return Err(WebError::Forbidden(
                "This form was sent from another site, so it was not accepted.".to_owned(),
            ));
        }
    } else if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.to_str().unwrap_or_default(), "same-origin" | "none")
    {
        return Err(WebError::Forbidden(
            "This form was sent from another site, so it was not accepted.".to_owned(),
        ));
    }
    Ok(())
}

/// Reads a form post (or, for a multipart upload, only its query string) and checks the
/// `csrf` field against the expected token.
async fn read_csrf_checked_body(
    req: &mut ServiceRequest,
    info: &GateInfo,
) -> Result<Bytes, WebError> {
    let forbidden = || {
        WebError::Forbidden(
            "This form has expired or was not sent from this site. Go back, reload the page and try again."
                .to_owned(),
        )
    };
    let expected = info.expected_csrf.clone().ok_or_else(forbidden)?;
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        let sent = form_field(req.query_string().as_bytes(), "csrf").unwrap_or_default();
        return if same_token(&sent, &expected) {
            Ok(Bytes::new())
        } else {
            Err(forbidden())
        };
    }
    let body = read_form(req).await?;
    let sent = form_field(&body, "csrf").unwrap_or_default();
    if same_token(&sent, &expected) {
        Ok(body)
    } else {
        Err(forbidden())
    }
}

async fn read_form(req: &mut ServiceRequest) -> Result<Bytes, WebError> {
    use futures_util::StreamExt;
    let too_large = || WebError::PayloadTooLarge("The form is larger than 1 MB.".to_owned());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FORM_BYTES) {
        return Err(too_large());
    }
    let mut payload = req.take_payload();
    let mut body = actix_web::web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            WebError::BadRequest(crate::domain::InvalidInput::new(
                "form",
                "could not be read completely",
            ))
        })?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A POST whose session has ended (expired, signed out elsewhere): nothing is changed,
/// and the sign-in page carries the posted fields so that, once signed in again, the
/// editor gets the form back with what they typed.
async fn signed_out_post(req: &mut ServiceRequest, state: &AppState, path: &str) -> HttpResponse {
    let body = read_form(req).await.unwrap_or_default();
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let resume: Vec<(String, String)> = fields.into_iter().filter(|(k, _)| k != "csrf").collect();
    let resume = serde_urlencoded::to_string(&resume).unwrap_or_default();
    let csrf = random_token();
    let page = admin::session::login_page(
        &csrf,
        "",
        &safe_return_path(path),
        &resume,
        Some(
            "Your session has ended. Sign in again: what you were saving is kept and comes back after sign-in.",
        ),
        None,
    );
    match page {
        Ok(body) => {
            let mut response = HttpResponse::Unauthorized()
                .content_type("text/html; charset=utf-8")
                .body(body);
            let _ = response.add_cookie(&cookie(state, PRE_SESSION_COOKIE, csrf));
            response
        }
        Err(e) => e.error_response(),
    }
}

/// The signed-in editor and what their pages need: the CSRF token for forms, the flash
/// message to show once. Only handlers behind the gate can extract it.
#[derive(Clone)]
pub struct AdminContext {
    pub editor: Editor,
    pub csrf: String,
    pub flash: Option<String>,
    pub client_addr: String,
    session_token: String,
    /// Submissions and reports waiting in the moderation queue, for the menu.
    pub waiting: i64,
}

impl AdminContext {
    /// The context of a session opened just now (sign-in resuming an interrupted form).
    pub fn fresh(editor: Editor, csrf: String, client_addr: String, session_token: String) -> Self {
        Self {
            editor,
            csrf,
            flash: None,
            client_addr,
            session_token,
            waiting: 0,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.editor.role == Role::Admin
    }

    /// The admin layout of a page this editor sees.
    pub fn layout(
        &self,
        section: crate::views::admin::AdminSection,
        title: impl Into<String>,
    ) -> crate::views::admin::AdminLayout {
        crate::views::admin::AdminLayout::new(
            section,
            title,
            &self.editor.display_name,
            self.is_admin(),
            &self.csrf,
            self.flash.clone(),
        )
        .with_waiting(self.waiting)
    }

    /// The stored hash of this session's token (kept when the editor changes their own
    /// password).
    pub fn session_hash(&self) -> Vec<u8> {
        token_hash(&self.session_token)
    }

    /// An audit entry by this editor.
    pub fn audit(
        &self,
        action: crate::domain::audit::AuditAction,
        subject_type: &'static str,
        subject_id: Option<i64>,
        summary: impl Into<String>,
    ) -> crate::domain::audit::AuditEntry {
        crate::domain::audit::AuditEntry {
            editor_id: Some(self.editor.id),
            editor_email: self.editor.email.clone(),
            action,
            subject_type,
            subject_id,
            summary: summary.into(),
            client_addr: self.client_addr.clone(),
        }
    }
}

impl FromRequest for AdminContext {
    type Error = WebError;
    type Future = Ready<Result<Self, WebError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let info = req.extensions().get::<GateInfo>().cloned();
        ready(match info {
            Some(GateInfo {
                session: Some(session),
                flash,
                client_addr,
                session_token: Some(token),
                waiting,
                ..
            }) => Ok(Self {
                editor: session.editor,
                csrf: session.csrf_token,
                flash,
                client_addr,
                session_token: token,
                waiting,
            }),
            _ => Err(WebError::Forbidden("Sign in first.".to_owned())),
        })
    }
}

/// What the sign-in handlers know before anyone is signed in.
#[derive(Clone)]
pub struct Visitor {
    pub editor: Option<Editor>,
    pub client_addr: String,
    /// The current session's token, if any (replaced at sign-in, ended at sign-out).
    pub session_token: Option<String>,
    /// The pre-session CSRF token, if the browser has one.
    pub csrf: Option<String>,
}

impl FromRequest for Visitor {
    type Error = WebError;
    type Future = Ready<Result<Self, WebError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let info = req.extensions().get::<GateInfo>().cloned();
        ready(
            info.map(|info| Self {
                editor: info.session.map(|s| s.editor),
                client_addr: info.client_addr,
                session_token: info.session_token,
                csrf: info.expected_csrf,
            })
            .ok_or_else(|| WebError::Forbidden("Not an admin page.".to_owned())),
        )
    }
}

/// A form post's fields as `T`, read and CSRF-checked by the gate. Fields that do not
/// parse answer 400; forms keep their fields as strings so that validation can answer
/// 422 with every input kept.
pub struct AdminForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest for AdminForm<T> {
    type Error = WebError;
    type Future = Ready<Result<Self, WebError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let body = req.extensions().get::<FormBody>().cloned();
        ready(match body {
            Some(FormBody(bytes)) => serde_urlencoded::from_bytes::<T>(&bytes)
                .map(AdminForm)
                .map_err(|_| {
                    WebError::BadRequest(crate::domain::InvalidInput::new(
                        "form",
                        "is incomplete or malformed",
                    ))
                }),
            None => Err(WebError::Forbidden(
                "This form was not accepted.".to_owned(),
            )),
        })
    }
}

/// The raw fields of a form post, for handlers that pass them on (resuming after sign-in).
pub fn form_body(req: &HttpRequest) -> Bytes {
    req.extensions()
        .get::<FormBody>()
        .map(|b| b.0.clone())
        .unwrap_or_default()
}

/// 303 to `location` with a message shown once on the next page.
pub fn see_other_with_flash(state: &AppState, location: &str, flash: &str) -> HttpResponse {
    let mut response = HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish();
    let message: String = flash
        .chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect();
    let value: String = url::form_urlencoded::byte_serialize(message.as_bytes()).collect();
    let _ = response.add_cookie(&cookie(state, FLASH_COOKIE, value));
    response
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Adds the cookie that opens a session (the token) to a response.
pub fn set_session_cookie(state: &AppState, response: &mut HttpResponse, token: String) {
    let _ = response.add_cookie(&cookie(state, SESSION_COOKIE, token));
    let _ = response.add_cookie(&removal(state, PRE_SESSION_COOKIE));
}

pub fn clear_session_cookie(state: &AppState, response: &mut HttpResponse) {
    let _ = response.add_cookie(&removal(state, SESSION_COOKIE));
}

pub fn set_pre_session_cookie(state: &AppState, response: &mut HttpResponse, token: String) {
    let _ = response.add_cookie(&cookie(state, PRE_SESSION_COOKIE, token));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_the_admin_side_of_this_site() {
        assert_eq!(
            safe_return_path("/admin/articles?status=draft"),
            "/admin/articles?status=draft"
        );
        assert_eq!(safe_return_path("/admin"), "/admin");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/admin",
            "/admin/../jobs",
            "/admin//evil",
            "/admin/%2f%2fevil",
            "/admin/%2e%2e/jobs",
            "/admin/.%2E/jobs",
            "/jobs",
            "admin",
            "",
            "/admin/login",
            "/admin\n/x",
            "/administrator",
        ] {
            assert_eq!(safe_return_path(bad), "/admin", "{bad:?}");
        }
    }

    #[test]
    fn tokens_are_random_hex_and_compare_exactly() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, random_token());
        assert!(same_token(&a, &a.clone()));
        assert!(!same_token(&a, &random_token()));
        assert!(!same_token(&a, &a[..63]));
        assert_eq!(token_hash(&a).len(), 32);
    }
}
