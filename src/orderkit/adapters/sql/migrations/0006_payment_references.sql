-- Payments found by the reference a customer quotes on a bank transfer.

CREATE INDEX payments_reference ON payments (gateway, reference);
