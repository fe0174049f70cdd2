//! Admins manage editors: create, change role, deactivate or reactivate, reset a password.

use super::path_id;
use crate::domain::audit::AuditAction;
use crate::domain::editor::{Editor, EmailAddress, Role, parse_display_name};
use crate::domain::password;
use crate::repo::{self, RepoError};
use crate::views::admin::{AdminLayout, AdminSection, FormErrors};
use crate::web::WebError;
use crate::web::auth::{AdminContext, AdminForm, see_other_with_flash};
use crate::web::db::with_conn;
use crate::web::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

/// An editor as a row of the list.
struct EditorView {
    id: i64,
    name: String,
    email: String,
    role: &'static str,
    active: bool,
    since: String,
}

impl EditorView {
    fn new(e: &Editor) -> Self {
        Self {
            id: e.id,
            name: e.display_name.clone(),
            email: e.email.clone(),
            role: e.role.label(),
            active: e.active,
            since: crate::domain::dates::long_date(e.created_at),
        }
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct NewEditorForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "admin/editors.html")]
struct EditorsPage {
    layout: AdminLayout,
    editors: Vec<EditorView>,
    form: NewEditorForm,
    errors: FormErrors,
}

async fn list_page(
    state: &AppState,
    ctx: &AdminContext,
    form: NewEditorForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let editors = with_conn(&state.pool, repo::editors::list).await?;
    let body = EditorsPage {
        layout: ctx.layout(AdminSection::Editors, "Editors"),
        editors: editors.iter().map(EditorView::new).collect(),
        form,
        errors,
    }
    .render()?;
    Ok(super::page(status, body))
}

pub async fn index(
    state: web::Data<AppState>,
    ctx: AdminContext,
) -> Result<HttpResponse, WebError> {
    let form = NewEditorForm {
        role: "editor".to_owned(),
        ..NewEditorForm::default()
    };
    list_page(&state, &ctx, form, FormErrors::default(), StatusCode::OK).await
}

