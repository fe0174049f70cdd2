//! E-mail alerts: sign-up (with its limits), confirmation, the manage page's changes,
//! one-click unsubscribe, erasure of addresses without alerts, and the digest run's
//! claim. Every message an alert causes is queued in the outbox in the same transaction.

use super::{RepoError, RepoResult, outbox};
use crate::db::schema::{alert_signups, alert_subscribers, alerts};
use crate::domain::alert::{
    Alert, AlertStatus, DueAlert, Frequency, MAX_ALERTS_PER_ADDRESS, MAX_SIGNUPS_PER_CLIENT,
    SIGNUP_WINDOW, TokenPurpose, derived_token, token_hash,
};
use crate::domain::mail::OutgoingMail;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bytea, Integer, Text, Timestamptz};

/// A sign-up as the form sent it, checked.
#[derive(Debug, Clone)]
pub struct NewAlert {
    /// The address as typed (trimmed); stored lower-cased.
    pub email: String,
    pub search_query: String,
    pub search_path: String,
    pub label: String,
    pub frequency: Frequency,
    pub client_addr: String,
    /// SHA-256 of the confirmation token mailed to the address.
    pub confirm_token_hash: Vec<u8>,
    pub confirm_expires_at: DateTime<Utc>,
}

/// What a sign-up led to; the message to queue is built from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedUp {
    /// A new or still unconfirmed alert: the confirmation link goes out.
    ConfirmationNeeded { manage_salt: Vec<u8> },
    /// The address has this search already (confirmed): a note with the manage link goes
    /// out instead, so the page says the same either way.
    AlreadySubscribed { manage_salt: Vec<u8> },
}

/// Why a sign-up was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignUpRefused {
    /// The address has [`MAX_ALERTS_PER_ADDRESS`] alerts.
    TooManyAlerts,
    /// The client made [`MAX_SIGNUPS_PER_CLIENT`] sign-ups within the hour; the next one
    /// is possible after this many seconds.
    TooManySignUps { retry_after: u64 },
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<Timestamptz>)]
    oldest: Option<DateTime<Utc>>,
}

fn random_salt() -> Vec<u8> {
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt).expect("the operating system's random source failed");
    salt.to_vec()
}

