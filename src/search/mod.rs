//! The text index: which jobs match search words, and how well (BM25), answered from an
//! embedded tantivy index beside the in-memory catalog.
//!
//! PostgreSQL stays the source of truth; the index is derived from it. Each server keeps
//! its own on disk (or in memory, for tests), records in every commit how far it got,
//! is brought up to date at start (rebuilt when missing, from another database or of an
//! older layout) and then follows the catalog's change notifications (see
//! [`sync`]). Nothing here knows HTTP; SQL stays in `repo::search`.

pub mod analyzer;
pub mod query;
pub mod sync;
mod view;

pub use view::TextView;

use crate::domain::open_job::{JobText, TextMatches};
use analyzer::{Analysis, JobTokenizer};
use chrono::{DateTime, Utc};
use query::{Part, SearchWords};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, TantivyDocument, Term};

/// Bumped whenever the fields or the analysis change: an index of another layout is
/// rebuilt.
const LAYOUT_VERSION: u32 = 1;
/// The live writer's indexing memory (tantivy's least for one thread is 15 MB).
const LIVE_WRITER_BYTES: usize = 20_000_000;
/// A rebuild's indexing memory, shared by its threads.
const REBUILD_WRITER_BYTES: usize = 120_000_000;
const REBUILD_THREADS: usize = 2;

/// What went wrong in the text index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("text index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("text index storage: {0}")]
    Storage(#[from] std::io::Error),
    #[error("the text index is being built")]
    NotReady,
}

pub type SearchResult<T> = Result<T, SearchError>;

/// Where an index lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// Gone with the process: tests, and the digest's index of a day's new jobs.
    Memory,
    Directory(PathBuf),
}

/// What each commit records: how far the index got, and from which database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexedThrough {
    pub layout: u32,
    pub database: String,
    /// The newest `updated_at` of the jobs taken in (`None`: no job yet).
    pub changes_through: Option<DateTime<Utc>>,
}

/// A searchable field and how much a match in it counts.
#[derive(Clone, Copy)]
struct TextField {
    field: Field,
    analysis: Analysis,
    /// Whether word positions are kept, for phrases.
    positions: bool,
    weight: Score,
}

#[derive(Clone)]
struct Fields {
    id: Field,
    /// Title, technologies, company, place, facts (seniority, work model, employment),
    /// description: most telling first.
    text: [TextField; 6],
}

fn layout() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let id = builder.add_i64_field("id", INDEXED | FAST);
    let mut text = |name: &str, analysis: Analysis, positions: bool, weight: Score| {
        let record = if positions {
            IndexRecordOption::WithFreqsAndPositions
        } else {
            IndexRecordOption::WithFreqs
        };
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis.tokenizer_name())
                .set_index_option(record),
        );
        TextField {
            field: builder.add_text_field(name, options),
            analysis,
            positions,
            weight,
        }
    };
    let fields = Fields {
        id,
        text: [
            text("title", Analysis::Prose, true, 4.0),
            text("technologies", Analysis::Prose, true, 3.0),
            text("company", Analysis::Name, true, 2.0),
            text("place", Analysis::Name, true, 2.0),
            text("facts", Analysis::Prose, false, 2.0),
            text("description", Analysis::Prose, true, 1.0),
        ],
    };
    (builder.build(), fields)
}

/// One opened index with its reader.
/// Segments are searched side by side, one thread per core shared by every index of
/// the process: a word found in most jobs takes tens of milliseconds on one core.
fn search_executor() -> tantivy::Executor {
    static EXECUTOR: std::sync::OnceLock<tantivy::Executor> = std::sync::OnceLock::new();
    EXECUTOR
        .get_or_init(|| {
            let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
            tantivy::Executor::multi_thread(threads, "text-search-")
                .unwrap_or_else(|_| tantivy::Executor::single_thread())
        })
        .clone()
}

struct Generation {
    index: Index,
    reader: IndexReader,
}

impl Generation {
    fn new(mut index: Index) -> SearchResult<Self> {
        index.set_executor(search_executor());
        for analysis in [Analysis::Prose, Analysis::Name] {
            index
                .tokenizers()
                .register(analysis.tokenizer_name(), JobTokenizer::new(analysis));
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self { index, reader })
    }
}

/// The text index of one server. Searches run on any thread; one thread writes.
pub struct TextIndex {
    location: Location,
    fields: Fields,
    current: RwLock<Option<Arc<Generation>>>,
    /// Opened on the first change and kept: it holds the directory's write lock.
    writer: Mutex<Option<IndexWriter>>,
}

