//! The editorial side under `/admin`. Every route is declared once, in [`admin_routes!`]
//! below, together with who may use it; the gate in `web::auth` enforces that rule
//! before any handler runs, so a route cannot exist without one.

pub mod account;
pub mod articles;
pub mod audit;
pub mod companies;
pub mod editors;
pub mod images;
pub mod jobs;
pub mod mail;
pub mod moderation;
pub mod session;

use actix_web::http::Method;
use actix_web::web;

/// Who may use an admin route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Signed out too: the sign-in page.
    Anyone,
    /// Any signed-in editor.
    Editor,
    /// Admins only.
    Admin,
    /// No such admin route: signed-in editors get 404, everyone else the sign-in page.
    Unlisted,
}

/// One row of the admin route table.
#[derive(Debug, Clone, Copy)]
pub struct AdminRoute {
    pub method: &'static str,
    pub pattern: &'static str,
    pub access: Access,
}

macro_rules! admin_routes {
    ($( $method:ident $pattern:literal $access:ident => $handler:path ;)*) => {
        /// Every admin route with its access rule; tests walk it.
        pub const ROUTES: &[AdminRoute] = &[
            $( AdminRoute { method: stringify!($method), pattern: $pattern, access: Access::$access }, )*
        ];

        /// Registers the admin routes on the app.
        pub fn routes(cfg: &mut web::ServiceConfig) {
            $( cfg.route($pattern, admin_routes!(@method $method).to($handler)); )*
        }
    };
    (@method GET) => { super::read() };
    (@method POST) => { web::post() };
}

admin_routes! {
    GET  "/admin" Editor => session::home;
    GET  "/admin/login" Anyone => session::login_form;
    POST "/admin/login" Anyone => session::login;
    POST "/admin/logout" Editor => session::logout;
    GET  "/admin/account" Editor => account::show;
    POST "/admin/account/password" Editor => account::change_password;
    GET  "/admin/editors" Admin => editors::index;
    POST "/admin/editors" Admin => editors::create;
    GET  "/admin/editors/{id}" Admin => editors::show;
    POST "/admin/editors/{id}/role" Admin => editors::change_role;
    POST "/admin/editors/{id}/active" Admin => editors::change_active;
    POST "/admin/editors/{id}/password" Admin => editors::reset_password;
    GET  "/admin/audit" Admin => audit::index;
    GET  "/admin/mail" Admin => mail::index;
    POST "/admin/mail/{id}/retry" Admin => mail::retry;
    GET  "/admin/moderation" Editor => moderation::queue;
    GET  "/admin/moderation/submissions/{id}" Editor => moderation::review;
    POST "/admin/moderation/submissions/{id}/approve" Editor => moderation::approve;
    POST "/admin/moderation/submissions/{id}/reject" Editor => moderation::reject;
    POST "/admin/moderation/submissions/{id}/changes" Editor => moderation::request_changes;
    POST "/admin/moderation/reports/{id}/close-job" Editor => moderation::close_job;
    POST "/admin/moderation/reports/{id}/dismiss" Editor => moderation::dismiss;
    POST "/admin/mail/alert-digests" Admin => mail::run_alert_digests;
    GET  "/admin/articles" Editor => articles::index;
    // Before "/admin/articles/{id}": the gate finds a path's route by the first pattern
    // that matches it.
    GET  "/admin/articles/new" Editor => articles::new_form;
    POST "/admin/articles" Editor => articles::create;
    GET  "/admin/articles/{id}/edit" Editor => articles::edit;
    POST "/admin/articles/{id}" Editor => articles::update;
    GET  "/admin/articles/{id}/revisions" Editor => articles::revisions;
    GET  "/admin/articles/{id}/revisions/{version}" Editor => articles::revision;
    POST "/admin/articles/{id}/revisions/{version}/restore" Editor => articles::restore;
    POST "/admin/articles/{id}/unpublish" Editor => articles::unpublish;
    GET  "/admin/articles/{id}/delete" Editor => articles::delete_confirm;
    POST "/admin/articles/{id}/delete" Editor => articles::delete;
    GET  "/admin/images" Editor => images::index;
    POST "/admin/images" Editor => images::upload;
    GET  "/admin/jobs" Editor => jobs::index;
    // Before "/admin/jobs/{id}", as with articles.
    GET  "/admin/jobs/new" Editor => jobs::new_form;
    POST "/admin/jobs" Editor => jobs::create;
    GET  "/admin/jobs/{id}/edit" Editor => jobs::edit;
    POST "/admin/jobs/{id}" Editor => jobs::update;
    POST "/admin/jobs/{id}/close" Editor => jobs::close;
    POST "/admin/jobs/{id}/reopen" Editor => jobs::reopen;
    GET  "/admin/jobs/{id}/delete" Editor => jobs::delete_confirm;
    POST "/admin/jobs/{id}/delete" Editor => jobs::delete;
    GET  "/admin/companies" Editor => companies::index;
    GET  "/admin/companies/new" Editor => companies::new_form;
    POST "/admin/companies" Editor => companies::create;
    GET  "/admin/companies/{id}/edit" Editor => companies::edit;
    POST "/admin/companies/{id}" Editor => companies::update;
    POST "/admin/companies/{id}/logo" Editor => companies::upload_logo;
    POST "/admin/companies/{id}/logo/remove" Editor => companies::remove_logo;
    GET  "/admin/companies/{id}/delete" Editor => companies::delete_confirm;
    POST "/admin/companies/{id}/delete" Editor => companies::delete;
}

