//! The text index as one catalog snapshot sees it: every document mapped to the job's
//! catalog position, so that search words become a set of positions, and a page's jobs
//! are ranked only among the jobs that pass its filters.
//!
//! Which jobs match is found without scoring (a word in most jobs has a million
//! postings over six fields; adding up their scores cost more than the rest of the
//! search). Scores are computed for a page only, one of three ways:
//!
//! - few jobs to rank (a narrow filter): each one's score is added up from its terms'
//!   postings, skipping to it;
//! - many, and the words are plain terms: block-max WAND over the terms, which skips
//!   the blocks of postings that cannot reach the page's lowest score;
//! - phrases and mistyped words: every match is scored.

use super::query::{Part, SearchWords};
use super::{Fields, SearchResult};
use crate::domain::positions::{BestPositions, PositionSet, Ranking};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, Term};

const NO_POSITION: u32 = u32::MAX;
/// A document's address in 32 bits: its segment above these bits, its number below.
const DOC_BITS: u32 = 24;
const MAX_SEGMENTS: usize = 1 << (32 - DOC_BITS);
/// Up to this many jobs to rank are scored one by one; more go through block-max WAND.
const SCORED_ONE_BY_ONE: usize = 2_000;

/// The index pinned at one moment, with each document's catalog position.
pub struct TextView {
    searcher: tantivy::Searcher,
    fields: Fields,
    /// Catalog positions: the sets' size.
    len: usize,
    /// Per segment, each document's position; [`NO_POSITION`] for a deleted document
    /// or a job the snapshot does not hold.
    positions: Vec<Vec<u32>>,
    /// Per position, its document (see [`DOC_BITS`]); empty when some segment is too
    /// large to pack, and then nothing is scored one by one.
    documents: Vec<u32>,
    /// The jobs matching each word or phrase searched lately: searches share their
    /// words ("senior", "berlin"), and a word in most jobs costs milliseconds to look up.
    parts: Mutex<PartCache>,
    /// How many sets [`Self::parts`] keeps.
    parts_kept: usize,
    /// Every job the index holds (what a search of only exclusions starts from).
    everything: OnceLock<PositionSet>,
}

/// One word's set once looked up; searches of the same new word wait on its lock.
type PartSlot = Arc<Mutex<Option<Arc<PositionSet>>>>;

/// Sets by word or phrase, the least recently used dropped first.
#[derive(Default)]
struct PartCache {
    entries: HashMap<String, (PartSlot, u64)>,
    uses: u64,
}

