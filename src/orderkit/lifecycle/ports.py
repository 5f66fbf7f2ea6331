"""What the order lifecycle needs from a store and from stock, and what others may use of it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, runtime_checkable

from orderkit.catalog.ports import CatalogUnitOfWork
from orderkit.core.addresses import Address
from orderkit.core.checks import MAX_INT, require_code
from orderkit.core.ports import Sequences
from orderkit.customers.ports import CustomersUnitOfWork
from orderkit.errors import OrderNotFound, ValidationError
from orderkit.lifecycle.order import Order, OrderLine
from orderkit.lifecycle.order_workflow import HoldReason, OrderState
from orderkit.lifecycle.policy import OrderPolicy
from orderkit.lifecycle.repository import OrderQuery, OrderRepository
from orderkit.lifecycle.status import FulfilmentStatus, PaymentStatus

__all__ = [
    "FulfilmentStatus",
    "HoldReason",
    "Order",
    "OrderLine",
    "OrderPolicy",
    "OrderQuery",
    "OrderRef",
    "OrderRepository",
    "OrderState",
    "OrdersUnitOfWork",
    "PaymentStatus",
    "PickupStock",
    "ReturnsStock",
    "StockCoupling",
    "load_order",
    "order_ids",
]


class OrdersUnitOfWork(CatalogUnitOfWork, CustomersUnitOfWork, Protocol):
    """Protocol: a unit of work with orders, and the products and customers they name."""

    @property
    def orders(self) -> OrderRepository:
        """The orders of this transaction."""
        ...

    @property
    def sequences(self) -> Sequences:
        """The named counters of this transaction (order numbers)."""
        ...


class StockCoupling(Protocol):
    """Protocol: what the order service does with stock, inside its unit of work.

    The order service calls :meth:`reserve` when an order is confirmed,
    :meth:`release` when it is cancelled or expires, :meth:`reserve` again
    after :meth:`release` when an edit or a partial cancellation changes the
    lines (the re-reservation hook), and :meth:`ship` when it ships. Replace
    ``shop.orders.stock`` with your own implementation to reserve elsewhere
    (an external WMS) or differently.
    """

    def reserve(self, uow: OrdersUnitOfWork, order: Order) -> None:
        """Hold stock for the order's open lines and record it in the lines' counters."""
        ...

    def release(self, uow: OrdersUnitOfWork, order: Order) -> bool:
        """Give back whatever the order holds; return whether it held anything."""
        ...

    def ship(self, uow: OrdersUnitOfWork, order: Order) -> None:
        """Take what the order holds out of on-hand stock."""
        ...


@runtime_checkable
class ReturnsStock(Protocol):
    """Protocol: a :class:`StockCoupling` that also takes returned units back.

    The order service calls :meth:`restock` when a transition records units
    as returned (``receive_return`` in the default workflow), in its unit of
    work; a coupling without it leaves returns to the host.
    """

    def restock(self, uow: OrdersUnitOfWork, order: Order, units: Mapping[str, int]) -> None:
        """Put ``units`` (by SKU) of the order back into sellable stock, through the ledger."""
        ...


@runtime_checkable
class PickupStock(Protocol):
    """Protocol: a :class:`StockCoupling` that knows pickup points.

    An order placed with ``pickup_point`` ships to that point's address (so
    tax is worked out where the goods change hands) and holds its stock
    there; a coupling without it refuses such orders.
    """

    def pickup_address(self, uow: OrdersUnitOfWork, pickup_point: str) -> Address:
        """The address of the pickup point.

        Raises:
            ValidationError: It is no pickup point (an unknown or ordinary warehouse).
        """
        ...


OrderRef = str | int | Order
"""An order given by id, by number, or as a loaded object (then its version is checked)."""


def order_ids(uow: OrdersUnitOfWork, orders: object) -> list[str]:
    """The ids of a list of orders given by id, number or object, each found in the store.

    Raises:
        ValidationError: ``orders`` is not a list (a single order, a string, ``None``).
        OrderNotFound: An order is unknown.
    """
    if isinstance(orders, str | bytes | Order) or not isinstance(orders, Iterable):
        raise ValidationError("orders", orders, "give a list of order ids, numbers or orders")
    return [load_order(uow, order).id for order in orders]


def load_order(uow: OrdersUnitOfWork, order: OrderRef) -> Order:
    """Load an order by its id, its number, or afresh from an :class:`Order`.

    Raises:
        OrderNotFound: No such order.
        ValidationError: ``order`` is none of these.
    """
    if isinstance(order, Order):
        return uow.orders.get(order.id)
    if isinstance(order, int) and not isinstance(order, bool):
        if not 0 < order <= MAX_INT:
            raise OrderNotFound(order)  # no store holds such a number
        return uow.orders.get_by_number(order)
    return uow.orders.get(require_code(order, "order"))
