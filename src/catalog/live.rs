//! Keeps the catalog and the text index current: loads them at start, then follows
//! every committed change to a job through PostgreSQL's LISTEN/NOTIFY (see the
//! `jobs_notify_change` trigger).
//!
//! One thread per server owns a dedicated connection. It polls for notifications every
//! [`POLL_INTERVAL`], loads the changed jobs by id, and swaps in a new snapshot, so a
//! published or closed job shows in (or leaves) results well within a second. After a
//! lost connection it loads everything again: notifications sent meanwhile are gone.

use super::{
    BoardTally, Catalog, CatalogBuilder, CatalogQuery, CatalogResult, FacetCounts, Ranking, TextSet,
};
use crate::config::CacheBudgets;
use crate::domain::filter::{JobFilter, JobSearch};
use crate::domain::job::JobSummary;
use crate::refresh::Kept;
use crate::repo::{self, RepoError, RepoResult};
use crate::search::{self, Location, SearchError, TextIndex, TextView};
use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

pub use crate::repo::catalog::CHANNEL;
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// Changes are gathered for this long before a new snapshot is built, so a burst of
/// edits costs one rebuild, not hundreds.
const BATCH_WINDOW: Duration = Duration::from_millis(200);
/// With no notification for this long the connection is checked with a query.
const LIVENESS_INTERVAL: Duration = Duration::from_secs(10);
/// Past this many changed jobs at once a full reload is cheaper than lookups by id.
const FULL_RELOAD_AFTER: usize = 50_000;
/// Jobs read per query when loading everything.
const LOAD_CHUNK: i64 = 50_000;
const RECONNECT_DELAY: Duration = Duration::from_secs(1);
/// A search's total and facets are shared for this long while no job changes; the
/// time matters only for jobs expiring and "posted within" windows moving on.
const COUNTS_TTL: Duration = Duration::from_secs(1);
/// Out-of-date counts are used only while someone recounts, and never past this age.
const COUNTS_MAX_STALE: Duration = Duration::from_secs(10);
/// Board-wide tallies are shared for this long when nothing changed.
const TALLY_TTL: Duration = Duration::from_secs(1);
/// The board's change time is read at least this often: jobs expiring and scheduled
/// articles going live move it without a notification.
const LAST_CHANGE_INTERVAL: Duration = Duration::from_secs(1);
/// [`LiveCatalog::last_change`] before the first reading.
const LAST_CHANGE_UNKNOWN: i64 = i64::MIN;

/// The current catalog and what is derived from it.
pub struct LiveCatalog {
    current: RwLock<Option<Arc<Catalog>>>,
    /// Which jobs match search words; written only by the follower thread.
    text_index: Arc<TextIndex>,
    /// Counts snapshots, so derived values know when they are stale.
    version: AtomicU64,
    /// The highest `sync:<n>` notification applied: every change committed before it
    /// is in the catalog.
    synced: AtomicU64,
    /// The text index mapped to the current snapshot's positions, built on its first
    /// search with words; it keeps the jobs of the words searched (see
    /// [`Self::text_set_for`]).
    text_view: Mutex<Option<(Weak<Catalog>, Arc<TextView>)>>,
    tally: Mutex<Option<(u64, Instant, Arc<BoardTally>)>>,
    /// Technology names by slug, read with every load and change.
    technology_names: RwLock<Arc<HashMap<String, String>>>,
    counts: Mutex<HashMap<CountsKey, SharedCounts>>,
    /// Text searches under way, by words: latecomers wait for the same result.
    text_flights: Mutex<HashMap<String, Arc<OnceCell<Arc<MatchedWords>>>>>,
    /// When the last background computation of salary figures started (see
    /// [`Self::publish`]); `None` while none ever ran.
    salary_prefetch: Arc<Mutex<Option<Instant>>>,
    /// The caches' sizes.
    budgets: CacheBudgets,
    /// Bytes held by `counts`, roughly (see [`SharedCounts::cost`]).
    counts_bytes: std::sync::atomic::AtomicUsize,
    /// `repo::seo::last_change` as the thread last read it, in microseconds; see
    /// [`Self::last_change`].
    last_change_micros: AtomicI64,
    /// Tells the thread to finish; see [`Self::stop`].
    stopping: Arc<AtomicBool>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// One permit per core for searches and walks over the catalog (see
    /// [`Self::pass_permit`]).
    passes: Arc<tokio::sync::Semaphore>,
    cards: Mutex<CardCache>,
}