impl TextView {
    /// Maps every live document of `searcher` through `position_of` (job id → position
    /// among `len`); the sets of words searched take up to `parts_bytes`.
    pub(super) fn new(
        searcher: tantivy::Searcher,
        fields: Fields,
        len: usize,
        position_of: impl Fn(i64) -> Option<u32>,
        parts_bytes: usize,
    ) -> SearchResult<Self> {
        let readers = searcher.segment_readers();
        let packable =
            readers.len() <= MAX_SEGMENTS && readers.iter().all(|r| r.max_doc() < (1 << DOC_BITS));
        let mut documents = if packable {
            vec![NO_POSITION; len]
        } else {
            Vec::new()
        };
        let mut positions = Vec::with_capacity(readers.len());
        for (segment, reader) in readers.iter().enumerate() {
            let ids = reader.fast_fields().i64("id")?;
            let alive = reader.alive_bitset();
            let mut of_segment = vec![NO_POSITION; reader.max_doc() as usize];
            for doc in 0..reader.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let Some(position) = ids.first(doc).and_then(&position_of) else {
                    continue;
                };
                of_segment[doc as usize] = position;
                if let Some(slot) = documents.get_mut(position as usize) {
                    *slot = (u32::try_from(segment).unwrap_or(0) << DOC_BITS) | doc;
                }
            }
            positions.push(of_segment);
        }
        Ok(Self {
            searcher,
            fields,
            len,
            positions,
            documents,
            parts: Mutex::new(PartCache::default()),
            parts_kept: (parts_bytes / PositionSet::empty(len).bytes().max(1)).max(1),
            everything: OnceLock::new(),
        })
    }

    /// Bytes held besides the sets of words (the index's own files are mapped, not
    /// counted).
    pub fn bytes(&self) -> usize {
        self.positions.iter().map(|p| p.len() * 4).sum::<usize>() + self.documents.len() * 4
    }

    /// The positions of the jobs matching `text` (words, "phrases", -exclusions): the
    /// jobs of each word or phrase, combined as the query says.
    pub fn matching(&self, text: &str) -> SearchResult<PositionSet> {
        let words = SearchWords::parse(text);
        let mut matched: Option<PositionSet> = None;
        for group in &words.required {
            let mut any: Option<PositionSet> = None;
            for part in group {
                let Some(set) = self.part(part)? else {
                    continue;
                };
                match &mut any {
                    Some(any) => any.unite(&set),
                    None => any = Some((*set).clone()),
                }
            }
            // A part of punctuation only asks for nothing.
            let Some(any) = any else { continue };
            match &mut matched {
                Some(matched) => matched.intersect(&any),
                None => matched = Some(any),
            }
        }
        let mut excluded = Vec::new();
        for part in &words.excluded {
            excluded.extend(self.part(part)?);
        }
        let mut matched = match matched {
            Some(matched) => matched,
            None if !excluded.is_empty() => self.everything().clone(),
            None => return Ok(PositionSet::empty(self.len)),
        };
        for set in excluded {
            matched.subtract(&set);
        }
        Ok(matched)
    }

    /// The jobs of one word or phrase in any field, from the cache or the index; `None`
    /// when it holds no term.
    fn part(&self, part: &Part) -> SearchResult<Option<Arc<PositionSet>>> {
        let key = match part {
            Part::Word(text) => format!("w:{}", text.to_lowercase()),
            Part::Phrase(text) => format!("p:{}", text.to_lowercase()),
        };
        let slot = {
            let mut cache = self.parts.lock().unwrap_or_else(|e| e.into_inner());
            cache.uses += 1;
            let uses = cache.uses;
            if !cache.entries.contains_key(&key) && cache.entries.len() >= self.parts_kept {
                let oldest = cache
                    .entries
                    .iter()
                    .min_by_key(|(_, (_, used))| *used)
                    .map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    cache.entries.remove(&oldest);
                }
            }
            let (slot, used) = cache.entries.entry(key).or_default();
            *used = uses;
            slot.clone()
        };
        // Searches of the same new word wait for one lookup.
        let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(set) = slot.as_ref() {
            return Ok(Some(set.clone()));
        }
        let Some(query) = self.fields.part_query(part, &self.searcher)? else {
            return Ok(None);
        };
        let weight = query.weight(EnableScoring::disabled_from_searcher(&self.searcher))?;
        let mut set = PositionSet::empty(self.len);
        for (segment, reader) in self.searcher.segment_readers().iter().enumerate() {
            let positions = &self.positions[segment];
            weight.for_each_no_score(reader, &mut |docs: &[DocId]| {
                for &doc in docs {
                    let position = positions[doc as usize];
                    if position != NO_POSITION {
                        set.insert(position);
                    }
                }
            })?;
        }
        let set = Arc::new(set);
        *slot = Some(set.clone());
        Ok(Some(set))
    }

    fn everything(&self) -> &PositionSet {
        self.everything.get_or_init(|| {
            let mut all = PositionSet::empty(self.len);
            for position in self.positions.iter().flatten() {
                if *position != NO_POSITION {
                    all.insert(*position);
                }
            }
            all
        })
    }

    /// The best `wanted` of `among` (positions of jobs matching `text`) by their BM25
    /// rank, best first; a tie goes to the newer job.
    pub fn best(&self, text: &str, among: &PositionSet, wanted: usize) -> SearchResult<Vec<u32>> {
        let words = SearchWords::parse(text);
        let mut best = BestPositions::new(wanted);
        if wanted == 0 {
            return Ok(Vec::new());
        }
        match self.fields.flat_terms(&words, &self.searcher)? {
            // Only exclusions: every job ranks alike.
            Some(terms) if terms.is_empty() => return Ok(among.iter().take(wanted).collect()),
            Some(terms) if !self.documents.is_empty() && among.len() <= SCORED_ONE_BY_ONE => {
                self.score_one_by_one(&terms, among, &mut best)?;
            }
            Some(terms) => self.score_pruned(&terms, among, wanted, &mut best)?,
            None => self.score_every_match(&words, among, &mut best)?,
        }
        Ok(best.page(0))
    }

    /// Adds up each job's score from its terms' postings, skipping to its document.
    fn score_one_by_one(
        &self,
        terms: &[(Term, Score)],
        among: &PositionSet,
        best: &mut BestPositions,
    ) -> SearchResult<()> {
        for (position, score) in self.scores(terms, among)? {
            best.offer_rank(score, position);
        }
        Ok(())
    }

    /// Each job's score, added up in the order of `terms` (so that every way of ranking
    /// that ends here gives a job the same score to the last bit).
    fn scores(
        &self,
        terms: &[(Term, Score)],
        among: &PositionSet,
    ) -> SearchResult<Vec<(u32, Score)>> {
        let weights = self.term_weights(terms)?;
        let mut scores = Vec::with_capacity(among.len());
        let mut documents: Vec<(u32, u32)> = among
            .iter()
            .filter_map(|position| {
                let document = self.documents[position as usize];
                (document != NO_POSITION).then_some((document, position))
            })
            .collect();
        documents.sort_unstable();
        let readers = self.searcher.segment_readers();
        for in_segment in documents.chunk_by(|a, b| a.0 >> DOC_BITS == b.0 >> DOC_BITS) {
            let reader = &readers[(in_segment[0].0 >> DOC_BITS) as usize];
            let mut scorers = weights
                .iter()
                .map(|w| w.scorer(reader, 1.0))
                .collect::<tantivy::Result<Vec<_>>>()?;
            for &(document, position) in in_segment {
                let doc = document & ((1 << DOC_BITS) - 1);
                let mut score = 0.0;
                for scorer in &mut scorers {
                    if scorer.doc() < doc {
                        scorer.seek(doc);
                    }
                    if scorer.doc() == doc {
                        score += scorer.score();
                    }
                }
                scores.push((position, score));
            }
        }
        Ok(scores)
    }

    /// Block-max WAND over the terms: blocks of postings whose best possible score
    /// cannot beat the page's lowest are skipped unread. WAND adds up a job's term
    /// scores in whichever order its postings line up, so equal jobs can differ in the
    /// last bit: it only picks the contenders (a little below the page's lowest too),
    /// and they are scored again one by one.
    fn score_pruned(
        &self,
        terms: &[(Term, Score)],
        among: &PositionSet,
        wanted: usize,
        best: &mut BestPositions,
    ) -> SearchResult<()> {
        let any: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|(term, weight)| (Occur::Should, boosted_term(term, *weight)))
            .collect();
        let weight =
            BooleanQuery::new(any).weight(EnableScoring::enabled_from_searcher(&self.searcher))?;
        let mut sighted = BestPositions::new(wanted);
        let mut contenders = PositionSet::empty(self.len);
        for (segment, reader) in self.searcher.segment_readers().iter().enumerate() {
            let positions = &self.positions[segment];
            weight.for_each_pruning(threshold(&sighted), reader, &mut |doc, score| {
                let position = positions[doc as usize];
                if position != NO_POSITION && among.contains(position) {
                    sighted.offer_rank(score, position);
                    contenders.insert(position);
                }
                threshold(&sighted)
            })?;
        }
        if self.documents.is_empty() {
            for position in sighted.page(0) {
                best.offer(u32::MAX - position, position);
            }
            return Ok(());
        }
        self.score_one_by_one(terms, &contenders, best)
    }

    /// Scores every match of the full query (phrases, mistyped words).
    fn score_every_match(
        &self,
        words: &SearchWords,
        among: &PositionSet,
        best: &mut BestPositions,
    ) -> SearchResult<()> {
        let Some(query) = self.fields.query(words, &self.searcher)? else {
            return Ok(());
        };
        let weight = query.weight(EnableScoring::enabled_from_searcher(&self.searcher))?;
        for (segment, reader) in self.searcher.segment_readers().iter().enumerate() {
            let positions = &self.positions[segment];
            weight.for_each(reader, &mut |doc, score| {
                let position = positions[doc as usize];
                if position != NO_POSITION && among.contains(position) {
                    best.offer_rank(score, position);
                }
            })?;
        }
        Ok(())
    }

    fn term_weights(&self, terms: &[(Term, Score)]) -> SearchResult<Vec<Box<dyn Weight>>> {
        let scoring = EnableScoring::enabled_from_searcher(&self.searcher);
        Ok(terms
            .iter()
            .map(|(term, weight)| boosted_term(term, *weight).weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()?)
    }
}