/// Signs `new` up: checks the client's hourly limit and the address's alert limit, keeps
/// the sign-up for the limit, creates the address and the pending alert (or renews an
/// unconfirmed one), and queues the message `mail` makes of the outcome — all in one
/// transaction.
pub fn sign_up(
    conn: &mut PgConnection,
    new: &NewAlert,
    secret_key: &str,
    now: DateTime<Utc>,
    mail: impl FnOnce(&SignedUp) -> Result<OutgoingMail, crate::domain::InvalidInput>,
) -> RepoResult<Result<SignedUp, SignUpRefused>> {
    conn.transaction(|conn| {
        // One client's sign-ups are counted one at a time, so parallel posts cannot
        // all slip under the limit.
        diesel::sql_query("SELECT pg_advisory_xact_lock(7310, hashtext($1))")
            .bind::<Text, _>(&new.client_addr)
            .execute(conn)?;
        let window_start = now - SIGNUP_WINDOW;
        let recent: Counted = diesel::sql_query(
            "SELECT count(*) AS n, min(created_at) AS oldest FROM alert_signups \
             WHERE client_addr = $1 AND created_at > $2",
        )
        .bind::<Text, _>(&new.client_addr)
        .bind::<Timestamptz, _>(window_start)
        .get_result(conn)?;
        if recent.n >= MAX_SIGNUPS_PER_CLIENT {
            let frees_at = recent.oldest.unwrap_or(now) + SIGNUP_WINDOW;
            let retry_after = u64::try_from((frees_at - now).num_seconds().max(1)).unwrap_or(1);
            return Ok(Err(SignUpRefused::TooManySignUps { retry_after }));
        }
        diesel::insert_into(alert_signups::table)
            .values((
                alert_signups::client_addr.eq(&new.client_addr),
                alert_signups::created_at.eq(now),
            ))
            .execute(conn)?;

        let email = new.email.to_lowercase();
        let fresh_salt = random_salt();
        diesel::insert_into(alert_subscribers::table)
            .values((
                alert_subscribers::email.eq(&email),
                alert_subscribers::manage_token_hash.eq(token_hash(&derived_token(
                    secret_key,
                    TokenPurpose::Manage,
                    &fresh_salt,
                ))),
                alert_subscribers::manage_salt.eq(&fresh_salt),
                alert_subscribers::created_at.eq(now),
            ))
            .on_conflict(alert_subscribers::email)
            .do_nothing()
            .execute(conn)?;
        // Locked: the address's alerts are counted and added one sign-up at a time.
        let (subscriber_id, manage_salt): (i64, Vec<u8>) = alert_subscribers::table
            .filter(alert_subscribers::email.eq(&email))
            .select((alert_subscribers::id, alert_subscribers::manage_salt))
            .for_update()
            .first(conn)?;

        let existing: Option<(i64, String)> = alerts::table
            .filter(alerts::subscriber_id.eq(subscriber_id))
            .filter(alerts::search_query.eq(&new.search_query))
            .select((alerts::id, alerts::status))
            .first(conn)
            .optional()?;
        let outcome = match existing {
            Some((_, status)) if status != AlertStatus::Pending.as_str() => {
                SignedUp::AlreadySubscribed { manage_salt }
            }
            Some((id, _)) => {
                diesel::update(alerts::table.find(id))
                    .set((
                        alerts::confirm_token_hash.eq(&new.confirm_token_hash),
                        alerts::confirm_expires_at.eq(new.confirm_expires_at),
                        alerts::frequency.eq(new.frequency.as_str()),
                        alerts::label.eq(&new.label),
                        alerts::search_path.eq(&new.search_path),
                    ))
                    .execute(conn)?;
                SignedUp::ConfirmationNeeded { manage_salt }
            }
            None => {
                let count: i64 = alerts::table
                    .filter(alerts::subscriber_id.eq(subscriber_id))
                    .count()
                    .get_result(conn)?;
                if count >= MAX_ALERTS_PER_ADDRESS {
                    return Ok(Err(SignUpRefused::TooManyAlerts));
                }
                let unsubscribe_salt = random_salt();
                diesel::insert_into(alerts::table)
                    .values((
                        alerts::subscriber_id.eq(subscriber_id),
                        alerts::search_query.eq(&new.search_query),
                        alerts::search_path.eq(&new.search_path),
                        alerts::label.eq(&new.label),
                        alerts::frequency.eq(new.frequency.as_str()),
                        alerts::status.eq(AlertStatus::Pending.as_str()),
                        alerts::confirm_token_hash.eq(&new.confirm_token_hash),
                        alerts::confirm_expires_at.eq(new.confirm_expires_at),
                        alerts::unsubscribe_token_hash.eq(token_hash(&derived_token(
                            secret_key,
                            TokenPurpose::Unsubscribe,
                            &unsubscribe_salt,
                        ))),
                        alerts::unsubscribe_salt.eq(&unsubscribe_salt),
                        alerts::created_at.eq(now),
                    ))
                    .execute(conn)?;
                SignedUp::ConfirmationNeeded { manage_salt }
            }
        };
        let message = mail(&outcome)?;
        outbox::enqueue(conn, &message)?;
        Ok(Ok(outcome))
    })
}

/// What opening a confirmation link found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// Confirmed now.
    Confirmed { alert: Alert, manage_salt: Vec<u8> },
    /// Confirmed before (the link was opened again): nothing changed.
    AlreadyConfirmed { alert: Alert, manage_salt: Vec<u8> },
    /// Waiting for the click that confirms it (the link was only opened).
    Waiting { alert: Alert },
    /// Not confirmed in time; the search, to sign up again.
    Expired { alert: Alert },
    /// No such link (or its alert was deleted since).
    Unknown,
}

type AlertColumns = (
    alerts::id,
    alerts::label,
    alerts::search_path,
    alerts::search_query,
    alerts::frequency,
    alerts::status,
    alerts::created_at,
    alerts::last_sent_at,
);

