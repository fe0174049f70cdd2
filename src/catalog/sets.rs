//! Sets of catalog positions as bits: the jobs of each filter value, the open jobs, and
//! the set algebra a query is answered with.
//!
//! A million jobs make a set of 125 KB. Intersecting two is a pass over 15,600 words,
//! counting one a pass with `popcnt`: a filter with three values takes microseconds
//! where walking its jobs one by one took milliseconds, and the n-th job of a deep page
//! is found by counting whole words.

use super::{Dimension, Entry};
use std::sync::{Arc, Mutex};

/// Catalog positions `0..len`, one bit each.
#[derive(Clone, PartialEq, Eq)]
pub struct PositionSet {
    words: Vec<u64>,
}

impl std::fmt::Debug for PositionSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PositionSet({} of {})",
            self.len(),
            self.words.len() * 64
        )
    }
}

impl PositionSet {
    /// No position of `len`.
    pub fn empty(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
        }
    }

    /// Positions `0..end` of `len`.
    pub fn below(len: usize, end: usize) -> Self {
        let end = end.min(len);
        let mut set = Self::empty(len);
        set.words[..end / 64].fill(!0);
        if !end.is_multiple_of(64) {
            set.words[end / 64] = (1u64 << (end % 64)) - 1;
        }
        set
    }

    /// `positions` (each below `len`) as a set.
    pub fn of(len: usize, positions: impl IntoIterator<Item = u32>) -> Self {
        let mut set = Self::empty(len);
        for p in positions {
            set.insert(p);
        }
        set
    }

    pub fn insert(&mut self, position: u32) {
        self.words[position as usize / 64] |= 1 << (position % 64);
    }

    pub fn remove(&mut self, position: u32) {
        self.words[position as usize / 64] &= !(1 << (position % 64));
    }

    pub fn contains(&self, position: u32) -> bool {
        self.words
            .get(position as usize / 64)
            .is_some_and(|w| w & (1 << (position % 64)) != 0)
    }

    /// How many positions the set holds.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// Keeps only the positions also in `other`.
    pub fn intersect(&mut self, other: &Self) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    /// Adds the positions of `other`.
    pub fn unite(&mut self, other: &Self) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// How many positions are in both sets, without building their intersection.
    pub fn count_common(&self, other: &Self) -> usize {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    /// How many positions below `end` the set holds.
    pub fn count_below(&self, end: usize) -> usize {
        let full = (end / 64).min(self.words.len());
        let mut count: usize = self.words[..full]
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum();
        if !end.is_multiple_of(64)
            && let Some(w) = self.words.get(end / 64)
        {
            count += (w & ((1u64 << (end % 64)) - 1)).count_ones() as usize;
        }
        count
    }

    /// The positions, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.iter_from(0)
    }

    /// The positions from the `skip`-th one on (0-based), ascending: whole words are
    /// counted, not walked.
    pub fn iter_from(&self, skip: usize) -> impl Iterator<Item = u32> + '_ {
        let (mut at, mut left) = (0, skip);
        while at < self.words.len() {
            let ones = self.words[at].count_ones() as usize;
            if ones > left {
                break;
            }
            left -= ones;
            at += 1;
        }
        let mut first = self.words.get(at).copied().unwrap_or(0);
        for _ in 0..left {
            first &= first.wrapping_sub(1);
        }
        let first_at = at.min(self.words.len());
        self.words[first_at..]
            .iter()
            .enumerate()
            .flat_map(move |(i, &word)| {
                let mut word = if i == 0 { first } else { word };
                let base = u32::try_from((first_at + i) * 64).unwrap_or(u32::MAX);
                std::iter::from_fn(move || {
                    (word != 0).then(|| {
                        let bit = word.trailing_zeros();
                        word &= word - 1;
                        base + bit
                    })
                })
            })
    }

    /// Bytes held, for memory budgets.
    pub fn bytes(&self) -> usize {
        self.words.len() * 8
    }
}

