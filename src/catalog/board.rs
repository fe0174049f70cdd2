//! The whole board's counts, kept for a moment: what the unfiltered list shows, what a
//! filter on one dimension shows for that dimension, and the pair tables that answer
//! each other's facet for two filters.

use super::{
    Candidates, Catalog, CatalogQuery, Compiled, Dimension, Entry, JobFilter, Tally,
    for_each_technology,
};
use crate::domain::filter::{POSTED_WITHIN_DAYS, Sort};
use crate::domain::job::{EmploymentType, RemotePolicy, Seniority};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// [`Pairs`] with the second they were counted at and the salary steps.
#[derive(Debug)]
pub(super) struct KeptPairs {
    second: i64,
    salary_steps: Vec<u32>,
    pairs: Arc<Pairs>,
}

/// [`Catalog::board`] as last counted.
#[derive(Debug)]
pub(super) struct BoardFacets {
    second: i64,
    salary_steps: Vec<u32>,
    board: Arc<Board>,
}

/// Positions per block of [`Board::open_blocks`].
const BLOCK: usize = 4_096;

/// The whole board's counts at one moment, with no filter set.
#[derive(Debug)]
pub(super) struct Board {
    now_micros: i64,
    pub(super) tally: Tally,
    pub(super) open: i64,
    /// Open jobs in each block of [`BLOCK`] positions in the newest order, and in the
    /// salary order: a deep page of the whole list skips whole blocks instead of
    /// looking at every job before it.
    open_blocks: Vec<u32>,
    open_salary_blocks: Vec<u32>,
}

/// For every two facet dimensions, the open jobs per value of one and value of the
/// other (a job with three technologies counts three times in a technology table).
/// With two filters set, a facet counts the jobs passing the other filter: these
/// tables answer that without looking at the hundreds of thousands of them.
#[derive(Debug)]
pub(super) struct Pairs {
    /// Values per dimension, by [`Dimension`] number.
    sizes: [usize; DIMENSIONS],
    /// `tables[d][e]` for `d < e`: row-major by the value of `d`.
    tables: Vec<Vec<Vec<u32>>>,
}

const DIMENSIONS: usize = 7;

/// How long [`Pairs`] are used before they are counted again.
const PAIRS_SECONDS: i64 = 5;

impl Pairs {
    /// The count per value of `facet` among the jobs whose `other` value is one of
    /// `chosen`.
    pub(super) fn facet(&self, facet: Dimension, other: Dimension, chosen: &[usize]) -> Vec<i64> {
        let (d, e) = (facet as usize, other as usize);
        let mut counts = vec![0i64; self.sizes[d]];
        if d < e {
            let table = &self.tables[d][e];
            for (value, count) in counts.iter_mut().enumerate() {
                let row = &table[value * self.sizes[e]..(value + 1) * self.sizes[e]];
                *count = chosen.iter().map(|c| i64::from(row[*c])).sum();
            }
        } else {
            let table = &self.tables[e][d];
            for c in chosen {
                let row = &table[c * self.sizes[d]..(c + 1) * self.sizes[d]];
                for (count, n) in counts.iter_mut().zip(row) {
                    *count += i64::from(*n);
                }
            }
        }
        counts
    }
}

impl Board {
    /// Positions `offset..offset + limit` of the open jobs in `order`.
    fn page(
        &self,
        entries: &[Entry],
        order: Option<&[u32]>,
        offset: usize,
        limit: usize,
    ) -> Vec<u32> {
        let blocks = if order.is_some() {
            &self.open_salary_blocks
        } else {
            &self.open_blocks
        };
        let (mut block, mut skipped) = (0, 0);
        while block < blocks.len() && skipped + blocks[block] as usize <= offset {
            skipped += blocks[block] as usize;
            block += 1;
        }
        let mut page = Vec::with_capacity(limit);
        for at in block * BLOCK..entries.len() {
            if page.len() >= limit {
                break;
            }
            let position = order.map_or(u32::try_from(at).unwrap_or(u32::MAX), |o| o[at]);
            if entries[position as usize].valid_through_micros > self.now_micros {
                if skipped < offset {
                    skipped += 1;
                } else {
                    page.push(position);
                }
            }
        }
        page
    }
}

