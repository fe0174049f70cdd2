//! One digest run: every due alert gets one message with the jobs posted since its last
//! digest that match its search, or none when nothing new matched.
//!
//! How it stays fast and small at 100,000 alerts on a million jobs: only the jobs
//! posted since the oldest due watermark are loaded (a day's, not the board's), into a
//! catalog of their own, so matching a search walks a few thousand compact entries with
//! the same code the listings use; alerts are claimed in batches and streamed, never
//! loaded at once; identical searches are matched once (a bounded cache); search words
//! are matched by a text index of the new jobs only, built in memory on the first
//! search with words, with the analysis and ranking of the site's own index.
//!
//! Several instances may run at once: batches are claimed with `FOR UPDATE SKIP LOCKED`
//! and each alert's watermark moves in the transaction that queues its message, so
//! every digest is queued exactly once.

use crate::catalog::{Catalog, CatalogQuery};
use crate::domain::alert::{
    DIGEST_MAX_JOBS, DueAlert, DueSlots, Frequency, LONGEST_LOOK_BACK, TokenPurpose, derived_token,
};
use crate::domain::editor::EmailAddress;
use crate::domain::filter::{JobSearch, Sort};
use crate::domain::job::JobSummary;
use crate::domain::mail::OutgoingMail;
use crate::repo::alerts::{self as store, Digest};
use crate::repo::{self, RepoError, RepoResult};
use crate::views::alerts::{DigestLinks, DigestMail};
use chrono::{DateTime, Utc};
use diesel::PgConnection;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Alerts claimed per transaction.
const BATCH: i64 = 500;
/// Matched job ids kept for searches seen before in this run; past it the cache starts
/// afresh (memory stays bounded however many distinct searches there are).
const CACHED_IDS: usize = 2_000_000;
/// Distinct search words whose matches are kept.
const CACHED_WORDS: usize = 1_000;
/// Job cards kept for the messages; past it the cards start afresh.
const CACHED_CARDS: usize = 20_000;

