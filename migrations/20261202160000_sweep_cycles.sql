-- Sweep cycles (issue 14): how much of each swept resource was re-checked in the
-- current cycle, what the latest plan reads per pass, and when the last cycle ended.
-- Written by the reconciler at the end of each sweep step; read by `bcsync status`,
-- the status page and the metrics. Additive: the previous version never reads it.
CREATE TABLE IF NOT EXISTS bigcommerce.sweep_cycles (
    store_hash text NOT NULL,
    -- customers | addresses | metafields | per_customer
    sweep text NOT NULL,
    -- When the current cycle began (the previous one ended, or the sweep first ran).
    cycle_started_at timestamptz NOT NULL DEFAULT now(),
    -- Items (customers, addresses, metafields) re-checked since cycle_started_at.
    covered bigint NOT NULL DEFAULT 0,
    -- What the latest plan reads per pass, and the terms it was sized from.
    per_pass bigint NOT NULL DEFAULT 0,
    interval_secs bigint NOT NULL DEFAULT 0,
    within_secs bigint NOT NULL DEFAULT 0,
    -- The quota cap held the sweep below what the bound needs.
    capped boolean NOT NULL DEFAULT false,
    -- When the last whole cycle ended, and how long it took.
    last_completed_at timestamptz,
    last_cycle_secs double precision,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_hash, sweep)
);
