"""The port through which orders are stored and found."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Protocol

import attrs

from orderkit.lifecycle.order import Order

__all__ = ["OrderFacts", "OrderQuery", "OrderRepository"]


class OrderFacts(Protocol):
    """Protocol: what an :class:`OrderQuery` looks at (an :class:`Order` has all of it)."""

    @property
    def state(self) -> str:
        """The lifecycle state."""
        ...

    @property
    def payment_status(self) -> str:
        """The payment status (a str enum on an order)."""
        ...

    @property
    def fulfilment_status(self) -> str:
        """The fulfilment status (a str enum on an order)."""
        ...

    @property
    def channel(self) -> str:
        """The sales channel."""
        ...

    @property
    def customer_id(self) -> str:
        """The customer's id."""
        ...

    @property
    def placed_at(self) -> datetime:
        """When it was placed."""
        ...

    @property
    def tags(self) -> Collection[str]:
        """Its tags."""
        ...


@attrs.frozen(kw_only=True)
class OrderQuery:
    """Which orders to find; every criterion given must match (``None`` matches anything).

    Attributes:
        states: Lifecycle states, any of them.
        payment_status: A :class:`~orderkit.lifecycle.PaymentStatus` value.
        fulfilment_status: A :class:`~orderkit.lifecycle.FulfilmentStatus` value.
        channel: The sales channel.
        customer_id: The customer's id.
        placed_from: Placed at or after this time.
        placed_until: Placed before this time.
        tag: Carries this tag.
    """

    states: tuple[str, ...] | None = None
    payment_status: str | None = None
    fulfilment_status: str | None = None
    channel: str | None = None
    customer_id: str | None = None
    placed_from: datetime | None = None
    placed_until: datetime | None = None
    tag: str | None = None

    def matches(self, order: OrderFacts) -> bool:
        """Whether ``order`` (or a store's summary of it) meets every criterion.

        The reference for every store.
        """
        return (
            (self.states is None or order.state in self.states)
            and (self.payment_status is None or order.payment_status == self.payment_status)
            and (
                self.fulfilment_status is None or order.fulfilment_status == self.fulfilment_status
            )
            and (self.channel is None or order.channel == self.channel)
            and (self.customer_id is None or order.customer_id == self.customer_id)
            and (self.placed_from is None or order.placed_at >= self.placed_from)
            and (self.placed_until is None or order.placed_at < self.placed_until)
            and (self.tag is None or self.tag in order.tags)
        )


class OrderRepository(Protocol):
    """Protocol: orders inside one unit of work, with optimistic version checks."""

    def add(self, order: Order) -> None:
        """Store a new order (its ``version`` must be 0); sets ``order.version`` to 1.

        Raises:
            AlreadyExists: The id or the number is taken.
        """
        ...

    def save(self, order: Order) -> None:
        """Store the changed order if nobody changed it since it was loaded.

        The stored version must equal ``order.version``; on success both become
        ``order.version + 1``.

        Raises:
            ConcurrencyConflict: The stored version differs (someone else saved).
            OrderNotFound: The order was never added.
        """
        ...

    def get(self, order_id: str) -> Order:
        """Return the order with ``order_id``.

        Raises:
            OrderNotFound: No order has that id.
        """
        ...

    def get_by_number(self, number: int) -> Order:
        """Return the order with the shop's order ``number``.

        Raises:
            OrderNotFound: No order has that number.
        """
        ...

    def list(self) -> Iterator[Order]:
        """Yield every order by number."""
        ...

    def find(
        self, query: OrderQuery, *, limit: int, before: int | None = None
    ) -> builtins.list[Order]:
        """Return up to ``limit`` orders matching ``query``, newest (highest number) first.

        Args:
            query: The criteria.
            limit: At most this many.
            before: Only orders numbered below this (the next page after the
                last order of the previous one).
        """
        ...

    def expiring(self, at: datetime, limit: int) -> builtins.list[Order]:
        """Return up to ``limit`` orders with ``expires_at`` at or before ``at``, soonest first."""
        ...

    def count(self) -> int:
        """Return how many orders are stored."""
        ...