/// The access rule of the route `pattern` for `method` (HEAD as GET).
pub fn access_for(method: &Method, pattern: Option<&str>) -> Access {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    pattern
        .and_then(|p| ROUTES.iter().find(|r| r.pattern == p && r.method == method))
        .map_or(Access::Unlisted, |r| r.access)
}

/// Whether `path` fits the route `pattern` (`{name}` matches one segment).
fn fits(pattern: &str, path: &str) -> bool {
    let (mut pattern, mut path) = (pattern.split('/'), path.split('/'));
    loop {
        match (pattern.next(), path.next()) {
            (None, None) => return true,
            (Some(p), Some(s)) if p.starts_with('{') || p == s => {}
            _ => return false,
        }
    }
}

/// The page a form posted to `path` lives on: the nearest address at or above it that
/// answers GET (`/admin/editors/2/role` → `/admin/editors/2`), else the admin home.
pub fn form_page(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let mut candidate = path.trim_end_matches('/');
    while candidate.starts_with("/admin") {
        if ROUTES
            .iter()
            .any(|r| r.method == "GET" && r.access != Access::Anyone && fits(r.pattern, candidate))
        {
            return candidate.to_owned();
        }
        match candidate.rfind('/') {
            Some(i) if i > 0 => candidate = &candidate[..i],
            _ => break,
        }
    }
    crate::web::auth::ADMIN_HOME.to_owned()
}

/// An admin page answering `status` (the gate adds `no-store` and `noindex`).
pub fn page(status: actix_web::http::StatusCode, body: String) -> actix_web::HttpResponse {
    actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// The page of an admin list asked for by its `page` parameter: 1 when absent or out of
/// range (lists are for browsing; a bad number is not worth an error page).
pub fn list_page(raw: &str) -> i64 {
    raw.parse::<i64>()
        .ok()
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1)
}

/// How many pages of `per_page` rows `total` rows fill (at least one).
pub fn list_pages(total: i64, per_page: i64) -> i64 {
    i64::from(super::pages_in(
        total,
        u32::try_from(per_page).unwrap_or(u32::MAX),
    ))
}

/// A positive id from a path segment, or 404.
pub fn path_id(raw: &str) -> Result<i64, super::WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(super::WebError::NotFound)
}

/// After signing in again, the form whose save was interrupted comes back with what the
/// editor had typed (`resume`: the posted fields). Forms without such a page lead back
/// to their address.
pub async fn resume_after_sign_in(
    state: &web::Data<crate::web::state::AppState>,
    ctx: &crate::web::auth::AdminContext,
    path: &str,
    resume: &str,
) -> Result<actix_web::HttpResponse, super::WebError> {
    match articles::resume_target(path) {
        Some(id) => articles::resume(state, ctx, id, resume).await,
        None => Ok(crate::web::auth::see_other(&form_page(path))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forms_page_is_the_nearest_address_that_answers_get() {
        assert_eq!(form_page("/admin/editors/2/role"), "/admin/editors/2");
        assert_eq!(form_page("/admin/account/password"), "/admin/account");
        assert_eq!(form_page("/admin/editors"), "/admin/editors");
        assert_eq!(form_page("/admin/login"), "/admin");
        assert_eq!(
            form_page("/admin/moderation/reports/3/dismiss"),
            "/admin/moderation"
        );
        assert_eq!(
            form_page("/admin/moderation/submissions/3/approve"),
            "/admin/moderation/submissions/3"
        );
        assert_eq!(form_page("/jobs"), "/admin");
    }

    #[test]
    fn every_route_has_one_rule_per_method() {
        for (i, a) in ROUTES.iter().enumerate() {
            assert!(
                a.pattern == "/admin" || a.pattern.starts_with("/admin/"),
                "{}",
                a.pattern
            );
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.pattern == b.pattern && a.method == b.method),
                    "{} twice",
                    a.pattern
                );
            }
        }
        assert_eq!(
            access_for(&Method::HEAD, Some("/admin/editors")),
            Access::Admin
        );
        assert_eq!(
            access_for(&Method::DELETE, Some("/admin/editors")),
            Access::Unlisted
        );
        assert_eq!(access_for(&Method::GET, None), Access::Unlisted);
    }
}
