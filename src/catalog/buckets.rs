//! Which "posted within" and salary choices a job meets, as the buckets of the walk's
//! histograms.

use super::Entry;
use crate::domain::filter::POSTED_WITHIN_DAYS;

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
