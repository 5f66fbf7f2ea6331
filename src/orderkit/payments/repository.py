"""The ports through which payments and idempotency keys are stored."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import attrs

from orderkit.payments.payment import Payment

__all__ = ["IdempotencyKeys", "IdempotencyRecord", "PaymentRepository"]


@attrs.frozen
class IdempotencyRecord:
    """What an idempotency key was first used for.

    Attributes:
        key: The key.
        operation: ``authorise``, ``capture``, ``void`` or ``refund`` (a
            gateway request); ``notification`` (a webhook's event id),
            ``statement`` (a bank statement line) or ``refund_order`` (a
            refund of an order).
        fingerprint: The request's fingerprint (see
            :func:`~orderkit.payments.request_fingerprint`).
        payment_id: The payment the request was about (the refund, for
            ``refund_order``).
        created_at: When the key was first used.
    """

    key: str
    operation: str
    fingerprint: str
    payment_id: str
    created_at: datetime


class PaymentRepository(Protocol):
    """Protocol: payments inside one unit of work."""

    def add(self, payment: Payment) -> None:
        """Store a new payment (version 0 becomes 1).

        Raises:
            AlreadyExists: A payment with the same id is stored.
        """
        ...

    def save(self, payment: Payment) -> None:
        """Store a changed payment if its stored version is the one it was loaded at.

        Raises:
            ConcurrencyConflict: Someone else saved it since.
            PaymentNotFound: It was never added.
        """
        ...

    def get(self, payment_id: str) -> Payment:
        """Return the payment with ``payment_id``.

        Raises:
            PaymentNotFound: No payment has that id.
        """
        ...

    def for_order(self, order_id: str) -> list[Payment]:
        """Return an order's payments, oldest first."""
        ...

    def held_for_order(self, order_id: str) -> list[Payment]:
        """Return an order's payments as last committed, oldest first, without locking them.

        For the order's open balance, read under the order's own lock: a
        store with row locks must not lock the payments here, or it would
        take them in the opposite order to a unit of work recording a
        gateway's answer (payment, then order) and the two could deadlock.
        A payment changed meanwhile only holds less than it did.
        """
        ...

    def by_reference(self, gateway: str, reference: str) -> list[Payment]:
        """Return the payments of ``gateway`` whose provider reference is ``reference``.

        Oldest first; a bank-transfer reference names one payment.
        """
        ...

    def count_since(self, signal: str, value: str, since: datetime) -> int:
        """Return how many payments created at or after ``since`` carry ``value``.

        ``signal`` is ``email``, ``ip`` or ``card`` (the card fingerprint) of
        the payment's :class:`~orderkit.payments.PaymentSignals`, compared
        stripped and lower-cased; for velocity checks across customers.
        """
        ...

    def expiring(self, at: datetime, limit: int) -> list[Payment]:
        """Return up to ``limit`` authorised, uncaptured payments whose window ends by ``at``.

        Soonest first. In a write unit of work they are locked, like every load.
        """
        ...


class IdempotencyKeys(Protocol):
    """Protocol: the idempotency keys of gateway requests, kept with what they were for."""

    def claim(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        """Store ``record`` if its key is new; otherwise return the stored record."""
        ...

    def get(self, key: str) -> IdempotencyRecord | None:
        """Return the record of ``key``, or ``None`` if the key was never used."""
        ...
