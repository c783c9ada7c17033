//! [`Tally`], the one count of what reading and writing did, from one page up to a
//! pass; [`Tallies`], a customer page's two (customers and their addresses).
//!
//! Every writer returns one and every step sums them with `+=`: no step copies
//! fields from one shape of statistics into another. Facts that are not counts of
//! rows (how many ranges a count check bisected) stay in the step's own outcome.

use std::iter::Sum;
use std::ops::{Add, AddAssign};

/// What a page, a step or a pass did to one resource. Rows whose content was already
/// stored count nowhere; a soft-deleted row that reappears counts as updated.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Requests sent to the API, retries included: what the step cost of the store's
    /// quota (`sync_runs.requests`, the `requests` of `sync_runs.details`).
    pub requests: u64,
    /// Customer pages committed (counted by the page writer): the walk's progress,
    /// `pages` of the customers' details. Other writers leave it 0.
    pub pages: u64,
    /// Records the API returned (`rows_read`, each step's `read`).
    pub read: u64,
    /// Rows the mirror lacked, now stored (a page's new rows, and the rows a count
    /// check found missing).
    pub inserted: u64,
    /// Rows whose content changed, or that came back after a soft delete.
    pub updated: u64,
    /// Rows soft-deleted (for customers, their children go with them, uncounted).
    pub deleted: u64,
    /// Records set aside in `quarantine` because they do not fit their model.
    pub quarantined: u64,
}

impl Tally {
    /// Only the requests spent (a step that failed, or read nothing).
    pub fn requests_only(requests: u64) -> Self {
        Tally {
            requests,
            ..Tally::default()
        }
    }

    /// Rows whose content changed in the mirror (`sync_runs.rows_written`).
    pub fn written(&self) -> u64 {
        self.inserted + self.updated
    }
}

impl AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        // Destructured so a new field cannot be left out of the sum.
        let Tally {
            requests,
            pages,
            read,
            inserted,
            updated,
            deleted,
            quarantined,
        } = o;
        self.requests += requests;
        self.pages += pages;
        self.read += read;
        self.inserted += inserted;
        self.updated += updated;
        self.deleted += deleted;
        self.quarantined += quarantined;
    }
}

impl Add for Tally {
    type Output = Tally;

    fn add(mut self, o: Tally) -> Tally {
        self += o;
        self
    }
}

impl Sum for Tally {
    fn sum<I: Iterator<Item = Tally>>(iter: I) -> Tally {
        iter.fold(Tally::default(), Add::add)
    }
}

/// A customer page writes two resources: customers and their addresses, each its
/// own [`Tally`] (the pass's requests and pages count with the customers).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tallies {
    pub customers: Tally,
    pub addresses: Tally,
}

impl Tallies {
    /// Both resources as one (`sync_runs` counts rows, whatever their table).
    pub fn total(&self) -> Tally {
        self.customers + self.addresses
    }
}

impl AddAssign for Tallies {
    fn add_assign(&mut self, o: Tallies) {
        self.customers += o.customers;
        self.addresses += o.addresses;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_sum_field_by_field() {
        let page = Tally {
            requests: 1,
            pages: 1,
            read: 250,
            inserted: 3,
            updated: 2,
            deleted: 1,
            quarantined: 1,
        };
        let mut pass = Tally::requests_only(4);
        pass += page;
        assert_eq!(pass, Tally { requests: 5, ..page });
        assert_eq!([page, page].into_iter().sum::<Tally>(), page + page);
        assert_eq!((page + page).written(), 10);

        let mut both = Tallies {
            customers: page,
            addresses: Tally::default(),
        };
        both += Tallies {
            customers: Tally::default(),
            addresses: page,
        };
        assert_eq!(both.total(), page + page);
    }
}
