"""Payments and idempotency keys in memory."""

from __future__ import annotations

from datetime import datetime

import cattrs

from orderkit.adapters.memory._tables import Overlay
from orderkit.adapters.memory._versioned import MemoryVersionedDocuments
from orderkit.errors import PaymentNotFound, RefundNotFound
from orderkit.payments.payment import Payment, PaymentState
from orderkit.payments.refunds import Refund
from orderkit.payments.repository import IdempotencyRecord
from orderkit.payments.verification import normalise_signal


class MemoryPayments(MemoryVersionedDocuments[Payment]):
    """Payments keyed by id, saved with a version check."""

    kind = "payment"
    aggregate = Payment
    not_found = PaymentNotFound

    def for_order(self, order_id: str) -> list[Payment]:
        found = [payment for payment in self._all() if payment.order_id == order_id]
        return sorted(found, key=lambda payment: (payment.created_at, payment.id))

    def by_reference(self, gateway: str, reference: str) -> list[Payment]:
        found = [
            payment
            for payment in self._all()
            if payment.gateway == gateway and payment.reference == reference
        ]
        return sorted(found, key=lambda payment: (payment.created_at, payment.id))

    def count_since(self, signal: str, value: str, since: datetime) -> int:
        wanted = normalise_signal(value)
        return sum(
            1
            for payment in self._all()
            if payment.signals.value(signal) == wanted and payment.created_at >= since
        )

    def expiring(self, at: datetime, limit: int) -> list[Payment]:
        due = [
            payment
            for payment in self._all()
            if payment.state is PaymentState.AUTHORISED
            and payment.authorised_until is not None
            and payment.authorised_until <= at
        ]
        due.sort(key=lambda payment: (payment.authorised_until or at, payment.id))
        return due[:limit]


class MemoryRefunds(MemoryVersionedDocuments[Refund]):
    """Refunds keyed by id, saved with a version check."""

    kind = "refund"
    aggregate = Refund
    not_found = RefundNotFound

    def for_order(self, order_id: str) -> list[Refund]:
        found = [refund for refund in self._all() if refund.order_id == order_id]
        return sorted(found, key=lambda refund: (refund.created_at, refund.id))


class MemoryIdempotencyKeys:
    """Idempotency records keyed by key."""

    def __init__(self, table: Overlay, converter: cattrs.Converter) -> None:
        self._table = table
        self._converter = converter

    def claim(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        existing = self.get(record.key)
        if existing is None:
            self._table.put(record.key, self._converter.unstructure(record))
        return existing

    def get(self, key: str) -> IdempotencyRecord | None:
        stored = self._table.get(key)
        if stored is None:
            return None
        record: IdempotencyRecord = self._converter.structure(stored, IdempotencyRecord)
        return record
