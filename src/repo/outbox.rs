//! The mail outbox (`mail_outbox`): messages are queued in the transaction of the change
//! that causes them and sent later by the workers in `mail::worker`, one per server
//! instance. Claims use `FOR UPDATE SKIP LOCKED` and a lease, so instances share the
//! queue without ever holding the same message; every state change after a claim is
//! fenced by the claiming worker's name, so a worker whose lease ran out cannot undo
//! what another did since.

use super::{RepoError, RepoResult};
use crate::db::models::{MailOutboxRow, NewMailRow};
use crate::db::schema::mail_outbox;
use crate::domain::mail::{
    ClaimedMail, MailStatus, OutboxEntry, OutgoingMail, StatusCounts, retry_delay,
};
use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamptz};

/// The error text kept per message is cut to this many characters.
const MAX_ERROR_CHARS: usize = 2_000;
/// What a lease that ran out records: the worker stopped between claiming and marking,
/// so the message may or may not have left.
const LEASE_EXPIRED: &str =
    "the sending worker stopped before it confirmed this message; it may have been sent";

/// Queues `mail` and returns its id.
///
/// Call it **inside the transaction of the change that causes the message** (within
/// `conn.transaction(…)` or `repo::audit::audited(…)`, with the same connection): the
/// message is then stored if and only if the change commits, and the workers are woken
/// at that commit (the `mail_outbox_notify_due` trigger). Called on its own it commits
/// by itself, which suits mail that no change stands behind.
pub fn enqueue(conn: &mut PgConnection, mail: &OutgoingMail) -> RepoResult<i64> {
    Ok(diesel::insert_into(mail_outbox::table)
        .values(NewMailRow {
            to_address: mail.to().as_str(),
            subject: mail.subject(),
            text_body: mail.text(),
            html_body: mail.html(),
            list_unsubscribe: mail.list_unsubscribe(),
        })
        .returning(mail_outbox::id)
        .get_result(conn)?)
}

/// Claims up to `limit` messages due at `now` (or at the database's `now()`, if that is
/// later) for `worker` (a name unique to the running worker) for `lease`: they become
/// `sending` until `now + lease`, and no other worker sees them meanwhile. Messages
/// whose lease ran out count as a try with an unknown outcome and are claimed again (or
/// failed for good after the last try). Oldest due first. Several workers claiming at
/// the same moment get disjoint sets and never wait for each other.
pub fn claim_due(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
    lease: TimeDelta,
    worker: &str,
) -> RepoResult<Vec<ClaimedMail>> {
    conn.transaction(|conn| {
        recover_expired_leases(conn, now, limit)?;
        // One statement: the rows are locked, skipped by every other worker's claim
        // (SKIP LOCKED), and leased before the lock is released at commit. Due by this
        // server's clock or the database's, whichever is later: a message queued just
        // now (`DEFAULT now()`) is found when its notification arrives.
        let mut claimed: Vec<MailOutboxRow> = diesel::sql_query(
            "UPDATE mail_outbox \
             SET status = 'sending', claimed_until = $2, claimed_by = $3, last_attempt_at = $1 \
             WHERE id IN (SELECT id FROM mail_outbox \
                          WHERE status = 'queued' AND next_attempt_at <= greatest($1, now()) \
                          ORDER BY next_attempt_at, id LIMIT $4 \
                          FOR UPDATE SKIP LOCKED) \
             RETURNING mail_outbox.*",
        )
        .bind::<Timestamptz, _>(now)
        .bind::<Timestamptz, _>(now + lease)
        .bind::<Text, _>(worker)
        .bind::<BigInt, _>(limit)
        .load(conn)?;
        claimed.sort_by_key(|row| (row.next_attempt_at, row.id));
        Ok(claimed
            .into_iter()
            .map(|row| ClaimedMail {
                id: row.id,
                created_at: row.created_at,
                attempts: row.attempts,
                to: row.to_address,
                subject: row.subject,
                text: row.text_body,
                html: row.html_body,
                list_unsubscribe: row.list_unsubscribe,
            })
            .collect())
    })
}

