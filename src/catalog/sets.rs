//! The jobs of each filter value as sets of positions, the open jobs, and the set
//! algebra a query is answered with.

use super::{Dimension, Entry};
use crate::domain::positions::PositionSet;
use std::sync::{Arc, Mutex};

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
