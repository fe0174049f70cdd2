//! Where a filtered walk starts: the jobs of each filter value, and the jobs that can
//! count anywhere given several filters.

use super::{
    Borrowed, Candidates, Catalog, CatalogQuery, Compiled, Dictionary, Dimension, Entry,
    LISTS_FROM_JOBS,
};
use crate::domain::job::{EmploymentType, RemotePolicy, Seniority};
use std::collections::HashMap;

/// Per technology, city, work model, seniority, employment type and company, the
/// positions of its jobs (expired ones included), ascending: a filter on them walks
/// these instead of every job. About 38 bytes a job (with three or four technologies
/// each).
#[derive(Debug, Default)]
pub(super) struct PositionLists {
    technologies: Vec<Vec<u32>>,
    cities: Vec<Vec<u32>>,
    remote: Vec<Vec<u32>>,
    seniority: Vec<Vec<u32>>,
    employment: Vec<Vec<u32>>,
    companies: HashMap<i64, Vec<u32>>,
    /// Every position, ascending: the jobs posted after a time are a prefix of it.
    every: Vec<u32>,
}

impl PositionLists {
    fn of(entries: &[Entry], dictionary: &Dictionary) -> Self {
        let mut lists = Self {
            technologies: vec![Vec::new(); dictionary.technologies.len()],
            cities: vec![Vec::new(); dictionary.cities.len()],
            remote: vec![Vec::new(); RemotePolicy::ALL.len()],
            seniority: vec![Vec::new(); Seniority::ALL.len()],
            employment: vec![Vec::new(); EmploymentType::ALL.len()],
            companies: HashMap::new(),
            every: (0..u32::try_from(entries.len()).unwrap_or(u32::MAX)).collect(),
        };
        for (position, entry) in entries.iter().enumerate() {
            let position = u32::try_from(position).unwrap_or(u32::MAX);
            for &t in dictionary.members(entry.technology_set) {
                lists.technologies[usize::from(t)].push(position);
            }
            lists.cities[usize::from(entry.city)].push(position);
            lists.remote[entry.remote as usize].push(position);
            lists.seniority[entry.seniority as usize].push(position);
            lists.employment[entry.employment as usize].push(position);
            lists
                .companies
                .entry(entry.company_id)
                .or_default()
                .push(position);
        }
        for list in lists
            .technologies
            .iter_mut()
            .chain(lists.cities.iter_mut())
            .chain(lists.remote.iter_mut())
            .chain(lists.seniority.iter_mut())
            .chain(lists.employment.iter_mut())
            .chain(lists.companies.values_mut())
        {
            list.shrink_to_fit();
        }
        lists
    }
}

/// The positions in any of `lists`, ascending and once each.
fn union_of<'q>(lists: &[&'q [u32]], len: usize) -> std::borrow::Cow<'q, [u32]> {
    match lists {
        [] => std::borrow::Cow::Borrowed(&[]),
        // The jobs paying at least a salary are in salary order.
        [one] if one.is_sorted() => std::borrow::Cow::Borrowed(one),
        _ => {
            let mut bits = vec![0u64; len.div_ceil(64)];
            for list in lists {
                for &p in *list {
                    bits[p as usize / 64] |= 1 << (p % 64);
                }
            }
            let mut union = Vec::with_capacity(lists.iter().map(|l| l.len()).sum());
            for (at, &word) in bits.iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    let base = u32::try_from(at * 64).unwrap_or(u32::MAX);
                    union.push(base + word.trailing_zeros());
                    word &= word - 1;
                }
            }
            std::borrow::Cow::Owned(union)
        }
    }
}

/// The positions, ascending, of the jobs that are in the lists of all dimensions of
/// `listed` but at most `missed` (0 or 1): with 1, the only ones a facet or the
/// results count.
fn counted_anywhere(listed: &[(Dimension, Vec<&[u32]>)], len: usize, missed: u8) -> Vec<u32> {
    let words = len.div_ceil(64);
    let sets: Vec<Vec<u64>> = listed
        .iter()
        .map(|(_, lists)| {
            let mut bits = vec![0u64; words];
            for list in lists {
                for &p in *list {
                    bits[p as usize / 64] |= 1 << (p % 64);
                }
            }
            bits
        })
        .collect();
    let mut counted = Vec::new();
    for at in 0..words {
        // Bit by bit: in all sets, and in all sets but one.
        let (mut all, mut all_but_one) = (!0u64, 0u64);
        for set in &sets {
            all_but_one = (all_but_one & set[at]) | (all & !set[at]);
            all &= set[at];
        }
        let mut word = if missed == 0 { all } else { all | all_but_one };
        let base = u32::try_from(at * 64).unwrap_or(u32::MAX);
        while word != 0 {
            counted.push(base + word.trailing_zeros());
            word &= word - 1;
        }
    }
    counted
}