/// Turns messages whose lease ran out back into queued ones (a try with an unknown
/// outcome), or failed ones after their last try.
fn recover_expired_leases(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> RepoResult<()> {
    let expired: Vec<(i64, i32)> = mail_outbox::table
        .filter(mail_outbox::status.eq(MailStatus::Sending.as_str()))
        .filter(mail_outbox::claimed_until.lt(now))
        .order(mail_outbox::claimed_until)
        .limit(limit)
        .select((mail_outbox::id, mail_outbox::attempts))
        .for_update()
        .skip_locked()
        .load(conn)?;
    for (id, attempts) in expired {
        let attempts = attempts + 1;
        let target = mail_outbox::table.find(id);
        let (status, next_attempt_at) = match retry_delay(attempts) {
            Some(_) => (MailStatus::Queued, now),
            None => (MailStatus::Failed, now),
        };
        tracing::warn!(
            mail.id = id,
            "mail #{id}: the lease ran out while sending it"
        );
        diesel::update(target)
            .set((
                mail_outbox::status.eq(status.as_str()),
                mail_outbox::attempts.eq(attempts),
                mail_outbox::next_attempt_at.eq(next_attempt_at),
                mail_outbox::claimed_until.eq(None::<DateTime<Utc>>),
                mail_outbox::last_error.eq(LEASE_EXPIRED),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Marks a claimed message sent. False when `worker` no longer held it (its lease ran
/// out and another worker took over): nothing is changed then.
pub fn mark_sent(
    conn: &mut PgConnection,
    id: i64,
    worker: &str,
    now: DateTime<Utc>,
) -> RepoResult<bool> {
    let changed = diesel::update(
        mail_outbox::table
            .find(id)
            .filter(mail_outbox::status.eq(MailStatus::Sending.as_str()))
            .filter(mail_outbox::claimed_by.eq(worker)),
    )
    .set((
        mail_outbox::status.eq(MailStatus::Sent.as_str()),
        mail_outbox::sent_at.eq(now),
        mail_outbox::attempts.eq(mail_outbox::attempts + 1),
        mail_outbox::claimed_until.eq(None::<DateTime<Utc>>),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// What became of a message after a failed try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Queued again for this time.
    RetryAt(DateTime<Utc>),
    /// Failed for good: refused permanently, or out of tries.
    GaveUp,
    /// The worker no longer held the message; nothing was changed.
    NotHeld,
}

/// Records a failed try of a claimed message with its `error`: queued again with
/// exponential backoff (see `domain::mail::retry_delay`), or failed for good when the
/// failure is `permanent` (the server refused this message) or it was the last try.
pub fn mark_failed_attempt(
    conn: &mut PgConnection,
    mail: &ClaimedMail,
    worker: &str,
    error: &str,
    permanent: bool,
    now: DateTime<Utc>,
) -> RepoResult<AfterFailure> {
    let attempts = mail.attempts + 1;
    let retry_at = if permanent {
        None
    } else {
        retry_delay(attempts).map(|wait| now + wait)
    };
    let (status, next_attempt_at) = match retry_at {
        Some(at) => (MailStatus::Queued, at),
        None => (MailStatus::Failed, now),
    };
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    let changed = diesel::update(
        mail_outbox::table
            .find(mail.id)
            .filter(mail_outbox::status.eq(MailStatus::Sending.as_str()))
            .filter(mail_outbox::claimed_by.eq(worker)),
    )
    .set((
        mail_outbox::status.eq(status.as_str()),
        mail_outbox::attempts.eq(attempts),
        mail_outbox::next_attempt_at.eq(next_attempt_at),
        mail_outbox::claimed_until.eq(None::<DateTime<Utc>>),
        mail_outbox::last_error.eq(error),
    ))
    .execute(conn)?;
    Ok(match (changed, retry_at) {
        (0, _) => AfterFailure::NotHeld,
        (_, Some(at)) => AfterFailure::RetryAt(at),
        (_, None) => AfterFailure::GaveUp,
    })
}

/// Hands claimed messages back untried (the worker is stopping, or its batch took too
/// long): queued again as they were, due as before.
pub fn release(conn: &mut PgConnection, ids: &[i64], worker: &str) -> RepoResult<usize> {
    Ok(diesel::update(
        mail_outbox::table
            .filter(mail_outbox::id.eq_any(ids))
            .filter(mail_outbox::status.eq(MailStatus::Sending.as_str()))
            .filter(mail_outbox::claimed_by.eq(worker)),
    )
    .set((
        mail_outbox::status.eq(MailStatus::Queued.as_str()),
        mail_outbox::claimed_until.eq(None::<DateTime<Utc>>),
    ))
    .execute(conn)?)
}

/// Queues a failed (or waiting) message to be sent at once, with a fresh set of tries;
/// its last error stays for reference. False, changing nothing, when it is being sent
/// or was sent. Due at the database's `now()`, so the workers are woken at commit.
pub fn retry_now(conn: &mut PgConnection, id: i64) -> RepoResult<bool> {
    let changed = diesel::update(mail_outbox::table.find(id).filter(
        mail_outbox::status.eq_any([MailStatus::Failed.as_str(), MailStatus::Queued.as_str()]),
    ))
    .set((
        mail_outbox::status.eq(MailStatus::Queued.as_str()),
        mail_outbox::attempts.eq(0),
        mail_outbox::next_attempt_at.eq(diesel::dsl::now),
    ))
    .execute(conn)?;
    if changed == 0 && !exists(conn, id)? {
        return Err(RepoError::NotFound("message"));
    }
    Ok(changed == 1)
}

fn exists(conn: &mut PgConnection, id: i64) -> RepoResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(mail_outbox::table.find(id))).get_result(conn)?)
}

fn entry_from(row: MailOutboxRow) -> RepoResult<OutboxEntry> {
    let status = MailStatus::parse(&row.status)
        .ok_or_else(|| RepoError::InvalidRow(format!("mail status '{}'", row.status)))?;
    Ok(OutboxEntry {
        id: row.id,
        created_at: row.created_at,
        to: row.to_address,
        subject: row.subject,
        status,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at,
        last_attempt_at: row.last_attempt_at,
        last_error: row.last_error,
        sent_at: row.sent_at,
    })
}

/// A page of messages, newest first, with `status` only when given, and whether there
/// are more.
pub fn list(
    conn: &mut PgConnection,
    status: Option<MailStatus>,
    limit: i64,
    offset: i64,
) -> RepoResult<(Vec<OutboxEntry>, bool)> {
    let mut query = mail_outbox::table.into_boxed();
    if let Some(status) = status {
        query = query.filter(mail_outbox::status.eq(status.as_str()));
    }
    let mut rows: Vec<MailOutboxRow> = query
        .order(mail_outbox::id.desc())
        .limit(limit + 1)
        .offset(offset)
        .select(MailOutboxRow::as_select())
        .load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((
        rows.into_iter()
            .map(entry_from)
            .collect::<RepoResult<_>>()?,
        more,
    ))
}

/// One message, for the admin page and tests.
pub fn find(conn: &mut PgConnection, id: i64) -> RepoResult<OutboxEntry> {
    let row = mail_outbox::table
        .find(id)
        .select(MailOutboxRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("message"))?;
    entry_from(row)
}

/// How many messages are in each state.
pub fn counts(conn: &mut PgConnection) -> RepoResult<StatusCounts> {
    let rows: Vec<(String, i64)> = mail_outbox::table
        .group_by(mail_outbox::status)
        .select((mail_outbox::status, diesel::dsl::count_star()))
        .load(conn)?;
    let mut counts = StatusCounts::default();
    for (status, n) in rows {
        if let Some(status) = MailStatus::parse(&status) {
            counts.add(status, n);
        }
    }
    Ok(counts)
}

/// Deletes up to `limit` messages sent before `before` (the outbox keeps a history of a
/// few weeks, not forever); how many went.
pub fn purge_sent(conn: &mut PgConnection, before: DateTime<Utc>, limit: i64) -> RepoResult<usize> {
    Ok(diesel::sql_query(
        "DELETE FROM mail_outbox WHERE id IN (SELECT id FROM mail_outbox \
         WHERE status = 'sent' AND sent_at < $1 ORDER BY id LIMIT $2)",
    )
    .bind::<Timestamptz, _>(before)
    .bind::<BigInt, _>(limit)
    .execute(conn)?)
}