/// How many "posted within" and salary choices a job meets: its bucket in
/// [`Tally::posted`] and [`Tally::salary`].
pub(super) struct Buckets {
    /// Oldest first: a job posted after the first k of these is within the k widest
    /// choices.
    posted_after: [i64; POSTED_WITHIN_DAYS.len()],
    /// Ascending.
    steps: Vec<i32>,
}

impl Buckets {
    pub(super) fn new(now_micros: i64, salary_steps: &[u32]) -> Self {
        const DAY_MICROS: i64 = 86_400_000_000;
        let mut posted_after =
            POSTED_WITHIN_DAYS.map(|days| now_micros - i64::from(days) * DAY_MICROS);
        posted_after.sort_unstable();
        let mut steps: Vec<i32> = salary_steps
            .iter()
            .map(|s| i32::try_from(*s).unwrap_or(i32::MAX))
            .collect();
        steps.sort_unstable();
        Self {
            posted_after,
            steps,
        }
    }

    // Branch-free: how many choices the job meets.
    pub(super) fn posted(&self, entry: &Entry) -> usize {
        self.posted_after
            .iter()
            .map(|after| usize::from(*after < entry.posted_micros))
            .sum()
    }

    pub(super) fn salary(&self, entry: &Entry) -> usize {
        self.steps
            .iter()
            .map(|step| usize::from(*step <= entry.salary))
            .sum()
    }
}

impl Catalog {
    /// The counts of the whole board, shared for a second: the unfiltered list takes
    /// everything from it, filters on one dimension that dimension's own facet.
    pub(super) fn board(&self, salary_steps: &[u32], now: DateTime<Utc>) -> Arc<Board> {
        let second = now.timestamp();
        let mut kept = self.kept_board.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(board) = kept.as_ref()
            && board.second == second
            && board.salary_steps == salary_steps
        {
            return board.board.clone();
        }
        let filter = JobFilter::default();
        let query = CatalogQuery {
            filter: &filter,
            company_id: None,
            text: None,
            sort: Sort::Newest,
            offset: 0,
            limit: 0,
            salary_steps,
        };
        let compiled = self.compile(&query, now);
        let walked = self.walk(&compiled, &Candidates::All, &query, now);
        let now_micros = compiled.now_micros;
        let open_in = |positions: &mut dyn Iterator<Item = usize>| -> Vec<u32> {
            let mut blocks = vec![0u32; self.entries.len().div_ceil(BLOCK)];
            for (at, position) in positions.enumerate() {
                let open = self.entries[position].valid_through_micros > now_micros;
                blocks[at / BLOCK] += u32::from(open);
            }
            blocks
        };
        let board = Arc::new(Board {
            now_micros,
            tally: walked.tally,
            open: walked.total,
            open_blocks: open_in(&mut (0..self.entries.len())),
            open_salary_blocks: open_in(&mut self.by_salary.iter().map(|p| *p as usize)),
        });
        *kept = Some(BoardFacets {
            second,
            salary_steps: salary_steps.to_vec(),
            board: board.clone(),
        });
        board
    }

    /// The [`Pairs`] of this snapshot, counted again once they are [`PAIRS_SECONDS`]
    /// old: a pass over every job that costs several times a walk, for counts that a
    /// few seconds change by the odd job that expired.
    pub(super) fn kept_pairs(&self, salary_steps: &[u32], now: DateTime<Utc>) -> Arc<Pairs> {
        let second = now.timestamp();
        let mut kept = self.pairs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(counted) = kept.as_ref()
            && (0..PAIRS_SECONDS).contains(&(second - counted.second))
            && counted.salary_steps == salary_steps
        {
            return counted.pairs.clone();
        }
        let pairs = Arc::new(self.count_pairs(now.timestamp_micros(), salary_steps));
        *kept = Some(KeptPairs {
            second,
            salary_steps: salary_steps.to_vec(),
            pairs: pairs.clone(),
        });
        pairs
    }