/// Job cards by id, for the catalog version they were read at (see
/// [`LiveCatalog::cards`]).
#[derive(Default)]
struct CardCache {
    version: u64,
    cards: HashMap<i64, Arc<JobSummary>>,
    bytes: usize,
}

/// Roughly what a card takes in memory: its text and its place in the map.
fn card_cost(card: &JobSummary) -> usize {
    const OVERHEAD_BYTES: usize = 400;
    OVERHEAD_BYTES
        + card.title.len()
        + card.company_name.len()
        + card.slug.as_str().len()
        + card.company_slug.as_str().len()
        + card
            .technologies
            .iter()
            .map(|t| 48 + t.name.len() + t.slug.as_str().len())
            .sum::<usize>()
}

/// What a search's total and facets depend on, besides the catalog and the time.
#[derive(PartialEq, Eq, Hash)]
struct CountsKey {
    filter: JobFilter,
    company_id: Option<i64>,
    salary_steps: Vec<u32>,
}

/// The jobs matching search words in one snapshot, as [`LiveCatalog::text_matches`]
/// hands them to [`LiveCatalog::search`].
pub struct MatchedWords {
    /// Weak, as for [`SharedCounts`]: the set is only good for this snapshot.
    catalog: Weak<Catalog>,
    set: Arc<TextSet>,
}

/// A search's total and facets, valid for one catalog snapshot and [`COUNTS_TTL`].
struct SharedCounts {
    /// Weak, so that a cached count never keeps an old snapshot's jobs in memory; the
    /// pointer still identifies the snapshot (its allocation outlives it).
    catalog: Weak<Catalog>,
    kept: Kept,
    total: i64,
    facets: FacetCounts,
}

/// The shortest time between two background computations of salary figures.
const SALARY_PREFETCH_GAP: Duration = Duration::from_secs(2);

