-- Refunds of orders: by lines or by amount, spread over the order's payments.

CREATE TABLE refunds (
    id {text} PRIMARY KEY,
    order_id {text} NOT NULL,
    created_at {timestamp} NOT NULL,
    version {bigint} NOT NULL,
    body {json} NOT NULL
);

CREATE INDEX refunds_order ON refunds (order_id, created_at);