const ALERT_COLUMNS: AlertColumns = (
    alerts::id,
    alerts::label,
    alerts::search_path,
    alerts::search_query,
    alerts::frequency,
    alerts::status,
    alerts::created_at,
    alerts::last_sent_at,
);

type AlertRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

fn alert_of(row: AlertRow) -> RepoResult<Alert> {
    let (id, label, search_path, search_query, frequency, status, created_at, last_sent_at) = row;
    Ok(Alert {
        id,
        label,
        search_path,
        search_query,
        frequency: Frequency::parse(&frequency)?,
        status: AlertStatus::parse(&status)?,
        created_at,
        last_sent_at,
    })
}

/// Confirms the alert whose confirmation token hashes to `hash`, if it is still pending
/// and its link has not expired. Its first digest lists jobs posted from now on.
pub fn confirm(
    conn: &mut PgConnection,
    hash: &[u8],
    now: DateTime<Utc>,
    use_it: bool,
) -> RepoResult<Confirmation> {
    conn.transaction(|conn| {
        let found: Option<(AlertRow, DateTime<Utc>, Vec<u8>)> = alerts::table
            .inner_join(alert_subscribers::table)
            .filter(alerts::confirm_token_hash.eq(hash))
            .select((
                ALERT_COLUMNS,
                alerts::confirm_expires_at,
                alert_subscribers::manage_salt,
            ))
            .for_update()
            .first(conn)
            .optional()?;
        let Some((row, expires_at, manage_salt)) = found else {
            return Ok(Confirmation::Unknown);
        };
        let mut alert = alert_of(row)?;
        if alert.status != AlertStatus::Pending {
            return Ok(Confirmation::AlreadyConfirmed { alert, manage_salt });
        }
        if expires_at <= now {
            return Ok(Confirmation::Expired { alert });
        }
        if !use_it {
            return Ok(Confirmation::Waiting { alert });
        }
        diesel::update(alerts::table.find(alert.id))
            .set((
                alerts::status.eq(AlertStatus::Active.as_str()),
                alerts::confirmed_at.eq(now),
                alerts::last_digest_at.eq(now),
            ))
            .execute(conn)?;
        alert.status = AlertStatus::Active;
        Ok(Confirmation::Confirmed { alert, manage_salt })
    })
}

/// The alert an unsubscribe link stands for, with its address.
pub fn find_by_unsubscribe(conn: &mut PgConnection, hash: &[u8]) -> RepoResult<Option<Alert>> {
    alerts::table
        .filter(alerts::unsubscribe_token_hash.eq(hash))
        .select(ALERT_COLUMNS)
        .first::<AlertRow>(conn)
        .optional()?
        .map(alert_of)
        .transpose()
}

/// What deleting alerts left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deleted {
    pub alerts: usize,
    /// The address had no alerts left and was erased.
    pub address_erased: bool,
}

/// Deletes the alert an unsubscribe link stands for (and the address with its last
/// alert); `None` when there is no such alert (any more).
pub fn unsubscribe(conn: &mut PgConnection, hash: &[u8]) -> RepoResult<Option<(Alert, Deleted)>> {
    conn.transaction(|conn| {
        let found: Option<(AlertRow, i64)> = alerts::table
            .filter(alerts::unsubscribe_token_hash.eq(hash))
            .select((ALERT_COLUMNS, alerts::subscriber_id))
            .first(conn)
            .optional()?;
        let Some((row, subscriber_id)) = found else {
            return Ok(None);
        };
        let alert = alert_of(row)?;
        let deleted = delete_alerts(conn, subscriber_id, Some(alert.id))?;
        Ok(Some((alert, deleted)))
    })
}

