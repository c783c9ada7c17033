//! Ordered indexes with rank and select, so a page at offset 900,000 costs a couple of
//! binary searches instead of a walk over the rows before it.

use std::cmp::Reverse;

use super::filter::DateRange;
use crate::data::Secs;

/// Chunks split past this size; a chunk insert moves at most this many keys.
const MAX_CHUNK: usize = 2048;

/// A sorted set kept as a list of sorted chunks. Rank and select add up chunk lengths
/// (about a thousand for a million keys), which is cheap next to a response.
#[derive(Debug, Clone, Default)]
pub(crate) struct SortedIndex<K> {
    chunks: Vec<Vec<K>>,
    len: usize,
}

impl<K: Ord + Copy> SortedIndex<K> {
    /// Builds from keys in any order; duplicates are dropped.
    pub(crate) fn build(mut keys: Vec<K>) -> Self {
        keys.sort_unstable();
        keys.dedup();
        let len = keys.len();
        Self {
            chunks: keys.chunks(MAX_CHUNK / 2).map(<[K]>::to_vec).collect(),
            len,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The chunk that holds, or would hold, `key`.
    fn chunk_for(&self, key: &K) -> usize {
        let i = self
            .chunks
            .partition_point(|c| c.last().is_some_and(|last| last < key));
        i.min(self.chunks.len().saturating_sub(1))
    }

    pub(crate) fn insert(&mut self, key: K) -> bool {
        if self.chunks.is_empty() {
            self.chunks.push(vec![key]);
            self.len = 1;
            return true;
        }
        let c = self.chunk_for(&key);
        let chunk = &mut self.chunks[c];
        let Err(pos) = chunk.binary_search(&key) else {
            return false;
        };
        chunk.insert(pos, key);
        if chunk.len() > MAX_CHUNK {
            let tail = chunk.split_off(chunk.len() / 2);
            self.chunks.insert(c + 1, tail);
        }
        self.len += 1;
        true
    }

    pub(crate) fn remove(&mut self, key: &K) -> bool {
        if self.chunks.is_empty() {
            return false;
        }
        let c = self.chunk_for(key);
        let chunk = &mut self.chunks[c];
        let Ok(pos) = chunk.binary_search(key) else {
            return false;
        };
        chunk.remove(pos);
        if chunk.is_empty() {
            self.chunks.remove(c);
        }
        self.len -= 1;
        true
    }

    /// How many keys are strictly less than `key`.
    pub(crate) fn rank(&self, key: &K) -> usize {
        let c = self
            .chunks
            .partition_point(|ch| ch.last().is_some_and(|last| last < key));
        let before: usize = self.chunks[..c].iter().map(Vec::len).sum();
        before + self.chunks.get(c).map_or(0, |ch| ch.partition_point(|k| k < key))
    }

    /// Keys in order, from position `start` on.
    pub(crate) fn iter_from(&self, start: usize) -> impl Iterator<Item = K> + '_ {
        let mut skip = start;
        let mut first = self.chunks.len();
        for (i, ch) in self.chunks.iter().enumerate() {
            if skip < ch.len() {
                first = i;
                break;
            }
            skip -= ch.len();
        }
        self.chunks[first..].iter().flatten().copied().skip(skip)
    }

    /// Keys at positions `lo..hi`.
    pub(crate) fn slice(&self, lo: usize, hi: usize) -> impl Iterator<Item = K> + '_ {
        self.iter_from(lo).take(hi.saturating_sub(lo))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dir {
    Asc,
    Desc,
}

/// Customers by a timestamp, both ways; ties stay in ascending id order either way,
/// which is why descending order needs its own keys and not a reversed walk.
#[derive(Debug, Clone, Default)]
pub(crate) struct TimeIndex {
    asc: SortedIndex<(Secs, i64)>,
    desc: SortedIndex<(Reverse<Secs>, i64)>,
}

impl TimeIndex {
    pub(crate) fn build(pairs: Vec<(Secs, i64)>) -> Self {
        let desc = pairs.iter().map(|&(t, id)| (Reverse(t), id)).collect();
        TimeIndex {
            asc: SortedIndex::build(pairs),
            desc: SortedIndex::build(desc),
        }
    }

    pub(crate) fn insert(&mut self, t: Secs, id: i64) {
        self.asc.insert((t, id));
        self.desc.insert((Reverse(t), id));
    }

    pub(crate) fn remove(&mut self, t: Secs, id: i64) {
        self.asc.remove(&(t, id));
        self.desc.remove(&(Reverse(t), id));
    }

    /// Positions `lo..hi` (in `dir` order) of the rows whose time is within `r`.
    pub(crate) fn range(&self, r: DateRange, dir: Dir) -> (usize, usize) {
        let len = self.asc.len();
        let (lo, hi) = match dir {
            Dir::Asc => (
                r.min.map_or(0, |m| self.asc.rank(&(m, i64::MIN))),
                r.max
                    .map_or(len, |m| self.asc.rank(&(m.saturating_add(1), i64::MIN))),
            ),
            Dir::Desc => (
                r.max.map_or(0, |m| self.desc.rank(&(Reverse(m), i64::MIN))),
                r.min
                    .map_or(len, |m| self.desc.rank(&(Reverse(m.saturating_sub(1)), i64::MIN))),
            ),
        };
        (lo, hi.max(lo))
    }

    /// Customer ids at positions `lo..hi` in `dir` order.
    pub(crate) fn ids(&self, dir: Dir, lo: usize, hi: usize) -> Box<dyn Iterator<Item = i64> + '_> {
        match dir {
            Dir::Asc => Box::new(self.asc.slice(lo, hi).map(|(_, id)| id)),
            Dir::Desc => Box::new(self.desc.slice(lo, hi).map(|(_, id)| id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_select_insert_remove_agree_with_a_plain_vec() {
        let mut idx = SortedIndex::build((0..10_000).map(|i| i * 2).collect());
        let mut plain: Vec<i64> = (0..10_000).map(|i| i * 2).collect();
        for k in (1..20_000).step_by(7) {
            assert_eq!(idx.insert(k), !plain.contains(&k));
            if let Err(p) = plain.binary_search(&k) {
                plain.insert(p, k);
            }
        }
        for k in (0..20_000).step_by(3) {
            assert_eq!(
                idx.remove(&k),
                plain.binary_search(&k).map(|p| plain.remove(p)).is_ok()
            );
        }
        assert_eq!(idx.len(), plain.len());
        for probe in [0, 1, 5_000, 19_999, 40_000] {
            assert_eq!(idx.rank(&probe), plain.partition_point(|k| *k < probe));
        }
        for start in [0, 1, 2047, 2048, plain.len() - 1, plain.len()] {
            let got: Vec<i64> = idx.slice(start, start + 5).collect();
            assert_eq!(got, plain.iter().skip(start).take(5).copied().collect::<Vec<_>>());
        }
    }

    #[test]
    fn descending_ranges_keep_ties_in_id_order() {
        let idx = TimeIndex::build(vec![(10, 1), (20, 2), (20, 3), (30, 4), (20, 5)]);
        let r = DateRange {
            min: Some(20),
            max: Some(30),
        };
        let (lo, hi) = idx.range(r, Dir::Desc);
        assert_eq!(idx.ids(Dir::Desc, lo, hi).collect::<Vec<_>>(), vec![4, 2, 3, 5]);
        let (lo, hi) = idx.range(
            DateRange {
                min: Some(20),
                max: None,
            },
            Dir::Asc,
        );
        assert_eq!(idx.ids(Dir::Asc, lo, hi).collect::<Vec<_>>(), vec![2, 3, 5, 4]);
    }
}
