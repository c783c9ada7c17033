-- Webhook events between replicas (issue 10): the replica that receives a delivery
-- stores the event here and sends a NOTIFY that carries nothing but a wake-up; the
-- replica holding the store takes its events from this table. A NOTIFY is open to
-- every role that can connect, a row here only to bcsync's own role (and whoever it
-- grants), so a forged NOTIFY finds nothing to read and costs no API request.
--
-- Additive only: an older version neither reads nor writes it.

CREATE TABLE bigcommerce.webhook_events (
    id bigserial PRIMARY KEY,
    store_hash text NOT NULL,
    customer_id bigint NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX webhook_events_store_idx ON bigcommerce.webhook_events (store_hash);

COMMENT ON TABLE bigcommerce.webhook_events IS
    'accepted webhook events waiting for the replica that holds their store (taken, then deleted)';
