//! The editorial side under `/admin`. Every route is declared once, in [`admin_routes!`]
//! below, together with who may use it; the gate in `web::auth` enforces that rule
//! before any handler runs, so a route cannot exist without one.

pub mod account;
pub mod audit;
pub mod editors;
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
}

/// The access rule of the route `pattern` for `method` (HEAD as GET).
pub fn access_for(method: &Method, pattern: Option<&str>) -> Access {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    pattern
        .and_then(|p| {
            ROUTES
                .iter()
                .find(|r| r.pattern == p && r.method == method)
        })
        .map_or(Access::Unlisted, |r| r.access)
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
    state: &web::Data<crate::app::AppState>,
    ctx: &crate::web::auth::AdminContext,
    path: &str,
    resume: &str,
) -> Result<actix_web::HttpResponse, super::WebError> {
    let _ = (state, ctx, resume);
    Ok(crate::web::auth::see_other(path))
}
