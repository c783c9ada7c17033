-- Leases that hold (issue 10): a fencing token per claim and the replicas that share
-- the stores.
--
-- `epoch` is drawn from one sequence each time a store changes holder (a claim of a
-- free or expired lease), so it only ever grows, even across a release that deletes
-- the row. Every page a pass writes checks, in its own transaction, that this
-- replica still holds the store with the epoch it started with; a pass whose lease
-- was taken writes nothing more.
--
-- `replicas`: each `bcsync run` announces itself and renews a heartbeat; the live
-- ones (expires_at in the future) split the stores between them, about S/R each.
--
-- Additive only: an older version inserts leases without an epoch (the default 0,
-- which no fenced pass ever holds) and never reads `replicas`.

CREATE SEQUENCE bigcommerce.lease_epochs;

ALTER TABLE bigcommerce.store_leases ADD COLUMN epoch bigint NOT NULL DEFAULT 0;

COMMENT ON COLUMN bigcommerce.store_leases.epoch IS
    'fencing token: new (from bigcommerce.lease_epochs) on every change of holder; a page commits only under the epoch its pass started with';

CREATE TABLE bigcommerce.replicas (
    holder text PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

COMMENT ON TABLE bigcommerce.replicas IS
    'running bcsync daemons (live while expires_at is in the future, database clock); they share the stores';
COMMENT ON COLUMN bigcommerce.replicas.holder IS 'the replica''s name, as in store_leases.holder';
