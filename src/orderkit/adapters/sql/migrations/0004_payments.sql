-- Payments (several per order) and the idempotency keys of gateway requests.

CREATE TABLE payments (
    id {text} PRIMARY KEY,
    order_id {text} NOT NULL,
    state {text} NOT NULL,
    gateway {text} NOT NULL,
    reference {text},
    created_at {timestamp} NOT NULL,
    authorised_until {timestamp},
    version {bigint} NOT NULL,
    body {json} NOT NULL
);

CREATE INDEX payments_order ON payments (order_id, created_at);

CREATE INDEX payments_expiry ON payments (authorised_until) WHERE state = 'authorised';

CREATE TABLE idempotency_keys (
    key {text} PRIMARY KEY,
    operation {text} NOT NULL,
    fingerprint {text} NOT NULL,
    payment_id {text} NOT NULL,
    created_at {timestamp} NOT NULL
){without_rowid};
