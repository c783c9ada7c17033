//! What a pass is asked to do: its kind, the resources it may be limited to, and how
//! it reads (the poller's settings, the sweeps' slices, the store's privacy settings).

use bcsync_mirror::Resource;
use bcsync_poller::PollOptions;
use bcsync_reconciler::SweepSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassKind {
    Sync,
    Resync,
}

impl PassKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PassKind::Sync => "sync",
            PassKind::Resync => "resync",
        }
    }
}

/// The resources a pass can be limited to (`bcsync resync --resource`): those with a
/// step of their own (addresses and form field values come with the customers).
pub fn pass_resources() -> impl Iterator<Item = Resource> {
    Resource::ALL.into_iter().filter(|r| r.has_own_step())
}

/// How a pass reads: the poller's settings and the sweeps' slices.
#[derive(Debug, Clone)]
pub struct PassOptions {
    pub poll: PollOptions,
    /// The bound, interval and cap each reconcile pass sizes its sweeps from
    /// (`bcsync_reconciler::plan`).
    pub sweeps: SweepSettings,
    /// Channels whose settings are read besides those the customers mention.
    pub channels: Vec<i64>,
    /// Only this resource (one of [`pass_resources`]); `None`: all of them.
    pub only: Option<Resource>,
    /// Whether the pass also finds deletes (count checks) and runs the sweeps. The
    /// daemon's frequent incremental passes do not; its reconcile passes do.
    pub reconcile: bool,
    /// The daemon replica running the pass (its lease holder id), kept in
    /// `sync_runs.details.replica` so an operator sees who worked a store when.
    pub replica: Option<String>,
    /// Where the token was set ("BIGCOMMERCE_ACCESS_TOKEN", "stores[0].token_file in
    /// bcsync.toml"), for the line that says a rejected token needs checking.
    pub token_source: Option<String>,
    /// Where the store hash was set, for the line that says a 404 needs checking it.
    pub hash_source: Option<String>,
    /// Rows soft-deleted this long are scrubbed at the end of the pass
    /// (`erase_deleted_after`); `None`: never.
    pub erase_deleted_after: Option<std::time::Duration>,
    /// Columns stored as HMAC-SHA-256 hex (`hash_columns`); `None`: none.
    pub hashing: Option<bcsync_mirror::Hashing>,
    /// Tables keeping every version (`history`), checked against
    /// `bcsync_mirror::HISTORY_TABLES`.
    pub history: Vec<String>,
}

impl PassOptions {
    /// The same settings for a pass that only reads what changed: no sweeps, no
    /// delete checks.
    pub fn incremental_only(&self) -> PassOptions {
        let mut o = self.clone();
        o.reconcile = false;
        o
    }

    /// Whether this pass reads `resource`.
    pub fn reads(&self, resource: Resource) -> bool {
        self.only.is_none_or(|only| only == resource)
    }
}

impl Default for PassOptions {
    fn default() -> Self {
        PassOptions {
            poll: PollOptions::default(),
            sweeps: SweepSettings::default(),
            channels: Vec::new(),
            only: None,
            reconcile: true,
            replica: None,
            token_source: None,
            hash_source: None,
            erase_deleted_after: None,
            hashing: None,
            history: Vec::new(),
        }
    }
}
