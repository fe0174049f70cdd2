//! Jobs employers post through the site: listings, their submissions, confirmation and
//! manage links, the moderation queue and its decisions, reports from job seekers, and
//! the reminders the timer sends. Every change that causes an e-mail puts it into the
//! outbox in the same transaction.

use super::audit::audited;
use super::{RepoError, RepoResult, admin_companies, admin_jobs, outbox};
use crate::db::schema::{
    companies, editors, employer_listings, employer_manage_tokens, job_reports, job_submissions,
    jobs, manage_link_requests,
};
use crate::domain::audit::AuditEntry;
use crate::domain::employer::{
    ReportReason, ReportResolution, SubmissionState, manage_link_valid_until,
};
use crate::domain::job::{JobContent, JobStatus};
use crate::domain::mail::OutgoingMail;
use crate::domain::slug::Slug;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde_json::Value;

diesel::define_sql_function! {
    /// SQL `lower`, for the indexes on `lower(contact_email)` and company names.
    #[sql_name = "lower"]
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Submissions sent by an address and by a client since a time: the daily limits.
pub fn submission_counts(
    conn: &mut PgConnection,
    email: &str,
    client_addr: &str,
    since: DateTime<Utc>,
) -> RepoResult<(i64, i64)> {
    let by_email = job_submissions::table
        .filter(lower(job_submissions::contact_email).eq(email.to_lowercase()))
        .filter(job_submissions::submitted_at.gt(since))
        .count()
        .get_result(conn)?;
    let by_client = job_submissions::table
        .filter(job_submissions::client_addr.eq(client_addr))
        .filter(job_submissions::submitted_at.gt(since))
        .count()
        .get_result(conn)?;
    Ok((by_email, by_client))
}

/// A new posting as the employer sent it.
pub struct NewPosting<'a> {
    pub contact_email: &'a str,
    pub fields: &'a Value,
    pub client_addr: &'a str,
    pub confirm_token_hash: &'a [u8],
    pub confirm_expires_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Saves a new posting, unconfirmed, with its confirmation e-mail; returns the listing.
pub fn create_posting(
    conn: &mut PgConnection,
    posting: &NewPosting<'_>,
    mail: &OutgoingMail,
) -> RepoResult<i64> {
    conn.transaction(|conn| {
        let listing_id: i64 = diesel::insert_into(employer_listings::table)
            .values((
                employer_listings::contact_email.eq(posting.contact_email),
                employer_listings::confirm_token_hash.eq(posting.confirm_token_hash),
                employer_listings::confirm_expires_at.eq(posting.confirm_expires_at),
                employer_listings::ends_at.eq(posting.ends_at),
            ))
            .returning(employer_listings::id)
            .get_result(conn)?;
        diesel::insert_into(job_submissions::table)
            .values((
                job_submissions::listing_id.eq(listing_id),
                job_submissions::fields.eq(posting.fields),
                job_submissions::state.eq(SubmissionState::Unconfirmed.as_str()),
                job_submissions::contact_email.eq(posting.contact_email),
                job_submissions::client_addr.eq(posting.client_addr),
            ))
            .execute(conn)?;
        outbox::enqueue(conn, mail)?;
        Ok(listing_id)
    })
}

/// What opening a confirmation link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// The posting now waits for review.
    Confirmed,
    /// The link was used before; nothing changed.
    AlreadyConfirmed,
    /// The link is older than its 48 hours.
    Expired,
    /// No such link.
    Unknown,
}

