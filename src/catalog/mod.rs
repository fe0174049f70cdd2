//! The open jobs as compact rows in memory, for what PostgreSQL is slow at on a million
//! jobs: exact counts, drill-down facets and deep pages of any filter combination, and
//! the jobs most like a given one.
//!
//! A [`Catalog`] is an immutable snapshot. [`live::LiveCatalog`] keeps the current one
//! and replaces it as jobs change. Search words are matched by the text index
//! (`crate::search`): its matches come in as [`TextMatches`] and narrow the catalog like
//! any other filter. Nothing here knows HTTP or SQL.

mod buckets;
pub mod live;
mod sets;

pub use crate::domain::positions::{BestPositions, PositionSet, Ranking};
use buckets::Buckets;
use sets::{Plan, QuerySet, ValueSets};

use crate::domain::filter::{JobFilter, POSTED_WITHIN_DAYS, Sort};
use crate::domain::job::{EmploymentType, RemotePolicy, Seniority};
use crate::domain::salary_stats::{SalaryFigure, SalaryStats};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;

pub use crate::domain::open_job::{OpenJob, TextMatches};

/// How many open jobs each filter option would give: for every filter, counted with
/// all the other filters applied (drill-down), so the numbers are what a click yields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    pub technologies: Vec<(String, i64)>,
    pub cities: Vec<(String, i64)>,
    pub remote: Vec<(String, i64)>,
    pub seniority: Vec<(String, i64)>,
    pub employment: Vec<(String, i64)>,
    /// (days, count) for each "posted within" choice.
    pub posted: Vec<(u32, i64)>,
    /// (minimum EUR a year, count) for each salary step.
    pub salary: Vec<(u32, i64)>,
}

impl FacetCounts {
    /// The count for `value` in one facet's list, 0 when absent.
    pub fn count(list: &[(String, i64)], value: &str) -> i64 {
        list.iter().find(|(v, _)| v == value).map_or(0, |(_, n)| *n)
    }
}

/// What the catalog is asked: the filter with its company looked up, the jobs matching
/// the search words when there are any, and the slice of the ordered results wanted.
pub struct CatalogQuery<'a> {
    pub filter: &'a JobFilter,
    /// The id of `filter.company`; ignored when the filter names no company.
    pub company_id: Option<i64>,
    /// Required when `filter.query` is set: the matching jobs as
    /// [`Catalog::text_set`] makes them; every other job is left out.
    pub text: Option<&'a TextSet>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    pub salary_steps: &'a [u32],
}

/// Text matches as the catalog takes them: the matching jobs as a set of catalog
/// positions, and for relevance how they rank (a page asks for its best among the jobs
/// passing its filters: ranking a million matches would cost more than everything else
/// on the page).
#[derive(Clone)]
pub struct TextSet {
    pub matched: PositionSet,
    pub ranking: Option<Arc<dyn Ranking>>,
}

impl std::fmt::Debug for TextSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextSet")
            .field("matched", &self.matched)
            .field("ranked", &self.ranking.is_some())
            .finish()
    }
}

impl TextSet {
    /// Bytes held, for cache budgets.
    pub fn bytes(&self) -> usize {
        self.matched.bytes() + self.ranking.as_ref().map_or(0, |r| r.bytes())
    }
}

/// Ranks known for every match, as a small index hands them over: a page's best are
/// picked from the list.
struct ListedRanks(Vec<(u32, f32)>);

impl Ranking for ListedRanks {
    fn best(&self, among: &PositionSet, wanted: usize) -> Vec<u32> {
        let mut best = BestPositions::new(wanted);
        for &(position, rank) in &self.0 {
            if among.contains(position) {
                best.offer_rank(rank, position);
            }
        }
        best.page(0)
    }

    fn bytes(&self) -> usize {
        self.0.len() * 8
    }
}

/// The answer: one page of ids in order, the exact total and the facets.
#[derive(Debug, Clone, Default)]
pub struct CatalogResult {
    pub ids: Vec<i64>,
    pub total: i64,
    pub facets: FacetCounts,
}

/// Open jobs per technology, city and both, over the whole board.
#[derive(Debug, Clone, Default)]
pub struct BoardTally {
    pub open_jobs: i64,
    pub remote_jobs: i64,
    /// (technology slug, count), most jobs first, then by slug.
    pub technologies: Vec<(String, i64)>,
    /// (city, count), most jobs first, then by name.
    pub cities: Vec<(String, i64)>,
    /// (technology slug, city, count), by technology then city.
    pub technology_cities: Vec<(String, String, i64)>,
}

const NO_SALARY: i32 = i32::MIN;
const NO_CITY: u16 = 0;

/// Technologies with an index below this have their own bit in
/// [`Entry::technology_bits`]; a board has a few dozen.
const TECHNOLOGY_BITS: u16 = 63;
/// The last bit of [`Entry::technology_bits`]: the job has technologies past
/// [`TECHNOLOGY_BITS`] too, to be looked up in its set.
const MORE_TECHNOLOGIES: u64 = 1 << 63;

fn technology_bits(members: &[u16]) -> u64 {
    members.iter().fold(0, |bits, &t| {
        bits | if t < TECHNOLOGY_BITS {
            1 << t
        } else {
            MORE_TECHNOLOGIES
        }
    })
}

/// One job, 56 bytes. Strings and technology lists are interned per catalog.
#[derive(Debug, Clone, Copy)]
struct Entry {
    id: i64,
    posted_micros: i64,
    valid_through_micros: i64,
    company_id: i64,
    /// The job's technologies as bits, so that filtering and counting them needs no
    /// lookup in the dictionary (see [`TECHNOLOGY_BITS`]).
    technology_bits: u64,
    salary: i32,
    technology_set: u32,
    city: u16,
    remote: RemotePolicy,
    seniority: Seniority,
    employment: EmploymentType,
}

/// Interned values. They only grow, so one catalog hands them on to the next and they
/// are copied only when a change brings a new value.
#[derive(Debug, Clone, Default)]
struct Dictionary {
    /// City names; index 0 stands for "no city".
    cities: Vec<String>,
    city_index: HashMap<String, u16>,
    technologies: Vec<String>,
    technology_index: HashMap<String, u16>,
    /// Every distinct combination of technologies (there are as many as a third of the
    /// jobs), sorted and back to back: set `i` is the members from `set_starts[i]` to
    /// `set_starts[i + 1]`.
    set_members: Vec<u16>,
    set_starts: Vec<u32>,
    /// Sets by a hash of their members (checked on lookup): a map keyed by the members
    /// themselves took an allocation for each of hundreds of thousands of sets. Of two
    /// sets whose hashes collide only the first is found; the second is added again
    /// when met again, which costs a slot, nothing else.
    set_index: HashMap<u64, u32>,
}

/// Builds a catalog from jobs handed over in chunks, so that a million of them never
/// sit in memory as full rows at once.
pub struct CatalogBuilder {
    entries: Vec<Entry>,
    dictionary: Arc<Dictionary>,
}

impl Default for CatalogBuilder {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            dictionary: Arc::new(Dictionary::new()),
        }
    }
}

impl CatalogBuilder {
    pub fn add(&mut self, jobs: Vec<OpenJob>) {
        self.entries.reserve(jobs.len());
        for job in jobs {
            let entry = Dictionary::entry(&mut self.dictionary, job);
            self.entries.push(entry);
        }
    }

    pub fn finish(mut self) -> Catalog {
        self.entries.shrink_to_fit();
        Catalog::ordered(self.entries, self.dictionary)
    }
}

impl Dictionary {
    /// The compact entry for `job`, interning its city and technologies (copying the
    /// dictionary first if another catalog shares it and a value is new).
    fn entry(dictionary: &mut Arc<Self>, job: OpenJob) -> Entry {
        let known = dictionary
            .find_set(&job.technology_slugs)
            .zip(dictionary.find_city(job.city.as_deref()));
        let (technology_set, city) = known.unwrap_or_else(|| {
            let dictionary = Arc::make_mut(dictionary);
            (
                dictionary.technology_set(&job.technology_slugs),
                dictionary.city(job.city.as_deref()),
            )
        });
        Entry {
            id: job.id,
            technology_bits: technology_bits(dictionary.members(technology_set)),
            posted_micros: job.posted_at.timestamp_micros(),
            valid_through_micros: job.valid_through.timestamp_micros(),
            company_id: job.company_id,
            salary: job.salary_eur_year.unwrap_or(NO_SALARY),
            technology_set,
            city,
            remote: job.remote,
            seniority: job.seniority,
            employment: job.employment,
        }
    }

    fn new() -> Self {
        Self {
            cities: vec![String::new()],
            set_starts: vec![0],
            ..Self::default()
        }
    }

    /// The technologies of set `set`.
    fn members(&self, set: u32) -> &[u16] {
        let set = set as usize;
        &self.set_members[self.set_starts[set] as usize..self.set_starts[set + 1] as usize]
    }

