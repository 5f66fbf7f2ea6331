-- What the checkout said of the payer, beside each payment, so velocity checks
-- can count recent payments by email, IP or card.

ALTER TABLE payments ADD COLUMN payer_email {text};

ALTER TABLE payments ADD COLUMN payer_ip {text};

ALTER TABLE payments ADD COLUMN card_fingerprint {text};

CREATE INDEX payments_payer_email ON payments (payer_email, created_at) WHERE payer_email IS NOT NULL;

CREATE INDEX payments_payer_ip ON payments (payer_ip, created_at) WHERE payer_ip IS NOT NULL;

CREATE INDEX payments_card_fingerprint ON payments (card_fingerprint, created_at)
    WHERE card_fingerprint IS NOT NULL;
