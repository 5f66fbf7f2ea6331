"""The port through which orders are stored and found."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from orderkit.lifecycle.order import Order

__all__ = ["OrderRepository"]


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

    def count(self) -> int:
        """Return how many orders are stored."""
        ...