impl TextIndex {
    /// Opens the index at `location`. A directory holding no index, or one of another
    /// layout, leaves it unopened until [`Self::rebuild`]: searches answer
    /// [`SearchError::NotReady`] meanwhile.
    pub fn open(location: Location) -> SearchResult<Self> {
        let (schema, fields) = layout();
        let opened = match &location {
            Location::Memory => None,
            Location::Directory(dir) => open_existing(dir, &schema)?,
        };
        Ok(Self {
            location,
            fields,
            current: RwLock::new(opened.map(Arc::new)),
            writer: Mutex::new(None),
        })
    }

    /// An empty index in memory, to be built by [`Self::rebuild`].
    pub fn in_memory() -> Self {
        Self {
            location: Location::Memory,
            fields: layout().1,
            current: RwLock::new(None),
            writer: Mutex::new(None),
        }
    }

    /// An index in memory of just `jobs` (e.g. a day's new jobs).
    pub fn of_jobs(jobs: &[JobText], names: &HashMap<String, String>) -> SearchResult<Self> {
        let index = Self::in_memory();
        let (schema, _) = layout();
        let generation = Generation::new(Index::create_in_ram(schema))?;
        let mut writer: IndexWriter = generation
            .index
            .writer_with_num_threads(1, LIVE_WRITER_BYTES)?;
        for job in jobs.iter().filter(|j| j.published) {
            writer.add_document(index.document(job, names))?;
        }
        writer.commit()?;
        generation.reader.reload()?;
        *index.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(generation));
        Ok(index)
    }

    fn generation(&self) -> Option<Arc<Generation>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// What the last commit recorded; `None` when there is no usable index.
    pub fn indexed_through(&self) -> SearchResult<Option<IndexedThrough>> {
        let Some(generation) = self.generation() else {
            return Ok(None);
        };
        let payload = generation.index.load_metas()?.payload;
        Ok(payload
            .and_then(|p| serde_json::from_str::<IndexedThrough>(&p).ok())
            .filter(|through| through.layout == LAYOUT_VERSION))
    }

    /// Waits until no other process (a seed, another server on the same directory)
    /// builds or brings up to date this index, and keeps them waiting until the returned
    /// guard is dropped. Then takes up what is on disk: another process may have built
    /// it meanwhile.
    pub fn exclusive(&self) -> SearchResult<Option<std::fs::File>> {
        let Location::Directory(dir) = &self.location else {
            return Ok(None);
        };
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(sibling(dir, "lock"))?;
        lock.lock()?;
        let (schema, _) = layout();
        let on_disk = open_existing(dir, &schema)?;
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        *writer = None;
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = on_disk.map(Arc::new);
        Ok(Some(lock))
    }

    /// Whether an index is open to search.
    pub fn is_ready(&self) -> bool {
        self.generation().is_some()
    }

    /// Jobs in the index.
    pub fn len(&self) -> u64 {
        self.generation()
            .map_or(0, |g| g.reader.searcher().num_docs())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn document(&self, job: &JobText, names: &HashMap<String, String>) -> TantivyDocument {
        let [title, technologies, company, place, facts, description] = self.fields.text;
        let mut doc = TantivyDocument::default();
        doc.add_i64(self.fields.id, job.id);
        doc.add_text(title.field, &job.title);
        for slug in &job.technology_slugs {
            let name = names.get(slug).map_or(slug.as_str(), String::as_str);
            doc.add_text(technologies.field, name);
            if !name.eq_ignore_ascii_case(slug) {
                doc.add_text(technologies.field, slug);
            }
        }
        doc.add_text(company.field, &job.company);
        if let Some(city) = &job.city {
            doc.add_text(place.field, city);
        }
        doc.add_text(
            facts.field,
            format!(
                "{} {} {}",
                job.seniority.label(),
                job.remote.label(),
                job.employment.label()
            ),
        );
        doc.add_text(description.field, &job.description);
        doc
    }

    /// Builds the index anew from `load`, which hands over every published job in
    /// chunks (an empty chunk ends it); `total` is what progress is measured against.
    /// Searches keep using the old index until the new one is complete.
    pub fn rebuild(
        &self,
        mut load: impl FnMut() -> anyhow::Result<Vec<JobText>>,
        names: &HashMap<String, String>,
        through: &IndexedThrough,
        mut progress: impl FnMut(u64),
    ) -> anyhow::Result<u64> {
        let (schema, _) = layout();
        let building = match &self.location {
            Location::Memory => None,
            Location::Directory(dir) => {
                let building = sibling(dir, "building");
                if building.exists() {
                    std::fs::remove_dir_all(&building)?;
                }
                std::fs::create_dir_all(&building)?;
                Some(building)
            }
        };
        let index = match &building {
            None => Index::create_in_ram(schema),
            Some(path) => Index::create_in_dir(path, schema)?,
        };
        let generation = Generation::new(index)?;
        let mut writer: IndexWriter = generation
            .index
            .writer_with_num_threads(REBUILD_THREADS, REBUILD_WRITER_BYTES)?;
        let mut added = 0u64;
        loop {
            let chunk = load()?;
            if chunk.is_empty() {
                break;
            }
            for job in chunk.iter().filter(|j| j.published) {
                writer.add_document(self.document(job, names))?;
                added += 1;
            }
            progress(added);
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&serde_json::to_string(through)?);
        commit.commit()?;
        writer.wait_merging_threads()?;
        // The old writer holds the old directory's lock and its segments: it goes first.
        *self.writer.lock().unwrap_or_else(|e| e.into_inner()) = None;
        let generation = match (&self.location, building) {
            (Location::Directory(dir), Some(building)) => {
                let old = sibling(dir, "old");
                if old.exists() {
                    std::fs::remove_dir_all(&old)?;
                }
                if dir.exists() {
                    std::fs::rename(dir, &old)?;
                }
                std::fs::rename(&building, dir)?;
                if old.exists() {
                    std::fs::remove_dir_all(&old)?;
                }
                let (schema, _) = layout();
                open_existing(dir, &schema)?
                    .ok_or_else(|| anyhow::anyhow!("the rebuilt text index cannot be opened"))?
            }
            _ => {
                generation.reader.reload()?;
                generation
            }
        };
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(generation));
        Ok(added)
    }

    /// Takes in changed jobs: each is dropped and, when still published, added again.
    /// `gone` are ids no longer in the database.
    pub fn apply(
        &self,
        changed: &[JobText],
        gone: &[i64],
        names: &HashMap<String, String>,
        through: &IndexedThrough,
    ) -> SearchResult<()> {
        let Some(generation) = self.generation() else {
            return Err(SearchError::NotReady);
        };
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if writer.is_none() {
            *writer = Some(
                generation
                    .index
                    .writer_with_num_threads(1, LIVE_WRITER_BYTES)?,
            );
        }
        let Some(writer) = writer.as_mut() else {
            return Err(SearchError::NotReady);
        };
        for id in changed.iter().map(|j| j.id).chain(gone.iter().copied()) {
            writer.delete_term(Term::from_field_i64(self.fields.id, id));
        }
        for job in changed.iter().filter(|j| j.published) {
            writer.add_document(self.document(job, names))?;
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&serde_json::to_string(through).unwrap_or_default());
        commit.commit()?;
        generation.reader.reload()?;
        Ok(())
    }

    /// Records `through` without any change (after checking the index is current).
    pub fn mark(&self, through: &IndexedThrough) -> SearchResult<()> {
        self.apply(&[], &[], &HashMap::new(), through)
    }

    /// The index as it is now, each document mapped to its job's position among `len`
    /// by `position_of` (see [`TextView`]); the sets of words searched take up to
    /// `parts_bytes`.
    pub fn view(
        &self,
        len: usize,
        position_of: impl Fn(i64) -> Option<u32>,
        parts_bytes: usize,
    ) -> SearchResult<TextView> {
        let generation = self.generation().ok_or(SearchError::NotReady)?;
        TextView::new(
            generation.reader.searcher(),
            self.fields.clone(),
            len,
            position_of,
            parts_bytes,
        )
    }

    /// The jobs matching `text` (words, "phrases", -exclusions) with their scores.
    pub fn search(&self, text: &str) -> SearchResult<TextMatches> {
        let generation = self.generation().ok_or(SearchError::NotReady)?;
        let searcher = generation.reader.searcher();
        let Some(query) = self.fields.query(&SearchWords::parse(text), &searcher)? else {
            return Ok(TextMatches::default());
        };
        let found = searcher.search(query.as_ref(), &AllMatches)?;
        Ok(found.into_iter().collect())
    }
}

