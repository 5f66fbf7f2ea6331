-- "fulfilled" meant packed, and "partially fulfilled" picked or packed in part:
-- each stage now says its own name, and only units that left count as sent.
-- The status column is a copy of what each order derives: the rows are renamed
-- here as closely as SQL can tell (an order picked in part but not packed reads
-- partially_packed until its next save writes the derived value again).

UPDATE orders SET fulfilment_status = 'packed' WHERE fulfilment_status = 'fulfilled';
UPDATE orders SET fulfilment_status = 'partially_packed'
    WHERE fulfilment_status = 'partially_fulfilled';