impl LiveCatalog {
    /// Starts following `database_url` on a thread of its own, with the text index at
    /// `text_index`. The thread ends when the last reference to the returned catalog is
    /// dropped.
    pub fn start(database_url: String, text_index: Location, budgets: CacheBudgets) -> Arc<Self> {
        let text_index = TextIndex::open(text_index.clone()).unwrap_or_else(|e| {
            tracing::error!(error = %e, location = ?text_index, "cannot open the text index; keeping it in memory");
            TextIndex::in_memory()
        });
        let live = Arc::new(Self {
            current: RwLock::new(None),
            text_index: Arc::new(text_index),
            version: AtomicU64::new(0),
            synced: AtomicU64::new(0),
            text_view: Mutex::new(None),
            tally: Mutex::new(None),
            technology_names: RwLock::new(Arc::default()),
            counts: Mutex::new(HashMap::new()),
            text_flights: Mutex::new(HashMap::new()),
            salary_prefetch: Arc::new(Mutex::new(None)),
            budgets,
            counts_bytes: std::sync::atomic::AtomicUsize::new(0),
            last_change_micros: AtomicI64::new(LAST_CHANGE_UNKNOWN),
            stopping: Arc::new(AtomicBool::new(false)),
            thread: Mutex::new(None),
            passes: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            )),
            cards: Mutex::new(CardCache::default()),
        });
        let follower = Follower {
            live: Arc::downgrade(&live),
            stopping: live.stopping.clone(),
        };
        match std::thread::Builder::new()
            .name("catalog".to_owned())
            .spawn(move || follow(&database_url, &follower))
        {
            Ok(handle) => *live.thread.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle),
            Err(e) => tracing::error!(error = %e, "cannot start the catalog thread"),
        }
        live
    }

    /// Stops following the database and waits for the thread to close its connection.
    /// Call it before the process exits: a thread still inside the TLS library when
    /// its exit handlers run can crash the process (seen in the test binary).
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::Release);
        let handle = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(handle) = handle
            && handle.thread().id() != std::thread::current().id()
        {
            let _ = handle.join();
        }
    }

    /// The cards of the jobs `ids` that are public, in that order, read through a cache
    /// that any change to jobs or companies empties. Similar jobs come from each
    /// technology's newest few dozen, a few thousand jobs in all, so a job page finds
    /// their cards here instead of asking PostgreSQL each time.
    pub fn cards(&self, conn: &mut PgConnection, ids: &[i64]) -> RepoResult<Vec<JobSummary>> {
        let version = self.version();
        let mut found: HashMap<i64, Arc<JobSummary>> = HashMap::with_capacity(ids.len());
        let missing: Vec<i64> = {
            let mut cache = self.cards.lock().unwrap_or_else(|e| e.into_inner());
            if cache.version != version {
                *cache = CardCache {
                    version,
                    ..CardCache::default()
                };
            }
            ids.iter()
                .copied()
                .filter(|id| match cache.cards.get(id) {
                    Some(card) => {
                        found.insert(*id, card.clone());
                        false
                    }
                    None => true,
                })
                .collect()
        };
        if !missing.is_empty() {
            let loaded = repo::jobs::summaries_in_order(conn, &missing)?;
            let mut cache = self.cards.lock().unwrap_or_else(|e| e.into_inner());
            for card in loaded {
                let card = Arc::new(card);
                // Read before a change was published: good for this page, not to keep.
                if cache.version == version {
                    let cost = card_cost(&card);
                    if cache.bytes + cost > self.budgets.card_bytes {
                        cache.cards.clear();
                        cache.bytes = 0;
                    }
                    cache.bytes += cost;
                    cache.cards.insert(card.id, card.clone());
                }
                found.insert(card.id, card);
            }
        }
        Ok(ids
            .iter()
            .filter_map(|id| found.get(id).map(|card| (**card).clone()))
            .collect())
    }

    /// Waits for a turn to search the text index or walk the catalog, and holds it
    /// until dropped. Each of those is CPU-bound work of up to tens of milliseconds:
    /// more of them at once than there are cores finish no sooner, and each holds
    /// megabytes while it runs. Requests beyond that wait here, costing nothing. Drop
    /// it as soon as the catalog answered: a turn held while PostgreSQL loads the
    /// cards leaves a core idle (30 % of the CPU idle under 64 connections, measured).
    pub async fn pass_permit(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        // The semaphore is never closed; without a permit the pass simply runs.
        self.passes.clone().acquire_owned().await.ok()
    }

    /// The current snapshot; `None` until the first load finished.
    pub fn current(&self) -> Option<Arc<Catalog>> {
        self.current.read().ok().and_then(|c| c.clone())
    }

    /// Runs `search` on the current catalog, with `text` the matches of its words (see
    /// [`Self::text_matches`]; found again if the catalog moved on since): `limit` ids
    /// from the search's page offset, the exact total and the facets.
    pub fn search(
        &self,
        conn: &mut PgConnection,
        search: &JobSearch,
        text: Option<Arc<MatchedWords>>,
        limit: usize,
        salary_steps: &[u32],
        now: DateTime<Utc>,
    ) -> RepoResult<CatalogResult> {
        let catalog = self
            .current()
            .ok_or_else(|| RepoError::Unavailable("the job catalog is still loading".into()))?;
        let filter = &search.filter;
        let company_id = match &filter.company {
            Some(slug) => repo::companies::id_by_slug(conn, slug)?,
            None => None,
        };
        let order = match (&filter.query, text) {
            (Some(_), Some(matched))
                if std::ptr::eq(matched.catalog.as_ptr(), Arc::as_ptr(&catalog)) =>
            {
                Some(matched.set.clone())
            }
            (Some(words), _) => Some(self.text_set_for(&catalog, words)?),
            (None, _) => None,
        };
        let query = CatalogQuery {
            filter,
            company_id,
            text: order.as_deref(),
            sort: search.sort,
            offset: usize::try_from(search.offset()).unwrap_or(usize::MAX),
            limit,
            salary_steps,
        };
        let key = CountsKey {
            filter: filter.clone(),
            company_id,
            salary_steps: salary_steps.to_vec(),
        };
        // Counting and facets walk every candidate; the page alone usually stops after
        // a few rows. Popular searches share their counts for a moment.
        if let Some((total, facets)) = self.shared_counts(&key, &catalog) {
            return Ok(CatalogResult {
                ids: catalog.page(&query, now),
                total,
                facets,
            });
        }
        let found = catalog.search(&query, now);
        self.share_counts(key, &catalog, &found);
        Ok(found)
    }

    /// The jobs of `catalog` matching `words`, combined from the jobs of each word
    /// (kept with the snapshot's text view, within `SEARCH_CACHE_MB`) or looked up in
    /// the text index: call it off the async workers.
    fn text_set_for(&self, catalog: &Arc<Catalog>, words: &str) -> RepoResult<Arc<TextSet>> {
        let view = self.text_view(catalog)?;
        let matched = view.matching(words).map_err(search_error)?;
        Ok(Arc::new(TextSet {
            matched,
            ranking: Some(Arc::new(view.ranking(words)) as Arc<dyn Ranking>),
        }))
    }

    /// The text index mapped to `catalog`'s positions: kept until the next snapshot,
    /// built by the first search that needs it while the others wait.
    fn text_view(&self, catalog: &Arc<Catalog>) -> RepoResult<Arc<TextView>> {
        let mut kept = self.text_view.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((of, view)) = kept.as_ref()
            && std::ptr::eq(of.as_ptr(), Arc::as_ptr(catalog))
        {
            return Ok(view.clone());
        }
        let started = Instant::now();
        let view = Arc::new(
            self.text_index
                .view(
                    catalog.len(),
                    |id| catalog.position(id),
                    self.budgets.text_bytes,
                )
                .map_err(search_error)?,
        );
        tracing::debug!(
            ms = started.elapsed().as_millis() as u64,
            bytes = view.bytes(),
            "text index mapped to the catalog"
        );
        *kept = Some((Arc::downgrade(catalog), view.clone()));
        Ok(view)
    }

    /// Shared counts for `key`, or `None` when this request should count (nothing is
    /// shared, or it is out of date and nobody is recounting). While one request
    /// recounts, the others keep using the previous figures instead of all counting.
    fn shared_counts(&self, key: &CountsKey, catalog: &Arc<Catalog>) -> Option<(i64, FacetCounts)> {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let shared = counts.get_mut(key)?;
        let current = std::ptr::eq(shared.catalog.as_ptr(), Arc::as_ptr(catalog))
            && shared.kept.age() < COUNTS_TTL;
        if shared.kept.claim_refresh(current, COUNTS_MAX_STALE) {
            return None;
        }
        Some((shared.total, shared.facets.clone()))
    }

    fn share_counts(&self, key: CountsKey, catalog: &Arc<Catalog>, found: &CatalogResult) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let shared = SharedCounts {
            catalog: Arc::downgrade(catalog),
            kept: Kept::now(),
            total: found.total,
            facets: found.facets.clone(),
        };
        let cost = shared.cost(&key);
        let mut bytes = self.counts_bytes.load(Ordering::Relaxed);
        if bytes + cost > self.budgets.counts_bytes {
            counts.retain(|_, shared| {
                shared.kept.age() < COUNTS_TTL && shared.catalog.strong_count() > 0
            });
            bytes = counts.iter().map(|(k, c)| c.cost(k)).sum();
            if bytes + cost > self.budgets.counts_bytes {
                counts.clear();
                bytes = 0;
            }
        }
        if let Some(old) = counts.get(&key) {
            bytes = bytes.saturating_sub(old.cost(&key));
        }
        counts.insert(key, shared);
        self.counts_bytes.store(bytes + cost, Ordering::Relaxed);
    }

    /// Changes whenever the catalog does (and with every sync token): what is derived
    /// from jobs is stale once it moved on.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// The highest sync token applied (see [`CHANNEL`]).
    pub fn synced_through(&self) -> u64 {
        self.synced.load(Ordering::Acquire)
    }

    /// The newest change to any public content (`repo::seo::last_change`), read after
    /// every change the thread hears of and at least every [`LAST_CHANGE_INTERVAL`], so
    /// pages need no query for their Last-Modified; `None` until first read.
    pub fn last_change(&self) -> Option<DateTime<Utc>> {
        match self.last_change_micros.load(Ordering::Acquire) {
            LAST_CHANGE_UNKNOWN => None,
            micros => DateTime::from_timestamp_micros(micros),
        }
    }

    fn read_last_change(&self, conn: &mut PgConnection) -> RepoResult<()> {
        let at = repo::seo::last_change(conn, Utc::now())?;
        self.last_change_micros
            .store(at.timestamp_micros(), Ordering::Release);
        Ok(())
    }

    /// The salary figures of the current snapshot, computed on first use per snapshot
    /// (a pass over every job: call it off the async workers); `None` while loading.
    pub fn salary_stats(&self) -> Option<Arc<crate::domain::salary_stats::SalaryStats>> {
        Some(self.current()?.salary_stats(Utc::now()))
    }

    /// The current snapshot's figures when they are computed already: cheap enough for
    /// an async worker.
    pub fn computed_salary_stats(&self) -> Option<Arc<crate::domain::salary_stats::SalaryStats>> {
        self.current()?.computed_salary_stats()
    }

    /// Technology names by slug.
    pub fn technology_names(&self) -> Arc<HashMap<String, String>> {
        self.technology_names
            .read()
            .map(|names| names.clone())
            .unwrap_or_default()
    }

    /// Open-job counts over the whole board, shared for a second. Computing them walks
    /// every job, so callers on an async worker try [`Self::shared_tally`] first.
    pub fn tally(&self) -> Option<Arc<BoardTally>> {
        let catalog = self.current()?;
        let mut shared = self.tally.lock().ok()?;
        if let Some(tally) = self.still_current(&shared) {
            return Some(tally);
        }
        let tally = Arc::new(catalog.tally(Utc::now()));
        *shared = Some((self.version(), Instant::now(), tally.clone()));
        Some(tally)
    }

    /// The shared tally when it is current, without computing anything (and without
    /// waiting while another thread computes it).
    pub fn shared_tally(&self) -> Option<Arc<BoardTally>> {
        let shared = self.tally.try_lock().ok()?;
        self.still_current(&shared)
    }

    fn still_current(
        &self,
        shared: &Option<(u64, Instant, Arc<BoardTally>)>,
    ) -> Option<Arc<BoardTally>> {
        let (version, at, tally) = shared.as_ref()?;
        (*version == self.version() && at.elapsed() < TALLY_TTL).then(|| tally.clone())
    }

    /// The jobs matching search words, found by `load` (the text index, on the blocking
    /// pool). Concurrent requests for the same words share one `load`; the others wait
    /// without holding a database connection.
    pub async fn text_matches<E, F, Fut>(
        &self,
        words: &str,
        load: F,
    ) -> Result<Arc<MatchedWords>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Arc<MatchedWords>, E>>,
    {
        let flight = {
            let mut flights = self.text_flights.lock().unwrap_or_else(|e| e.into_inner());
            flights.entry(words.to_owned()).or_default().clone()
        };
        let result = flight.get_or_try_init(load).await.cloned();
        let mut flights = self.text_flights.lock().unwrap_or_else(|e| e.into_inner());
        if flights.get(words).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
            flights.remove(words);
        }
        result
    }

    fn publish(&self, catalog: Catalog, names: HashMap<String, String>) {
        if let Ok(mut current) = self.technology_names.write() {
            *current = Arc::new(names);
        }
        let catalog = Arc::new(catalog);
        let mut figures_in_use = false;
        if let Ok(mut current) = self.current.write() {
            figures_in_use = current
                .as_ref()
                .is_some_and(|c| c.computed_salary_stats().is_some());
            *current = Some(catalog.clone());
        }
        self.version.fetch_add(1, Ordering::AcqRel);
        if figures_in_use {
            self.prefetch_salary_stats(catalog);
        }
    }

    /// Works out a new snapshot's salary figures on a thread of its own, so that the
    /// next salary page or job page does not wait for a pass over every job (0.3 s at a
    /// million). One at a time and at most every [`SALARY_PREFETCH_GAP`]: in a storm of
    /// changes the page that asks first computes them, as without this.
    fn prefetch_salary_stats(&self, catalog: Arc<Catalog>) {
        {
            let mut last = self
                .salary_prefetch
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|at| at.elapsed() < SALARY_PREFETCH_GAP) {
                return;
            }
            *last = Some(Instant::now());
        }
        let spawned = std::thread::Builder::new()
            .name("salary-figures".to_owned())
            .spawn(move || {
                catalog.salary_stats(Utc::now());
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot start the salary figures thread");
        }
    }

    /// Drops the index's mapping with the jobs of the words searched (after a change:
    /// the snapshot and the index moved on).
    fn forget_text(&self) {
        *self.text_view.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Whether the text index can answer (it may be out of date for a moment).
    pub fn text_index_ready(&self) -> bool {
        self.text_index.is_ready()
    }

    /// The jobs of the current snapshot matching search words: call it off the async
    /// workers.
    pub fn find_text(&self, words: &str) -> RepoResult<Arc<MatchedWords>> {
        let catalog = self
            .current()
            .ok_or_else(|| RepoError::Unavailable("the job catalog is still loading".into()))?;
        let set = self.text_set_for(&catalog, words)?;
        Ok(Arc::new(MatchedWords {
            catalog: Arc::downgrade(&catalog),
            set,
        }))
    }
}

