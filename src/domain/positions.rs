//! Sets of catalog positions as bits, and the best few of them by a score: what the
//! catalog and the text index hand each other about jobs.
//!
//! A million jobs make a set of 125 KB. Intersecting two is a pass over 15,600 words,
//! counting one a pass with `popcnt`: a filter with three values takes microseconds
//! where walking its jobs one by one took milliseconds, and the n-th job of a deep page
//! is found by counting whole words.

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

    /// The positions in both sets, as a new set.
    pub fn intersection(&self, other: &Self) -> Self {
        Self {
            words: self
                .words
                .iter()
                .zip(&other.words)
                .map(|(a, b)| a & b)
                .collect(),
        }
    }

    /// How many positions are in this set or any of `others`, without building their
    /// union.
    pub fn union_len(&self, others: &[&Self]) -> usize {
        self.words
            .iter()
            .enumerate()
            .map(|(i, word)| {
                let word = others.iter().fold(*word, |w, other| w | other.words[i]);
                word.count_ones() as usize
            })
            .sum()
    }

    /// Drops the positions of `other`.
    pub fn subtract(&mut self, other: &Self) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
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

/// The best `wanted` positions by a score, a lower position (a newer job) winning a tie:
/// a page of the best matches without ordering every match.
pub struct BestPositions {
    wanted: usize,
    /// Min-heap of keys: score above, newness below (see [`Self::key`]).
    heap: std::collections::BinaryHeap<std::cmp::Reverse<u64>>,
}

impl BestPositions {
    pub fn new(wanted: usize) -> Self {
        Self {
            wanted,
            heap: std::collections::BinaryHeap::with_capacity(wanted.min(1 << 16) + 1),
        }
    }

    /// A higher score wins; a lower position (newer) wins a tie.
    fn key(score: u32, position: u32) -> u64 {
        (u64::from(score) << 32) | u64::from(u32::MAX - position)
    }

    /// Offers `position` with a score whose bits order like the scores (see
    /// [`Self::offer_rank`] for text ranks).
    pub fn offer(&mut self, score: u32, position: u32) {
        if self.wanted == 0 {
            return;
        }
        let key = Self::key(score, position);
        if self.heap.len() < self.wanted {
            self.heap.push(std::cmp::Reverse(key));
        } else if self.heap.peek().is_some_and(|least| least.0 < key) {
            self.heap.pop();
            self.heap.push(std::cmp::Reverse(key));
        }
    }

    /// Offers `position` with a text rank (never negative, so its bits order like the
    /// number).
    pub fn offer_rank(&mut self, rank: f32, position: u32) {
        self.offer(rank.max(0.0).to_bits(), position);
    }

    /// The rank a match must reach to be kept, once `wanted` are kept (a match equal to
    /// it may still win on newness).
    pub fn least_rank(&self) -> Option<f32> {
        (self.heap.len() >= self.wanted)
            .then(|| self.heap.peek().map(|k| f32::from_bits((k.0 >> 32) as u32)))
            .flatten()
    }

    /// Positions `offset..` of the best, best first.
    pub fn page(self, offset: usize) -> Vec<u32> {
        let mut keys: Vec<u64> = self.heap.into_iter().map(|k| k.0).collect();
        keys.sort_unstable_by(|a, b| b.cmp(a));
        keys.into_iter()
            .skip(offset)
            .map(|k| u32::MAX - (k as u32))
            .collect()
    }
}

/// How the jobs matching search words rank: asked for a page's best among the jobs that
/// pass its filters, so that only those are ranked.
pub trait Ranking: Send + Sync {
    /// The best `wanted` of `among`, best first; a tie goes to the lower position.
    fn best(&self, among: &PositionSet, wanted: usize) -> Vec<u32>;

    /// Bytes held, for cache budgets.
    fn bytes(&self) -> usize;
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
        let common: Vec<u32> = positions.iter().copied().filter(|p| *p < 130).collect();
        assert_eq!(set.intersection(&below).iter().collect::<Vec<_>>(), common);
        let fives = PositionSet::of(1_000, (0..1_000).step_by(5));
        let either = (0..1_000)
            .filter(|p| p % 3 == 0 || p % 7 == 0 || p % 5 == 0 || *p < 130)
            .count();
        assert_eq!(set.union_len(&[&below, &fives]), either);
        assert_eq!(set.union_len(&[]), set.len());
    }
}
