"""What payments need from a store and from the order lifecycle, and what others may use of it."""

from __future__ import annotations

from typing import Protocol

from orderkit.lifecycle.ports import Order, OrderPolicy, OrdersUnitOfWork
from orderkit.payments.methods import PaymentMethod
from orderkit.payments.refunds import (
    Refund,
    RefundDestination,
    RefundRepository,
    goods_values,
    line_refund,
    shipping_left,
)
from orderkit.payments.repository import IdempotencyKeys, PaymentRepository
from orderkit.store_credit.ports import StoreCreditUnitOfWork

__all__ = [
    "IdempotencyKeys",
    "OrderSteps",
    "PaymentMethod",
    "PaymentRepository",
    "PaymentsUnitOfWork",
    "Refund",
    "RefundDestination",
    "RefundRepository",
    "goods_values",
    "line_refund",
    "shipping_left",
]


class PaymentsUnitOfWork(OrdersUnitOfWork, StoreCreditUnitOfWork, Protocol):
    """Protocol: a unit of work with payments, their keys and refunds, and the orders they pay."""

    @property
    def payments(self) -> PaymentRepository:
        """The payments of this transaction."""
        ...

    @property
    def idempotency_keys(self) -> IdempotencyKeys:
        """The idempotency keys of gateway requests in this transaction."""
        ...

    @property
    def refunds(self) -> RefundRepository:
        """The refunds of this transaction."""
        ...


class OrderSteps(Protocol):
    """Protocol: how payments move orders along (the shop's order service is one).

    Payments fire ``secure_payment`` when an order's payments cover it, and
    hold or cancel it after a failure, as the order policy says.
    """

    @property
    def policy(self) -> OrderPolicy:
        """The shop's order policy (what a failed payment does to an order)."""
        ...

    def fire_within(
        self, uow: OrdersUnitOfWork, order: Order, command: str, *, actor: str, reason: str | None
    ) -> None:
        """Fire ``command`` on ``order`` inside the caller's unit of work."""
        ...