/// Deletes one alert of `subscriber_id` (or all with `None`), and the address when it
/// has none left.
fn delete_alerts(
    conn: &mut PgConnection,
    subscriber_id: i64,
    alert_id: Option<i64>,
) -> RepoResult<Deleted> {
    // The address row first, locked: a sign-up for it waits, then sees it gone.
    diesel::sql_query("SELECT id FROM alert_subscribers WHERE id = $1 FOR UPDATE")
        .bind::<BigInt, _>(subscriber_id)
        .execute(conn)?;
    let mut delete = diesel::delete(alerts::table)
        .filter(alerts::subscriber_id.eq(subscriber_id))
        .into_boxed();
    if let Some(id) = alert_id {
        delete = delete.filter(alerts::id.eq(id));
    }
    let deleted = delete.execute(conn)?;
    let left: i64 = alerts::table
        .filter(alerts::subscriber_id.eq(subscriber_id))
        .count()
        .get_result(conn)?;
    let address_erased = left == 0;
    if address_erased {
        diesel::delete(alert_subscribers::table.find(subscriber_id)).execute(conn)?;
    }
    Ok(Deleted {
        alerts: deleted,
        address_erased,
    })
}

/// An address as its manage page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    pub alerts: Vec<Alert>,
}

/// The address a manage link stands for, with its alerts (oldest first).
pub fn subscriber_by_manage(
    conn: &mut PgConnection,
    hash: &[u8],
) -> RepoResult<Option<Subscriber>> {
    let found: Option<(i64, String)> = alert_subscribers::table
        .filter(alert_subscribers::manage_token_hash.eq(hash))
        .select((alert_subscribers::id, alert_subscribers::email))
        .first(conn)
        .optional()?;
    let Some((id, email)) = found else {
        return Ok(None);
    };
    let rows: Vec<AlertRow> = alerts::table
        .filter(alerts::subscriber_id.eq(id))
        .select(ALERT_COLUMNS)
        .order((alerts::created_at.asc(), alerts::id.asc()))
        .load(conn)?;
    Ok(Some(Subscriber {
        id,
        email,
        alerts: rows.into_iter().map(alert_of).collect::<RepoResult<_>>()?,
    }))
}

/// A change from the manage page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Pause,
    /// Active again; its next digest lists jobs posted from now on.
    Resume,
    Frequency(Frequency),
    Delete,
}

/// Applies `change` to alert `alert_id` of `subscriber_id`. `NotFound` when the address
/// has no such alert; pausing or resuming an unconfirmed alert changes nothing.
pub fn change(
    conn: &mut PgConnection,
    subscriber_id: i64,
    alert_id: i64,
    change: Change,
    now: DateTime<Utc>,
) -> RepoResult<Deleted> {
    conn.transaction(|conn| {
        let mine = alerts::table
            .filter(alerts::id.eq(alert_id))
            .filter(alerts::subscriber_id.eq(subscriber_id));
        let unchanged = Deleted {
            alerts: 0,
            address_erased: false,
        };
        let exists: i64 = mine.count().get_result(conn)?;
        if exists == 0 {
            return Err(RepoError::NotFound("alert"));
        }
        match change {
            Change::Delete => return delete_alerts(conn, subscriber_id, Some(alert_id)),
            Change::Pause => diesel::update(mine.filter(alerts::status.eq("active")))
                .set(alerts::status.eq(AlertStatus::Paused.as_str()))
                .execute(conn)?,
            Change::Resume => diesel::update(mine.filter(alerts::status.eq("paused")))
                .set((
                    alerts::status.eq(AlertStatus::Active.as_str()),
                    alerts::last_digest_at.eq(now),
                ))
                .execute(conn)?,
            Change::Frequency(frequency) => diesel::update(mine)
                .set(alerts::frequency.eq(frequency.as_str()))
                .execute(conn)?,
        };
        Ok(unchanged)
    })
}

/// Deletes every alert of the address and the address itself.
pub fn delete_all(conn: &mut PgConnection, subscriber_id: i64) -> RepoResult<Deleted> {
    conn.transaction(|conn| delete_alerts(conn, subscriber_id, None))
}