/// Whether a confirmation link is known and usable, without using it (the page that
/// asks for the click).
pub fn confirmation_state(
    conn: &mut PgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> RepoResult<Confirmation> {
    let row: Option<(DateTime<Utc>, Option<DateTime<Utc>>)> = employer_listings::table
        .filter(employer_listings::confirm_token_hash.eq(token_hash))
        .select((
            employer_listings::confirm_expires_at,
            employer_listings::confirmed_at,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        None => Confirmation::Unknown,
        Some((_, Some(_))) => Confirmation::AlreadyConfirmed,
        Some((expires, None)) if expires <= now => Confirmation::Expired,
        Some(_) => Confirmation::Confirmed,
    })
}

/// Uses a confirmation link: the posting's submissions enter the moderation queue.
pub fn confirm(
    conn: &mut PgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> RepoResult<Confirmation> {
    conn.transaction(|conn| {
        let row: Option<(i64, DateTime<Utc>, Option<DateTime<Utc>>)> = employer_listings::table
            .filter(employer_listings::confirm_token_hash.eq(token_hash))
            .select((
                employer_listings::id,
                employer_listings::confirm_expires_at,
                employer_listings::confirmed_at,
            ))
            .for_update()
            .first(conn)
            .optional()?;
        let Some((listing_id, expires, confirmed)) = row else {
            return Ok(Confirmation::Unknown);
        };
        if confirmed.is_some() {
            return Ok(Confirmation::AlreadyConfirmed);
        }
        if expires <= now {
            return Ok(Confirmation::Expired);
        }
        diesel::update(employer_listings::table.find(listing_id))
            .set(employer_listings::confirmed_at.eq(now))
            .execute(conn)?;
        // The queue is in order of arrival: a posting arrives when it is confirmed.
        diesel::update(
            job_submissions::table
                .filter(job_submissions::listing_id.eq(listing_id))
                .filter(job_submissions::state.eq(SubmissionState::Unconfirmed.as_str())),
        )
        .set((
            job_submissions::state.eq(SubmissionState::Pending.as_str()),
            job_submissions::submitted_at.eq(now),
        ))
        .execute(conn)?;
        Ok(Confirmation::Confirmed)
    })
}

/// A listing's job as the employer's page shows it.
#[derive(Debug, Clone)]
pub struct ListingJob {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub status: String,
    pub valid_through: DateTime<Utc>,
    pub company_id: i64,
    pub company_name: String,
}

/// One version the employer sent.
#[derive(Debug, Clone)]
pub struct Submission {
    pub id: i64,
    pub listing_id: i64,
    pub fields: Value,
    pub state: SubmissionState,
    pub contact_email: String,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub note: String,
}

type SubmissionRow = (
    i64,
    i64,
    Value,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<String>,
    String,
);

fn submission_columns() -> (
    job_submissions::id,
    job_submissions::listing_id,
    job_submissions::fields,
    job_submissions::state,
    job_submissions::contact_email,
    job_submissions::submitted_at,
    job_submissions::decided_at,
    job_submissions::reason,
    job_submissions::note,
) {
    (
        job_submissions::id,
        job_submissions::listing_id,
        job_submissions::fields,
        job_submissions::state,
        job_submissions::contact_email,
        job_submissions::submitted_at,
        job_submissions::decided_at,
        job_submissions::reason,
        job_submissions::note,
    )
}

fn submission(row: SubmissionRow) -> RepoResult<Submission> {
    let state = SubmissionState::parse(&row.3)
        .ok_or_else(|| RepoError::InvalidRow(format!("submission state {}", row.3)))?;
    Ok(Submission {
        id: row.0,
        listing_id: row.1,
        fields: row.2,
        state,
        contact_email: row.4,
        submitted_at: row.5,
        decided_at: row.6,
        reason: row.7,
        note: row.8,
    })
}

/// An employer's listing as the manage page shows it.
#[derive(Debug, Clone)]
pub struct Listing {
    pub id: i64,
    pub contact_email: String,
    pub confirmed: bool,
    pub ends_at: DateTime<Utc>,
    pub views: i64,
    pub job: Option<ListingJob>,
    /// The newest version sent, whatever its state.
    pub latest: Submission,
}

fn job_of_listing(conn: &mut PgConnection, job_id: Option<i64>) -> RepoResult<Option<ListingJob>> {
    let Some(job_id) = job_id else {
        return Ok(None);
    };
    Ok(jobs::table
        .inner_join(companies::table)
        .filter(jobs::id.eq(job_id))
        .select((
            jobs::id,
            jobs::slug,
            jobs::title,
            jobs::status,
            jobs::valid_through,
            companies::id,
            companies::name,
        ))
        .first::<(i64, String, String, String, DateTime<Utc>, i64, String)>(conn)
        .optional()?
        .map(|r| ListingJob {
            id: r.0,
            slug: r.1,
            title: r.2,
            status: r.3,
            valid_through: r.4,
            company_id: r.5,
            company_name: r.6,
        }))
}

/// id, contact e-mail, confirmed at, ends at, views, job id.
type ListingRow = (
    i64,
    String,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
    i64,
    Option<i64>,
);

/// Listing `id` with its job and newest submission.
pub fn listing(conn: &mut PgConnection, id: i64) -> RepoResult<Listing> {
    let row: ListingRow = employer_listings::table
        .find(id)
        .select((
            employer_listings::id,
            employer_listings::contact_email,
            employer_listings::confirmed_at,
            employer_listings::ends_at,
            employer_listings::views,
            employer_listings::job_id,
        ))
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("listing"))?;
    let latest = job_submissions::table
        .filter(job_submissions::listing_id.eq(id))
        .order(job_submissions::id.desc())
        .select(submission_columns())
        .first::<SubmissionRow>(conn)?;
    Ok(Listing {
        id: row.0,
        contact_email: row.1,
        confirmed: row.2.is_some(),
        ends_at: row.3,
        views: row.4,
        job: job_of_listing(conn, row.5)?,
        latest: submission(latest)?,
    })
}

/// The listing a manage link opens, if the link is known and still valid.
pub fn listing_by_manage_token(
    conn: &mut PgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> RepoResult<Option<Listing>> {
    let found: Option<(i64, DateTime<Utc>)> = employer_manage_tokens::table
        .inner_join(employer_listings::table)
        .filter(employer_manage_tokens::token_hash.eq(token_hash))
        .select((employer_listings::id, employer_listings::ends_at))
        .first(conn)
        .optional()?;
    match found {
        Some((id, ends_at)) if manage_link_valid_until(ends_at) > now => {
            listing(conn, id).map(Some)
        }
        _ => Ok(None),
    }
}

/// Adds a manage link (its token's hash) to a listing, inside the caller's transaction.
pub fn add_manage_token(conn: &mut PgConnection, listing_id: i64, hash: &[u8]) -> RepoResult<()> {
    diesel::insert_into(employer_manage_tokens::table)
        .values((
            employer_manage_tokens::token_hash.eq(hash),
            employer_manage_tokens::listing_id.eq(listing_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// An employer's new version of a listing: it replaces any version still waiting and
/// enters the queue (the address was confirmed with the first one).
pub fn resubmit(
    conn: &mut PgConnection,
    listing_id: i64,
    fields: &Value,
    client_addr: &str,
    ends_at: DateTime<Utc>,
) -> RepoResult<i64> {
    conn.transaction(|conn| {
        let (email, confirmed): (String, Option<DateTime<Utc>>) = employer_listings::table
            .find(listing_id)
            .select((
                employer_listings::contact_email,
                employer_listings::confirmed_at,
            ))
            .for_update()
            .first(conn)?;
        let waiting = [
            SubmissionState::Pending.as_str(),
            SubmissionState::Unconfirmed.as_str(),
            SubmissionState::ChangesRequested.as_str(),
        ];
        diesel::update(
            job_submissions::table
                .filter(job_submissions::listing_id.eq(listing_id))
                .filter(job_submissions::state.eq_any(waiting)),
        )
        .set(job_submissions::state.eq(SubmissionState::Superseded.as_str()))
        .execute(conn)?;
        let state = if confirmed.is_some() {
            SubmissionState::Pending
        } else {
            SubmissionState::Unconfirmed
        };
        let id = diesel::insert_into(job_submissions::table)
            .values((
                job_submissions::listing_id.eq(listing_id),
                job_submissions::fields.eq(fields),
                job_submissions::state.eq(state.as_str()),
                job_submissions::contact_email.eq(&email),
                job_submissions::client_addr.eq(client_addr),
            ))
            .returning(job_submissions::id)
            .get_result(conn)?;
        // A live job's end moves only when the edit is approved.
        diesel::update(
            employer_listings::table
                .find(listing_id)
                .filter(employer_listings::job_id.is_null()),
        )
        .set(employer_listings::ends_at.eq(ends_at))
        .execute(conn)?;
        Ok(id)
    })
}

/// Closes the listing's job early, as its employer asked.
pub fn close_job(conn: &mut PgConnection, entry: AuditEntry, job_id: i64) -> RepoResult<()> {
    audited(conn, entry, |conn, _| {
        diesel::update(jobs::table.find(job_id))
            .set((
                jobs::status.eq(JobStatus::Closed.as_str()),
                jobs::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Moves the end of a published job (and of its listing's manage links).
pub fn extend_job(
    conn: &mut PgConnection,
    entry: AuditEntry,
    listing_id: i64,
    job_id: i64,
    new_end: DateTime<Utc>,
) -> RepoResult<()> {
    audited(conn, entry, |conn, _| {
        let updated = diesel::update(
            jobs::table
                .find(job_id)
                .filter(jobs::status.eq(JobStatus::Published.as_str())),
        )
        .set((
            jobs::valid_through.eq(new_end),
            jobs::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Err(RepoError::Conflict("the job is not published".into()));
        }
        diesel::update(employer_listings::table.find(listing_id))
            .set(employer_listings::ends_at.eq(new_end))
            .execute(conn)?;
        Ok(())
    })
}

/// Records a "send me my link again" request and returns how many came from this
/// address and this client since `since` (this one included).
pub fn record_link_request(
    conn: &mut PgConnection,
    email_key: &str,
    client_addr: &str,
    since: DateTime<Utc>,
) -> RepoResult<(i64, i64)> {
    diesel::insert_into(manage_link_requests::table)
        .values((
            manage_link_requests::email_key.eq(email_key),
            manage_link_requests::client_addr.eq(client_addr),
        ))
        .execute(conn)?;
    let by_email = manage_link_requests::table
        .filter(manage_link_requests::email_key.eq(email_key))
        .filter(manage_link_requests::requested_at.gt(since))
        .count()
        .get_result(conn)?;
    let by_client = manage_link_requests::table
        .filter(manage_link_requests::client_addr.eq(client_addr))
        .filter(manage_link_requests::requested_at.gt(since))
        .count()
        .get_result(conn)?;
    Ok((by_email, by_client))
}

/// The confirmed listings of an address whose manage links still work, newest first.
pub fn manageable_listings(
    conn: &mut PgConnection,
    email: &str,
    now: DateTime<Utc>,
) -> RepoResult<Vec<Listing>> {
    let ids: Vec<i64> = employer_listings::table
        .filter(lower(employer_listings::contact_email).eq(email.to_lowercase()))
        .filter(employer_listings::confirmed_at.is_not_null())
        .filter(
            employer_listings::ends_at
                .gt(now - Duration::days(crate::domain::employer::MANAGE_GRACE_DAYS)),
        )
        .order(employer_listings::id.desc())
        .select(employer_listings::id)
        .limit(20)
        .load(conn)?;
    ids.into_iter().map(|id| listing(conn, id)).collect()
}

/// Sends mails in one transaction with the manage links they carry: each link's hash is
/// stored with the mail that holds it.
pub fn send_with_links(
    conn: &mut PgConnection,
    links: &[(i64, Vec<u8>)],
    mail: &OutgoingMail,
) -> RepoResult<()> {
    conn.transaction(|conn| {
        for (listing_id, hash) in links {
            add_manage_token(conn, *listing_id, hash)?;
        }
        outbox::enqueue(conn, mail)?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Moderation
// ---------------------------------------------------------------------------------------

/// A submission in the queue.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub submission: Submission,
    /// The live job an edit would change, if any.
    pub job_id: Option<i64>,
}

/// The moderation queue, oldest first.
pub fn queue(conn: &mut PgConnection, limit: i64) -> RepoResult<Vec<QueueItem>> {
    let rows: Vec<(SubmissionRow, Option<i64>)> = job_submissions::table
        .inner_join(employer_listings::table)
        .filter(job_submissions::state.eq(SubmissionState::Pending.as_str()))
        .order((
            job_submissions::submitted_at.asc(),
            job_submissions::id.asc(),
        ))
        .select((submission_columns(), employer_listings::job_id))
        .limit(limit)
        .load(conn)?;
    rows.into_iter()
        .map(|(row, job_id)| {
            Ok(QueueItem {
                submission: submission(row)?,
                job_id,
            })
        })
        .collect()
}

pub fn queue_length(conn: &mut PgConnection) -> RepoResult<i64> {
    Ok(job_submissions::table
        .filter(job_submissions::state.eq(SubmissionState::Pending.as_str()))
        .count()
        .get_result(conn)?)
}

/// One submission with its listing's job, for the review page.
pub fn find_submission(conn: &mut PgConnection, id: i64) -> RepoResult<QueueItem> {
    let (row, job_id): (SubmissionRow, Option<i64>) = job_submissions::table
        .inner_join(employer_listings::table)
        .filter(job_submissions::id.eq(id))
        .select((submission_columns(), employer_listings::job_id))
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("submission"))?;
    Ok(QueueItem {
        submission: submission(row)?,
        job_id,
    })
}

/// How a submission was decided, for the review page and for a second decision.
#[derive(Debug, Clone)]
pub struct Decision {
    pub state: SubmissionState,
    pub decided_at: Option<DateTime<Utc>>,
    /// The deciding editor's display name, if the editor still exists.
    pub editor_name: Option<String>,
}

/// Where submission `id` stands and who decided it.
pub fn decision_of(conn: &mut PgConnection, id: i64) -> RepoResult<Decision> {
    let (state, decided_at, editor_name): (String, Option<DateTime<Utc>>, Option<String>) =
        job_submissions::table
            .left_join(editors::table.on(editors::id.nullable().eq(job_submissions::decided_by)))
            .filter(job_submissions::id.eq(id))
            .select((
                job_submissions::state,
                job_submissions::decided_at,
                editors::display_name.nullable(),
            ))
            .first(conn)
            .optional()?
            .ok_or(RepoError::NotFound("submission"))?;
    Ok(Decision {
        state: SubmissionState::parse(&state)
            .ok_or_else(|| RepoError::InvalidRow(format!("submission state {state}")))?,
        decided_at,
        editor_name,
    })
}

/// What waits for the editors: pending submissions and open reports.
pub fn waiting_counts(conn: &mut PgConnection) -> RepoResult<(i64, i64)> {
    let reports = job_reports::table
        .filter(job_reports::resolved_at.is_null())
        .count()
        .get_result(conn)?;
    Ok((queue_length(conn)?, reports))
}

/// A company by its name, ignoring case and surrounding spaces: how an employer picks
/// an existing company.
pub fn company_by_name(
    conn: &mut PgConnection,
    name: &str,
) -> RepoResult<Option<crate::domain::company::Company>> {
    let id: Option<i64> = companies::table
        .filter(lower(companies::name).eq(name.trim().to_lowercase()))
        .order(companies::id)
        .select(companies::id)
        .first(conn)
        .optional()?;
    id.map(|id| admin_companies::find(conn, id)).transpose()
}

/// Open jobs of a company, for the duplicate hint: (slug, title).
pub fn open_titles_of_company(
    conn: &mut PgConnection,
    company_id: i64,
    now: DateTime<Utc>,
    except_job: Option<i64>,
) -> RepoResult<Vec<(String, String)>> {
    let mut query = jobs::table
        .filter(jobs::company_id.eq(company_id))
        .filter(jobs::status.eq(JobStatus::Published.as_str()))
        .filter(jobs::valid_through.gt(now))
        .order((jobs::posted_at.desc(), jobs::id.desc()))
        .select((jobs::slug, jobs::title))
        .limit(500)
        .into_boxed();
    if let Some(id) = except_job {
        query = query.filter(jobs::id.ne(id));
    }
    Ok(query.load(conn)?)
}

/// The company an approved posting is listed under.
pub enum CompanyPick {
    Existing(i64),
    /// A company new to the board; if one of the same name exists by the time of the
    /// approval, that one is taken.
    New(admin_companies::CompanyInput, Slug),
}

/// The job an approval created or changed.
#[derive(Debug, Clone)]
pub struct ApprovedJob {
    pub listing_id: i64,
    pub job_id: i64,
    pub slug: String,
    pub contact_email: String,
}

fn decide_pending(
    conn: &mut PgConnection,
    submission_id: i64,
    state: SubmissionState,
    editor_id: Option<i64>,
    reason: Option<&str>,
    note: &str,
) -> RepoResult<(i64, String)> {
    let found: Option<(i64, String, String)> = job_submissions::table
        .filter(job_submissions::id.eq(submission_id))
        .select((
            job_submissions::listing_id,
            job_submissions::state,
            job_submissions::contact_email,
        ))
        .for_update()
        .first(conn)
        .optional()?;
    let Some((listing_id, current, email)) = found else {
        return Err(RepoError::NotFound("submission"));
    };
    if current != SubmissionState::Pending.as_str() {
        return Err(RepoError::Conflict(
            "this submission has been decided already".into(),
        ));
    }
    diesel::update(job_submissions::table.find(submission_id))
        .set((
            job_submissions::state.eq(state.as_str()),
            job_submissions::decided_at.eq(diesel::dsl::now),
            job_submissions::decided_by.eq(editor_id),
            job_submissions::reason.eq(reason),
            job_submissions::note.eq(note),
        ))
        .execute(conn)?;
    Ok((listing_id, email))
}

/// Approves a pending submission: a first version becomes a published job (posted
/// now), an edit replaces the live job's content. The employer's e-mail, made by `mail`
/// from the job, carries a new manage link whose hash is `manage_hash`.
#[allow(clippy::too_many_arguments)]
pub fn approve(
    conn: &mut PgConnection,
    entry: AuditEntry,
    submission_id: i64,
    company: CompanyPick,
    content: &JobContent,
    manage_hash: &[u8],
    now: DateTime<Utc>,
    mail: impl FnOnce(&ApprovedJob) -> RepoResult<OutgoingMail>,
) -> RepoResult<ApprovedJob> {
    audited(conn, entry, |conn, entry| {
        let (listing_id, email) = decide_pending(
            conn,
            submission_id,
            SubmissionState::Approved,
            entry.editor_id,
            None,
            "",
        )?;
        let existing: Option<i64> = employer_listings::table
            .find(listing_id)
            .select(employer_listings::job_id)
            .for_update()
            .first(conn)?;
        let (job_id, slug) = match existing {
            Some(job_id) => {
                admin_jobs::update_content(conn, job_id, content)?;
                let slug = jobs::table.find(job_id).select(jobs::slug).first(conn)?;
                (job_id, slug)
            }
            None => {
                let company_id = match company {
                    CompanyPick::Existing(id) => id,
                    CompanyPick::New(input, slug) => match company_by_name(conn, &input.name)? {
                        Some(c) => c.id,
                        None => admin_companies::insert(conn, &input, &slug)?,
                    },
                };
                let input =
                    admin_jobs::JobInput::new(content.clone(), company_id, JobStatus::Published);
                admin_jobs::insert(conn, &input, now)?
            }
        };
        diesel::update(employer_listings::table.find(listing_id))
            .set((
                employer_listings::job_id.eq(job_id),
                employer_listings::ends_at.eq(content.valid_through),
            ))
            .execute(conn)?;
        add_manage_token(conn, listing_id, manage_hash)?;
        let approved = ApprovedJob {
            listing_id,
            job_id,
            slug,
            contact_email: email,
        };
        outbox::enqueue(conn, &mail(&approved)?)?;
        entry.subject_id = Some(job_id);
        Ok(approved)
    })
}

/// Rejects a pending submission or sends it back for changes, with the employer's
/// e-mail (made by `mail` from the listing id and address).
#[allow(clippy::too_many_arguments)]
pub fn decline(
    conn: &mut PgConnection,
    entry: AuditEntry,
    submission_id: i64,
    state: SubmissionState,
    reason: Option<&str>,
    note: &str,
    manage_hash: &[u8],
    mail: impl FnOnce(i64, &str) -> RepoResult<OutgoingMail>,
) -> RepoResult<()> {
    audited(conn, entry, |conn, entry| {
        let (listing_id, email) =
            decide_pending(conn, submission_id, state, entry.editor_id, reason, note)?;
        add_manage_token(conn, listing_id, manage_hash)?;
        outbox::enqueue(conn, &mail(listing_id, &email)?)?;
        entry.subject_id = Some(submission_id);
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------

/// Reports sent from a client address since a time.
pub fn report_count(
    conn: &mut PgConnection,
    client_addr: &str,
    since: DateTime<Utc>,
) -> RepoResult<i64> {
    Ok(job_reports::table
        .filter(job_reports::client_addr.eq(client_addr))
        .filter(job_reports::created_at.gt(since))
        .count()
        .get_result(conn)?)
}

/// The oldest report sent from a client address since a time: when the hourly limit
/// frees a place again.
pub fn oldest_report_since(
    conn: &mut PgConnection,
    client_addr: &str,
    since: DateTime<Utc>,
) -> RepoResult<Option<DateTime<Utc>>> {
    Ok(job_reports::table
        .filter(job_reports::client_addr.eq(client_addr))
        .filter(job_reports::created_at.gt(since))
        .select(diesel::dsl::min(job_reports::created_at))
        .first(conn)?)
}

/// A job as the report form shows it.
#[derive(Debug, Clone)]
pub struct ReportTarget {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub company_name: String,
    /// Published and not past its end: only such jobs can be reported.
    pub open: bool,
}

/// The public (not draft) job with `slug`, for the report form.
pub fn report_target(
    conn: &mut PgConnection,
    slug: &Slug,
    now: DateTime<Utc>,
) -> RepoResult<ReportTarget> {
    let (id, slug, title, status, valid_through, company_name): (
        i64,
        String,
        String,
        String,
        DateTime<Utc>,
        String,
    ) = jobs::table
        .inner_join(companies::table)
        .filter(jobs::slug.eq(slug.as_str()))
        .filter(jobs::status.ne(JobStatus::Draft.as_str()))
        .select((
            jobs::id,
            jobs::slug,
            jobs::title,
            jobs::status,
            jobs::valid_through,
            companies::name,
        ))
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("job"))?;
    Ok(ReportTarget {
        id,
        slug,
        title,
        company_name,
        open: status == JobStatus::Published.as_str() && valid_through > now,
    })
}

/// Saves a job seeker's report; it waits in the moderation queue.
pub fn create_report(
    conn: &mut PgConnection,
    job_id: i64,
    reason: ReportReason,
    details: &str,
    client_addr: &str,
) -> RepoResult<i64> {
    Ok(diesel::insert_into(job_reports::table)
        .values((
            job_reports::job_id.eq(job_id),
            job_reports::reason.eq(reason.as_str()),
            job_reports::details.eq(details),
            job_reports::client_addr.eq(client_addr),
        ))
        .returning(job_reports::id)
        .get_result(conn)?)
}

/// An open report with the job it is about.
#[derive(Debug, Clone)]
pub struct OpenReport {
    pub id: i64,
    pub job_id: i64,
    pub job_slug: String,
    pub job_title: String,
    pub job_status: String,
    pub reason: String,
    pub details: String,
    pub created_at: DateTime<Utc>,
}

/// report id, job id, slug, title, status, reason, details, created at.
type OpenReportRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    DateTime<Utc>,
);

/// Open reports, oldest first.
pub fn open_reports(conn: &mut PgConnection, limit: i64) -> RepoResult<Vec<OpenReport>> {
    let rows: Vec<OpenReportRow> = job_reports::table
        .inner_join(jobs::table)
        .filter(job_reports::resolved_at.is_null())
        .order((job_reports::created_at.asc(), job_reports::id.asc()))
        .select((
            job_reports::id,
            jobs::id,
            jobs::slug,
            jobs::title,
            jobs::status,
            job_reports::reason,
            job_reports::details,
            job_reports::created_at,
        ))
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| OpenReport {
            id: r.0,
            job_id: r.1,
            job_slug: r.2,
            job_title: r.3,
            job_status: r.4,
            reason: r.5,
            details: r.6,
            created_at: r.7,
        })
        .collect())
}

/// Settles an open report; closing the job settles every open report about it.
pub fn resolve_report(
    conn: &mut PgConnection,
    entry: AuditEntry,
    report_id: i64,
    resolution: ReportResolution,
) -> RepoResult<()> {
    audited(conn, entry, |conn, entry| {
        let job_id: i64 = job_reports::table
            .find(report_id)
            .filter(job_reports::resolved_at.is_null())
            .select(job_reports::job_id)
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(RepoError::NotFound("open report"))?;
        let settled = match resolution {
            ReportResolution::JobClosed => {
                diesel::update(jobs::table.find(job_id))
                    .set((
                        jobs::status.eq(JobStatus::Closed.as_str()),
                        jobs::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)?;
                entry.subject_id = Some(job_id);
                job_reports::table
                    .filter(job_reports::job_id.eq(job_id))
                    .filter(job_reports::resolved_at.is_null())
                    .select(job_reports::id)
                    .load::<i64>(conn)?
            }
            ReportResolution::Dismissed => vec![report_id],
        };
        diesel::update(job_reports::table.filter(job_reports::id.eq_any(&settled)))
            .set((
                job_reports::resolved_at.eq(diesel::dsl::now),
                job_reports::resolved_by.eq(entry.editor_id),
                job_reports::resolution.eq(resolution.as_str()),
            ))
            .execute(conn)?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// The timer: reminders before the end, a notice after it
// ---------------------------------------------------------------------------------------

/// A listing whose employer is due an e-mail about the job's end.
#[derive(Debug, Clone)]
pub struct EndingJob {
    pub listing_id: i64,
    pub contact_email: String,
    pub job_slug: String,
    pub job_title: String,
    pub valid_through: DateTime<Utc>,
}

/// Which e-mail about the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndNotice {
    /// A few days before the end, with the extend link.
    Reminder,
    /// After the end.
    Ended,
}

/// Claims up to `limit` listings due `notice` and sends each its e-mail (made by `mail`
/// with a new manage link whose hash it returns), in one transaction: rows another
/// instance holds are skipped (`FOR UPDATE SKIP LOCKED`), and the end date the notice
/// was sent for is recorded with the mail, so no employer gets it twice. Returns how
/// many were sent.
pub fn send_end_notices(
    conn: &mut PgConnection,
    notice: EndNotice,
    now: DateTime<Utc>,
    reminder_window: Duration,
    limit: i64,
    mut mail: impl FnMut(&EndingJob) -> RepoResult<(OutgoingMail, Vec<u8>)>,
) -> RepoResult<usize> {
    conn.transaction(|conn| {
        let (condition, sent_column) = match notice {
            EndNotice::Reminder => (
                "j.valid_through > $1 AND j.valid_through <= $2 \
                 AND l.reminder_sent_for IS DISTINCT FROM j.valid_through",
                "reminder_sent_for",
            ),
            EndNotice::Ended => (
                "j.valid_through <= $1 AND $2 IS NOT NULL \
                 AND l.ended_notice_sent_for IS DISTINCT FROM j.valid_through",
                "ended_notice_sent_for",
            ),
        };
        let due: Vec<EndingRow> = diesel::sql_query(format!(
            "SELECT l.id AS listing_id, l.contact_email, j.slug, j.title, j.valid_through \
             FROM employer_listings l JOIN jobs j ON j.id = l.job_id \
             WHERE j.status = 'published' AND {condition} \
             ORDER BY l.id LIMIT $3 FOR UPDATE OF l SKIP LOCKED"
        ))
        .bind::<diesel::sql_types::Timestamptz, _>(now)
        .bind::<diesel::sql_types::Timestamptz, _>(now + reminder_window)
        .bind::<diesel::sql_types::BigInt, _>(limit)
        .load(conn)?;
        for row in &due {
            let ending = EndingJob {
                listing_id: row.listing_id,
                contact_email: row.contact_email.clone(),
                job_slug: row.slug.clone(),
                job_title: row.title.clone(),
                valid_through: row.valid_through,
            };
            let (message, hash) = mail(&ending)?;
            add_manage_token(conn, row.listing_id, &hash)?;
            outbox::enqueue(conn, &message)?;
            diesel::sql_query(format!(
                "UPDATE employer_listings SET {sent_column} = $1 WHERE id = $2"
            ))
            .bind::<diesel::sql_types::Timestamptz, _>(row.valid_through)
            .bind::<diesel::sql_types::BigInt, _>(row.listing_id)
            .execute(conn)?;
        }
        Ok(due.len())
    })
}

#[derive(QueryableByName)]
struct EndingRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    listing_id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    contact_email: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    slug: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    title: String,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    valid_through: DateTime<Utc>,
}

/// Adds counted page views to the listings of the jobs with these slugs (other jobs
/// have no listing and are skipped).
pub fn add_views(conn: &mut PgConnection, counts: &[(String, i64)]) -> RepoResult<usize> {
    if counts.is_empty() {
        return Ok(0);
    }
    let slugs: Vec<&str> = counts.iter().map(|(s, _)| s.as_str()).collect();
    let views: Vec<i64> = counts.iter().map(|(_, n)| *n).collect();
    Ok(diesel::sql_query(
        "UPDATE employer_listings l SET views = l.views + v.n \
         FROM unnest($1::text[], $2::bigint[]) AS v(slug, n) \
         JOIN jobs j ON j.slug = v.slug \
         WHERE l.job_id = j.id",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(slugs)
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(views)
    .execute(conn)?)
}