fn search_error(e: SearchError) -> RepoError {
    match e {
        SearchError::NotReady => {
            RepoError::Unavailable("the search index is being built".to_owned())
        }
        other => RepoError::InvalidRow(other.to_string()),
    }
}

/// What a facet list takes, roughly: its names and counts.
fn found_facets_cost(facets: &FacetCounts) -> usize {
    let named = |list: &[(String, i64)]| list.iter().map(|(n, _)| n.len() + 32).sum::<usize>();
    named(&facets.technologies)
        + named(&facets.cities)
        + named(&facets.remote)
        + named(&facets.seniority)
        + named(&facets.employment)
        + (facets.posted.len() + facets.salary.len()) * 16
}

impl SharedCounts {
    /// What this entry and its key take, roughly.
    fn cost(&self, key: &CountsKey) -> usize {
        let filter = &key.filter;
        let key_bytes = std::mem::size_of::<CountsKey>()
            + filter.query.as_ref().map_or(0, String::len)
            + filter.technologies.len() * 32
            + filter.cities.iter().map(|c| c.len() + 24).sum::<usize>()
            + key.salary_steps.len() * 4;
        key_bytes + std::mem::size_of::<Self>() + found_facets_cost(&self.facets)
    }
}

/// What one drain of the notification queue brought.
#[derive(Default)]
struct Pending {
    changed: BTreeSet<i64>,
    sync: Option<u64>,
    reload: bool,
    /// Articles (or other content beside jobs) changed: pages derived from them are stale.
    content: bool,
}

