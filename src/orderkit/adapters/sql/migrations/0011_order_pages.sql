-- Finding orders reads only the page it returns: each filter has an index
-- ending in the order number, so the page's numbers come from the index alone
-- (newest first) and only those orders' rows are read.

DROP INDEX orders_placed_at;

CREATE INDEX orders_placed ON orders (placed_at, number);

DROP INDEX orders_customer;

CREATE INDEX orders_customer ON orders (customer_id, number);

CREATE INDEX orders_payment_status ON orders (payment_status, number);

CREATE INDEX orders_fulfilment_status ON orders (fulfilment_status, number);