#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    ctx: AdminContext,
    AdminForm(form): AdminForm<NewEditorForm>,
) -> Result<HttpResponse, WebError> {
    let mut errors = FormErrors::default();
    let email = EmailAddress::parse(&form.email)
        .map_err(|e| errors.add("email", format!("The e-mail address {}.", e.message)))
        .ok();
    let name = parse_display_name(&form.name)
        .map_err(|e| errors.add("name", format!("The name {}.", e.message)))
        .ok();
    let role = Role::parse(&form.role)
        .map_err(|e| errors.add("role", format!("The role {}.", e.message)))
        .ok();
    if let Err(e) = password::check_new_password(&form.password, &[&form.email, &form.name]) {
        errors.add(
            "password",
            format!("The password {}.", e.message.trim_end_matches('.')),
        );
    }
    let (Some(email), Some(name), Some(role), true) = (email, name, role, errors.is_empty()) else {
        let kept = NewEditorForm {
            password: String::new(),
            ..form
        };
        return list_page(&state, &ctx, kept, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let plain = form.password.clone();
    let hash = web::block(move || password::hash_password(&plain)).await?;
    let entry = ctx.audit(
        AuditAction::EditorCreated,
        "editor",
        None,
        format!("{} as {}", email.as_str(), role),
    );
    let created = {
        let email = email.clone();
        let name = name.clone();
        with_conn(&state.pool, move |conn| {
            let created = repo::audit::audited(conn, entry, |conn, entry| {
                let id = repo::editors::create(conn, &email, &name, role, &hash)?;
                entry.subject_id = Some(id);
                Ok(id)
            });
            match created {
                Err(RepoError::Conflict(_)) => Ok(None),
                other => other.map(Some),
            }
        })
        .await?
    };
    let Some(id) = created else {
        let mut errors = FormErrors::default();
        errors.add(
            "email",
            "An editor with this e-mail address exists already.",
        );
        let kept = NewEditorForm {
            password: String::new(),
            ..form
        };
        return list_page(&state, &ctx, kept, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    Ok(see_other_with_flash(
        &state,
        &format!("/admin/editors/{id}"),
        &format!("{name} can now sign in as {}.", role.label().to_lowercase()),
    ))
}

#[derive(Template)]
#[template(path = "admin/editor.html")]
struct EditorPage {
    layout: AdminLayout,
    editor: EditorView,
    is_self: bool,
    role_value: &'static str,
    errors: FormErrors,
}

async fn editor_page(
    state: &AppState,
    ctx: &AdminContext,
    id: i64,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let editor = with_conn(&state.pool, move |conn| repo::editors::find(conn, id)).await?;
    let body = EditorPage {
        layout: ctx.layout(AdminSection::Editors, editor.display_name.clone()),
        role_value: editor.role.as_str(),
        is_self: editor.id == ctx.editor.id,
        editor: EditorView::new(&editor),
        errors,
    }
    .render()?;
    Ok(super::page(status, body))
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    editor_page(&state, &ctx, id, FormErrors::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// The last active admin can neither be demoted nor deactivated: someone must be able
/// to manage editors.
fn leaves_no_admin(conn: &mut diesel::PgConnection, target: &Editor) -> Result<bool, RepoError> {
    Ok(target.role == Role::Admin
        && target.active
        && repo::editors::count_active_admins(conn)? <= 1)
}

/// Changes editor `id` with `change` and its audit entry. A change that takes admin
/// rights away (`removes_admin`, naming the form field) is refused when it would leave
/// no active admin: the editor's page comes back explaining why (409).
async fn change_guarded(
    state: &AppState,
    ctx: &AdminContext,
    id: i64,
    entry: crate::domain::audit::AuditEntry,
    removes_admin: Option<&'static str>,
    change: impl FnOnce(&mut diesel::PgConnection) -> Result<(), RepoError> + Send + 'static,
    flash: impl FnOnce(&str) -> String,
) -> Result<HttpResponse, WebError> {
    let changed = with_conn(&state.pool, move |conn| {
        let changed = repo::audit::audited(conn, entry, |conn, _| {
            let target = repo::editors::find(conn, id)?;
            if removes_admin.is_some() && leaves_no_admin(conn, &target)? {
                return Err(RepoError::Conflict("last admin".to_owned()));
            }
            change(conn)?;
            Ok(target.display_name)
        });
        match changed {
            Err(RepoError::Conflict(_)) => Ok(None),
            other => other.map(Some),
        }
    })
    .await?;
    match changed {
        Some(name) => Ok(see_other_with_flash(
            state,
            &format!("/admin/editors/{id}"),
            &flash(&name),
        )),
        None => {
            let mut errors = FormErrors::default();
            errors.add(
                removes_admin.unwrap_or("role"),
                "This is the last active admin; make someone else admin first.",
            );
            editor_page(state, ctx, id, errors, StatusCode::CONFLICT).await
        }
    }
}

#[tracing::instrument(skip_all)]
pub async fn change_role(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
    AdminForm(form): AdminForm<RoleForm>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let Ok(role) = Role::parse(&form.role) else {
        let mut errors = FormErrors::default();
        errors.add("role", "Choose editor or admin.");
        return editor_page(&state, &ctx, id, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let entry = ctx.audit(
        AuditAction::EditorRoleChanged,
        "editor",
        Some(id),
        format!("to {role}"),
    );
    change_guarded(
        &state,
        &ctx,
        id,
        entry,
        (role != Role::Admin).then_some("role"),
        move |conn| repo::editors::set_role(conn, id, role),
        |name| format!("{name} is now {}.", role.label().to_lowercase()),
    )
    .await
}

#[derive(Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    active: String,
}

#[tracing::instrument(skip_all)]
pub async fn change_active(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
    AdminForm(form): AdminForm<ActiveForm>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let active = form.active == "true";
    let action = if active {
        AuditAction::EditorReactivated
    } else {
        AuditAction::EditorDeactivated
    };
    let entry = ctx.audit(action, "editor", Some(id), "");
    change_guarded(
        &state,
        &ctx,
        id,
        entry,
        (!active).then_some("active"),
        move |conn| repo::editors::set_active(conn, id, active),
        |name| {
            if active {
                format!("{name} can sign in again.")
            } else {
                format!("{name} has been deactivated and signed out everywhere.")
            }
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

/// Sets a new password chosen by the admin (to hand over in person); the editor's
/// sessions end.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
    AdminForm(form): AdminForm<ResetForm>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let target = with_conn(&state.pool, move |conn| repo::editors::find(conn, id)).await?;
    if let Err(e) =
        password::check_new_password(&form.password, &[&target.email, &target.display_name])
    {
        let mut errors = FormErrors::default();
        errors.add(
            "password",
            format!("The password {}.", e.message.trim_end_matches('.')),
        );
        return editor_page(&state, &ctx, id, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let plain = form.password;
    let hash = web::block(move || password::hash_password(&plain)).await?;
    let entry = ctx.audit(AuditAction::EditorPasswordReset, "editor", Some(id), "");
    with_conn(&state.pool, move |conn| {
        repo::audit::audited(conn, entry, |conn, _| {
            repo::editors::set_password(conn, id, &hash, None)
        })
    })
    .await?;
    Ok(see_other_with_flash(
        &state,
        &format!("/admin/editors/{id}"),
        &format!(
            "The password of {} has been reset and their sessions ended.",
            target.display_name
        ),
    ))
}