    fn set_count(&self) -> usize {
        self.set_starts.len() - 1
    }

    fn find_city(&self, name: Option<&str>) -> Option<u16> {
        match name {
            None => Some(NO_CITY),
            Some(name) => self.city_index.get(name).copied(),
        }
    }

    fn find_set(&self, slugs: &[String]) -> Option<u32> {
        let mut set = slugs
            .iter()
            .map(|slug| self.technology_index.get(slug).copied())
            .collect::<Option<Vec<u16>>>()?;
        set.sort_unstable();
        set.dedup();
        self.indexed_set(&set)
    }

    /// The index of the set with exactly these (sorted) members, when indexed.
    fn indexed_set(&self, members: &[u16]) -> Option<u32> {
        let index = *self.set_index.get(&members_hash(members))?;
        (self.members(index) == members).then_some(index)
    }

    fn city(&mut self, name: Option<&str>) -> u16 {
        let Some(name) = name else { return NO_CITY };
        if let Some(&index) = self.city_index.get(name) {
            return index;
        }
        // Past 65,535 distinct cities the rest share the last slot's facet line; a
        // German job board has a few hundred.
        let index = u16::try_from(self.cities.len()).unwrap_or(u16::MAX);
        if index < u16::MAX {
            self.cities.push(name.to_owned());
            self.city_index.insert(name.to_owned(), index);
        }
        index
    }

    fn technology_set(&mut self, slugs: &[String]) -> u32 {
        let mut set: Vec<u16> = slugs
            .iter()
            .map(|slug| match self.technology_index.get(slug) {
                Some(&index) => index,
                None => {
                    let index = u16::try_from(self.technologies.len()).unwrap_or(u16::MAX);
                    self.technologies.push(slug.clone());
                    self.technology_index.insert(slug.clone(), index);
                    index
                }
            })
            .collect();
        set.sort_unstable();
        set.dedup();
        if let Some(index) = self.indexed_set(&set) {
            return index;
        }
        let index = u32::try_from(self.set_count()).unwrap_or(u32::MAX);
        self.set_members.extend_from_slice(&set);
        self.set_starts
            .push(u32::try_from(self.set_members.len()).unwrap_or(u32::MAX));
        self.set_index.entry(members_hash(&set)).or_insert(index);
        index
    }
}

fn members_hash(members: &[u16]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    members.hash(&mut hasher);
    hasher.finish()
}

/// An immutable snapshot of the open jobs, newest first.
#[derive(Debug)]
pub struct Catalog {
    /// Ordered by posting time then id, newest first: the "newest" order.
    entries: Vec<Entry>,
    /// Positions in `entries`, highest salary first (no salary last), then newest.
    by_salary: Vec<u32>,
    position_of: Positions,
    dictionary: Arc<Dictionary>,
    /// Per technology index, the positions of its [`SIMILAR_CANDIDATES`] newest jobs:
    /// where similar jobs are looked for (see [`Catalog::similar`]). At most 256 bytes a
    /// technology, some 50 KB for 200 of them.
    newest_by_technology: Vec<Box<[u32]>>,
    /// Salary figures, computed once per snapshot on first use (see
    /// [`Catalog::salary_stats`]).
    salary_stats: std::sync::OnceLock<Arc<SalaryStats>>,
    /// Built on first use: a snapshot that is replaced before anyone searches it never
    /// pays for them.
    sets: std::sync::OnceLock<ValueSets>,
}

/// The jobs a walk looks at, in walking order.
enum Candidates<'q> {
    Listed(&'q [u32]),
}

/// The filters that have facets; a job failing exactly one of them still counts for
/// that facet's options.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dimension {
    Technology = 0,
    City,
    Remote,
    Seniority,
    Employment,
    Posted,
    Salary,
}

const fn bit(dimension: Dimension) -> u8 {
    1 << dimension as u8
}

/// A filter turned into lookups on interned values.
struct Compiled {
    now_micros: i64,
    company_id: Option<i64>,
    technologies: Option<ChosenTechnologies>,
    /// Per city index: whether it is one of the chosen cities.
    cities: Option<Vec<bool>>,
    remote: Option<RemotePolicy>,
    seniorities: Option<Vec<Seniority>>,
    employment: Option<EmploymentType>,
    min_salary: Option<i32>,
    posted_after_micros: Option<i64>,
}

/// The technologies a filter chose.
struct ChosenTechnologies {
    /// Their bits (see [`Entry::technology_bits`]).
    bits: u64,
    /// Per technology index: whether it is chosen.
    chosen: Vec<bool>,
}

impl ChosenTechnologies {
    fn include_any_of(&self, entry: &Entry, dictionary: &Dictionary) -> bool {
        entry.technology_bits & self.bits != 0
            || (entry.technology_bits & MORE_TECHNOLOGIES != 0
                && dictionary
                    .members(entry.technology_set)
                    .iter()
                    .any(|t| self.chosen[usize::from(*t)]))
    }
}

impl Compiled {
    /// The facet dimensions `entry` fails, as bits; `None` when it fails a filter
    /// without facets (closed since, another company).
    fn failures(&self, entry: &Entry, dictionary: &Dictionary) -> Option<u8> {
        if entry.valid_through_micros <= self.now_micros {
            return None;
        }
        if self.company_id.is_some_and(|id| id != entry.company_id) {
            return None;
        }
        let mut failed = 0;
        if let Some(chosen) = &self.technologies
            && !chosen.include_any_of(entry, dictionary)
        {
            failed |= bit(Dimension::Technology);
        }
        if let Some(cities) = &self.cities
            && !cities[usize::from(entry.city)]
        {
            failed |= bit(Dimension::City);
        }
        if self.remote.is_some_and(|r| r != entry.remote) {
            failed |= bit(Dimension::Remote);
        }
        if let Some(levels) = &self.seniorities
            && !levels.contains(&entry.seniority)
        {
            failed |= bit(Dimension::Seniority);
        }
        if self.employment.is_some_and(|e| e != entry.employment) {
            failed |= bit(Dimension::Employment);
        }
        if self.min_salary.is_some_and(|min| entry.salary < min) {
            failed |= bit(Dimension::Salary);
        }
        if self
            .posted_after_micros
            .is_some_and(|after| entry.posted_micros <= after)
        {
            failed |= bit(Dimension::Posted);
        }
        Some(failed)
    }
}

/// Running facet totals, indexed by interned value.
///
/// Salary and posting time are kept as histograms: bucket `b` holds the jobs that meet
/// exactly the `b` lowest salary steps (or the `b` widest "posted within" choices), so
/// each job costs one increment; the per-choice counts are suffix sums at the end.
#[derive(Debug, Clone)]
struct Tally {
    technologies: Vec<i64>,
    cities: Vec<i64>,
    remote: [i64; RemotePolicy::ALL.len()],
    seniority: [i64; Seniority::ALL.len()],
    employment: [i64; EmploymentType::ALL.len()],
    posted: [i64; POSTED_WITHIN_DAYS.len() + 1],
    salary: Vec<i64>,
}

/// Where each job sits in the catalog, by id. Ids are mostly dense (a sequence), so an
/// array over the id range is both the fastest lookup (a search word found in a million
/// jobs looks up every one) and the smallest (4 bytes an id instead of about 36 in a
/// hash map); sparse ids fall back to a map.
#[derive(Debug)]
enum Positions {
    Dense { first_id: i64, positions: Vec<u32> },
    Sparse(HashMap<i64, u32>),
}

const NO_POSITION: u32 = u32::MAX;

impl Positions {
    fn of(entries: &[Entry]) -> Self {
        let (Some(first), Some(last)) = (
            entries.iter().map(|e| e.id).min(),
            entries.iter().map(|e| e.id).max(),
        ) else {
            return Self::Sparse(HashMap::new());
        };
        let span = usize::try_from(last - first)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        let position = |i: usize| u32::try_from(i).unwrap_or(NO_POSITION);
        if span <= entries.len().saturating_mul(4).max(1_024) {
            let mut positions = vec![NO_POSITION; span];
            for (i, e) in entries.iter().enumerate() {
                positions[(e.id - first) as usize] = position(i);
            }
            Self::Dense {
                first_id: first,
                positions,
            }
        } else {
            Self::Sparse(
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.id, position(i)))
                    .collect(),
            )
        }
    }

    fn get(&self, id: i64) -> Option<u32> {
        match self {
            Self::Dense {
                first_id,
                positions,
            } => {
                let at = usize::try_from(id.checked_sub(*first_id)?).ok()?;
                positions.get(at).copied().filter(|p| *p != NO_POSITION)
            }
            Self::Sparse(map) => map.get(&id).copied(),
        }
    }
}

/// How many of each technology's newest jobs [`Catalog::similar`] considers, like the
/// SQL it replaced; a few more than the 50 it took, for jobs that expire after the
/// snapshot was built and for the job itself.
const SIMILAR_CANDIDATES: usize = 64;