impl Fields {
    /// The terms whose boosted BM25 scores add up to a match's rank, with their field's
    /// weight (a word repeated counts twice, as in the full query); `None` when the
    /// words need more than single terms (a phrase or a word of several terms in a
    /// field, a mistyped word that its neighbours stand in for).
    fn flat_terms(
        &self,
        words: &SearchWords,
        searcher: &tantivy::Searcher,
    ) -> SearchResult<Option<Vec<(Term, Score)>>> {
        let mut terms = Vec::new();
        for part in words.required.iter().flatten() {
            let (Part::Word(text) | Part::Phrase(text)) = part;
            let mut known = false;
            for field in self.text {
                let analysed = analyzer::terms(text, field.analysis);
                let [one] = analysed.as_slice() else {
                    if analysed.is_empty() {
                        continue;
                    }
                    return Ok(None);
                };
                let term = Term::from_field_text(field.field, one);
                known |= searcher.doc_freq(&term)? > 0;
                terms.push((term, field.weight));
            }
            if !known && matches!(part, Part::Word(_)) && typo_tolerant(text) {
                return Ok(None);
            }
        }
        Ok(Some(terms))
    }

    fn query(
        &self,
        words: &SearchWords,
        searcher: &tantivy::Searcher,
    ) -> SearchResult<Option<Box<dyn Query>>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &words.required {
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for part in group {
                if let Some(q) = self.part_query(part, searcher)? {
                    alternatives.push((Occur::Should, q));
                }
            }
            match alternatives.len() {
                0 => {}
                1 => clauses.extend(alternatives.into_iter().map(|(_, q)| (Occur::Must, q))),
                _ => clauses.push((Occur::Must, Box::new(BooleanQuery::new(alternatives)))),
            }
        }
        let required = !clauses.is_empty();
        for part in &words.excluded {
            if let Some(q) = self.part_query(part, searcher)? {
                clauses.push((Occur::MustNot, q));
            }
        }
        if clauses.is_empty() {
            return Ok(None);
        }
        if !required {
            // Only exclusions: every job but those.
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }

