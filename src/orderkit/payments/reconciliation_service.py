"""The morning check of payments against goods: what is shipped unpaid, paid unshipped, lapsing."""

from __future__ import annotations

from datetime import datetime, timedelta

from orderkit.core.access import reads
from orderkit.core.checks import require_limit
from orderkit.core.context import ServiceContext
from orderkit.errors import ValidationError
from orderkit.lifecycle.ports import FulfilmentStatus, OrderQuery, PaymentStatus
from orderkit.payments.ports import PaymentsUnitOfWork
from orderkit.payments.reconciliation import PaymentReconciliation

__all__ = ["ReconciliationService"]


class ReconciliationService:
    """The morning check of payments against goods; ``shop.payments`` hands its calls here.

    Args:
        context: The shop's shared parts.
    """

    def __init__(self, context: ServiceContext[PaymentsUnitOfWork]) -> None:
        self._context = context

    @reads("payments.read")
    def reconciliation(
        self,
        *,
        unshipped_after: timedelta = timedelta(days=3),
        expiring_within: timedelta = timedelta(days=1),
        limit: int = 500,
    ) -> PaymentReconciliation:
        """List what does not match: shipped but unpaid, paid but unshipped, lapsing soon.

        Args:
            unshipped_after: How long after placing a paid order may wait to ship.
            expiring_within: How far ahead to look for lapsing authorisations.
            limit: At most this many entries per list; past it, the most
                recent orders and the soonest-lapsing authorisations.

        Raises:
            ValidationError: A negative time or a bad limit.
        """
        for name, value in (
            ("unshipped_after", unshipped_after),
            ("expiring_within", expiring_within),
        ):
            if not isinstance(value, timedelta) or value < timedelta(0):
                raise ValidationError(name, value, "must be a timedelta of zero or more")
        require_limit(limit)
        now = self._context.clock.now()
        with self._context.store.unit_of_work(readonly=True) as uow:
            return _reconcile(
                uow,
                now,
                unshipped_after=unshipped_after,
                expiring_within=expiring_within,
                limit=limit,
            )


def _reconcile(
    uow: PaymentsUnitOfWork,
    now: datetime,
    *,
    unshipped_after: timedelta,
    expiring_within: timedelta,
    limit: int,
) -> PaymentReconciliation:
    """List orders shipped but not paid, paid but not shipped after a while, and lapsing holds.

    Reads the indexed status columns, one query per pair of statuses.
    """
    shipped_unpaid = _matching(uow, _SHIPPED, _NOT_PAID, placed_until=None, limit=limit)
    captured_unshipped = _matching(
        uow, _UNSHIPPED, _TAKEN, placed_until=now - unshipped_after, limit=limit
    )
    expiring = uow.payments.expiring(now + expiring_within, limit)
    overpaid = uow.orders.find(OrderQuery(payment_status=PaymentStatus.OVERPAID.value), limit=limit)
    return PaymentReconciliation(
        shipped_unpaid,
        captured_unshipped,
        tuple(expiring),
        tuple(sorted(order.number for order in overpaid)),
    )


_SHIPPED = (
    FulfilmentStatus.PARTIALLY_SHIPPED,
    FulfilmentStatus.SHIPPED,
    FulfilmentStatus.PARTIALLY_DELIVERED,
    FulfilmentStatus.DELIVERED,
)
_UNSHIPPED = (
    FulfilmentStatus.UNFULFILLED,
    FulfilmentStatus.PARTIALLY_PICKED,
    FulfilmentStatus.PICKED,
    FulfilmentStatus.PARTIALLY_PACKED,
    FulfilmentStatus.PACKED,
)
_NOT_PAID = (PaymentStatus.UNPAID, PaymentStatus.AUTHORISED, PaymentStatus.PARTIALLY_PAID)
_TAKEN = (PaymentStatus.PAID, PaymentStatus.PARTIALLY_PAID, PaymentStatus.OVERPAID)


def _matching(
    uow: PaymentsUnitOfWork,
    fulfilment: tuple[FulfilmentStatus, ...],
    payment: tuple[PaymentStatus, ...],
    *,
    placed_until: datetime | None,
    limit: int,
) -> tuple[int, ...]:
    """Numbers, in order, of the ``limit`` most recent orders in any of the statuses."""
    found: set[int] = set()
    for fulfilment_status in fulfilment:
        for payment_status in payment:
            query = OrderQuery(
                payment_status=payment_status.value,
                fulfilment_status=fulfilment_status.value,
                placed_until=placed_until,
            )
            found.update(order.number for order in uow.orders.find(query, limit=limit))
    return tuple(sorted(found)[-limit:])