/// Deletes unconfirmed alerts whose link expired before `before`, addresses left without
/// alerts, and sign-up records older than the limit's window. Returns the alerts deleted.
pub fn purge(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> RepoResult<usize> {
    conn.transaction(|conn| {
        let deleted = diesel::delete(
            alerts::table
                .filter(alerts::status.eq(AlertStatus::Pending.as_str()))
                .filter(alerts::confirm_expires_at.lt(before)),
        )
        .execute(conn)?;
        diesel::sql_query(
            "DELETE FROM alert_subscribers s \
             WHERE NOT EXISTS (SELECT 1 FROM alerts a WHERE a.subscriber_id = s.id)",
        )
        .execute(conn)?;
        diesel::delete(
            alert_signups::table.filter(alert_signups::created_at.le(now - SIGNUP_WINDOW)),
        )
        .execute(conn)?;
        Ok(deleted)
    })
}

/// The oldest watermark among the alerts of `frequency` due before `slot`: how far back
/// a digest run has to look.
pub fn oldest_due(
    conn: &mut PgConnection,
    frequency: Frequency,
    slot: DateTime<Utc>,
) -> RepoResult<Option<DateTime<Utc>>> {
    Ok(alerts::table
        .filter(alerts::status.eq(AlertStatus::Active.as_str()))
        .filter(alerts::frequency.eq(frequency.as_str()))
        .filter(alerts::last_digest_at.lt(slot))
        .select(diesel::dsl::min(alerts::last_digest_at))
        .first::<Option<DateTime<Utc>>>(conn)?)
}

#[derive(QueryableByName)]
struct DueRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Text)]
    label: String,
    #[diesel(sql_type = Text)]
    search_path: String,
    #[diesel(sql_type = Text)]
    search_query: String,
    #[diesel(sql_type = Timestamptz)]
    last_digest_at: DateTime<Utc>,
    #[diesel(sql_type = Bytea)]
    unsubscribe_salt: Vec<u8>,
    #[diesel(sql_type = Bytea)]
    manage_salt: Vec<u8>,
}

/// One claimed alert's digest: the message (none when nothing new matched) and how
/// many jobs it counted.
pub struct Digest {
    pub alert_id: i64,
    pub mail: Option<(OutgoingMail, i32)>,
}

/// Claims up to `limit` active alerts of `frequency` whose watermark is before `slot`
/// (`FOR UPDATE SKIP LOCKED`: instances running at once get disjoint batches and never
/// wait), hands them to `digests`, and in the same transaction queues the messages it
/// returns and moves every claimed alert's watermark to `cutoff`. Returns how many
/// alerts were claimed (0: none due are left) and how many messages were queued.
pub fn digest_batch(
    conn: &mut PgConnection,
    frequency: Frequency,
    slot: DateTime<Utc>,
    cutoff: DateTime<Utc>,
    limit: i64,
    digests: impl FnOnce(&mut PgConnection, Vec<DueAlert>) -> RepoResult<Vec<Digest>>,
) -> RepoResult<(usize, usize)> {
    conn.transaction(|conn| {
        let rows: Vec<DueRow> = diesel::sql_query(
            "SELECT a.id, s.email, a.label, a.search_path, a.search_query, a.last_digest_at, \
                    a.unsubscribe_salt, s.manage_salt \
             FROM alerts a JOIN alert_subscribers s ON s.id = a.subscriber_id \
             WHERE a.status = 'active' AND a.frequency = $1 AND a.last_digest_at < $2 \
             ORDER BY a.last_digest_at, a.id \
             LIMIT $3 \
             FOR UPDATE OF a SKIP LOCKED",
        )
        .bind::<Text, _>(frequency.as_str())
        .bind::<Timestamptz, _>(slot)
        .bind::<BigInt, _>(limit)
        .load(conn)?;
        if rows.is_empty() {
            return Ok((0, 0));
        }
        let claimed: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let due = rows
            .into_iter()
            .map(|r| DueAlert {
                id: r.id,
                email: r.email,
                label: r.label,
                search_path: r.search_path,
                search_query: r.search_query,
                frequency,
                since: r.last_digest_at,
                unsubscribe_salt: r.unsubscribe_salt,
                manage_salt: r.manage_salt,
            })
            .collect();
        let digests = digests(conn, due)?;
        let (mut sent_ids, mut sent_counts) = (Vec::new(), Vec::new());
        for digest in &digests {
            if let Some((mail, count)) = &digest.mail {
                outbox::enqueue(conn, mail)?;
                sent_ids.push(digest.alert_id);
                sent_counts.push(*count);
            }
        }
        diesel::update(alerts::table.filter(alerts::id.eq_any(&claimed)))
            .set(alerts::last_digest_at.eq(cutoff))
            .execute(conn)?;
        if !sent_ids.is_empty() {
            diesel::sql_query(
                "UPDATE alerts a SET last_sent_at = $1, last_sent_jobs = v.n \
                 FROM unnest($2::bigint[], $3::int[]) AS v(id, n) WHERE a.id = v.id",
            )
            .bind::<Timestamptz, _>(cutoff)
            .bind::<Array<BigInt>, _>(&sent_ids)
            .bind::<Array<Integer>, _>(&sent_counts)
            .execute(conn)?;
        }
        Ok((claimed.len(), sent_ids.len()))
    })
}

