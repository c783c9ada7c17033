-- The same change_log.seq (writing transaction id * 2^24 + a counter mod 2^24,
-- migration 20261202100000), computed for less per row: each bulk page logs
-- hundreds of rows, and the default was about a tenth of a row's cost.
--   - txid_current() is the 64-bit id pg_current_xact_id() gives (epoch included,
--     the top-level transaction's), as a bigint without a round trip through text.
--   - The counter's sequence hands each session 64 values at a time instead of
--     locking its page for every row. The values one session takes only rise, so
--     the rows of a transaction still sort in the order they were written; values a
--     session leaves unused are skipped, and seq was never dense.
-- Additive: older versions name no seq and get the new default; the values are the
-- old numbering's. SET DEFAULT takes a brief ACCESS EXCLUSIVE lock.
ALTER TABLE bigcommerce.change_log
    ALTER COLUMN seq SET DEFAULT
        txid_current() * 16777216
        + nextval('bigcommerce.change_log_seq_seq') % 16777216;

ALTER SEQUENCE bigcommerce.change_log_seq_seq CACHE 64;