impl Pending {
    fn add(&mut self, payload: &str) {
        if let Some(token) = payload.strip_prefix("sync:") {
            if let Ok(n) = token.parse::<u64>() {
                self.sync = self.sync.max(Some(n));
            }
        } else if payload == "reload" {
            self.reload = true;
        } else if payload == "content" {
            self.content = true;
        } else if let Ok(id) = payload.parse::<i64>() {
            self.changed.insert(id);
        }
    }
}

/// What the thread holds: the catalog, weakly (it ends when nobody uses the catalog),
/// and the stop flag.
struct Follower {
    live: Weak<LiveCatalog>,
    stopping: Arc<AtomicBool>,
}

impl Follower {
    /// The catalog, unless the thread should end.
    fn live(&self) -> Option<Arc<LiveCatalog>> {
        if self.stopping.load(Ordering::Acquire) {
            return None;
        }
        self.live.upgrade()
    }
}

impl Drop for LiveCatalog {
    fn drop(&mut self) {
        self.stop();
    }
}

fn follow(database_url: &str, follower: &Follower) {
    let mut failures = 0u32;
    while follower.live().is_some() {
        match follow_once(database_url, follower) {
            Ok(()) => return,
            Err(e) => {
                failures += 1;
                // Logged once per outage, not once a second.
                if failures == 1 {
                    tracing::warn!(error = %e, "the job catalog lost the database; retrying");
                }
            }
        }
        let retry_at = Instant::now() + RECONNECT_DELAY;
        while Instant::now() < retry_at && follower.live().is_some() {
            std::thread::sleep(POLL_INTERVAL);
        }
    }
}