/// Whether any active alert of `frequency` is due before `slot` (a cheap index probe
/// the timer makes every minute).
pub fn any_due(
    conn: &mut PgConnection,
    frequency: Frequency,
    slot: DateTime<Utc>,
) -> RepoResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        alerts::table
            .filter(alerts::status.eq(AlertStatus::Active.as_str()))
            .filter(alerts::frequency.eq(frequency.as_str()))
            .filter(alerts::last_digest_at.lt(slot)),
    ))
    .get_result(conn)?)
}

/// Confirmed alerts for benchmarks: `count` alerts, one address each
/// (`bench-<n>@example.org`), searches taken in turn from `searches` as (query string,
/// path, label), daily, with their watermark at `since`.
pub fn insert_synthetic(
    conn: &mut PgConnection,
    count: u64,
    searches: &[(String, String, String)],
    since: DateTime<Utc>,
) -> RepoResult<u64> {
    if searches.is_empty() {
        return Ok(0);
    }
    let queries: Vec<&str> = searches.iter().map(|s| s.0.as_str()).collect();
    let paths: Vec<&str> = searches.iter().map(|s| s.1.as_str()).collect();
    let labels: Vec<&str> = searches.iter().map(|s| s.2.as_str()).collect();
    conn.transaction(|conn| {
        let first: i64 = diesel::sql_query(
            "SELECT coalesce(max(id), 0) AS n, NULL::timestamptz AS oldest FROM alert_subscribers",
        )
        .get_result::<Counted>(conn)?
        .n;
        diesel::sql_query(
            "INSERT INTO alert_subscribers (email, manage_salt, manage_token_hash) \
             SELECT 'bench-' || ($1 + n) || '@example.org', \
                    sha256(('m' || ($1 + n) || random())::bytea), \
                    sha256(('mh' || ($1 + n) || random())::bytea) \
             FROM generate_series(1, $2) AS n",
        )
        .bind::<BigInt, _>(first)
        .bind::<BigInt, _>(i64::try_from(count).unwrap_or(i64::MAX))
        .execute(conn)?;
        let inserted = diesel::sql_query(
            "INSERT INTO alerts (subscriber_id, search_query, search_path, label, frequency, \
                                 status, confirm_token_hash, confirm_expires_at, confirmed_at, \
                                 unsubscribe_salt, unsubscribe_token_hash, last_digest_at) \
             SELECT s.id, q.query, q.path, q.label, 'daily', 'active', \
                    sha256(('c' || s.id || random())::bytea), $5, $5, \
                    sha256(('u' || s.id || random())::bytea), \
                    sha256(('uh' || s.id || random())::bytea), $5 \
             FROM alert_subscribers s \
             JOIN unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY \
                  AS q(query, path, label, k) \
               ON q.k = 1 + (s.id % cardinality($2::text[])) \
             WHERE s.id > $1",
        )
        .bind::<BigInt, _>(first)
        .bind::<Array<Text>, _>(&queries)
        .bind::<Array<Text>, _>(&paths)
        .bind::<Array<Text>, _>(&labels)
        .bind::<Timestamptz, _>(since)
        .execute(conn)?;
        Ok(inserted as u64)
    })
}
