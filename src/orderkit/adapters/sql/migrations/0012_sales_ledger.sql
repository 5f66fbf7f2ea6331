-- The sales ledger: one row per change of an order's sales (a line sold, a
-- discount, a return, shipping, tax, a refund...), appended in the unit of
-- work that changes the order and never updated. booked_at (and the order's
-- placed_at) are whole seconds since the Unix epoch, so every dialect buckets
-- time with integer division.
-- Existing orders are booked by the data step of this migration.

CREATE TABLE sales_ledger (
    id {serial_pk},
    order_id {text} NOT NULL,
    order_number {bigint} NOT NULL,
    sku {text} NOT NULL,
    kind {text} NOT NULL,
    units {bigint} NOT NULL,
    amount_minor {bigint} NOT NULL,
    currency {text} NOT NULL,
    booked_at {bigint} NOT NULL,
    placed_at {bigint} NOT NULL,
    channel {text} NOT NULL,
    customer_id {text} NOT NULL,
    ship_country {text} NOT NULL,
    bill_country {text} NOT NULL,
    seller {text},
    attributes {json} NOT NULL,
    batch {text} NOT NULL
);

CREATE INDEX sales_ledger_booked ON sales_ledger (booked_at);

CREATE INDEX sales_ledger_order ON sales_ledger (order_id);

-- What product reports read of a product besides brand and category: its
-- cost, to work out margins in the database.
ALTER TABLE products ADD COLUMN cost_minor {bigint};

ALTER TABLE products ADD COLUMN cost_currency {text}