/// Loads the catalog and follows changes until the connection fails (`Err`) or the
/// catalog is no longer used (`Ok`).
fn follow_once(database_url: &str, follower: &Follower) -> anyhow::Result<()> {
    let mut conn = PgConnection::establish(database_url)?;
    conn.batch_execute(&format!("SET jit = off; LISTEN {CHANNEL}"))?;
    // Listening first: a change committed during the load is applied again after it.
    {
        let Some(live) = follower.live() else {
            return Ok(());
        };
        load_all(&mut conn, &live)?;
        live.read_last_change(&mut conn)?;
    }
    let mut last_change_read = Instant::now();
    let mut last_heard = Instant::now();
    let mut pending = Pending::default();
    let mut batch_started: Option<Instant> = None;
    loop {
        std::thread::sleep(POLL_INTERVAL);
        let Some(live) = follower.live() else {
            return Ok(());
        };
        let mut heard = false;
        for notification in conn.notifications_iter() {
            let notification = notification?;
            pending.add(&notification.payload);
            heard = true;
        }
        if heard {
            last_heard = Instant::now();
            batch_started.get_or_insert_with(Instant::now);
        } else if last_heard.elapsed() > LIVENESS_INTERVAL {
            conn.batch_execute("SELECT 1")?;
            last_heard = Instant::now();
        }
        if last_change_read.elapsed() >= LAST_CHANGE_INTERVAL {
            live.read_last_change(&mut conn)?;
            last_change_read = Instant::now();
        }
        // A sync request and a content change are answered at once; job changes wait for
        // the batch window.
        let due = pending.sync.is_some()
            || pending.content
            || batch_started.is_some_and(|at| at.elapsed() >= BATCH_WINDOW);
        if !due {
            continue;
        }
        batch_started = None;
        let batch = std::mem::take(&mut pending);
        if batch.reload {
            load_all(&mut conn, &live)?;
        } else if !batch.changed.is_empty() {
            let changed: Vec<i64> = batch.changed.into_iter().collect();
            apply_changes(&mut conn, &live, &changed)?;
        }
        // Before the sync token is marked applied: whoever waits for it sees the change
        // in Last-Modified too.
        live.read_last_change(&mut conn)?;
        last_change_read = Instant::now();
        if batch.content && batch.sync.is_none() {
            live.version.fetch_add(1, Ordering::AcqRel);
        }
        if let Some(token) = batch.sync {
            // Whoever asked for the sync may have changed more than jobs: derived pages
            // are rebuilt.
            live.version.fetch_add(1, Ordering::AcqRel);
            live.synced.fetch_max(token, Ordering::AcqRel);
        }
    }
}

