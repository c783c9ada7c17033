-- Erasure (docs/privacy.md): scrubbing a row's personal columns and `raw` is a change
-- loaders must see, so it is logged in change_log with a new op, 'erase'.
--
-- Widening a CHECK is safe for a running older version: it never writes 'erase'. The
-- new constraint is added NOT VALID and validated separately, so the rows already
-- there are checked under a lock that does not block writers.

ALTER TABLE bigcommerce.change_log DROP CONSTRAINT change_log_op_check;
ALTER TABLE bigcommerce.change_log ADD CONSTRAINT change_log_op_check
    CHECK (op IN ('insert', 'update', 'delete', 'erase')) NOT VALID;
ALTER TABLE bigcommerce.change_log VALIDATE CONSTRAINT change_log_op_check;

COMMENT ON COLUMN bigcommerce.change_log.op IS
    'insert, update (also an undelete), delete (soft delete) or erase (personal columns and raw scrubbed)';
