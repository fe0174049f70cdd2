//! The append-only audit trail.

use super::RepoResult;
use crate::db::models::{AuditRow, NewAuditRow};
use crate::db::schema::audit_log;
use crate::domain::audit::{AuditEntry, AuditRecord};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

pub fn record(conn: &mut PgConnection, entry: &AuditEntry) -> RepoResult<()> {
    diesel::insert_into(audit_log::table)
        .values(NewAuditRow {
            editor_id: entry.editor_id,
            editor_email: &entry.editor_email,
            action: entry.action.as_str(),
            subject_type: entry.subject_type,
            subject_id: entry.subject_id,
            summary: &entry.summary,
            client_addr: &entry.client_addr,
        })
        .execute(conn)?;
    Ok(())
}

/// Which entries the audit page shows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub editor_id: Option<i64>,
    pub action: Option<&'static str>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// A page of entries, newest first, and whether there are more.
pub fn list(
    conn: &mut PgConnection,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> RepoResult<(Vec<AuditRecord>, bool)> {
    let mut query = audit_log::table.into_boxed();
    if let Some(id) = filter.editor_id {
        query = query.filter(audit_log::editor_id.eq(id));
    }
    if let Some(action) = filter.action {
        query = query.filter(audit_log::action.eq(action));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_log::at.lt(until));
    }
    let mut rows: Vec<AuditRow> = query
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(limit + 1)
        .offset(offset)
        .select(AuditRow::as_select())
        .load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((
        rows.into_iter()
            .map(|r| AuditRecord {
                id: r.id,
                at: r.at,
                editor_email: r.editor_email,
                action: r.action,
                subject_type: r.subject_type,
                subject_id: r.subject_id,
                summary: r.summary,
                client_addr: r.client_addr,
            })
            .collect(),
        more,
    ))
}

/// Runs `change` and appends its audit entry in one transaction, so that no change is
/// without its entry. `change` may fill in the entry (the id of what it created); an
/// error rolls both back.
pub fn audited<T>(
    conn: &mut PgConnection,
    mut entry: AuditEntry,
    change: impl FnOnce(&mut PgConnection, &mut AuditEntry) -> RepoResult<T>,
) -> RepoResult<T> {
    conn.transaction(|conn| {
        let result = change(conn, &mut entry)?;
        record(conn, &entry)?;
        Ok(result)
    })
}
