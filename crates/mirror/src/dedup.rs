//! Keeping one record per id within a page.
//!
//! `INSERT ... ON CONFLICT DO UPDATE` refuses to touch the same row twice in one
//! statement ("command cannot affect row a second time"), and a page can repeat an id
//! (offset paging over a changing listing does that). The last occurrence is the most
//! recently read, so it wins.

use std::collections::HashSet;

/// The records with unique ids, each id's last occurrence, in page order.
pub(crate) fn last_per_id<T>(records: &[T], id: impl Fn(&T) -> i64) -> Vec<&T> {
    let mut seen = HashSet::with_capacity(records.len());
    let mut kept: Vec<&T> = records.iter().rev().filter(|r| seen.insert(id(r))).collect();
    kept.reverse();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_occurrence_wins_and_order_is_kept() {
        let rows = [(1, "a"), (2, "b"), (1, "c"), (3, "d"), (2, "e")];
        let kept: Vec<_> = last_per_id(&rows, |r| r.0).into_iter().copied().collect();
        assert_eq!(kept, [(1, "c"), (3, "d"), (2, "e")]);
    }
}