/// The jobs of each filter value, and what is derived from them per snapshot: built
/// on a snapshot's first filtered query, about 10 MB at a million jobs (80 value sets
/// of 125 KB, the companies' position lists and an expiry column).
#[derive(Debug)]
pub(super) struct ValueSets {
    pub(super) technologies: Vec<PositionSet>,
    pub(super) cities: Vec<PositionSet>,
    pub(super) remote: Vec<PositionSet>,
    pub(super) seniority: Vec<PositionSet>,
    pub(super) employment: Vec<PositionSet>,
    /// A company has a few hundred jobs at most: a list, made a set per query.
    pub(super) companies: std::collections::HashMap<i64, Vec<u32>>,
    /// Each job's expiry, to find the open jobs without reading every entry.
    expiry_micros: Vec<i64>,
    /// The open jobs as last counted (see [`OpenJobs`]).
    open: Mutex<Option<Arc<OpenJobs>>>,
    /// The jobs paying at least an amount, by amount (a few: the form's steps).
    salary_at_least: Mutex<Vec<(i32, Arc<PositionSet>)>>,
}

/// The jobs open at any time within `[from, until)` microseconds: no job expires in
/// between, so one set answers every query until the next job expires.
#[derive(Debug)]
pub(super) struct OpenJobs {
    from: i64,
    until: i64,
    pub(super) jobs: PositionSet,
}

/// Salary thresholds kept per snapshot; a URL can ask for any amount.
const SALARY_SETS_KEPT: usize = 16;

impl ValueSets {
    pub(super) fn of(entries: &[Entry], dictionary: &super::Dictionary) -> Self {
        let len = entries.len();
        let sets = |n: usize| vec![PositionSet::empty(len); n];
        let mut built = Self {
            technologies: sets(dictionary.technologies.len()),
            cities: sets(dictionary.cities.len()),
            remote: sets(super::RemotePolicy::ALL.len()),
            seniority: sets(super::Seniority::ALL.len()),
            employment: sets(super::EmploymentType::ALL.len()),
            companies: std::collections::HashMap::new(),
            expiry_micros: entries.iter().map(|e| e.valid_through_micros).collect(),
            open: Mutex::new(None),
            salary_at_least: Mutex::new(Vec::new()),
        };
        for (position, entry) in entries.iter().enumerate() {
            let position = u32::try_from(position).unwrap_or(u32::MAX);
            super::for_each_technology(entry, dictionary, |t| {
                built.technologies[t].insert(position);
            });
            built.cities[usize::from(entry.city)].insert(position);
            built.remote[entry.remote as usize].insert(position);
            built.seniority[entry.seniority as usize].insert(position);
            built.employment[entry.employment as usize].insert(position);
            built
                .companies
                .entry(entry.company_id)
                .or_default()
                .push(position);
        }
        for list in built.companies.values_mut() {
            list.shrink_to_fit();
        }
        built
    }

    /// The jobs open at `now_micros` (not yet expired).
    pub(super) fn open_at(&self, now_micros: i64) -> Arc<OpenJobs> {
        let mut kept = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(open) = kept.as_ref()
            && (open.from..open.until).contains(&now_micros)
        {
            return open.clone();
        }
        let len = self.expiry_micros.len();
        let mut jobs = PositionSet::empty(len);
        let (mut from, mut until) = (i64::MIN, i64::MAX);
        for (position, &expiry) in self.expiry_micros.iter().enumerate() {
            if expiry > now_micros {
                jobs.insert(u32::try_from(position).unwrap_or(u32::MAX));
                until = until.min(expiry);
            } else {
                from = from.max(expiry);
            }
        }
        let open = Arc::new(OpenJobs { from, until, jobs });
        // A thread with an older clock reading keeps a newer set.
        if kept.as_ref().is_none_or(|k| k.until <= now_micros) {
            *kept = Some(open.clone());
        }
        open
    }

