"""The port through which customers are stored and found."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from orderkit.customers.customer import Customer

__all__ = ["CustomerRepository"]


class CustomerRepository(Protocol):
    """Protocol: customers inside one unit of work, keyed by id and by email."""

    def add(self, customer: Customer) -> None:
        """Store a new customer.

        Raises:
            AlreadyExists: The id or the email is taken.
        """
        ...

    def replace(self, customer: Customer) -> None:
        """Store a new version of an existing customer (same id).

        Raises:
            CustomerNotFound: No customer has that id.
            AlreadyExists: The new email belongs to another customer.
        """
        ...

    def get(self, customer_id: str) -> Customer:
        """Return the customer with ``customer_id``.

        Raises:
            CustomerNotFound: No customer has that id.
        """
        ...

    def find_by_email(self, email: str) -> Customer | None:
        """Return the customer with ``email`` (case-insensitive), or ``None``."""
        ...

    def list(self) -> Iterator[Customer]:
        """Yield every customer in id order (which is registration order)."""
        ...

    def count(self) -> int:
        """Return how many customers are stored."""
        ...
