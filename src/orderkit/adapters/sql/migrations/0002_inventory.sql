-- Warehouses, stock levels with their movement ledger, reservations, stock
-- policies (backorders, replenishment) and purchase orders.
-- The CHECK constraints repeat the stock rules in the database itself: even a
-- write that bypassed orderkit could not make stock negative or oversell.

CREATE TABLE warehouses (
    code {text} PRIMARY KEY,
    priority {bigint} NOT NULL,
    active {bigint} NOT NULL,
    document {json} NOT NULL
);

CREATE TABLE stock_levels (
    sku {text} NOT NULL,
    warehouse {text} NOT NULL,
    on_hand {bigint} NOT NULL,
    reserved {bigint} NOT NULL,
    backordered {bigint} NOT NULL,
    PRIMARY KEY (sku, warehouse),
    CHECK (on_hand >= 0),
    CHECK (reserved >= 0),
    CHECK (backordered >= 0),
    CHECK (reserved <= on_hand)
){without_rowid};

CREATE INDEX stock_levels_warehouse ON stock_levels (warehouse);

CREATE TABLE bin_locations (
    sku {text} NOT NULL,
    warehouse {text} NOT NULL,
    bin {text} NOT NULL,
    PRIMARY KEY (sku, warehouse)
){without_rowid};

CREATE TABLE stock_movements (
    position {serial_pk},
    sku {text} NOT NULL,
    warehouse {text} NOT NULL,
    kind {text} NOT NULL,
    on_hand_delta {bigint} NOT NULL,
    reserved_delta {bigint} NOT NULL,
    backordered_delta {bigint} NOT NULL,
    document {text},
    reason {text},
    occurred_at {timestamp} NOT NULL
);

CREATE INDEX stock_movements_level ON stock_movements (sku, warehouse);

CREATE TABLE reservations (
    id {text} PRIMARY KEY,
    document {text} NOT NULL,
    status {text} NOT NULL,
    priority {bigint} NOT NULL,
    created_at {timestamp} NOT NULL,
    backordered {bigint} NOT NULL,
    expires_at {timestamp},
    version {bigint} NOT NULL,
    body {json} NOT NULL
);

CREATE INDEX reservations_document ON reservations (document);

CREATE INDEX reservations_expiry ON reservations (expires_at)
    WHERE status = 'active' AND expires_at IS NOT NULL;

CREATE INDEX reservations_backordered ON reservations (status, priority, created_at)
    WHERE backordered > 0;

CREATE TABLE stock_policies (
    sku {text} PRIMARY KEY,
    supplier {text},
    document {json} NOT NULL
);

CREATE TABLE purchase_orders (
    id {text} PRIMARY KEY,
    supplier {text} NOT NULL,
    warehouse {text} NOT NULL,
    status {text} NOT NULL,
    version {bigint} NOT NULL,
    body {json} NOT NULL
);

CREATE INDEX purchase_orders_open ON purchase_orders (warehouse) WHERE status = 'open';
