"""Payments and idempotency keys in memory."""

from __future__ import annotations

import cattrs

from orderkit.adapters.memory._tables import Overlay
from orderkit.adapters.memory._versioned import MemoryVersionedDocuments
from orderkit.errors import PaymentNotFound
from orderkit.payments.payment import Payment
from orderkit.payments.repository import IdempotencyRecord


class MemoryPayments(MemoryVersionedDocuments[Payment]):
    """Payments keyed by id, saved with a version check."""

    kind = "payment"
    aggregate = Payment
    not_found = PaymentNotFound

    def for_order(self, order_id: str) -> list[Payment]:
        found = [payment for payment in self._all() if payment.order_id == order_id]
        return sorted(found, key=lambda payment: (payment.created_at, payment.id))


class MemoryIdempotencyKeys:
    """Idempotency records keyed by key."""

    def __init__(self, table: Overlay, converter: cattrs.Converter) -> None:
        self._table = table
        self._converter = converter

    def claim(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        stored = self._table.get(record.key)
        if stored is not None:
            existing: IdempotencyRecord = self._converter.structure(stored, IdempotencyRecord)
            return existing
        self._table.put(record.key, self._converter.unstructure(record))
        return None