fn boosted_term(term: &Term, weight: Score) -> Box<dyn Query> {
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
        weight,
    ))
}

/// How far below the page's lowest score a job still contends: far more than the
/// rounding of a few dozen additions.
const CONTENDING: Score = 1e-4;

/// The score a match must beat to be offered: a little below the page's lowest once the
/// page is full (an equal score may still win on newness), anything before.
fn threshold(best: &BestPositions) -> Score {
    best.least_rank()
        .map_or(-1.0, |least| least - least.abs() * CONTENDING)
}

/// How the jobs matching one search's words rank, for the catalog's pages.
pub struct RankedWords {
    view: Arc<TextView>,
    text: String,
}

impl TextView {
    /// The ranking of `text`'s matches.
    pub fn ranking(self: &Arc<Self>, text: &str) -> RankedWords {
        RankedWords {
            view: self.clone(),
            text: text.to_owned(),
        }
    }
}

impl Ranking for RankedWords {
    fn best(&self, among: &PositionSet, wanted: usize) -> Vec<u32> {
        self.view
            .best(&self.text, among, wanted)
            .unwrap_or_else(|e| {
                // The page still lists the matches, newest first.
                tracing::error!(error = %e, words = %self.text, "cannot rank text matches");
                among.iter().take(wanted).collect()
            })
    }

