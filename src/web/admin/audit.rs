//! The audit log, for admins: who did what, when, from where.

use crate::domain::audit::AuditAction;
use crate::domain::editor::Editor;
use crate::repo;
use crate::repo::audit::AuditFilter;
use crate::views::admin::{AdminLayout, AdminSection};
use crate::web::WebError;
use crate::web::auth::AdminContext;
use crate::web::db::with_conn;
use crate::web::state::AppState;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Europe::Berlin;
use serde::Deserialize;

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    editor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    page: String,
}

struct EntryView {
    at: String,
    at_iso: String,
    who: String,
    action: String,
    subject: String,
    summary: String,
    client_addr: String,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    layout: AdminLayout,
    entries: Vec<EntryView>,
    editors: Vec<Choice>,
    actions: Vec<Choice>,
    from: String,
    until: String,
    prev_url: Option<String>,
    next_url: Option<String>,
    notice: Option<String>,
}

/// A date typed into the filter (a Berlin calendar day) as the UTC instant it starts.
fn day_start(raw: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()?;
    Berlin
        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
}

fn subject_link(subject_type: &str, id: Option<i64>) -> String {
    match (subject_type, id) {
        ("", _) => String::new(),
        (kind, Some(id)) => format!("{kind} #{id}"),
        (kind, None) => kind.to_owned(),
    }
}

#[tracing::instrument(skip_all)]
pub async fn index(
    state: web::Data<AppState>,
    ctx: AdminContext,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, WebError> {
    let q = query.into_inner();
    let mut notice = None;
    let editor_id = q.editor.parse::<i64>().ok();
    let action = AuditAction::parse(&q.action);
    let from = day_start(&q.from);
    // "until" includes the day typed.
    let until = day_start(&q.until).map(|t| t + chrono::TimeDelta::days(1));
    if (!q.from.is_empty() && from.is_none()) || (!q.until.is_empty() && until.is_none()) {
        notice =
            Some("Dates are read as YYYY-MM-DD; the one that did not fit was left out.".to_owned());
    }
    let page = super::list_page(&q.page);
    let filter = AuditFilter {
        editor_id,
        action: action.map(AuditAction::as_str),
        from,
        until,
    };
    let ((entries, more), editors): ((Vec<_>, bool), Vec<Editor>) =
        with_conn(&state.pool, move |conn| {
            Ok((
                repo::audit::list(conn, &filter, PER_PAGE, (page - 1) * PER_PAGE)?,
                repo::editors::list(conn)?,
            ))
        })
        .await?;
    let url_for = |n: i64| {
        let pairs = [
            ("editor", q.editor.as_str()),
            ("action", q.action.as_str()),
            ("from", q.from.as_str()),
            ("until", q.until.as_str()),
        ];
        let mut kept: Vec<(&str, String)> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, (*v).to_owned()))
            .collect();
        if n > 1 {
            kept.push(("page", n.to_string()));
        }
        let query = serde_urlencoded::to_string(&kept).unwrap_or_default();
        crate::web::listing_path("/admin/audit", &query)
    };
    let body = AuditPage {
        layout: ctx.layout(AdminSection::Audit, "Audit log"),
        entries: entries
            .into_iter()
            .map(|e| {
                let local = e.at.with_timezone(&Berlin);
                EntryView {
                    at: local.format("%-d %b %Y, %H:%M:%S").to_string(),
                    at_iso: crate::domain::dates::iso_datetime(e.at),
                    who: if e.editor_email.is_empty() {
                        "—".to_owned()
                    } else {
                        e.editor_email
                    },
                    action: AuditAction::parse(&e.action)
                        .map_or(e.action.clone(), |a| a.label().to_owned()),
                    subject: subject_link(&e.subject_type, e.subject_id),
                    summary: e.summary,
                    client_addr: e.client_addr,
                }
            })
            .collect(),
        editors: editors
            .iter()
            .map(|e| Choice {
                value: e.id.to_string(),
                label: format!("{} ({})", e.display_name, e.email),
                selected: Some(e.id) == editor_id,
            })
            .collect(),
        actions: AuditAction::ALL
            .iter()
            .map(|a| Choice {
                value: a.as_str().to_owned(),
                label: a.label().to_owned(),
                selected: Some(*a) == action,
            })
            .collect(),
        from: q.from.clone(),
        until: q.until.clone(),
        prev_url: (page > 1).then(|| url_for(page - 1)),
        next_url: more.then(|| url_for(page + 1)),
        notice,
    }
    .render()?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}
