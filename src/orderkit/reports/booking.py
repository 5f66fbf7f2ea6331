"""Booking the sales ledger in the same unit of work that changes an order.

:class:`~orderkit.Shop` wraps its store in a :class:`BookingStore`: every
writing unit of work hands out orders through :class:`BookingOrders`, which
remembers what each order it loads amounts to and, when the order is added or
saved, appends the change to ``uow.sales``. No use case has to remember to
book: whatever stores an order books it, in its transaction, or neither
happens.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from orderkit.lifecycle.ports import Order, OrderQuery, OrderRepository
from orderkit.reports.ledger import Position, position_of, rows_for_change
from orderkit.reports.ports import SalesLedger

__all__ = ["BookingOrders", "BookingStore", "BookingUnitOfWork"]

_Facts = tuple[object, ...]


def _facts(order: Order) -> _Facts:
    """What an order's ledger position depends on; equal facts, equal positions."""
    return (
        tuple(
            (
                line.sku,
                line.quantity,
                line.cancelled,
                line.returned,
                line.unit_price,
                line.discount,
                line.tax_rate,
            )
            for line in order.lines
        ),
        order.order_discount,
        order.shipping,
        order.refunded,
        order.prices_include_tax,
        order.tax_rounding,
    )


class BookingOrders:
    """An order repository that books every change of an order in the sales ledger.

    It reads and writes through the store's own repository and appends to the
    unit of work's ledger; see :class:`~orderkit.lifecycle.ports.OrderRepository`.
    """

    def __init__(
        self,
        orders: OrderRepository,
        ledger: SalesLedger,
        now: Callable[[], datetime],
        new_id: Callable[[], str],
    ) -> None:
        self._orders = orders
        self._ledger = ledger
        self._now = now
        self._new_id = new_id
        # What each order loaded here looked like: its position is worked out
        # only if a save changes something it depends on.
        self._loaded: dict[str, tuple[_Facts, Order]] = {}

    def _seen(self, order: Order) -> Order:
        if order.id not in self._loaded:
            self._loaded[order.id] = (_facts(order), _frozen_copy(order))
        return order

    def _book(self, order: Order, before: Position | None, at: datetime) -> None:
        rows = rows_for_change(order, before, at, self._new_id())
        if rows:
            self._ledger.append(rows)
        self._loaded[order.id] = (_facts(order), _frozen_copy(order))

    def add(self, order: Order) -> None:
        """Store a new order and book its sale, dated when it was placed."""
        self._orders.add(order)
        self._book(order, None, order.placed_at)

    def save(self, order: Order) -> None:
        """Store a changed order and book what changed, dated now."""
        self._orders.save(order)
        loaded = self._loaded.get(order.id)
        if loaded is not None:
            facts, before = loaded
            if facts == _facts(order):
                return
            position: Position | None = position_of(before)
        else:
            position = self._ledger.position(order.id)
        self._book(order, position, self._now())

    def get(self, order_id: str) -> Order:
        """Load an order; see :meth:`OrderRepository.get`."""
        return self._seen(self._orders.get(order_id))

    def get_by_number(self, number: int) -> Order:
        """Load an order by number; see :meth:`OrderRepository.get_by_number`."""
        return self._seen(self._orders.get_by_number(number))

    def list(self) -> Iterator[Order]:
        """Every order by number; see :meth:`OrderRepository.list`."""
        for order in self._orders.list():
            yield self._seen(order)

    def find(
        self, query: OrderQuery, *, limit: int, before: int | None = None
    ) -> builtins.list[Order]:
        """Orders matching ``query``; see :meth:`OrderRepository.find`."""
        return [self._seen(order) for order in self._orders.find(query, limit=limit, before=before)]

    def expiring(self, at: datetime, limit: int) -> builtins.list[Order]:
        """Orders due to lapse; see :meth:`OrderRepository.expiring`."""
        return [self._seen(order) for order in self._orders.expiring(at, limit)]

    def count(self) -> int:
        """How many orders are stored."""
        return self._orders.count()

    def __getattr__(self, name: str) -> Any:
        # A store's repository may offer more than the port (pages, summaries).
        return getattr(self._orders, name)


def _frozen_copy(order: Order) -> Order:
    """A copy sharing the order's immutable parts, to price it as it was."""
    copy: Order = object.__new__(Order)
    for field in (
        "lines",
        "order_discount",
        "shipping",
        "refunded",
        "prices_include_tax",
        "tax_rounding",
        "currency",
        "id",
        "number",
        "_priced",
    ):
        object.__setattr__(copy, field, getattr(order, field))
    return copy


class BookingUnitOfWork:
    """A store's unit of work whose orders book the sales ledger as they are stored."""

    def __init__(self, inner: Any, now: Callable[[], datetime], new_id: Callable[[], str]) -> None:
        self._inner = inner
        self._now = now
        self._new_id = new_id
        self._orders: BookingOrders | None = None

    @property
    def orders(self) -> BookingOrders:
        """The orders of this transaction, booking as they are stored."""
        if self._orders is None:
            inner = self._inner
            self._orders = BookingOrders(inner.orders, inner.sales, self._now, self._new_id)
        return self._orders

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def commit(self) -> None:
        """Commit the store's unit of work."""
        self._inner.commit()

    def rollback(self) -> None:
        """Roll the store's unit of work back."""
        self._inner.rollback()


class BookingStore:
    """A store whose writing units of work book the sales ledger; reading ones are the store's.

    Args:
        store: The shop's store.
        now: The shop clock's ``now``: dates the rows of changes.
        new_id: The shop's id source: names each booking.
    """

    def __init__(self, store: Any, now: Callable[[], datetime], new_id: Callable[[], str]) -> None:
        self._store = store
        self._now = now
        self._new_id = new_id

    @contextmanager
    def unit_of_work(self, *, readonly: bool = False) -> Iterator[Any]:
        """Open a unit of work on the store (see :meth:`orderkit.storage.Store.unit_of_work`)."""
        with self._store.unit_of_work(readonly=readonly) as uow:
            yield uow if readonly else BookingUnitOfWork(uow, self._now, self._new_id)

    def close(self) -> None:
        """Close the store."""
        self._store.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def __repr__(self) -> str:
        return repr(self._store)
