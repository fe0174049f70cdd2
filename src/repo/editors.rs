//! Editors' accounts, their sessions and failed sign-ins.

use super::{RepoError, RepoResult};
use crate::db::models::{EditorRow, NewEditorRow, NewSessionRow};
use crate::db::schema::{editor_sessions, editors, login_failures};
use crate::domain::editor::{Editor, EmailAddress, Role, SESSION_IDLE, SESSION_MAX};
use chrono::{DateTime, TimeDelta, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Text;

/// A session's `last_seen_at` is written at most this often: idle expiry needs minutes,
/// not a write per request.
const TOUCH_EVERY: TimeDelta = TimeDelta::seconds(60);

fn editor_from(row: EditorRow) -> RepoResult<Editor> {
    Ok(Editor {
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        role: Role::parse(&row.role)?,
        active: row.active,
        created_at: row.created_at,
    })
}

fn lower_email() -> diesel::expression::SqlLiteral<Text> {
    sql::<Text>("lower(editors.email)")
}

/// Creates an editor; `Conflict` when the e-mail address is taken (in any case).
pub fn create(
    conn: &mut PgConnection,
    email: &EmailAddress,
    display_name: &str,
    role: Role,
    password_hash: &str,
) -> RepoResult<i64> {
    Ok(diesel::insert_into(editors::table)
        .values(NewEditorRow {
            email: email.as_str(),
            display_name,
            password_hash,
            role: role.as_str(),
        })
        .returning(editors::id)
        .get_result(conn)?)
}

/// An active editor and their password hash, by e-mail address.
pub fn find_credentials(
    conn: &mut PgConnection,
    email: &EmailAddress,
) -> RepoResult<Option<(Editor, String)>> {
    let row: Option<(EditorRow, String)> = editors::table
        .filter(lower_email().eq(email.key()))
        .filter(editors::active.eq(true))
        .select((EditorRow::as_select(), editors::password_hash))
        .first(conn)
        .optional()?;
    row.map(|(row, hash)| Ok((editor_from(row)?, hash)))
        .transpose()
}

pub fn password_hash(conn: &mut PgConnection, id: i64) -> RepoResult<String> {
    Ok(editors::table
        .find(id)
        .select(editors::password_hash)
        .first(conn)?)
}

pub fn find(conn: &mut PgConnection, id: i64) -> RepoResult<Editor> {
    let row = editors::table
        .find(id)
        .select(EditorRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("editor"))?;
    editor_from(row)
}

/// All editors, active ones first, by name.
pub fn list(conn: &mut PgConnection) -> RepoResult<Vec<Editor>> {
    editors::table
        .order((
            editors::active.desc(),
            editors::display_name.asc(),
            editors::id.asc(),
        ))
        .select(EditorRow::as_select())
        .load(conn)?
        .into_iter()
        .map(editor_from)
        .collect()
}

pub fn count_active_admins(conn: &mut PgConnection) -> RepoResult<i64> {
    Ok(editors::table
        .filter(editors::active.eq(true))
        .filter(editors::role.eq(Role::Admin.as_str()))
        .count()
        .get_result(conn)?)
}

pub fn set_role(conn: &mut PgConnection, id: i64, role: Role) -> RepoResult<()> {
    let updated = diesel::update(editors::table.find(id))
        .set(editors::role.eq(role.as_str()))
        .execute(conn)?;
    if updated == 0 {
        return Err(RepoError::NotFound("editor"));
    }
    Ok(())
}

/// Activates or deactivates an editor; deactivation ends all of their sessions at once.
pub fn set_active(conn: &mut PgConnection, id: i64, active: bool) -> RepoResult<()> {
    conn.transaction(|conn| {
        let updated = diesel::update(editors::table.find(id))
            .set(editors::active.eq(active))
            .execute(conn)?;
        if updated == 0 {
            return Err(RepoError::NotFound("editor"));
        }
        if !active {
            end_sessions_of(conn, id, None)?;
        }
        Ok(())
    })
}

/// Stores a new password hash and ends the editor's sessions, except `keep` (the session
/// of an editor who changed their own password).
pub fn set_password(
    conn: &mut PgConnection,
    id: i64,
    password_hash: &str,
    keep: Option<&[u8]>,
) -> RepoResult<()> {
    conn.transaction(|conn| {
        let updated = diesel::update(editors::table.find(id))
            .set(editors::password_hash.eq(password_hash))
            .execute(conn)?;
        if updated == 0 {
            return Err(RepoError::NotFound("editor"));
        }
        end_sessions_of(conn, id, keep)
    })
}

/// A signed-in editor as every admin request sees them.
#[derive(Debug, Clone)]
pub struct SessionEditor {
    pub editor: Editor,
    pub csrf_token: String,
}

/// Opens a session for `editor_id`. Expired sessions of anyone are cleared on the way.
pub fn start_session(
    conn: &mut PgConnection,
    editor_id: i64,
    token_hash: &[u8],
    csrf_token: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> RepoResult<()> {
    diesel::delete(
        editor_sessions::table.filter(
            editor_sessions::expires_at
                .le(now)
                .or(editor_sessions::last_seen_at.le(now - SESSION_IDLE)),
        ),
    )
    .execute(conn)?;
    diesel::insert_into(editor_sessions::table)
        .values(NewSessionRow {
            token_hash,
            editor_id,
            csrf_token,
            created_at: now,
            last_seen_at: now,
            expires_at: now + SESSION_MAX,
            client_addr,
        })
        .execute(conn)?;
    Ok(())
}

/// The live session with this token hash: not idle too long, not past its end, and its
/// editor still active. Marks it seen.
pub fn find_session(
    conn: &mut PgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> RepoResult<Option<SessionEditor>> {
    let found: Option<(EditorRow, String, DateTime<Utc>)> = editor_sessions::table
        .inner_join(editors::table)
        .filter(editor_sessions::token_hash.eq(token_hash))
        .filter(editor_sessions::expires_at.gt(now))
        .filter(editor_sessions::last_seen_at.gt(now - SESSION_IDLE))
        .filter(editors::active.eq(true))
        .select((
            EditorRow::as_select(),
            editor_sessions::csrf_token,
            editor_sessions::last_seen_at,
        ))
        .first(conn)
        .optional()?;
    let Some((row, csrf_token, last_seen_at)) = found else {
        return Ok(None);
    };
    if now - last_seen_at >= TOUCH_EVERY {
        diesel::update(editor_sessions::table.find(token_hash))
            .set(editor_sessions::last_seen_at.eq(now))
            .execute(conn)?;
    }
    Ok(Some(SessionEditor {
        editor: editor_from(row)?,
        csrf_token,
    }))
}

pub fn end_session(conn: &mut PgConnection, token_hash: &[u8]) -> RepoResult<()> {
    diesel::delete(editor_sessions::table.find(token_hash)).execute(conn)?;
    Ok(())
}

fn end_sessions_of(conn: &mut PgConnection, editor_id: i64, keep: Option<&[u8]>) -> RepoResult<()> {
    let mine = editor_sessions::table.filter(editor_sessions::editor_id.eq(editor_id));
    match keep {
        Some(keep) => {
            diesel::delete(mine.filter(editor_sessions::token_hash.ne(keep))).execute(conn)?
        }
        None => diesel::delete(mine).execute(conn)?,
    };
    Ok(())
}

/// Moves a session's last activity back by `by`: tests use it to age a session.
pub fn age_sessions_of(conn: &mut PgConnection, editor_id: i64, by: TimeDelta) -> RepoResult<()> {
    diesel::update(editor_sessions::table.filter(editor_sessions::editor_id.eq(editor_id)))
        .set((
            editor_sessions::last_seen_at.eq(editor_sessions::last_seen_at - by),
            editor_sessions::created_at.eq(editor_sessions::created_at - by),
            editor_sessions::expires_at.eq(editor_sessions::expires_at - by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which failed sign-ins are counted: by account or by client address.
#[derive(Debug, Clone, Copy)]
pub enum FailureKey<'a> {
    Account(&'a str),
    Address(&'a str),
}

/// The newest failures since `since` for `key`, newest first, at most `limit`.
pub fn recent_failures(
    conn: &mut PgConnection,
    key: FailureKey<'_>,
    since: DateTime<Utc>,
    limit: usize,
) -> RepoResult<Vec<DateTime<Utc>>> {
    let recent = login_failures::table
        .filter(login_failures::failed_at.gt(since))
        .order(login_failures::failed_at.desc())
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select(login_failures::failed_at);
    Ok(match key {
        FailureKey::Account(email_key) => recent
            .filter(login_failures::email_key.eq(email_key))
            .load(conn)?,
        FailureKey::Address(addr) => recent
            .filter(login_failures::client_addr.eq(addr))
            .load(conn)?,
    })
}

pub fn record_failure(
    conn: &mut PgConnection,
    email_key: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> RepoResult<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::email_key.eq(email_key),
            login_failures::client_addr.eq(client_addr),
            login_failures::failed_at.eq(now),
        ))
        .execute(conn)?;
    // Old rows only take space: they no longer count.
    diesel::delete(
        login_failures::table
            .filter(login_failures::failed_at.lt(now - crate::domain::editor::FAILURE_WINDOW * 4)),
    )
    .execute(conn)?;
    Ok(())
}

/// A successful sign-in forgives the account's failures.
pub fn clear_failures(conn: &mut PgConnection, email_key: &str) -> RepoResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::email_key.eq(email_key)))
        .execute(conn)?;
    Ok(())
}

/// Runs one sign-in attempt for the account `email_key` in a transaction that holds a
/// lock on that account: parallel guesses are checked against the throttle one after
/// another, so none slips past the limit.
pub fn one_attempt_at_a_time<T>(
    conn: &mut PgConnection,
    email_key: &str,
    attempt: impl FnOnce(&mut PgConnection) -> RepoResult<T>,
) -> RepoResult<T> {
    conn.transaction(|conn| {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7272, hashtext($1))")
            .bind::<Text, _>(email_key)
            .execute(conn)?;
        attempt(conn)
    })
}
