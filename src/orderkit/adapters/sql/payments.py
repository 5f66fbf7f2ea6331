"""Payments and idempotency keys over the shared SQL schema."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orderkit.adapters.sql.base import SqlRepository
from orderkit.adapters.sql.versioned import SqlVersionedRepository
from orderkit.errors import AlreadyExists, PaymentNotFound, RefundNotFound
from orderkit.payments.payment import Payment
from orderkit.payments.refunds import Refund
from orderkit.payments.repository import IdempotencyRecord
from orderkit.payments.verification import normalise_signal

__all__ = ["SqlIdempotencyKeys", "SqlPayments", "SqlRefunds"]

_SIGNAL_COLUMNS = {"email": "payer_email", "ip": "payer_ip", "card": "card_fingerprint"}


class SqlPayments(SqlVersionedRepository[Payment]):
    """Payments in the ``payments`` table, saved with a version check."""

    table = "payments"
    kind = "payment"
    aggregate = Payment
    not_found = PaymentNotFound

    def _columns(self, payment: Payment) -> dict[str, Any]:
        return {
            "order_id": payment.order_id,
            "state": payment.state.value,
            "gateway": payment.gateway,
            "reference": payment.reference,
            "created_at": self._dialect.encode_time(payment.created_at),
            "authorised_until": None
            if payment.authorised_until is None
            else self._dialect.encode_time(payment.authorised_until),
            **payment.signals.indexed(),
        }

    def add(self, payment: Payment) -> None:
        """Insert a new payment."""
        if not self._insert(payment):
            raise AlreadyExists("payment", payment.id)

    def for_order(self, order_id: str) -> list[Payment]:
        """An order's payments, oldest first."""
        return self._select("order_id = :order_id", "created_at, id", {"order_id": order_id})

    def held_for_order(self, order_id: str) -> list[Payment]:
        """An order's payments, oldest first, read without row locks."""
        return self._select(
            "order_id = :order_id", "created_at, id", {"order_id": order_id}, lock=False
        )

    def by_reference(self, gateway: str, reference: str) -> list[Payment]:
        """The gateway's payments with ``reference``, oldest first."""
        return self._select(
            "gateway = :gateway AND reference = :reference",
            "created_at, id",
            {"gateway": gateway, "reference": reference},
        )

    def count_since(self, signal: str, value: str, since: datetime) -> int:
        """How many payments since ``since`` carry ``value`` for the signal."""
        column = _SIGNAL_COLUMNS[signal]
        row = self._session.one(
            f"SELECT COUNT(*) FROM payments WHERE {column} = :value AND created_at >= :since",
            {"value": normalise_signal(value), "since": self._dialect.encode_time(since)},
        )
        return int(row[0])

    def expiring(self, at: datetime, limit: int) -> list[Payment]:
        """Uncaptured authorisations whose window ends by ``at``, soonest first."""
        return self._select(
            "state = 'authorised' AND authorised_until <= :at",
            "authorised_until, id",
            {"at": self._dialect.encode_time(at)},
            limit=limit,
        )


class SqlRefunds(SqlVersionedRepository[Refund]):
    """Refunds in the ``refunds`` table, saved with a version check."""

    table = "refunds"
    kind = "refund"
    aggregate = Refund
    not_found = RefundNotFound

    def _columns(self, refund: Refund) -> dict[str, Any]:
        return {
            "order_id": refund.order_id,
            "created_at": self._dialect.encode_time(refund.created_at),
        }

    def add(self, refund: Refund) -> None:
        """Insert a new refund."""
        if not self._insert(refund):
            raise AlreadyExists("refund", refund.id)

    def for_order(self, order_id: str) -> list[Refund]:
        """An order's refunds, oldest first."""
        return self._select("order_id = :order_id", "created_at, id", {"order_id": order_id})


class SqlIdempotencyKeys(SqlRepository):
    """Idempotency records in the ``idempotency_keys`` table."""

    def claim(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        """Insert the record unless its key is taken; return the stored one if it is."""
        inserted = self._session.write(
            "INSERT INTO idempotency_keys (key, operation, fingerprint, payment_id, created_at) "
            "VALUES (:key, :operation, :fingerprint, :payment_id, :created_at) "
            "ON CONFLICT DO NOTHING",
            {
                "key": record.key,
                "operation": record.operation,
                "fingerprint": record.fingerprint,
                "payment_id": record.payment_id,
                "created_at": self._dialect.encode_time(record.created_at),
            },
        )
        if inserted:
            return None
        return self.get(record.key)

    def get(self, key: str) -> IdempotencyRecord | None:
        """The record of ``key``, or ``None``."""
        row = self._session.one(
            "SELECT key, operation, fingerprint, payment_id, created_at FROM idempotency_keys "
            f"WHERE key = :key{self._session.for_share}",
            {"key": key},
        )
        if row is None:
            return None
        return IdempotencyRecord(row[0], row[1], row[2], row[3], self._dialect.decode_time(row[4]))
