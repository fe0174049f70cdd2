//! An editor's own account: see it, change the password.

use crate::domain::audit::AuditAction;
use crate::domain::password;
use crate::repo;
use crate::views::admin::{AdminLayout, AdminSection, FormErrors};
use crate::web::WebError;
use crate::web::auth::{AdminContext, AdminForm, see_other_with_flash};
use crate::web::db::with_conn;
use crate::web::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage {
    layout: AdminLayout,
    name: String,
    email: String,
    role: &'static str,
    errors: FormErrors,
}

fn page(
    ctx: &AdminContext,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let body = AccountPage {
        layout: ctx.layout(AdminSection::Account, "Your account"),
        name: ctx.editor.display_name.clone(),
        email: ctx.editor.email.clone(),
        role: ctx.editor.role.label(),
        errors,
    }
    .render()?;
    Ok(super::page(status, body))
}

pub async fn show(ctx: AdminContext) -> Result<HttpResponse, WebError> {
    page(&ctx, FormErrors::default(), StatusCode::OK)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Checks the current password, then the new one; other sessions of the editor end.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    state: web::Data<AppState>,
    ctx: AdminContext,
    AdminForm(form): AdminForm<PasswordForm>,
) -> Result<HttpResponse, WebError> {
    let id = ctx.editor.id;
    let stored = with_conn(&state.pool, move |conn| {
        repo::editors::password_hash(conn, id)
    })
    .await?;
    let current = form.current.clone();
    let current_ok = web::block(move || password::verify_password(&current, &stored)).await?;
    let mut errors = FormErrors::default();
    if !current_ok {
        errors.add("current", "The current password is not right.");
    }
    if let Err(e) = password::check_new_password(
        &form.password,
        &[&ctx.editor.email, &ctx.editor.display_name],
    ) {
        errors.add("password", format!("The new password {}", e.message));
    }
    if form.password != form.confirm {
        errors.add("confirm", "The two new passwords are not the same.");
    }
    if !errors.is_empty() {
        return page(&ctx, errors, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let new_password = form.password;
    let hash = web::block(move || password::hash_password(&new_password)).await?;
    let keep = ctx.session_hash();
    let entry = ctx.audit(AuditAction::PasswordChanged, "editor", Some(id), "");
    with_conn(&state.pool, move |conn| {
        repo::audit::audited(conn, entry, |conn, _| {
            repo::editors::set_password(conn, id, &hash, Some(&keep))
        })
    })
    .await?;
    Ok(see_other_with_flash(
        &state,
        "/admin/account",
        "Your password has been changed. Your other sessions have been signed out.",
    ))
}