/// The positions of each technology's [`SIMILAR_CANDIDATES`] newest jobs in `entries`
/// (newest first). One pass, ending once every list is full.
fn newest_by_technology(entries: &[Entry], dictionary: &Dictionary) -> Vec<Box<[u32]>> {
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); dictionary.technologies.len()];
    let mut unfilled = lists.len();
    for (position, entry) in entries.iter().enumerate() {
        if unfilled == 0 {
            break;
        }
        for &t in dictionary.members(entry.technology_set) {
            let list = &mut lists[usize::from(t)];
            if list.len() < SIMILAR_CANDIDATES {
                list.push(u32::try_from(position).unwrap_or(u32::MAX));
                unfilled -= usize::from(list.len() == SIMILAR_CANDIDATES);
            }
        }
    }
    lists.into_iter().map(Vec::into_boxed_slice).collect()
}

/// How many candidates ahead of the walk their entries are fetched.
const PREFETCH_AHEAD: usize = 16;

/// Asks the processor to bring `item` into the cache; only a hint.
#[inline]
fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and reads nothing the program sees; the pointer
    // comes from a reference.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            std::ptr::from_ref(item).cast::<i8>(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// Passes over more candidates than this are split over the cores.
const SPLIT_WALK_FROM: usize = 100_000;

/// What one pass over candidates yields.
struct Walked {
    /// The page, once [`Catalog::walk`] is done; the first matches before.
    page: Vec<u32>,
    total: i64,
    tally: Tally,
}

impl Walked {
    /// Adds the part walked right after this one, keeping `wanted` matches.
    fn absorb(&mut self, later: Walked, wanted: usize) {
        let room = wanted.saturating_sub(self.page.len());
        self.page.extend(later.page.into_iter().take(room));
        self.total += later.total;
        self.tally.absorb(&later.tally);
    }
}

impl Tally {
    fn absorb(&mut self, other: &Tally) {
        let add = |into: &mut [i64], from: &[i64]| {
            for (a, b) in into.iter_mut().zip(from) {
                *a += b;
            }
        };
        add(&mut self.technologies, &other.technologies);
        add(&mut self.cities, &other.cities);
        add(&mut self.remote, &other.remote);
        add(&mut self.seniority, &other.seniority);
        add(&mut self.employment, &other.employment);
        add(&mut self.posted, &other.posted);
        add(&mut self.salary, &other.salary);
    }
}

/// Adds one to the count of each of `entry`'s technologies.
fn count_technologies(counts: &mut [i64], entry: &Entry, dictionary: &Dictionary) {
    for_each_technology(entry, dictionary, |t| counts[t] += 1);
}

/// Calls `f` with the index of each of `entry`'s technologies.
fn for_each_technology(entry: &Entry, dictionary: &Dictionary, mut f: impl FnMut(usize)) {
    let mut bits = entry.technology_bits & !MORE_TECHNOLOGIES;
    while bits != 0 {
        f(bits.trailing_zeros() as usize);
        bits &= bits - 1;
    }
    if entry.technology_bits & MORE_TECHNOLOGIES != 0 {
        for &t in dictionary.members(entry.technology_set) {
            if t >= TECHNOLOGY_BITS {
                f(usize::from(t));
            }
        }
    }
}

/// Per-choice counts from a histogram whose bucket `b` met the first `b` choices.
fn suffix_sums(histogram: &[i64]) -> Vec<i64> {
    (1..histogram.len())
        .map(|choice| histogram[choice..].iter().sum())
        .collect()
}

impl Catalog {
    /// A catalog of `jobs` (published ones; expired ones are left out at query time).
    pub fn build(jobs: Vec<OpenJob>) -> Self {
        let mut builder = CatalogBuilder::default();
        builder.add(jobs);
        builder.finish()
    }

    /// This catalog with the jobs in `changed` replaced by `current`: the published
    /// state of those ids now (an id missing from `current` is no longer published).
    pub fn with_changes(&self, changed: &[i64], current: Vec<OpenJob>) -> Self {
        let changed: std::collections::HashSet<i64> = changed.iter().copied().collect();
        let mut entries = Vec::with_capacity(self.entries.len() + current.len());
        entries.extend(
            self.entries
                .iter()
                .filter(|e| !changed.contains(&e.id))
                .copied(),
        );
        Self::assemble(entries, current, self.dictionary.clone())
    }

    fn assemble(
        mut entries: Vec<Entry>,
        jobs: Vec<OpenJob>,
        mut dictionary: Arc<Dictionary>,
    ) -> Self {
        entries.extend(
            jobs.into_iter()
                .map(|job| Dictionary::entry(&mut dictionary, job)),
        );
        Self::ordered(entries, dictionary)
    }

    fn ordered(mut entries: Vec<Entry>, dictionary: Arc<Dictionary>) -> Self {
        entries
            .sort_unstable_by(|a, b| b.posted_micros.cmp(&a.posted_micros).then(b.id.cmp(&a.id)));
        let mut by_salary: Vec<u32> = (0..entries.len())
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        // Stable, so equal salaries stay newest first.
        by_salary.sort_by_key(|&i| std::cmp::Reverse(entries[i as usize].salary));
        let position_of = Positions::of(&entries);
        let newest_by_technology = newest_by_technology(&entries, &dictionary);
        Self {
            entries,
            by_salary,
            position_of,
            dictionary,
            newest_by_technology,
            salary_stats: std::sync::OnceLock::new(),
            sets: std::sync::OnceLock::new(),
        }
    }

    /// Where job `id` sits in this snapshot, if it holds the job.
    pub fn position(&self, id: i64) -> Option<u32> {
        self.position_of.get(id)
    }

