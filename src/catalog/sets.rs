//! The jobs of each filter value as sets of positions, the open jobs, and the set
//! algebra a query is answered with.

use super::{Dimension, Entry};
use crate::domain::positions::PositionSet;
use std::borrow::Cow;
use std::sync::{Arc, Mutex};

/// The jobs of each filter value, and what is derived from them per snapshot: built
/// on a snapshot's first filtered query, about 10 MB at a million jobs (80 value sets
/// of 125 KB and the companies' position lists).
#[derive(Debug)]
pub(super) struct ValueSets {
    pub(super) technologies: Vec<PositionSet>,
    pub(super) cities: Vec<PositionSet>,
    pub(super) remote: Vec<PositionSet>,
    pub(super) seniority: Vec<PositionSet>,
    pub(super) employment: Vec<PositionSet>,
    /// A company has a few hundred jobs at most: a list, made a set per query.
    pub(super) companies: std::collections::HashMap<i64, Vec<u32>>,
    /// Positions in the catalog: the sets' size.
    len: usize,
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
    pub(super) jobs: Arc<PositionSet>,
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
            len: entries.len(),
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

    /// The jobs of `entries` (the ones the sets were made of) open at `now_micros`;
    /// read again only once a job has expired since.
    pub(super) fn open_at(&self, entries: &[Entry], now_micros: i64) -> Arc<OpenJobs> {
        let mut kept = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(open) = kept.as_ref()
            && (open.from..open.until).contains(&now_micros)
        {
            return open.clone();
        }
        let mut jobs = PositionSet::empty(self.len);
        let (mut from, mut until) = (i64::MIN, i64::MAX);
        for (position, entry) in entries.iter().enumerate() {
            let expiry = entry.valid_through_micros;
            if expiry > now_micros {
                jobs.insert(u32::try_from(position).unwrap_or(u32::MAX));
                until = until.min(expiry);
            } else {
                from = from.max(expiry);
            }
        }
        let open = Arc::new(OpenJobs {
            from,
            until,
            jobs: Arc::new(jobs),
        });
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
        let set = Arc::new(PositionSet::of(self.len, by_salary[..paid].iter().copied()));
        if kept.len() >= SALARY_SETS_KEPT {
            kept.clear();
        }
        kept.push((min, set.clone()));
        set
    }
}

/// A set a query reads: one kept with the snapshot (most filters name one value), or
/// made for this query. Sets are 125 KB at a million jobs: a query copying each one
/// it read cost more than the passes over them.
pub(super) enum QuerySet<'a> {
    Kept(&'a PositionSet),
    Shared(Arc<PositionSet>),
    Made(PositionSet),
}

impl std::ops::Deref for QuerySet<'_> {
    type Target = PositionSet;

    fn deref(&self) -> &PositionSet {
        match self {
            Self::Kept(set) => set,
            Self::Shared(set) => set,
            Self::Made(set) => set,
        }
    }
}

impl<'a> QuerySet<'a> {
    /// The jobs of any `chosen` value (as many as `values`) of `len` positions.
    pub(super) fn any_of(len: usize, chosen: &[bool], values: &'a [PositionSet]) -> Self {
        let mut picked = chosen.iter().zip(values).filter(|(c, _)| **c);
        match (picked.next(), picked.next()) {
            (None, _) => Self::Made(PositionSet::empty(len)),
            (Some((_, value)), None) => Self::Kept(value),
            (Some((_, first)), Some((_, second))) => {
                let mut set = first.clone();
                set.unite(second);
                for (_, value) in picked {
                    set.unite(value);
                }
                Self::Made(set)
            }
        }
    }

    /// The positions in both this set and `other`: in place when the set was made for
    /// the query, else in a new one (one pass either way).
    pub(super) fn and(self, other: &PositionSet) -> Self {
        match self {
            Self::Made(mut set) => {
                set.intersect(other);
                Self::Made(set)
            }
            kept => Self::Made(kept.intersection(other)),
        }
    }
}

/// A query as sets: the jobs passing everything, and per filtered dimension the jobs
/// passing every filter but that one (what that dimension's options count).
pub(super) struct Plan<'a> {
    pub(super) all: QuerySet<'a>,
    pub(super) others: Vec<(Dimension, QuerySet<'a>)>,
}

impl<'a> Plan<'a> {
    /// `hard` (the open jobs, narrowed by company and text) with the dimension filters
    /// `filters` applied.
    pub(super) fn new(hard: QuerySet<'a>, filters: Vec<(Dimension, QuerySet<'a>)>) -> Self {
        // before[i]: hard and the filters before i; the product of those after i is
        // folded in from the end, so that each "all but one" costs two passes.
        let mut before = Vec::with_capacity(filters.len() + 1);
        before.push(hard);
        for (_, set) in &filters {
            let next = before[before.len() - 1].intersection(set);
            before.push(QuerySet::Made(next));
        }
        let none = || QuerySet::Made(PositionSet::empty(0));
        let all = before.pop().unwrap_or_else(none);
        let mut others = Vec::with_capacity(filters.len());
        let mut after: Option<Cow<'_, PositionSet>> = None;
        for (i, (dimension, set)) in filters.iter().enumerate().rev() {
            let other = before.pop().unwrap_or_else(none);
            let other = match &after {
                Some(after) => other.and(after),
                None => other,
            };
            others.push((*dimension, other));
            if i > 0 {
                after = Some(match after {
                    Some(Cow::Owned(mut after)) => {
                        after.intersect(set);
                        Cow::Owned(after)
                    }
                    Some(Cow::Borrowed(after)) => Cow::Owned(after.intersection(set)),
                    None => Cow::Borrowed(&**set),
                });
            }
        }
        others.reverse();
        Self { all, others }
    }

    /// `hard` with the filters applied, without the "all but one" sets (for a page
    /// whose counts are known).
    pub(super) fn all_of(hard: QuerySet<'a>, filters: Vec<(Dimension, QuerySet<'a>)>) -> Self {
        let all = filters.iter().fold(hard, |all, (_, set)| all.and(set));
        Self {
            all,
            others: Vec::new(),
        }
    }

    /// The jobs a dimension's options are counted over.
    pub(super) fn counted_for(&self, dimension: Dimension) -> &PositionSet {
        self.others
            .iter()
            .find(|(d, _)| *d == dimension)
            .map_or(&*self.all, |(_, set)| set)
    }

    /// How many jobs are counted anywhere: passing all filters but at most one.
    pub(super) fn anywhere_len(&self) -> usize {
        let others: Vec<&PositionSet> = self.others.iter().map(|(_, set)| &**set).collect();
        self.all.union_len(&others)
    }

    /// The jobs counted anywhere.
    pub(super) fn anywhere(&self) -> PositionSet {
        let mut anywhere = (*self.all).clone();
        for (_, set) in &self.others {
            anywhere.unite(set);
        }
        anywhere
    }
}