    /// The jobs paying at least `min` a year: the first `paid` of the salary order.
    pub(super) fn salary_at_least(
        &self,
        min: i32,
        by_salary: &[u32],
        paid: usize,
    ) -> Arc<PositionSet> {
        let mut kept = self
            .salary_at_least
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some((_, set)) = kept.iter().find(|(amount, _)| *amount == min) {
            return set.clone();
        }
        let set = Arc::new(PositionSet::of(
            self.expiry_micros.len(),
            by_salary[..paid].iter().copied(),
        ));
        if kept.len() >= SALARY_SETS_KEPT {
            kept.clear();
        }
        kept.push((min, set.clone()));
        set
    }
}

/// A query as sets: the jobs passing everything, and per filtered dimension the jobs
/// passing every filter but that one (what that dimension's options count).
pub(super) struct Plan {
    pub(super) all: PositionSet,
    pub(super) others: Vec<(Dimension, PositionSet)>,
}

impl Plan {
    /// `hard` (the open jobs, narrowed by company and text) with the dimension filters
    /// `filters` applied.
    pub(super) fn new(hard: PositionSet, filters: Vec<(Dimension, PositionSet)>) -> Self {
        let k = filters.len();
        // before[i]: hard and the filters before i; the product of those after i is
        // folded in from the end, so that each "all but one" costs two passes.
        let mut before = Vec::with_capacity(k + 1);
        before.push(hard);
        for (_, set) in &filters {
            let mut next = before[before.len() - 1].clone();
            next.intersect(set);
            before.push(next);
        }
        let all = before.pop().unwrap_or_else(|| PositionSet::empty(0));
        let mut others: Vec<(Dimension, PositionSet)> = Vec::with_capacity(k);
        let mut after: Option<PositionSet> = None;
        for (i, (dimension, set)) in filters.iter().enumerate().rev() {
            let mut other = before.pop().unwrap_or_else(|| PositionSet::empty(0));
            if let Some(after) = &after {
                other.intersect(after);
            }
            others.push((*dimension, other));
            if i > 0 {
                after = Some(match after {
                    Some(mut after) => {
                        after.intersect(set);
                        after
                    }
                    None => set.clone(),
                });
            }
        }
        others.reverse();
        Self { all, others }
    }

    /// `hard` with the filters applied, without the "all but one" sets (for a page
    /// whose counts are known).
    pub(super) fn all_of(mut hard: PositionSet, filters: Vec<(Dimension, PositionSet)>) -> Self {
        for (_, set) in &filters {
            hard.intersect(set);
        }
        Self {
            all: hard,
            others: Vec::new(),
        }
    }

    /// The jobs a dimension's options are counted over.
    pub(super) fn counted_for(&self, dimension: Dimension) -> &PositionSet {
        self.others
            .iter()
            .find(|(d, _)| *d == dimension)
            .map_or(&self.all, |(_, set)| set)
    }

    /// The jobs counted anywhere: passing all filters but at most one.
    pub(super) fn anywhere(&self) -> PositionSet {
        let mut anywhere = self.all.clone();
        for (_, set) in &self.others {
            anywhere.unite(set);
        }
        anywhere
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_count_iterate_and_skip_like_lists() {
        let positions: Vec<u32> = (0..1_000).filter(|p| p % 3 == 0 || p % 7 == 0).collect();
        let set = PositionSet::of(1_000, positions.iter().copied());
        assert_eq!(set.len(), positions.len());
        assert_eq!(set.iter().collect::<Vec<_>>(), positions);
        for skip in [0, 1, 63, 64, 65, 200, positions.len() - 1, positions.len()] {
            assert_eq!(
                set.iter_from(skip).collect::<Vec<_>>(),
                positions[skip..],
                "skip {skip}"
            );
        }
        for end in [0, 1, 64, 100, 999, 1_000] {
            assert_eq!(
                set.count_below(end),
                positions.iter().filter(|p| (**p as usize) < end).count()
            );
        }
        let below = PositionSet::below(1_000, 130);
        assert_eq!(
            below.iter().collect::<Vec<_>>(),
            (0..130).collect::<Vec<_>>()
        );
        assert_eq!(
            set.count_common(&below),
            positions.iter().filter(|p| **p < 130).count()
        );
    }
}