    /// One word or phrase, looked for in every field; `None` when it holds no term
    /// (punctuation only).
    fn part_query(
        &self,
        part: &Part,
        searcher: &tantivy::Searcher,
    ) -> SearchResult<Option<Box<dyn Query>>> {
        let (Part::Word(text) | Part::Phrase(text)) = part;
        let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut known = false;
        let mut single_terms = Vec::new();
        for field in self.text {
            let terms: Vec<Term> = analyzer::terms(text, field.analysis)
                .iter()
                .map(|t| Term::from_field_text(field.field, t))
                .collect();
            let query: Box<dyn Query> = match terms.len() {
                0 => continue,
                1 => {
                    let term = terms[0].clone();
                    known |= searcher.doc_freq(&term)? > 0;
                    single_terms.push((field, term.clone()));
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
                }
                // "front-end", "machine learning": the words in that order, where the
                // field keeps positions; elsewhere all of them.
                _ if field.positions => Box::new(PhraseQuery::new(terms)),
                _ => Box::new(BooleanQuery::new(
                    terms
                        .into_iter()
                        .map(|t| {
                            (
                                Occur::Must,
                                Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
                                    as Box<dyn Query>,
                            )
                        })
                        .collect(),
                )),
            };
            per_field.push((
                Occur::Should,
                Box::new(BoostQuery::new(query, field.weight)),
            ));
        }
        if per_field.is_empty() {
            return Ok(None);
        }
        // A word of five letters or more that no job contains is probably mistyped:
        // terms one edit away (two from nine letters) count instead.
        if !known && matches!(part, Part::Word(_)) && typo_tolerant(text) {
            let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
            let distance = if letters >= 9 { 2 } else { 1 };
            for (field, term) in single_terms {
                let fuzzy = FuzzyTermQuery::new(term, distance, true);
                per_field.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(fuzzy), field.weight * 0.5)),
                ));
            }
        }
        Ok(Some(Box::new(BooleanQuery::new(per_field))))
    }
}

/// Whether a word is long enough to be matched by its neighbours when no job has it.
fn typo_tolerant(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphanumeric()).count() >= 5
}

/// `dir` with a suffix, beside it.
fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "search-index".to_owned());
    dir.with_file_name(format!("{name}.{suffix}"))
}

/// The index in `dir` when there is one of this layout.
fn open_existing(dir: &Path, schema: &Schema) -> SearchResult<Option<Generation>> {
    if !dir.join("meta.json").exists() {
        return Ok(None);
    }
    let index = match Index::open_in_dir(dir) {
        Ok(index) => index,
        Err(e) => {
            tracing::warn!(error = %e, dir = %dir.display(), "the text index cannot be opened; it will be rebuilt");
            return Ok(None);
        }
    };
    if index.schema() != *schema {
        return Ok(None);
    }
    Ok(Some(Generation::new(index)?))
}

/// Collects every match with its score and job id.
struct AllMatches;

struct SegmentMatches {
    ids: tantivy::columnar::Column<i64>,
    found: Vec<(i64, f32)>,
}

impl Collector for AllMatches {
    type Fruit = Vec<(i64, f32)>;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        _segment: u32,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            ids: reader.fast_fields().i64("id")?,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(i64, f32)>>) -> tantivy::Result<Vec<(i64, f32)>> {
        let mut all = Vec::with_capacity(fruits.iter().map(Vec::len).sum());
        for fruit in fruits {
            all.extend(fruit);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<(i64, f32)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(id) = self.ids.first(doc) {
            self.found.push((id, score));
        }
    }

    fn harvest(self) -> Vec<(i64, f32)> {
        self.found
    }
}