    /// Published jobs held, expired ones included.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn compile(&self, query: &CatalogQuery<'_>, now: DateTime<Utc>) -> Compiled {
        let filter = query.filter;
        let technologies = (!filter.technologies.is_empty()).then(|| {
            let mut chosen = vec![false; self.dictionary.technologies.len()];
            let mut bits = 0;
            for slug in &filter.technologies {
                if let Some(&index) = self.dictionary.technology_index.get(slug.as_str()) {
                    chosen[usize::from(index)] = true;
                    bits |= technology_bits(&[index]) & !MORE_TECHNOLOGIES;
                }
            }
            ChosenTechnologies { bits, chosen }
        });
        let cities = (!filter.cities.is_empty()).then(|| {
            let mut chosen = vec![false; self.dictionary.cities.len()];
            for city in &filter.cities {
                if let Some(&index) = self.dictionary.city_index.get(city) {
                    chosen[usize::from(index)] = true;
                }
            }
            chosen
        });
        Compiled {
            now_micros: now.timestamp_micros(),
            // An unknown company has no id and so no jobs.
            company_id: filter
                .company
                .as_ref()
                .map(|_| query.company_id.unwrap_or(-1)),
            technologies,
            cities,
            remote: filter.remote,
            seniorities: (!filter.seniorities.is_empty()).then(|| filter.seniorities.clone()),
            employment: filter.employment,
            min_salary: filter
                .min_salary
                .map(|min| i32::try_from(min).unwrap_or(i32::MAX)),
            posted_after_micros: filter
                .posted_within
                .map(|days| (now - chrono::Duration::days(i64::from(days))).timestamp_micros()),
        }
    }

    /// Runs `query`: the page of ids in the requested order, the exact total and the
    /// drill-down facets, from the sets of its filter values (see [`Plan`]).
    pub fn search(&self, query: &CatalogQuery<'_>, now: DateTime<Utc>) -> CatalogResult {
        self.search_walking_below(query, now, self.walk_limit())
    }

    /// [`Self::search`], counting facets by walking the candidates when there are at
    /// most `walk_limit` of them.
    fn search_walking_below(
        &self,
        query: &CatalogQuery<'_>,
        now: DateTime<Utc>,
        walk_limit: usize,
    ) -> CatalogResult {
        let compiled = self.compile(query, now);
        let plan = self.plan(query, &compiled, true);
        let page = self.page_of(&plan, query);
        let facets = self.facets_of(&plan, &compiled, query, now, walk_limit);
        CatalogResult {
            ids: page.iter().map(|p| self.entries[*p as usize].id).collect(),
            total: i64::try_from(plan.all.len()).unwrap_or(i64::MAX),
            facets,
        }
    }

    /// Only the page of ids for `query`, without counting.
    pub fn page(&self, query: &CatalogQuery<'_>, now: DateTime<Utc>) -> Vec<i64> {
        let compiled = self.compile(query, now);
        let plan = self.plan(query, &compiled, false);
        self.page_of(&plan, query)
            .into_iter()
            .map(|p| self.entries[p as usize].id)
            .collect()
    }

    /// Up to this many jobs counted anywhere are walked one by one to count facets;
    /// more are counted a value set at a time (about 80 passes over the sets' words,
    /// which costs as much as walking two jobs a word).
    fn walk_limit(&self) -> usize {
        self.entries.len().div_ceil(64) * 2
    }

    fn sets(&self) -> &ValueSets {
        self.sets
            .get_or_init(|| ValueSets::of(&self.entries, &self.dictionary))
    }

    /// `query` as sets: the open jobs narrowed by company and search words, and one set
    /// per filtered dimension; with `others`, also each dimension's "all filters but
    /// this one".
    fn plan(&self, query: &CatalogQuery<'_>, compiled: &Compiled, others: bool) -> Plan<'_> {
        let sets = self.sets();
        let len = self.entries.len();
        let open = sets.open_at(&self.entries, compiled.now_micros);
        let mut hard = QuerySet::Shared(open.jobs.clone());
        if let Some(company) = compiled.company_id {
            let list = sets.companies.get(&company).map_or(&[][..], Vec::as_slice);
            hard = hard.and(&PositionSet::of(len, list.iter().copied()));
        }
        if let Some(text) = query.text {
            hard = hard.and(&text.matched);
        }
        let any_of = |chosen: &[bool], values| QuerySet::any_of(len, chosen, values);
        let mut filters: Vec<(Dimension, QuerySet<'_>)> = Vec::new();
        if let Some(technologies) = &compiled.technologies {
            filters.push((
                Dimension::Technology,
                any_of(&technologies.chosen, &sets.technologies),
            ));
        }
        if let Some(cities) = &compiled.cities {
            filters.push((Dimension::City, any_of(cities, &sets.cities)));
        }
        if let Some(remote) = compiled.remote {
            filters.push((
                Dimension::Remote,
                QuerySet::Kept(&sets.remote[remote as usize]),
            ));
        }
        if let Some(levels) = &compiled.seniorities {
            let mut chosen = vec![false; Seniority::ALL.len()];
            for level in levels {
                chosen[*level as usize] = true;
            }
            filters.push((Dimension::Seniority, any_of(&chosen, &sets.seniority)));
        }
        if let Some(employment) = compiled.employment {
            filters.push((
                Dimension::Employment,
                QuerySet::Kept(&sets.employment[employment as usize]),
            ));
        }
        if let Some(min) = compiled.min_salary {
            filters.push((
                Dimension::Salary,
                QuerySet::Shared(self.paying_at_least(min)),
            ));
        }
        if let Some(after) = compiled.posted_after_micros {
            filters.push((
                Dimension::Posted,
                QuerySet::Made(PositionSet::below(len, self.posted_after(after))),
            ));
        }
        if others {
            Plan::new(hard, filters)
        } else {
            Plan::all_of(hard, filters)
        }
    }

    /// The jobs paying at least `min` EUR a year (expired ones included).
    fn paying_at_least(&self, min: i32) -> Arc<PositionSet> {
        let paid = self
            .by_salary
            .partition_point(|p| self.entries[*p as usize].salary >= min);
        self.sets().salary_at_least(min, &self.by_salary, paid)
    }

    /// How many jobs were posted after `after_micros`: positions below that.
    fn posted_after(&self, after_micros: i64) -> usize {
        self.entries
            .partition_point(|e| e.posted_micros > after_micros)
    }

    /// The page's positions: the jobs passing everything, from the query's offset in its
    /// order.
    fn page_of(&self, plan: &Plan<'_>, query: &CatalogQuery<'_>) -> Vec<u32> {
        let all = &plan.all;
        let ranking = query.text.and_then(|t| t.ranking.as_deref());
        match (query.sort, ranking) {
            (Sort::Relevance, Some(ranking)) => ranking
                .best(all, query.offset + query.limit)
                .into_iter()
                .skip(query.offset)
                .collect(),
            (Sort::Salary, _) => self
                .by_salary
                .iter()
                .copied()
                .filter(|p| all.contains(*p))
                .skip(query.offset)
                .take(query.limit)
                .collect(),
            _ => all.iter_from(query.offset).take(query.limit).collect(),
        }
    }

    /// The drill-down facets of `plan`: each dimension's options counted over the jobs
    /// passing every filter but that dimension's.
    fn facets_of(
        &self,
        plan: &Plan<'_>,
        compiled: &Compiled,
        query: &CatalogQuery<'_>,
        now: DateTime<Utc>,
        walk_limit: usize,
    ) -> FacetCounts {
        if plan.anywhere_len() <= walk_limit {
            let listed: Vec<u32> = plan.anywhere().iter().collect();
            let counting = CatalogQuery {
                offset: 0,
                limit: 0,
                ..*query
            };
            let walked = self.walk(compiled, &Candidates::Listed(&listed), &counting, now);
            return self.facets_from(&walked.tally, query.salary_steps);
        }
        let sets = self.sets();
        let count = |dimension: Dimension, values: &[PositionSet]| -> Vec<i64> {
            let over = plan.counted_for(dimension);
            values
                .iter()
                .map(|value| i64::try_from(over.count_common(value)).unwrap_or(i64::MAX))
                .collect()
        };
        let posted = plan.counted_for(Dimension::Posted);
        let salary = plan.counted_for(Dimension::Salary);
        let as_count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        self.facet_counts(
            &count(Dimension::Technology, &sets.technologies),
            &count(Dimension::City, &sets.cities),
            &count(Dimension::Remote, &sets.remote),
            &count(Dimension::Seniority, &sets.seniority),
            &count(Dimension::Employment, &sets.employment),
            POSTED_WITHIN_DAYS
                .iter()
                .map(|days| {
                    let after = (now - chrono::Duration::days(i64::from(*days))).timestamp_micros();
                    (
                        *days,
                        as_count(posted.count_below(self.posted_after(after))),
                    )
                })
                .collect(),
            query
                .salary_steps
                .iter()
                .map(|step| {
                    let min = i32::try_from(*step).unwrap_or(i32::MAX);
                    (
                        *step,
                        as_count(salary.count_common(&self.paying_at_least(min))),
                    )
                })
                .collect(),
        )
    }

    /// One pass over `candidates`: the first `offset + limit` jobs passing everything
    /// (in walking order), the total and the facet counts. A long pass is split over
    /// the cores: a request alone on the server is answered in a fraction of the time.
    fn walk(
        &self,
        compiled: &Compiled,
        candidates: &Candidates<'_>,
        query: &CatalogQuery<'_>,
        now: DateTime<Utc>,
    ) -> Walked {
        let len = self.candidate_count(candidates);
        let parts = if len < SPLIT_WALK_FROM {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
        };
        let mut walked = if parts == 1 {
            self.walk_part(compiled, candidates, query, now, 0..len)
        } else {
            let bounds: Vec<usize> = (0..=parts).map(|part| len * part / parts).collect();
            std::thread::scope(|scope| {
                let others: Vec<_> = bounds[1..]
                    .windows(2)
                    .map(|range| {
                        let range = range[0]..range[1];
                        scope.spawn(move || self.walk_part(compiled, candidates, query, now, range))
                    })
                    .collect();
                let mut walked = self.walk_part(compiled, candidates, query, now, 0..bounds[1]);
                for other in others {
                    match other.join() {
                        Ok(other) => walked.absorb(other, query.offset + query.limit),
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                }
                walked
            })
        };
        walked.page = walked.page.into_iter().skip(query.offset).collect();
        walked
    }

    fn candidate_count(&self, candidates: &Candidates<'_>) -> usize {
        let Candidates::Listed(positions) = candidates;
        positions.len()
    }

    /// The candidates `range` (by their place in walking order) of [`Self::walk`].
    fn walk_part(
        &self,
        compiled: &Compiled,
        candidates: &Candidates<'_>,
        query: &CatalogQuery<'_>,
        now: DateTime<Utc>,
        range: std::ops::Range<usize>,
    ) -> Walked {
        let mut tally = Tally {
            technologies: vec![0; self.dictionary.technologies.len()],
            cities: vec![0; self.dictionary.cities.len()],
            remote: [0; RemotePolicy::ALL.len()],
            seniority: [0; Seniority::ALL.len()],
            employment: [0; EmploymentType::ALL.len()],
            posted: [0; POSTED_WITHIN_DAYS.len() + 1],
            salary: vec![0; query.salary_steps.len() + 1],
        };
        let buckets = Buckets::new(now.timestamp_micros(), query.salary_steps);
        let mut total: i64 = 0;
        let wanted = query.offset + query.limit;
        let mut page: Vec<u32> = Vec::with_capacity(wanted.min(1 << 16));
        let dictionary = &*self.dictionary;

        let mut visit = |position: u32| {
            let entry = &self.entries[position as usize];
            let Some(failed) = compiled.failures(entry, dictionary) else {
                return;
            };
            let posted_bucket = || buckets.posted(entry);
            let salary_bucket = || buckets.salary(entry);
            if failed != 0 {
                // Failing one filter still counts for that filter's own options.
                match failed {
                    f if f == bit(Dimension::Technology) => {
                        count_technologies(&mut tally.technologies, entry, dictionary);
                    }
                    f if f == bit(Dimension::City) => tally.cities[usize::from(entry.city)] += 1,
                    f if f == bit(Dimension::Remote) => tally.remote[entry.remote as usize] += 1,
                    f if f == bit(Dimension::Seniority) => {
                        tally.seniority[entry.seniority as usize] += 1;
                    }
                    f if f == bit(Dimension::Employment) => {
                        tally.employment[entry.employment as usize] += 1;
                    }
                    f if f == bit(Dimension::Posted) => tally.posted[posted_bucket()] += 1,
                    f if f == bit(Dimension::Salary) => tally.salary[salary_bucket()] += 1,
                    _ => {}
                }
                return;
            }
            // The enums' variants are declared in `ALL` order; city 0 ("none") is
            // counted but never listed.
            count_technologies(&mut tally.technologies, entry, dictionary);
            tally.cities[usize::from(entry.city)] += 1;
            tally.remote[entry.remote as usize] += 1;
            tally.seniority[entry.seniority as usize] += 1;
            tally.employment[entry.employment as usize] += 1;
            tally.posted[posted_bucket()] += 1;
            tally.salary[salary_bucket()] += 1;
            if page.len() < wanted {
                page.push(position);
            }
            total += 1;
        };

        let Candidates::Listed(positions) = candidates;
        // Candidates scattered over the catalog each cost a trip to memory: asking for
        // the ones a little ahead overlaps those trips (three times faster measured).
        for i in range {
            if let Some(p) = positions.get(i + PREFETCH_AHEAD) {
                prefetch(&self.entries[*p as usize]);
            }
            visit(positions[i]);
        }
        Walked { page, total, tally }
    }

    /// `text` as the catalog takes it: the matching jobs it holds as a set, and for
    /// relevance each one's rank. Jobs the catalog does not hold (no longer published)
    /// are left out.
    pub fn text_set(&self, text: &TextMatches, sort: Sort) -> TextSet {
        let mut matched = PositionSet::empty(self.entries.len());
        let mut ranked = (sort == Sort::Relevance).then(|| Vec::with_capacity(text.len()));
        for (id, rank) in text.iter() {
            let Some(position) = self.position_of.get(id) else {
                continue;
            };
            matched.insert(position);
            if let Some(ranked) = &mut ranked {
                ranked.push((position, rank));
            }
        }
        TextSet {
            matched,
            ranking: ranked.map(|r| Arc::new(ListedRanks(r)) as Arc<dyn Ranking>),
        }
    }

    fn facets_from(&self, tally: &Tally, salary_steps: &[u32]) -> FacetCounts {
        // Buckets run widest choice first; POSTED_WITHIN_DAYS narrowest first.
        let mut posted = suffix_sums(&tally.posted);
        posted.reverse();
        let mut sorted = salary_steps.to_vec();
        sorted.sort_unstable();
        let salary = suffix_sums(&tally.salary);
        self.facet_counts(
            &tally.technologies,
            &tally.cities,
            &tally.remote,
            &tally.seniority,
            &tally.employment,
            POSTED_WITHIN_DAYS.iter().copied().zip(posted).collect(),
            salary_steps
                .iter()
                .map(|step| {
                    let at = sorted.partition_point(|s| s < step);
                    (*step, salary.get(at).copied().unwrap_or(0))
                })
                .collect(),
        )
    }

    /// Facet lists from counts per interned value: options with no job left out.
    #[allow(clippy::too_many_arguments)]
    fn facet_counts(
        &self,
        technologies: &[i64],
        cities: &[i64],
        remote: &[i64],
        seniority: &[i64],
        employment: &[i64],
        posted: Vec<(u32, i64)>,
        salary: Vec<(u32, i64)>,
    ) -> FacetCounts {
        let named = |names: &[String], counts: &[i64]| -> Vec<(String, i64)> {
            names
                .iter()
                .zip(counts)
                .filter(|(name, n)| **n > 0 && !name.is_empty())
                .map(|(name, n)| (name.clone(), *n))
                .collect()
        };
        let enums = |labels: &[&str], counts: &[i64]| -> Vec<(String, i64)> {
            labels
                .iter()
                .zip(counts)
                .filter(|(_, n)| **n > 0)
                .map(|(l, n)| ((*l).to_owned(), *n))
                .collect()
        };
        let remote_labels: Vec<&str> = RemotePolicy::ALL.iter().map(|r| r.as_str()).collect();
        let seniority_labels: Vec<&str> = Seniority::ALL.iter().map(|s| s.as_str()).collect();
        let employment_labels: Vec<&str> = EmploymentType::ALL.iter().map(|e| e.as_str()).collect();
        FacetCounts {
            technologies: named(&self.dictionary.technologies, technologies),
            cities: named(&self.dictionary.cities, cities),
            remote: enums(&remote_labels, remote),
            seniority: enums(&seniority_labels, seniority),
            employment: enums(&employment_labels, employment),
            posted,
            salary,
        }
    }

    /// Open jobs per technology, per city and per technology in each city.
    pub fn tally(&self, now: DateTime<Utc>) -> BoardTally {
        let sets = self.sets();
        let open = sets.open_at(&self.entries, now.timestamp_micros());
        let open = &*open.jobs;
        let as_count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let open_jobs = as_count(open.len());
        let remote_jobs = as_count(open.count_common(&sets.remote[RemotePolicy::Remote as usize]));
        let city_count = self.dictionary.cities.len();
        let cities: Vec<i64> = sets
            .cities
            .iter()
            .map(|city| as_count(open.count_common(city)))
            .collect();
        // Jobs per technology and city, dense: tens of technologies times hundreds of
        // cities, each a pass over one technology's open jobs.
        let mut technologies = vec![0i64; self.dictionary.technologies.len()];
        let mut pairs = vec![0i64; technologies.len() * city_count];
        for (t, technology) in sets.technologies.iter().enumerate() {
            let mut jobs = technology.clone();
            jobs.intersect(open);
            technologies[t] = as_count(jobs.len());
            if technologies[t] == 0 {
                continue;
            }
            for (c, city) in sets.cities.iter().enumerate() {
                pairs[t * city_count + c] = as_count(jobs.count_common(city));
            }
        }
        let technology_cities: HashMap<(u16, u16), i64> = pairs
            .iter()
            .enumerate()
            .filter(|(cell, n)| **n > 0 && cell % city_count != usize::from(NO_CITY))
            .map(|(cell, n)| {
                let t = u16::try_from(cell / city_count).unwrap_or(u16::MAX);
                let c = u16::try_from(cell % city_count).unwrap_or(u16::MAX);
                ((t, c), *n)
            })
            .collect();
        let by_count = |names: &[String], counts: &[i64]| {
            let mut list: Vec<(String, i64)> = names
                .iter()
                .zip(counts)
                .filter(|(name, n)| **n > 0 && !name.is_empty())
                .map(|(name, n)| (name.clone(), *n))
                .collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            list
        };
        let mut technology_cities: Vec<(String, String, i64)> = technology_cities
            .into_iter()
            .map(|((t, c), n)| {
                (
                    self.dictionary.technologies[usize::from(t)].clone(),
                    self.dictionary.cities[usize::from(c)].clone(),
                    n,
                )
            })
            .collect();
        technology_cities.sort();
        BoardTally {
            open_jobs,
            remote_jobs,
            technologies: by_count(&self.dictionary.technologies, &technologies),
            cities: by_count(&self.dictionary.cities, &cities),
            technology_cities,
        }
    }
}

impl Catalog {
    /// Up to `limit` ids of open jobs most like a job with `technologies` in `city` (no
    /// city: remote), leaving out the job `id` itself: most shared technologies first,
    /// then those in the same city, then the newest. Only each technology's newest jobs
    /// are candidates, so it costs a few hundred lookups however many jobs there are.
    pub fn similar(
        &self,
        id: i64,
        technologies: &[&str],
        city: Option<&str>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Vec<i64> {
        let now_micros = now.timestamp_micros();
        let mut own: Vec<u16> = technologies
            .iter()
            .filter_map(|slug| self.dictionary.technology_index.get(*slug).copied())
            .collect();
        own.sort_unstable();
        own.dedup();
        let mut candidates: Vec<u32> = own
            .iter()
            .filter_map(|t| self.newest_by_technology.get(usize::from(*t)))
            .flat_map(|list| list.iter().copied())
            .filter(|&p| {
                let entry = &self.entries[p as usize];
                entry.id != id && entry.valid_through_micros > now_micros
            })
            .collect();
        candidates.sort_unstable();
        // An unknown city is no candidate's.
        let city = self.dictionary.find_city(city);
        let mut ranked: Vec<(usize, bool, u32)> = candidates
            .chunk_by(|a, b| a == b)
            .map(|same| {
                let position = same[0];
                let in_city = Some(self.entries[position as usize].city) == city;
                (same.len(), in_city, position)
            })
            .collect();
        // A lower position is newer.
        ranked.sort_unstable_by_key(|&(shared, in_city, position)| {
            (std::cmp::Reverse(shared), !in_city, position)
        });
        ranked
            .into_iter()
            .take(limit)
            .map(|(_, _, position)| self.entries[position as usize].id)
            .collect()
    }

    /// The salary of job `id` in EUR a year as the statistics count it (the top of its
    /// range), when the snapshot holds the job and it states one in euros.
    pub fn salary_of(&self, id: i64) -> Option<u32> {
        let entry = &self.entries[self.position_of.get(id)? as usize];
        u32::try_from(entry.salary).ok()
    }

    /// The salary figures of this snapshot's open jobs, computed on the first call (with
    /// the jobs open at `now`) and kept with the snapshot: a new snapshot computes them
    /// afresh. Costs one pass over the jobs and one sort of each group's salaries.
    pub fn salary_stats(&self, now: DateTime<Utc>) -> Arc<SalaryStats> {
        self.salary_stats
            .get_or_init(|| Arc::new(self.compute_salary_stats(now)))
            .clone()
    }

    /// The figures if this snapshot has computed them already.
    pub fn computed_salary_stats(&self) -> Option<Arc<SalaryStats>> {
        self.salary_stats.get().cloned()
    }

    fn compute_salary_stats(&self, now: DateTime<Utc>) -> SalaryStats {
        let now_micros = now.timestamp_micros();
        let technology_count = self.dictionary.technologies.len();
        let city_count = self.dictionary.cities.len();
        let levels = Seniority::ALL.len();
        let mut technologies: Vec<Vec<i32>> = vec![Vec::new(); technology_count];
        let mut cities: Vec<Vec<i32>> = vec![Vec::new(); city_count];
        let mut seniorities: Vec<Vec<i32>> = vec![Vec::new(); levels];
        let mut technology_seniorities: Vec<Vec<i32>> = vec![Vec::new(); technology_count * levels];
        let mut technology_cities: HashMap<(u16, u16), Vec<i32>> = HashMap::new();
        let mut combinations: HashMap<(u16, u16, usize), Vec<i32>> = HashMap::new();
        for entry in &self.entries {
            if entry.salary == NO_SALARY || entry.valid_through_micros <= now_micros {
                continue;
            }
            let level = entry.seniority as usize;
            seniorities[level].push(entry.salary);
            let has_city = entry.city != NO_CITY;
            if has_city {
                cities[usize::from(entry.city)].push(entry.salary);
            }
            for &t in self.dictionary.members(entry.technology_set) {
                technologies[usize::from(t)].push(entry.salary);
                technology_seniorities[usize::from(t) * levels + level].push(entry.salary);
                if has_city {
                    technology_cities
                        .entry((t, entry.city))
                        .or_default()
                        .push(entry.salary);
                    combinations
                        .entry((t, entry.city, level))
                        .or_default()
                        .push(entry.salary);
                }
            }
        }
        let technology = |t: u16| self.dictionary.technologies[usize::from(t)].clone();
        let city = |c: u16| self.dictionary.cities[usize::from(c)].clone();
        let level = |l: usize| Seniority::ALL[l];
        let figure = SalaryFigure::from_unsorted;
        SalaryStats {
            technologies: technologies
                .into_iter()
                .enumerate()
                .filter_map(|(t, s)| Some((technology(u16::try_from(t).ok()?), figure(s)?)))
                .collect(),
            cities: cities
                .into_iter()
                .enumerate()
                .filter_map(|(c, s)| Some((city(u16::try_from(c).ok()?), figure(s)?)))
                .collect(),
            seniorities: seniorities
                .into_iter()
                .enumerate()
                .filter_map(|(l, s)| Some((level(l), figure(s)?)))
                .collect(),
            technology_seniorities: technology_seniorities
                .into_iter()
                .enumerate()
                .filter_map(|(cell, s)| {
                    let t = u16::try_from(cell / levels).ok()?;
                    Some(((technology(t), level(cell % levels)), figure(s)?))
                })
                .collect(),
            technology_cities: technology_cities
                .into_iter()
                .filter_map(|((t, c), s)| Some(((technology(t), city(c)), figure(s)?)))
                .collect(),
            technology_city_seniorities: combinations
                .into_iter()
                .filter_map(|((t, c, l), s)| Some(((technology(t), city(c), level(l)), figure(s)?)))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::slug::Slug;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    /// Job `id`, posted `id` hours ago (so a higher id is older).
    fn job(id: i64, city: &str, technologies: &[&str]) -> OpenJob {
        OpenJob {
            id,
            posted_at: now() - Duration::hours(id),
            valid_through: now() + Duration::days(30),
            salary_eur_year: Some(50_000 + i32::try_from(id).unwrap() * 1_000),
            company_id: 1,
            city: Some(city.to_owned()),
            remote: RemotePolicy::Onsite,
            seniority: Seniority::Mid,
            employment: EmploymentType::FullTime,
            technology_slugs: technologies.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    fn run(
        catalog: &Catalog,
        filter: &JobFilter,
        sort: Sort,
        text: Option<&TextMatches>,
    ) -> CatalogResult {
        let order = text.map(|t| catalog.text_set(t, sort));
        catalog.search(
            &CatalogQuery {
                filter,
                company_id: None,
                text: order.as_ref(),
                sort,
                offset: 0,
                limit: 100,
                salary_steps: &[55_000, 60_000],
            },
            now(),
        )
    }

    fn sample() -> Catalog {
        Catalog::build(vec![
            job(1, "Berlin", &["rust"]),
            job(2, "Berlin", &["go", "rust"]),
            job(3, "Hamburg", &["go"]),
            job(4, "München", &["python"]),
            OpenJob {
                valid_through: now() - Duration::seconds(1),
                ..job(5, "Berlin", &["rust"])
            },
        ])
    }

    #[test]
    fn lists_open_jobs_newest_first_and_leaves_expired_ones_out() {
        let found = run(&sample(), &JobFilter::default(), Sort::Newest, None);
        assert_eq!(found.ids, vec![1, 2, 3, 4]);
        assert_eq!(found.total, 4);
    }

    #[test]
    fn facets_count_each_option_with_the_other_filters_applied() {
        let filter = JobFilter {
            technologies: vec![Slug::parse("rust").unwrap()],
            cities: vec!["Berlin".to_owned()],
            ..JobFilter::default()
        };
        let found = run(&sample(), &filter, Sort::Newest, None);
        assert_eq!(found.ids, vec![1, 2]);
        // Technologies among Berlin jobs; cities among Rust jobs.
        assert_eq!(
            found.facets.technologies,
            vec![("rust".to_owned(), 2), ("go".to_owned(), 1)]
        );
        assert_eq!(found.facets.cities, vec![("Berlin".to_owned(), 2)]);
        assert_eq!(found.facets.seniority, vec![("mid".to_owned(), 2)]);
        assert_eq!(found.facets.salary, vec![(55_000, 0), (60_000, 0)]);
        assert_eq!(found.facets.posted, vec![(1, 2), (7, 2), (30, 2)]);
    }

    #[test]
    fn orders_by_salary_and_by_rank_then_newest() {
        let catalog = sample();
        let by_salary = run(&catalog, &JobFilter::default(), Sort::Salary, None);
        assert_eq!(by_salary.ids, vec![4, 3, 2, 1]);

        let text: TextMatches = [(1, 0.1), (3, 0.5), (4, 0.1), (99, 1.0)]
            .into_iter()
            .collect();
        let filter = JobFilter {
            query: Some("words".to_owned()),
            ..JobFilter::default()
        };
        let ranked = run(&catalog, &filter, Sort::Relevance, Some(&text));
        assert_eq!(ranked.ids, vec![3, 1, 4], "unknown id 99 is not open");
        assert_eq!(ranked.total, 3);
        let newest = run(&catalog, &filter, Sort::Newest, Some(&text));
        assert_eq!(newest.ids, vec![1, 3, 4]);
    }

    #[test]
    fn pages_do_not_overlap_for_any_order() {
        let jobs: Vec<OpenJob> = (1..=45).map(|id| job(id, "Köln", &["rust"])).collect();
        let catalog = Catalog::build(jobs);
        let text: TextMatches = (1..=45).map(|id| (id, (id % 3) as f32)).collect();
        for sort in [Sort::Newest, Sort::Salary, Sort::Relevance] {
            let filter = JobFilter {
                query: (sort == Sort::Relevance).then(|| "rust".to_owned()),
                ..JobFilter::default()
            };
            let order = catalog.text_set(&text, sort);
            let mut seen = Vec::new();
            for page in 0..3 {
                let query = CatalogQuery {
                    filter: &filter,
                    company_id: None,
                    text: filter.query.as_ref().map(|_| &order),
                    sort,
                    offset: page * 20,
                    limit: 20,
                    salary_steps: &[],
                };
                let found = catalog.search(&query, now());
                assert_eq!(found.total, 45);
                assert_eq!(
                    catalog.page(&query, now()),
                    found.ids,
                    "{sort:?} page {page}"
                );
                seen.extend(found.ids);
            }
            let mut unique = seen.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!((seen.len(), unique.len()), (45, 45), "{sort:?}");
        }
    }

    #[test]
    fn changes_replace_jobs_and_drop_unpublished_ones() {
        let catalog = sample();
        let changed = catalog.with_changes(&[1, 3, 7], vec![job(7, "Leipzig", &["elixir"])]);
        let found = run(&changed, &JobFilter::default(), Sort::Newest, None);
        assert_eq!(found.ids, vec![2, 4, 7]);
        let tally = changed.tally(now());
        assert_eq!(tally.open_jobs, 3);
        assert!(tally.cities.contains(&("Leipzig".to_owned(), 1)));
        assert!(
            tally
                .technology_cities
                .contains(&("elixir".to_owned(), "Leipzig".to_owned(), 1))
        );
    }

    #[test]
    fn similar_jobs_share_most_technologies_then_the_city_then_are_newest() {
        let catalog = Catalog::build(vec![
            job(1, "Berlin", &["rust", "go"]),
            job(2, "Hamburg", &["go", "rust"]),
            job(3, "Berlin", &["rust"]),
            job(4, "Hamburg", &["rust"]),
            job(5, "Berlin", &["go"]),
            job(6, "Berlin", &["python"]),
            OpenJob {
                valid_through: now() - Duration::seconds(1),
                ..job(7, "Berlin", &["rust", "go"])
            },
        ]);
        let similar = |limit| catalog.similar(1, &["rust", "go"], Some("Berlin"), limit, now());
        assert_eq!(
            similar(10),
            vec![2, 3, 5, 4],
            "never itself, nor expired job 7"
        );
        assert_eq!(similar(2), vec![2, 3]);
        // A job the catalog does not hold (closed), without a city or in one no job is in.
        assert_eq!(
            catalog.similar(99, &["rust"], None, 10, now()),
            vec![1, 2, 3, 4]
        );
        assert_eq!(
            catalog.similar(99, &["rust"], Some("Atlantis"), 10, now()),
            vec![1, 2, 3, 4]
        );
        assert_eq!(
            catalog.similar(99, &["cobol"], None, 10, now()),
            Vec::<i64>::new()
        );
    }

    #[test]
    fn similar_jobs_are_among_each_technologys_newest_and_follow_changes() {
        let catalog = Catalog::build((1..=100).map(|id| job(id, "Köln", &["rust"])).collect());
        let newest: Vec<i64> = (1..=64).collect();
        assert_eq!(catalog.similar(0, &["rust"], None, 100, now()), newest);

        let newest_of_all = OpenJob {
            posted_at: now(),
            ..job(101, "Köln", &["rust", "go"])
        };
        let changed = catalog.with_changes(&[1, 2], vec![newest_of_all]);
        let found = changed.similar(0, &["go", "rust"], Some("Köln"), 3, now());
        assert_eq!(
            found,
            vec![101, 3, 4],
            "job 101 shares both; closed 1 and 2 are gone"
        );
    }

    /// `query` answered by walking every job, as before position lists.
    fn walking_everything(catalog: &Catalog, query: &CatalogQuery<'_>) -> CatalogResult {
        let compiled = catalog.compile(query, now());
        let newest: Vec<u32> = (0..u32::try_from(catalog.len()).unwrap()).collect();
        let order = match query.sort {
            Sort::Salary => &catalog.by_salary,
            _ => &newest,
        };
        let walked = catalog.walk(&compiled, &Candidates::Listed(order), query, now());
        CatalogResult {
            ids: walked
                .page
                .iter()
                .map(|p| catalog.entries[*p as usize].id)
                .collect(),
            total: walked.total,
            facets: catalog.facets_from(&walked.tally, query.salary_steps),
        }
    }

    #[test]
    fn value_sets_give_what_walking_every_job_gives() {
        let technologies = ["rust", "go", "python", "java", "kotlin", "php", "scala"];
        let cities = ["Berlin", "Hamburg", "München", "Köln", "Leipzig"];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        let jobs: Vec<OpenJob> = (1..=30_000)
            .map(|id| {
                let mut job = job(id, cities[next(cities.len())], &[]);
                job.technology_slugs = (0..1 + next(3))
                    .map(|_| technologies[next(technologies.len())].to_owned())
                    .collect();
                job.company_id = 1 + next(40) as i64;
                job.remote = RemotePolicy::ALL[next(RemotePolicy::ALL.len())];
                job.seniority = Seniority::ALL[next(Seniority::ALL.len())];
                job.employment = EmploymentType::ALL[next(EmploymentType::ALL.len())];
                job.salary_eur_year = (next(4) > 0).then(|| 40_000 + 5_000 * next(14) as i32);
                if next(10) == 0 {
                    job.valid_through = now() - Duration::hours(1);
                }
                job
            })
            .collect();
        let catalog = Catalog::build(jobs);
        let slugs = |names: &[&str]| names.iter().map(|n| Slug::parse(*n).unwrap()).collect();
        let filters = [
            JobFilter::default(),
            JobFilter {
                technologies: slugs(&["rust"]),
                ..JobFilter::default()
            },
            JobFilter {
                technologies: slugs(&["rust", "scala"]),
                ..JobFilter::default()
            },
            JobFilter {
                cities: vec!["Köln".to_owned()],
                ..JobFilter::default()
            },
            JobFilter {
                technologies: slugs(&["go"]),
                cities: vec!["Berlin".to_owned(), "Leipzig".to_owned()],
                ..JobFilter::default()
            },
            JobFilter {
                technologies: slugs(&["java"]),
                cities: vec!["Hamburg".to_owned()],
                remote: Some(RemotePolicy::Hybrid),
                seniorities: vec![Seniority::Senior],
                min_salary: Some(60_000),
                ..JobFilter::default()
            },
            JobFilter {
                technologies: slugs(&["php"]),
                seniorities: vec![Seniority::Junior],
                ..JobFilter::default()
            },
            JobFilter {
                remote: Some(RemotePolicy::Remote),
                ..JobFilter::default()
            },
            JobFilter {
                seniorities: vec![Seniority::Junior, Seniority::Senior],
                employment: Some(EmploymentType::PartTime),
                ..JobFilter::default()
            },
            JobFilter {
                remote: Some(RemotePolicy::Onsite),
                min_salary: Some(70_000),
                ..JobFilter::default()
            },
            JobFilter {
                min_salary: Some(60_000),
                ..JobFilter::default()
            },
            JobFilter {
                technologies: slugs(&["rust", "scala"]),
                cities: vec!["Köln".to_owned()],
                ..JobFilter::default()
            },
            JobFilter {
                posted_within: Some(30),
                min_salary: Some(90_000),
                ..JobFilter::default()
            },
            JobFilter {
                posted_within: Some(30),
                remote: Some(RemotePolicy::Remote),
                ..JobFilter::default()
            },
            JobFilter {
                technologies: slugs(&["kotlin"]),
                min_salary: Some(60_000),
                ..JobFilter::default()
            },
            JobFilter {
                posted_within: Some(7),
                ..JobFilter::default()
            },
            JobFilter {
                technologies: slugs(&["go"]),
                posted_within: Some(30),
                min_salary: Some(50_000),
                ..JobFilter::default()
            },
            JobFilter {
                company: Some(Slug::parse("acme").unwrap()),
                cities: vec!["Berlin".to_owned()],
                ..JobFilter::default()
            },
        ];
        let mut ways = [0; 2];
        for filter in &filters {
            for sort in [Sort::Newest, Sort::Salary] {
                for offset in [0, 20, 700, 20_000] {
                    let query = CatalogQuery {
                        filter,
                        company_id: Some(7),
                        text: None,
                        sort,
                        offset,
                        limit: 20,
                        salary_steps: &[50_000, 70_000, 90_000],
                    };
                    let expected = walking_everything(&catalog, &query);
                    assert!(expected.total > 0, "{filter:?}");
                    // Facets counted a value set at a time, and by walking the jobs
                    // counted anywhere.
                    for (way, walk_limit) in [(0, 0), (1, usize::MAX)] {
                        ways[way] += 1;
                        let found = catalog.search_walking_below(&query, now(), walk_limit);
                        assert_eq!(found.total, expected.total, "{filter:?} {sort:?}");
                        assert_eq!(found.ids, expected.ids, "{filter:?} {sort:?} {offset}");
                        assert_eq!(found.facets, expected.facets, "{filter:?} {sort:?} {way}");
                    }
                    assert_eq!(catalog.page(&query, now()), expected.ids, "{filter:?}");
                }
            }
        }
        assert!(ways.iter().all(|n| *n > 0), "every way is tried: {ways:?}");
    }

    #[test]
    fn an_unknown_company_matches_nothing() {
        let filter = JobFilter {
            company: Some(Slug::parse("nobody").unwrap()),
            ..JobFilter::default()
        };
        assert_eq!(run(&sample(), &filter, Sort::Newest, None).total, 0);
    }

    #[test]
    fn salary_stats_group_open_jobs_with_a_salary() {
        let mut jobs: Vec<OpenJob> = (1..=12)
            .map(|id| OpenJob {
                seniority: Seniority::Senior,
                ..job(id, "Berlin", &["rust", "go"])
            })
            .collect();
        // Nine Go jobs in Hamburg: too few for a figure of their own.
        jobs.extend((13..=21).map(|id| job(id, "Hamburg", &["go"])));
        jobs.push(OpenJob {
            salary_eur_year: None,
            ..job(22, "Berlin", &["rust"])
        });
        jobs.push(OpenJob {
            valid_through: now() - Duration::seconds(1),
            ..job(23, "Berlin", &["rust"])
        });
        let stats = Catalog::build(jobs).salary_stats(now());
        // Rust: 51k..62k, 12 salaries; h = 2.75, 5.5, 8.25.
        let rust = stats.technologies["rust"];
        assert_eq!(
            (
                rust.count(),
                rust.lower_quartile(),
                rust.median(),
                rust.upper_quartile()
            ),
            (12, 53_750, 56_500, 59_250)
        );
        let combination = stats.technology_city_seniorities
            [&("rust".to_owned(), "Berlin".to_owned(), Seniority::Senior)];
        assert_eq!(combination, rust);
        assert_eq!(stats.technologies["go"].count(), 21);
        assert!(!stats.cities.contains_key("Hamburg"));
        assert_eq!(stats.seniorities[&Seniority::Senior].count(), 12);
        assert!(!stats.seniorities.contains_key(&Seniority::Mid));
        assert!(
            !stats
                .technology_cities
                .contains_key(&("go".to_owned(), "Hamburg".to_owned()))
        );
    }

    /// Run with `cargo test --release --lib -- --ignored similar_jobs_among_a_million`.
    #[test]
    #[ignore = "timing on a million jobs"]
    fn similar_jobs_among_a_million() {
        let technologies: Vec<String> = (0..150).map(|t| format!("tech-{t}")).collect();
        let jobs: Vec<OpenJob> = (1..=1_000_000i64)
            .map(|id| {
                let n = usize::try_from(id).unwrap();
                let slugs: Vec<&str> = [n % 150, n * 7 % 150, n * 13 % 40]
                    .iter()
                    .map(|t| technologies[*t].as_str())
                    .collect();
                OpenJob {
                    posted_at: now() - Duration::seconds(id),
                    ..job(id, ["Berlin", "Hamburg", "Leipzig"][n % 3], &slugs)
                }
            })
            .collect();
        let catalog = Catalog::build(jobs);
        let started = std::time::Instant::now();
        let lists = newest_by_technology(&catalog.entries, &catalog.dictionary);
        let build = started.elapsed();
        let started = std::time::Instant::now();
        let mut found = 0;
        for id in 1..=10_000i64 {
            let n = usize::try_from(id).unwrap();
            let own = [n % 150, n * 7 % 150, n * 13 % 40].map(|t| technologies[t].as_str());
            found += catalog.similar(id, &own, Some("Berlin"), 4, now()).len();
        }
        let each = started.elapsed() / 10_000;
        let bytes: usize = lists.iter().map(|l| l.len() * 4 + 16).sum();
        println!(
            "similar jobs among 1,000,000: lists in {build:?} ({bytes} bytes), {each:?} a job"
        );
        assert_eq!(found, 40_000);
    }

    /// Where a filtered list's time goes on a million jobs. Run with
    /// `cargo test --release --lib -- --ignored --nocapture filters_on_a_million`.
    #[test]
    #[ignore = "timing on a million jobs"]
    fn filters_on_a_million() {
        let technologies: Vec<String> = (0..44).map(|t| format!("tech-{t}")).collect();
        let cities: Vec<String> = (0..15).map(|c| format!("City {c}")).collect();
        let jobs: Vec<OpenJob> = (1..=1_000_000i64)
            .map(|id| {
                let n = usize::try_from(id).unwrap();
                let slugs: Vec<&str> = [n % 44, n * 7 % 44, n * 13 % 44]
                    .iter()
                    .map(|t| technologies[*t].as_str())
                    .collect();
                OpenJob {
                    posted_at: now() - Duration::seconds(id * 5),
                    remote: RemotePolicy::ALL[n * 3 % 7 % 3],
                    seniority: Seniority::ALL[n * 11 % 13 % Seniority::ALL.len()],
                    ..job(id, &cities[n * 5 % 17 % 15], &slugs)
                }
            })
            .collect();
        let catalog = Catalog::build(jobs);
        let slug = |t: &str| Slug::parse(t).unwrap();
        let filters = [
            ("nothing", JobFilter::default()),
            (
                "technology",
                JobFilter {
                    technologies: vec![slug("tech-3")],
                    ..JobFilter::default()
                },
            ),
            (
                "technology, remote",
                JobFilter {
                    technologies: vec![slug("tech-3")],
                    remote: Some(RemotePolicy::Remote),
                    ..JobFilter::default()
                },
            ),
            (
                "remote, seniority",
                JobFilter {
                    remote: Some(RemotePolicy::Onsite),
                    seniorities: vec![Seniority::Senior],
                    ..JobFilter::default()
                },
            ),
            (
                "technology, remote, seniority",
                JobFilter {
                    technologies: vec![slug("tech-3")],
                    remote: Some(RemotePolicy::Remote),
                    seniorities: vec![Seniority::Mid],
                    ..JobFilter::default()
                },
            ),
            (
                "technology, city, remote, seniority",
                JobFilter {
                    technologies: vec![slug("tech-3")],
                    cities: vec!["City 4".to_owned()],
                    remote: Some(RemotePolicy::Remote),
                    seniorities: vec![Seniority::Mid],
                    ..JobFilter::default()
                },
            ),
        ];
        // The value sets and the open jobs, once.
        let warm = CatalogQuery {
            filter: &filters[1].1,
            company_id: None,
            text: None,
            sort: Sort::Newest,
            offset: 0,
            limit: 20,
            salary_steps: &[50_000, 70_000, 90_000],
        };
        let started = std::time::Instant::now();
        catalog.search(&warm, now());
        println!(
            "first search (value sets, open jobs): {:?}",
            started.elapsed()
        );
        for (name, filter) in &filters {
            for offset in [0, 100_000] {
                let query = CatalogQuery {
                    filter,
                    offset,
                    ..warm
                };
                let started = std::time::Instant::now();
                let found = catalog.search(&query, now());
                let searched = started.elapsed();
                let started = std::time::Instant::now();
                catalog.page(&query, now());
                let paged = started.elapsed();
                println!(
                    "{name}, offset {offset}: search {searched:?}, page alone {paged:?} ({} found)",
                    found.total
                );
            }
        }
    }

    /// Run with `cargo test --release -- --ignored salary_stats_of_a_million`.
    #[test]
    #[ignore = "timing on a million jobs"]
    fn salary_stats_of_a_million_jobs() {
        let cities = [
            "Berlin",
            "Hamburg",
            "München",
            "Köln",
            "Frankfurt am Main",
            "Leipzig",
        ];
        let technologies = [
            "rust",
            "go",
            "python",
            "java",
            "react",
            "kubernetes",
            "postgresql",
        ];
        let jobs: Vec<OpenJob> = (1..=1_000_000i64)
            .map(|id| {
                let n = usize::try_from(id).unwrap();
                OpenJob {
                    salary_eur_year: Some(40_000 + i32::try_from(id * 7_919 % 80_000).unwrap()),
                    seniority: Seniority::ALL[n % Seniority::ALL.len()],
                    posted_at: now() - Duration::seconds(id),
                    ..job(
                        1,
                        cities[n % cities.len()],
                        &[
                            technologies[n % 7],
                            technologies[(n / 7) % 7],
                            technologies[(n / 49) % 7],
                        ],
                    )
                }
            })
            .map(|mut j| {
                j.id = j.posted_at.timestamp();
                j
            })
            .collect();
        let catalog = Catalog::build(jobs);
        let started = std::time::Instant::now();
        let stats = catalog.salary_stats(now());
        let took = started.elapsed();
        println!(
            "salary stats of 1,000,000 jobs: {took:?}, {} combinations",
            stats.technology_city_seniorities.len()
        );
        assert_eq!(
            stats.seniorities.values().map(|f| f.count()).sum::<u32>(),
            1_000_000
        );
    }
}