    /// The open jobs' [`Pairs`] at `now_micros`.
    fn count_pairs(&self, now_micros: i64, salary_steps: &[u32]) -> Pairs {
        let buckets = Buckets::new(now_micros, salary_steps);
        let sizes = [
            self.dictionary.technologies.len(),
            self.dictionary.cities.len(),
            RemotePolicy::ALL.len(),
            Seniority::ALL.len(),
            EmploymentType::ALL.len(),
            POSTED_WITHIN_DAYS.len() + 1,
            salary_steps.len() + 1,
        ];
        let mut tables: Vec<Vec<Vec<u32>>> = (0..DIMENSIONS)
            .map(|d| {
                (0..DIMENSIONS)
                    .map(|e| {
                        if d < e {
                            vec![0; sizes[d] * sizes[e]]
                        } else {
                            Vec::new()
                        }
                    })
                    .collect()
            })
            .collect();
        let mut technologies = Vec::with_capacity(16);
        for entry in &self.entries {
            if entry.valid_through_micros <= now_micros {
                continue;
            }
            technologies.clear();
            for_each_technology(entry, &self.dictionary, |t| technologies.push(t));
            let single = [
                usize::from(entry.city),
                entry.remote as usize,
                entry.seniority as usize,
                entry.employment as usize,
                buckets.posted(entry),
                buckets.salary(entry),
            ];
            // Technology (dimension 0) against each of the others.
            for (other, value) in single.iter().enumerate() {
                let (table, size) = (&mut tables[0][other + 1], sizes[other + 1]);
                for t in &technologies {
                    table[t * size + value] += 1;
                }
            }
            for (i, a) in single.iter().enumerate() {
                for (j, b) in single.iter().enumerate().skip(i + 1) {
                    tables[i + 1][j + 1][a * sizes[j + 1] + b] += 1;
                }
            }
        }
        Pairs { sizes, tables }
    }

    /// The values of `dimension` that pass the filter, as [`Pairs`] numbers them;
    /// `None` when they cannot stand for it (a salary or time that is no choice).
    pub(super) fn chosen_values(
        &self,
        dimension: Dimension,
        compiled: &Compiled,
        salary_steps: &[u32],
    ) -> Option<Vec<usize>> {
        let indexes = |chosen: &[bool]| -> Vec<usize> {
            chosen
                .iter()
                .enumerate()
                .filter(|(_, c)| **c)
                .map(|(i, _)| i)
                .collect()
        };
        Some(match dimension {
            Dimension::Technology => indexes(&compiled.technologies.as_ref()?.chosen),
            Dimension::City => indexes(compiled.cities.as_ref()?),
            Dimension::Remote => vec![compiled.remote? as usize],
            Dimension::Seniority => {
                let mut levels: Vec<usize> = compiled
                    .seniorities
                    .as_ref()?
                    .iter()
                    .map(|l| *l as usize)
                    .collect();
                levels.sort_unstable();
                levels.dedup();
                levels
            }
            Dimension::Employment => vec![compiled.employment? as usize],
            Dimension::Posted => {
                let buckets = Buckets::new(compiled.now_micros, salary_steps);
                let after = compiled.posted_after_micros?;
                let k = buckets.posted_after.iter().position(|a| *a == after)?;
                (k + 1..=POSTED_WITHIN_DAYS.len()).collect()
            }
            Dimension::Salary => {
                let buckets = Buckets::new(compiled.now_micros, salary_steps);
                let min = compiled.min_salary?;
                let k = buckets.steps.iter().position(|s| *s == min)?;
                (k + 1..=buckets.steps.len()).collect()
            }
        })
    }

    /// The page of the unfiltered list, from the board's counts.
    pub(super) fn board_page(&self, board: &Board, query: &CatalogQuery<'_>) -> Vec<u32> {
        let order = (query.sort == Sort::Salary).then_some(self.by_salary.as_slice());
        board.page(&self.entries, order, query.offset, query.limit)
    }
}
