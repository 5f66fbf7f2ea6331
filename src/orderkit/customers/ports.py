"""What the customers capability needs from a store, and what other capabilities may use of it."""

from __future__ import annotations

from typing import Protocol

from orderkit.core.ports import UnitOfWorkBase
from orderkit.customers.customer import Customer, normalise_email
from orderkit.customers.repository import CustomerRepository
from orderkit.errors import CustomerNotFound

__all__ = ["Customer", "CustomerRepository", "CustomersUnitOfWork", "resolve_customer"]


class CustomersUnitOfWork(UnitOfWorkBase, Protocol):
    """Protocol: a unit of work with the customers."""

    @property
    def customers(self) -> CustomerRepository:
        """The customers of this transaction."""
        ...


def resolve_customer(uow: CustomersUnitOfWork, customer: str) -> Customer:
    """Find a customer by email (anything with an ``@``) or by id.

    Raises:
        CustomerNotFound: Nobody has that email or id.
    """
    if "@" in customer:
        found = uow.customers.find_by_email(normalise_email(customer, "customer"))
        if found is None:
            raise CustomerNotFound(customer)
        return found
    return uow.customers.get(customer)