impl Catalog {
    fn lists(&self) -> &PositionLists {
        self.lists
            .get_or_init(|| PositionLists::of(&self.entries, &self.dictionary))
    }

    /// The jobs `query` has to look at, and the facet dimension whose counts the walk
    /// leaves out (to be taken from [`Self::board`]).
    ///
    /// With one filter set, the walk takes its jobs and that filter's own facet comes
    /// from the board. With more, a job counts somewhere only if it fails at most one
    /// of them: the walk takes the jobs that pass all filters but one, whichever.
    pub(super) fn candidates<'q>(
        &'q self,
        query: &CatalogQuery<'q>,
        compiled: &Compiled,
    ) -> (Candidates<'q>, Borrowed) {
        if let Some(text) = query.text {
            return (Candidates::Text(text), Borrowed::Nothing);
        }
        if self.entries.len() < LISTS_FROM_JOBS {
            return (Candidates::All, Borrowed::Nothing);
        }
        let lists = self.lists();
        if let Some(company) = compiled.company_id {
            let list = lists.companies.get(&company).map_or(&[][..], Vec::as_slice);
            return (Candidates::Some(list.into()), Borrowed::Nothing);
        }
        let chosen = |chosen: &[bool], lists: &'q [Vec<u32>]| -> Vec<&'q [u32]> {
            chosen
                .iter()
                .zip(lists)
                .filter(|(chosen, _)| **chosen)
                .map(|(_, list)| list.as_slice())
                .collect()
        };
        let one = |value: usize, lists: &'q [Vec<u32>]| vec![lists[value].as_slice()];
        let mut listed: Vec<(Dimension, Vec<&'q [u32]>)> = Vec::new();
        if let Some(technologies) = &compiled.technologies {
            listed.push((
                Dimension::Technology,
                chosen(&technologies.chosen, &lists.technologies),
            ));
        }
        if let Some(cities) = &compiled.cities {
            listed.push((Dimension::City, chosen(cities, &lists.cities)));
        }
        if let Some(remote) = compiled.remote {
            listed.push((Dimension::Remote, one(remote as usize, &lists.remote)));
        }
        if let Some(levels) = &compiled.seniorities {
            let mut chosen_levels = vec![false; Seniority::ALL.len()];
            for level in levels {
                chosen_levels[*level as usize] = true;
            }
            listed.push((
                Dimension::Seniority,
                chosen(&chosen_levels, &lists.seniority),
            ));
        }
        if let Some(employment) = compiled.employment {
            listed.push((
                Dimension::Employment,
                one(employment as usize, &lists.employment),
            ));
        }
        // Salary and posting time are ranges of the catalog's two orders.
        if let Some(min) = compiled.min_salary {
            let paid = self
                .by_salary
                .partition_point(|p| self.entries[*p as usize].salary >= min);
            listed.push((Dimension::Salary, vec![&self.by_salary[..paid]]));
        }
        if let Some(after) = compiled.posted_after_micros {
            let recent = self.entries.partition_point(|e| e.posted_micros > after);
            listed.push((Dimension::Posted, vec![&lists.every[..recent]]));
        }
        let len = self.entries.len();
        match listed.len() {
            0 => (Candidates::Board, Borrowed::Nothing),
            1 => {
                let (dimension, lists) = listed.remove(0);
                (
                    Candidates::Some(union_of(&lists, len)),
                    Borrowed::Board(dimension),
                )
            }
            2 => {
                let chosen = |d: Dimension| self.chosen_values(d, compiled, query.salary_steps);
                let (a, b) = (listed[0].0, listed[1].0);
                match (chosen(a), chosen(b)) {
                    // A job with two of the chosen technologies would count twice in
                    // the other filter's facet.
                    (Some(va), Some(vb))
                        if (a != Dimension::Technology || va.len() == 1)
                            && (b != Dimension::Technology || vb.len() == 1) =>
                    {
                        (
                            Candidates::Some(counted_anywhere(&listed, len, 0).into()),
                            Borrowed::Pairs([(a, va), (b, vb)]),
                        )
                    }
                    _ => (
                        Candidates::Some(counted_anywhere(&listed, len, 1).into()),
                        Borrowed::Nothing,
                    ),
                }
            }
            _ => (
                Candidates::Some(counted_anywhere(&listed, len, 1).into()),
                Borrowed::Nothing,
            ),
        }
    }
}
