//! What a pass did, for `sync_runs` and the operator.

use bcsync_mirror::PageStats;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassStats {
    /// Requests sent to the API during the pass, retries included.
    pub requests: u64,
    /// Pages committed.
    pub pages: u64,
    pub customers_read: u64,
    pub addresses_read: u64,
    pub customers_inserted: u64,
    pub customers_updated: u64,
    pub addresses_inserted: u64,
    pub addresses_updated: u64,
    pub addresses_deleted: u64,
    /// Customers set aside in `quarantine` (they do not fit the model).
    pub quarantined: u64,
}

impl PassStats {
    pub fn add_page(&mut self, s: &PageStats) {
        self.pages += 1;
        self.customers_inserted += s.customers_inserted;
        self.customers_updated += s.customers_updated;
        self.addresses_inserted += s.addresses_inserted;
        self.addresses_updated += s.addresses_updated;
        self.addresses_deleted += s.addresses_deleted;
    }

    /// Rows whose content changed in the mirror.
    pub fn rows_written(&self) -> u64 {
        self.customers_inserted + self.customers_updated + self.addresses_inserted + self.addresses_updated
    }
}
