-- Payment tokens out of change_log (issue 10): a stored instrument's change_log row is
-- keyed `customer_id:sha256(token) in hex` from now on; rows already written with the
-- token itself are rewritten the same way, so no token stays in the log.
--
-- Data only, no shape change: an older version still running writes the old form
-- until it stops; rewriting its rows needs this statement again (or a newer release).

UPDATE bigcommerce.change_log
SET entity_id = split_part(entity_id, ':', 1) || ':'
    || encode(sha256(convert_to(substr(entity_id, strpos(entity_id, ':') + 1), 'UTF8')), 'hex')
WHERE entity = 'customer_stored_instruments'
  AND entity_id !~ '^[0-9]+:[0-9a-f]{64}$';
