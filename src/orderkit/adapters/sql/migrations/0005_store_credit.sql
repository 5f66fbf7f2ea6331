-- Gift cards and store credit: accounts whose balance never goes below zero, and their ledger.

CREATE TABLE credit_accounts (
    id {text} PRIMARY KEY,
    customer_id {text},
    balance {bigint} NOT NULL CHECK (balance >= 0),
    version {bigint} NOT NULL,
    body {json} NOT NULL
);

CREATE INDEX credit_accounts_customer ON credit_accounts (customer_id);

CREATE TABLE credit_entries (
    position {serial_pk},
    key {text} NOT NULL UNIQUE,
    account_id {text} NOT NULL,
    reference {text},
    kind {text} NOT NULL,
    amount {bigint} NOT NULL,
    balance_after {bigint} NOT NULL,
    currency {text} NOT NULL,
    at {timestamp} NOT NULL,
    note {text}
);

CREATE INDEX credit_entries_account ON credit_entries (account_id, position);

CREATE INDEX credit_entries_reference ON credit_entries (reference, position);
