-- Shipments in tables of their own, moved out of the records table: a save
-- is one UPDATE, and an order's shipments, those in a state and the one with
-- a tracking number are read through the database's own indexes.
-- tracking holds the shipment's tracking numbers (a JSON list), so a save
-- knows when shipment_tracking needs filing again. The body is JSON text, as
-- in records: a carrier's raw status may hold characters JSONB refuses.
-- The data step of this migration moves the shipments kept in records.

CREATE TABLE shipments (
    id {text} PRIMARY KEY,
    order_number {bigint} NOT NULL,
    state {text} NOT NULL,
    created_at {timestamp} NOT NULL,
    tracking {text} NOT NULL,
    version {bigint} NOT NULL,
    body {text} NOT NULL
);

CREATE INDEX shipments_order ON shipments (order_number, created_at, id);

CREATE INDEX shipments_state ON shipments (state, created_at, id);

CREATE TABLE shipment_tracking (
    tracking_number {text} NOT NULL,
    shipment_id {text} NOT NULL,
    PRIMARY KEY (tracking_number, shipment_id)
){without_rowid};

CREATE INDEX shipment_tracking_shipment ON shipment_tracking (shipment_id);
