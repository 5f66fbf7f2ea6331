-- Records: the tables of a host's own capabilities (and any record-keeping
-- repository), one row per record under its table name and order-preserving key.
-- The body is JSON text rather than JSONB, which cannot hold a NUL character.

CREATE TABLE records (
    name {text} NOT NULL,
    record_key {bytes} NOT NULL,
    body {text} NOT NULL,
    PRIMARY KEY (name, record_key)
){without_rowid};