    fn bytes(&self) -> usize {
        self.text.len() + 64
    }
}

#[cfg(test)]
mod tests {
    use super::super::TextIndex;
    use super::*;
    use crate::domain::job::{EmploymentType, RemotePolicy, Seniority};
    use crate::domain::open_job::JobText;
    use std::collections::HashMap;

    /// Jobs 1..=n from a small vocabulary, so that words recur with many frequencies.
    fn jobs(n: i64) -> Vec<JobText> {
        let titles = [
            "Rust Developer",
            "Senior Data Engineer",
            "Platform Engineer",
            "Go Developer",
            "Data Analyst",
        ];
        let words = [
            "rust",
            "data",
            "platform",
            "team",
            "berlin",
            "cloud",
            "go",
            "developer",
            "remote",
            "and",
        ];
        let cities = ["Berlin", "München", "Köln"];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        (1..=n)
            .map(|id| JobText {
                id,
                published: true,
                updated_at: chrono::Utc::now(),
                title: titles[next(titles.len())].to_owned(),
                company: format!("Company {}", next(20)),
                city: Some(cities[next(cities.len())].to_owned()),
                seniority: Seniority::ALL[next(Seniority::ALL.len())],
                remote: RemotePolicy::ALL[next(RemotePolicy::ALL.len())],
                employment: EmploymentType::FullTime,
                technology_slugs: vec![["rust", "go", "python"][next(3)].to_owned()],
                description: (0..5 + next(40))
                    .map(|_| words[next(words.len())])
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect()
    }

    #[test]
    fn every_way_of_ranking_picks_the_same_best_jobs() {
        let n = 4_000;
        let index = TextIndex::of_jobs(&jobs(n), &HashMap::new()).unwrap();
        let len = usize::try_from(n).unwrap();
        let view = index
            .view(len, |id| u32::try_from(id - 1).ok(), 1 << 20)
            .unwrap();
        for text in [
            "rust",
            "senior data",
            "berlin developer",
            "platform or cloud",
            "team -go",
            "data data",
            "-rust",
            "\"rust developer\" berlin",
        ] {
            let matched = view.matching(text).unwrap();
            // The same jobs as scoring every match of the full query.
            let scored: PositionSet = PositionSet::of(
                len,
                index
                    .search(text)
                    .unwrap()
                    .iter()
                    .map(|(id, _)| u32::try_from(id - 1).unwrap()),
            );
            assert_eq!(matched, scored, "{text}");
            assert!(!matched.is_empty(), "{text}");
            let mut every_third = PositionSet::empty(len);
            for p in matched.iter().filter(|p| p % 3 == 0) {
                every_third.insert(p);
            }
            let words = SearchWords::parse(text);
            let Some(terms) = view.fields.flat_terms(&words, &view.searcher).unwrap() else {
                // A phrase: only the full query can rank it.
                let best = view.best(text, &matched, 20).unwrap();
                assert_eq!(best.len(), matched.len().min(20), "{text}");
                continue;
            };
            if terms.is_empty() {
                // Only exclusions: every match ranks alike, so the newest come first.
                let newest: Vec<u32> = matched.iter().take(20).collect();
                assert_eq!(view.best(text, &matched, 20).unwrap(), newest, "{text}");
                continue;
            }
            let score: HashMap<u32, Score> =
                view.scores(&terms, &matched).unwrap().into_iter().collect();
            for among in [&matched, &every_third] {
                for wanted in [1, 20, 300] {
                    let mut one_by_one = BestPositions::new(wanted);
                    view.score_one_by_one(&terms, among, &mut one_by_one)
                        .unwrap();
                    let one_by_one = one_by_one.page(0);
                    let mut pruned = BestPositions::new(wanted);
                    view.score_pruned(&terms, among, wanted, &mut pruned)
                        .unwrap();
                    assert_eq!(pruned.page(0), one_by_one, "{text} {wanted}: pruned");
                    // The full query adds up the same scores in another order: the
                    // same ranks, within rounding.
                    let mut every = BestPositions::new(wanted);
                    view.score_every_match(&words, among, &mut every).unwrap();
                    let every = every.page(0);
                    assert_eq!(every.len(), wanted.min(among.len()), "{text}");
                    for (a, b) in one_by_one.iter().zip(&every) {
                        let (a, b) = (score[a], score[b]);
                        assert!(
                            (a - b).abs() <= a.abs() * 1e-5,
                            "{text} {wanted}: {a} vs {b}"
                        );
                    }
                    let scores: Vec<Score> = one_by_one.iter().map(|p| score[p]).collect();
                    assert!(scores.is_sorted_by(|a, b| a >= b), "{text}: best first");
                }
            }
        }
    }
}
