-- Several daemon replicas may share one database; two syncing the same store at once
-- would spend its API quota twice and race on checkpoints. A replica syncs a store only
-- while it holds that store's lease, renewed before it expires; a replica that dies
-- loses it at expiry. Times come from the database clock (now()), so replicas with
-- skewed clocks agree on who holds what.
--
-- Additive only (a new table): an older version never reads or writes it.

CREATE TABLE bigcommerce.store_leases (
    store_hash text PRIMARY KEY,
    holder text NOT NULL,
    acquired_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

COMMENT ON TABLE bigcommerce.store_leases IS
    'which daemon replica syncs which store, until when (database clock)';
COMMENT ON COLUMN bigcommerce.store_leases.holder IS 'the replica''s name, e.g. host:pid';
COMMENT ON COLUMN bigcommerce.store_leases.acquired_at IS 'when the current holder took it (renewals keep it)';
COMMENT ON COLUMN bigcommerce.store_leases.expires_at IS
    'free for any replica after this; a holder renews before';
