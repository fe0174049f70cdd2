//! The mail outbox, for admins: queued, sent and failed messages with the last error,
//! and "send now" for a failed one; "send alert digests now", for trying alerts out.

use crate::domain::audit::AuditAction;
use crate::domain::mail::MailStatus;
use crate::repo;
use crate::views::admin::AdminSection;
use crate::views::admin_mail::{MailListing, MailPage, mail_url};
use crate::web::WebError;
use crate::web::admin::{page, path_id};
use crate::web::auth::{AdminContext, AdminForm, see_other_with_flash};
use crate::web::db::with_conn;
use crate::web::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct MailQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
}

/// `/admin/mail`: the messages, newest first, optionally of one status.
#[tracing::instrument(skip_all)]
pub async fn index(
    state: web::Data<AppState>,
    ctx: AdminContext,
    query: web::Query<MailQuery>,
) -> Result<HttpResponse, WebError> {
    let status = MailStatus::parse(&query.status);
    let page_number = super::list_page(&query.page);
    let ((entries, more), counts) = with_conn(&state.pool, move |conn| {
        Ok((
            repo::outbox::list(conn, status, PER_PAGE, (page_number - 1) * PER_PAGE)?,
            repo::outbox::counts(conn)?,
        ))
    })
    .await?;
    let listing = MailListing {
        entries,
        counts,
        status,
        page: page_number,
        more,
        transport: state.mail.transport().to_owned(),
        now: Utc::now(),
    };
    let body = MailPage::new(ctx.layout(AdminSection::Mail, "Mail"), listing).render()?;
    Ok(page(StatusCode::OK, body))
}

#[derive(Deserialize)]
pub struct RetryForm {
    /// The list the form was on, to go back to.
    #[serde(default)]
    status: String,
}

/// Queues a failed (or waiting) message to be sent at once, with a fresh set of tries.
#[tracing::instrument(skip_all)]
pub async fn retry(
    state: web::Data<AppState>,
    ctx: AdminContext,
    id: web::Path<String>,
    AdminForm(form): AdminForm<RetryForm>,
) -> Result<HttpResponse, WebError> {
    let id = path_id(&id)?;
    let entry = ctx.audit(AuditAction::MailRetried, "mail", Some(id), "");
    let queued = with_conn(&state.pool, move |conn| {
        let message = repo::outbox::find(conn, id)?;
        if !matches!(message.status, MailStatus::Failed | MailStatus::Queued) {
            return Ok(false);
        }
        repo::audit::audited(conn, entry, |conn, entry| {
            entry.summary = format!("“{}”", message.subject);
            repo::outbox::retry_now(conn, id)
        })
    })
    .await?;
    let back = mail_url(MailStatus::parse(&form.status), 1);
    let flash = if queued {
        format!("Message #{id} is queued and goes out in a moment.")
    } else {
        format!("Message #{id} has been sent or is being sent; nothing to do.")
    };
    Ok(see_other_with_flash(&state, &back, &flash))
}

#[derive(Deserialize)]
pub struct DigestForm {}

/// Runs the e-mail alert digests now, as `jobboard digest` does: every active alert gets
/// the jobs posted since its last digest (for trying alerts out; the schedule runs them
/// by itself).
#[tracing::instrument(skip_all)]
pub async fn run_alert_digests(
    state: web::Data<AppState>,
    ctx: AdminContext,
    AdminForm(_form): AdminForm<DigestForm>,
) -> Result<HttpResponse, WebError> {
    use crate::alerts::digest::{self, DigestConfig};
    use crate::domain::alert::DueSlots;

    let entry = ctx.audit(AuditAction::AlertDigestsRun, "alerts", None, "");
    let config = DigestConfig {
        base_url: state.base_url.clone(),
        secret_key: state.alert_key.expose().to_owned(),
        replay_from: None,
    };
    let now = Utc::now();
    let report = with_conn(&state.pool, move |conn| {
        let report = digest::run(conn, &config, DueSlots::now(now), now, &|| false)?;
        repo::audit::audited(conn, entry, |_, entry| {
            entry.summary = format!("{} alerts, {} e-mails", report.alerts, report.mails);
            Ok(())
        })?;
        Ok(report)
    })
    .await?;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let flash = format!(
        "Alert digests: {} active alert{} looked at, {} e-mail{} queued.",
        report.alerts,
        plural(report.alerts),
        report.mails,
        plural(report.mails)
    );
    Ok(see_other_with_flash(&state, &mail_url(None, 1), &flash))
}
