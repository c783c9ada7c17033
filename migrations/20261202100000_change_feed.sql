-- A gap-free change feed: `bigcommerce.changes_after(after_seq, max_rows)`.
--
-- Why: `change_log.seq` was a plain sequence, taken when a row is written but visible
-- only when its transaction commits. With two writers at once (several stores, a resync
-- beside the daemon) a loader reading `seq > $last` could pass a seq that committed
-- later and never see it (11 % of changes lost in a test with three stores).
--
-- The fix: a seq now says which transaction wrote it.
--   seq = xid * 2^24 + (nextval(change_log_seq_seq) mod 2^24)
-- where xid is the writing (top-level) transaction's id (`pg_current_xact_id()`, an
-- xid8: 64 bits, never wraps). So seq order is transaction order, and every row of a
-- transaction sorts together. For any snapshot, every transaction with an xid below
-- `pg_snapshot_xmin` has ended, and every transaction that may still commit a row has an
-- xid at or above it. So the rows with seq < xmin * 2^24 are final: nothing will ever
-- commit below that bound again. `changes_after` returns only those (the "head"), in seq
-- order, so a loader that keeps the greatest seq it got never skips a change. It never
-- waits: rows of transactions still in flight are simply returned by a later call.
--
-- Limits, all loud rather than silent: a transaction writing 2^24 (16.7 M) rows or more
-- would repeat a low part (primary key violation, the transaction fails); xids beyond
-- 2^39 (550 billion transactions) overflow bigint ("bigint out of range"). A long-running
-- writing transaction anywhere on the server holds the head back until it ends.
--
-- Additive for older versions: they insert change_log rows naming only (store_hash,
-- entity, entity_id, op), so they get the new default too. SET DEFAULT takes an ACCESS
-- EXCLUSIVE lock, so it waits for every transaction that has written change_log rows with
-- the old numbering; the check below then proves every old seq is below any new one.

ALTER TABLE bigcommerce.change_log
    ALTER COLUMN seq SET DEFAULT
        pg_current_xact_id()::text::bigint * 16777216
        + nextval('bigcommerce.change_log_seq_seq') % 16777216;

DO $$
BEGIN
    IF (SELECT max(seq) FROM bigcommerce.change_log)
        >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint * 16777216 THEN
        RAISE EXCEPTION 'change_log already holds seq values at or above the new numbering; '
            'see migrations/20261202100000_change_feed.sql';
    END IF;
END
$$;

COMMENT ON COLUMN bigcommerce.change_log.seq IS
    'cursor for loaders: writing transaction id * 2^24 + a counter; read with '
    'bigcommerce.changes_after, never with seq > $last (uncommitted lower seqs)';

-- What retention pruned: a loader whose cursor is below `pruned_through` may have
-- missed pruned rows and must reload from the tables. One row.
CREATE TABLE bigcommerce.change_log_horizon (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    pruned_through bigint NOT NULL DEFAULT 0,
    pruned_at timestamptz
);
INSERT INTO bigcommerce.change_log_horizon DEFAULT VALUES;

COMMENT ON TABLE bigcommerce.change_log_horizon IS
    'one row: every change_log row with seq <= pruned_through may have been pruned by retention';

-- The greatest seq a loader may claim to have seen right now: every change at or below
-- it is committed (or rolled back) and visible. A loader (re)starting from a copy of the
-- tables takes it in the same REPEATABLE READ transaction as the copy, then reads
-- changes_after(head).
CREATE FUNCTION bigcommerce.changes_head() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint * 16777216 - 1 $$;

COMMENT ON FUNCTION bigcommerce.changes_head() IS
    'greatest seq below which no change can still commit: a safe starting cursor';

-- The feed. STABLE: one snapshot for the head and the rows.
CREATE FUNCTION bigcommerce.changes_after(after_seq bigint, max_rows integer, for_store text DEFAULT NULL)
RETURNS TABLE (seq bigint, store_hash text, entity text, entity_id text, op text, changed_at timestamptz)
LANGUAGE plpgsql STABLE
AS $$
#variable_conflict use_column
DECLARE
    head bigint := bigcommerce.changes_head();
    pruned bigint;
BEGIN
    IF after_seq IS NULL OR after_seq < 0 THEN
        RAISE EXCEPTION 'bigcommerce.changes_after: after_seq must be 0 or a seq returned earlier, got %',
            coalesce(after_seq::text, 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_rows IS NULL OR max_rows < 1 OR max_rows > 100000 THEN
        RAISE EXCEPTION 'bigcommerce.changes_after: max_rows must be between 1 and 100000, got %',
            coalesce(max_rows::text, 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF for_store IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM bigcommerce.sync_runs r WHERE r.store_hash = for_store)
        AND NOT EXISTS (SELECT 1 FROM bigcommerce.change_log l WHERE l.store_hash = for_store) THEN
        RAISE EXCEPTION 'bigcommerce.changes_after: unknown store %: no pass has run for it and it has no changes',
            for_store
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'store hashes are those in bigcommerce.sync_runs.store_hash';
    END IF;
    SELECT h.pruned_through INTO pruned FROM bigcommerce.change_log_horizon h;
    IF after_seq < pruned THEN
        RAISE EXCEPTION 'bigcommerce.changes_after: cursor % is older than the change_log retention horizon %: '
            'changes after it were pruned', after_seq, pruned
            USING ERRCODE = 'BC410',
                  HINT = 'reload from the tables (schema bigcommerce_live) in one REPEATABLE READ '
                         'transaction that also selects bigcommerce.changes_head(), then resume '
                         'from that head';
    END IF;
    IF for_store IS NULL THEN
        RETURN QUERY
            SELECT c.seq, c.store_hash, c.entity, c.entity_id, c.op, c.changed_at
            FROM bigcommerce.change_log c
            WHERE c.seq > after_seq AND c.seq <= head
            ORDER BY c.seq
            LIMIT max_rows;
    ELSE
        RETURN QUERY
            SELECT c.seq, c.store_hash, c.entity, c.entity_id, c.op, c.changed_at
            FROM bigcommerce.change_log c
            WHERE c.store_hash = for_store AND c.seq > after_seq AND c.seq <= head
            ORDER BY c.seq
            LIMIT max_rows;
    END IF;
END
$$;

COMMENT ON FUNCTION bigcommerce.changes_after(bigint, integer, text) IS
    'gap-free change feed: committed change_log rows after after_seq, in seq order, at most '
    'max_rows; optionally of one store. Keep the greatest seq returned as the next cursor.';
