-- The order lifecycle: the derived payment and fulfilment statuses kept beside
-- the document for finding orders, the length of each order's history, and
-- the orders' tags.

ALTER TABLE orders ADD COLUMN payment_status {text} NOT NULL DEFAULT 'unpaid';

ALTER TABLE orders ADD COLUMN fulfilment_status {text} NOT NULL DEFAULT 'unfulfilled';

-- When an unconfirmed or unpaid order lapses, for the expiry sweep.
ALTER TABLE orders ADD COLUMN expires_at {timestamp};

CREATE INDEX orders_expires_at ON orders (expires_at) WHERE expires_at IS NOT NULL;

-- A save may add history entries, never remove them.
ALTER TABLE orders ADD COLUMN history_length {bigint} NOT NULL DEFAULT 0;

-- The tags as stored, space-separated, so a save can tell which rows of
-- order_tags to change without reading them.
ALTER TABLE orders ADD COLUMN tags {text} NOT NULL DEFAULT '';

CREATE INDEX orders_state ON orders (state, number);

CREATE INDEX orders_channel ON orders (channel, number);

CREATE TABLE order_tags (
    tag {text} NOT NULL,
    number {bigint} NOT NULL,
    order_id {text} NOT NULL,
    PRIMARY KEY (tag, number)
){without_rowid};

CREATE INDEX order_tags_order ON order_tags (order_id);
