-- Resumable sweeps (the reconciler's pass over /customers/addresses, which has no date
-- filter) resume from a page number, not a timestamp: give sync_state a place for it.
-- Additive and nullable: a version that does not know the column never reads or writes it.

ALTER TABLE bigcommerce.sync_state ADD COLUMN position bigint;

COMMENT ON COLUMN bigcommerce.sync_state.position IS
    'for sweeps without a date filter: where the next pass resumes (e.g. a page number); NULL: from the start';