/// What the messages need to know about the site.
#[derive(Clone)]
pub struct DigestConfig {
    /// Absolute base of the site's URLs, without a trailing slash.
    pub base_url: String,
    /// `SECRET_KEY`: the manage and unsubscribe links are derived with it.
    pub secret_key: String,
    /// For trying alerts out (`jobboard digest --replay-days N`): list the jobs posted
    /// since this time even when an earlier digest had them. `None` in the server.
    pub replay_from: Option<DateTime<Utc>>,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestReport {
    /// Alerts whose digest was handled (a message or none).
    pub alerts: usize,
    /// Messages queued.
    pub mails: usize,
    /// New jobs matched against.
    pub new_jobs: usize,
    /// Distinct searches matched.
    pub searches: usize,
    pub elapsed: Duration,
}

/// Runs the digests due in `slots` at `now`: for each frequency, loads the jobs new
/// since its oldest due watermark and works through the due alerts batch by batch.
/// `stop` is asked between batches (a server shutting down).
pub fn run(
    conn: &mut PgConnection,
    config: &DigestConfig,
    slots: DueSlots,
    now: DateTime<Utc>,
    stop: &dyn Fn() -> bool,
) -> RepoResult<DigestReport> {
    let started = Instant::now();
    let mut report = DigestReport::default();
    for frequency in Frequency::ALL {
        let Some(slot) = slots.get(frequency) else {
            continue;
        };
        let Some(oldest) = store::oldest_due(conn, frequency, slot)? else {
            continue;
        };
        let oldest = config.replay_from.map_or(oldest, |from| oldest.min(from));
        let since = oldest.max(now - LONGEST_LOOK_BACK);
        let jobs = repo::catalog::load_open_posted_between(conn, since, now, now)?;
        report.new_jobs = report.new_jobs.max(jobs.len());
        let mut matcher = Matcher::new(jobs, now);
        while !stop() {
            let (claimed, mails) =
                store::digest_batch(conn, frequency, slot, now, BATCH, |conn, due| {
                    matcher.digests(conn, config, due)
                })?;
            if claimed == 0 {
                break;
            }
            report.alerts += claimed;
            report.mails += mails;
        }
        report.searches += matcher.searches;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// The new jobs of a run and the searches matched against them so far.
struct Matcher {
    catalog: Catalog,
    posted: HashMap<i64, DateTime<Utc>>,
    now: DateTime<Utc>,
    /// Catalog positions of the new jobs matching each distinct search words, newest
    /// first (words recur across searches: "backend", "backend" in Berlin).
    words: HashMap<String, Arc<crate::catalog::TextSet>>,
    /// Matching (id, posted in µs) per normal search query, newest first.
    cache: HashMap<String, Arc<Vec<(i64, i64)>>>,
    /// Job cards loaded so far (the newest matches of many searches are the same jobs).
    cards: HashMap<i64, JobSummary>,
    cached_ids: usize,
    companies: HashMap<String, Option<i64>>,
    searches: usize,
    /// The new jobs' words, indexed on the first search with words (the same analysis
    /// and query rules as the site's search, over just these jobs).
    text: Option<crate::search::TextIndex>,
}

impl Matcher {
    fn new(jobs: Vec<crate::domain::open_job::OpenJob>, now: DateTime<Utc>) -> Self {
        let posted = jobs.iter().map(|j| (j.id, j.posted_at)).collect();
        Self {
            catalog: Catalog::build(jobs),
            posted,
            now,
            words: HashMap::new(),
            cache: HashMap::new(),
            cards: HashMap::new(),
            cached_ids: 0,
            companies: HashMap::new(),
            searches: 0,
            text: None,
        }
    }

    /// The new jobs matching `search_query` (a normal `/jobs` query string), newest
    /// first. A query the listings would no longer accept matches nothing.
    fn matching(
        &mut self,
        conn: &mut PgConnection,
        search_query: &str,
    ) -> RepoResult<Arc<Vec<(i64, i64)>>> {
        if let Some(found) = self.cache.get(search_query) {
            return Ok(found.clone());
        }
        self.searches += 1;
        let ids = self.match_search(conn, search_query)?;
        let posted = &self.posted;
        let found: Vec<(i64, i64)> = ids
            .into_iter()
            .filter_map(|id| posted.get(&id).map(|at| (id, at.timestamp_micros())))
            .collect();
        let found = Arc::new(found);
        if self.cached_ids + found.len() > CACHED_IDS {
            self.cache.clear();
            self.cached_ids = 0;
        }
        self.cached_ids += found.len();
        self.cache.insert(search_query.to_owned(), found.clone());
        Ok(found)
    }

    fn match_search(
        &mut self,
        conn: &mut PgConnection,
        search_query: &str,
    ) -> RepoResult<Vec<i64>> {
        let Ok(pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(search_query) else {
            return Ok(Vec::new());
        };
        let Ok(search) = JobSearch::from_pairs(&pairs) else {
            return Ok(Vec::new());
        };
        if self.catalog.is_empty() {
            return Ok(Vec::new());
        }
        let filter = &search.filter;
        let company_id = match &filter.company {
            Some(slug) => match self.companies.get(slug.as_str()) {
                Some(id) => *id,
                None => {
                    let id = repo::companies::id_by_slug(conn, slug)?;
                    self.companies.insert(slug.to_string(), id);
                    id
                }
            },
            None => None,
        };
        let text = match &filter.query {
            Some(words) => Some(match self.words.get(words) {
                Some(order) => order.clone(),
                None => {
                    let matches = self
                        .new_jobs_text(conn)?
                        .search(words)
                        .map_err(|e| crate::repo::RepoError::InvalidRow(e.to_string()))?;
                    let order = Arc::new(self.catalog.text_set(&matches, Sort::Newest));
                    if self.words.len() >= CACHED_WORDS {
                        self.words.clear();
                    }
                    self.words.insert(words.clone(), order.clone());
                    order
                }
            }),
            None => None,
        };
        let query = CatalogQuery {
            filter,
            company_id,
            text: text.as_deref(),
            sort: Sort::Newest,
            offset: 0,
            limit: self.catalog.len(),
            salary_steps: &[],
        };
        Ok(self.catalog.page(&query, self.now))
    }

    /// The text index of the new jobs, built on first use.
    fn new_jobs_text(&mut self, conn: &mut PgConnection) -> RepoResult<&crate::search::TextIndex> {
        if self.text.is_none() {
            let ids: Vec<i64> = self.posted.keys().copied().collect();
            let mut jobs = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(5_000) {
                jobs.extend(repo::search::by_ids(conn, chunk)?);
            }
            let names = repo::catalog::technology_names(conn)?;
            let index = crate::search::TextIndex::of_jobs(&jobs, &names)
                .map_err(|e| crate::repo::RepoError::InvalidRow(e.to_string()))?;
            self.text = Some(index);
        }
        Ok(self
            .text
            .get_or_insert_with(crate::search::TextIndex::in_memory))
    }

    /// The digests of one claimed batch.
    fn digests(
        &mut self,
        conn: &mut PgConnection,
        config: &DigestConfig,
        due: Vec<DueAlert>,
    ) -> RepoResult<Vec<Digest>> {
        // Which new jobs each alert gets: its search's matches posted after its
        // watermark. They are newest first, so those are a prefix: found by bisection.
        let mut found: Vec<(DueAlert, usize, Vec<i64>)> = Vec::with_capacity(due.len());
        for alert in due {
            let matching = self.matching(conn, &alert.search_query)?;
            let since = config
                .replay_from
                .map_or(alert.since, |from| alert.since.min(from))
                .timestamp_micros();
            let total = matching.partition_point(|(_, posted)| *posted > since);
            let listed = matching[..total.min(DIGEST_MAX_JOBS)]
                .iter()
                .map(|(id, _)| *id)
                .collect();
            found.push((alert, total, listed));
        }
        let mut wanted: Vec<i64> = found
            .iter()
            .flat_map(|(_, _, ids)| ids.iter().copied())
            .filter(|id| !self.cards.contains_key(id))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        if self.cards.len() + wanted.len() > CACHED_CARDS {
            self.cards.clear();
            wanted = found
                .iter()
                .flat_map(|(_, _, ids)| ids.iter().copied())
                .collect();
            wanted.sort_unstable();
            wanted.dedup();
        }
        for job in repo::jobs::summaries_in_order(conn, &wanted)? {
            self.cards.insert(job.id, job);
        }
        let summaries = &self.cards;
        let mut digests = Vec::with_capacity(found.len());
        for (alert, total, listed) in found {
            let jobs: Vec<JobSummary> = listed
                .iter()
                .filter_map(|id| summaries.get(id).cloned())
                .collect();
            let mail = if total == 0 || jobs.is_empty() {
                None
            } else {
                message(config, &alert, total, &jobs)?
                    .map(|m| (m, i32::try_from(total).unwrap_or(i32::MAX)))
            };
            digests.push(Digest {
                alert_id: alert.id,
                mail,
            });
        }
        Ok(digests)
    }
}

/// The digest message of `alert`; `None` when its address cannot be written to.
fn message(
    config: &DigestConfig,
    alert: &DueAlert,
    total: usize,
    jobs: &[JobSummary],
) -> RepoResult<Option<OutgoingMail>> {
    let base = &config.base_url;
    let unsubscribe_url = format!(
        "{base}/alerts/unsubscribe/{}",
        derived_token(
            &config.secret_key,
            TokenPurpose::Unsubscribe,
            &alert.unsubscribe_salt
        )
    );
    let links = DigestLinks {
        search_url: format!("{base}{}", alert.search_path),
        manage_url: format!(
            "{base}/alerts/manage/{}",
            derived_token(&config.secret_key, TokenPurpose::Manage, &alert.manage_salt)
        ),
        feed_url: if alert.search_query.is_empty() {
            format!("{base}/jobs/feed.xml")
        } else {
            format!("{base}/jobs/feed.xml?{}", alert.search_query)
        },
        unsubscribe_url: unsubscribe_url.clone(),
    };
    let digest = DigestMail::new(&alert.label, alert.frequency, total, jobs, base, links);
    let render = |r: askama::Result<String>| {
        r.map_err(|e| RepoError::InvalidRow(format!("digest template: {e}")))
    };
    let text = render(digest.text())?;
    let html = render(digest.html())?;
    let Ok(to) = EmailAddress::parse(&alert.email) else {
        tracing::warn!(
            alert.id = alert.id,
            "alert {} has an unusable address",
            alert.id
        );
        return Ok(None);
    };
    let built = OutgoingMail::new(to, &digest.subject, &text)
        .and_then(|m| m.with_html(html).with_list_unsubscribe(&unsubscribe_url));
    match built {
        Ok(mail) => Ok(Some(mail)),
        Err(e) => {
            tracing::warn!(alert.id = alert.id, error = %e, "digest of alert {} not built", alert.id);
            Ok(None)
        }
    }
}
