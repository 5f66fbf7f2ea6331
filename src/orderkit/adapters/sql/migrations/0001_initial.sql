-- Catalog, customers, orders, the outbox and named counters.
-- Tokens in braces are column types and table options that differ between dialects.

CREATE TABLE products (
    sku {text} PRIMARY KEY,
    name {text} NOT NULL,
    brand {text},
    category {text},
    currency {text} NOT NULL,
    price_minor {bigint} NOT NULL,
    document {json} NOT NULL
);

CREATE INDEX products_brand ON products (brand);

CREATE INDEX products_category ON products (category);

CREATE TABLE customers (
    id {text} PRIMARY KEY,
    email {text} NOT NULL UNIQUE,
    country {text},
    registered_at {timestamp} NOT NULL,
    document {json} NOT NULL
);

CREATE TABLE orders (
    id {text} PRIMARY KEY,
    number {bigint} NOT NULL UNIQUE,
    version {bigint} NOT NULL,
    state {text} NOT NULL,
    channel {text} NOT NULL,
    customer_id {text} NOT NULL,
    currency {text} NOT NULL,
    grand_total_minor {bigint} NOT NULL,
    ship_country {text} NOT NULL,
    placed_at {timestamp} NOT NULL,
    document {json} NOT NULL
);

CREATE INDEX orders_customer ON orders (customer_id);

CREATE INDEX orders_placed_at ON orders (placed_at);

CREATE TABLE outbox (
    position {serial_pk},
    event_id {text} NOT NULL UNIQUE,
    event_type {text} NOT NULL,
    aggregate_type {text} NOT NULL,
    aggregate_id {text} NOT NULL,
    occurred_at {timestamp} NOT NULL,
    payload {json} NOT NULL,
    published_at {timestamp}
);

CREATE INDEX outbox_pending ON outbox (position) WHERE published_at IS NULL;

CREATE TABLE sequences (
    name {text} PRIMARY KEY,
    value {bigint} NOT NULL
){without_rowid};