fn load_all(conn: &mut PgConnection, live: &LiveCatalog) -> anyhow::Result<()> {
    let started = Instant::now();
    let now = Utc::now();
    let mut builder = CatalogBuilder::default();
    let mut after = 0;
    loop {
        let chunk = repo::catalog::load_open_after(conn, after, LOAD_CHUNK, now)?;
        let Some(last) = chunk.last() else { break };
        after = last.id;
        builder.add(chunk);
    }
    let names = repo::catalog::technology_names(conn)?;
    let catalog = builder.finish();
    tracing::info!(
        jobs = catalog.len(),
        ms = started.elapsed().as_millis() as u64,
        "job catalog loaded"
    );
    live.publish(catalog, names.clone());
    // Filters work from here on; search words once the index is current (at once,
    // unless it has to be built).
    let outcome = search::sync::bring_up_to_date(conn, &live.text_index, &names, &mut |_, _| {})?;
    tracing::info!(outcome = ?outcome, jobs = live.text_index.len(), "text index ready");
    live.forget_text();
    Ok(())
}

fn apply_changes(
    conn: &mut PgConnection,
    live: &LiveCatalog,
    changed: &[i64],
) -> anyhow::Result<()> {
    if changed.len() > FULL_RELOAD_AFTER {
        return load_all(conn, live);
    }
    let Some(current) = live.current() else {
        return load_all(conn, live);
    };
    let rows = repo::catalog::load_open_by_ids(conn, changed, Utc::now())?;
    let names = repo::catalog::technology_names(conn)?;
    search::sync::apply_changes(conn, &live.text_index, changed, &names)?;
    live.publish(current.with_changes(changed, rows), names);
    live.forget_text();
    tracing::debug!(jobs = changed.len(), "job catalog updated");
    Ok(())
}
