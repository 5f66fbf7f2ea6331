"""What reports need from a store: the orders, and the sales ledger beside them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from orderkit.lifecycle.ports import OrderRepository
from orderkit.reports.aggregation import CustomerSums, OrderSums, SalesQuery, SalesTotals
from orderkit.reports.ledger import Position, SaleRow
from orderkit.returns.ports import ReturnsUnitOfWork

__all__ = ["OrderAggregation", "ReportsUnitOfWork", "SalesAggregation", "SalesLedger"]


class SalesLedger(Protocol):
    """Protocol: the append-only sales ledger inside one unit of work.

    Rows are only added; nothing here changes or removes one. The
    :class:`~orderkit.testing.contract.StoreContract` checks an implementation.
    """

    def append(self, rows: Sequence[SaleRow]) -> None:
        """Add ``rows`` (booked together) to the ledger."""
        ...

    def position(self, order_id: str) -> Position | None:
        """The sum of the order's rows by ``(kind, sku)``, or ``None`` if it has none."""
        ...

    def rows(self, start: datetime | None = None, end: datetime | None = None) -> Iterator[SaleRow]:
        """Every row booked at or after ``start`` and before ``end`` (``None``: no bound).

        The rows come oldest first; rows booked in the same second in any order.
        """
        ...


@runtime_checkable
class SalesAggregation(Protocol):
    """Protocol: a ledger that sums its own rows (the SQL stores do it in the database).

    A ledger without it is summed in Python over :meth:`SalesLedger.rows`;
    both must give the same totals, to the cent.
    """

    def aggregate(self, query: SalesQuery) -> SalesTotals:
        """The totals of the rows ``query`` selects, by its grouping and currency."""
        ...


@runtime_checkable
class OrderAggregation(Protocol):
    """Protocol: a ledger that sums its rows per order and per customer (the SQL stores do).

    A ledger without it is summed in Python with
    :func:`~orderkit.reports.aggregation.sum_orders` and
    :func:`~orderkit.reports.aggregation.sum_customers`; both must agree.
    """

    def order_sums(
        self,
        *,
        placed_from: datetime | None = None,
        placed_until: datetime | None = None,
        booked_until: datetime | None = None,
    ) -> list[OrderSums]:
        """What :func:`~orderkit.reports.aggregation.sum_orders` gives over every row."""
        ...

    def customer_sums(self, *, start: datetime, end: datetime) -> list[CustomerSums]:
        """What :func:`~orderkit.reports.aggregation.sum_customers` gives, in any order."""
        ...


class ReportsUnitOfWork(ReturnsUnitOfWork, Protocol):
    """Protocol: a unit of work with what reports read.

    The sales ledger, and for the operations, inventory and customer
    reports the orders, shipments, returns, stock and products.
    """

    @property
    def orders(self) -> OrderRepository:
        """The orders of this transaction."""
        ...

    @property
    def sales(self) -> SalesLedger:
        """The sales ledger of this transaction."""
        ...
