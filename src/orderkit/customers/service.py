"""Use cases of customer records: registering and finding customers."""

from __future__ import annotations

from collections.abc import Sequence

from orderkit.core.access import reads, writes
from orderkit.core.addresses import Address
from orderkit.core.checks import require_text
from orderkit.core.context import ServiceContext, retried
from orderkit.customers.customer import Customer
from orderkit.customers.events import CustomerRegistered
from orderkit.customers.ports import CustomersUnitOfWork, resolve_customer

__all__ = ["CustomerService"]


class CustomerService:
    """``shop.customers``: the people who place orders."""

    def __init__(self, context: ServiceContext[CustomersUnitOfWork]) -> None:
        self._context = context

    @writes("customers.register")
    @retried
    def register(
        self,
        email: str,
        name: str,
        *,
        addresses: Sequence[Address] = (),
        locale: str = "en",
    ) -> Customer:
        """Register a new customer and emit :class:`~orderkit.customers.CustomerRegistered`.

        Args:
            email: Unique per shop, compared case-insensitively.
            name: The customer's name.
            addresses: Known addresses; the first is the default shipping address.
            locale: Language and region for documents (``"de_DE"``).

        Raises:
            ValidationError: A field is malformed.
            AlreadyExists: The email is registered already.

        Examples:
            >>> import orderkit as ok
            >>> shop = ok.Shop.open()
            >>> shop.customers.register("Ana@Example.com", "Ana").email
            'ana@example.com'
        """
        context = self._context
        customer = Customer(
            id=context.ids.new(),
            email=email,
            name=name,
            registered_at=context.clock.now(),
            addresses=addresses,
            locale=locale,
        )
        with context.store.unit_of_work() as uow:
            uow.customers.add(customer)
            context.record(uow, CustomerRegistered, aggregate_id=customer.id, email=customer.email)
            uow.commit()
        return customer

    @reads("customers.read")
    def get(self, customer: str) -> Customer:
        """Return the customer with this email or id.

        Raises:
            CustomerNotFound: Nobody has that email or id.
        """
        customer = require_text(customer, "customer", 320)
        with self._context.store.unit_of_work(readonly=True) as uow:
            return resolve_customer(uow, customer)

    @reads("customers.read")
    def list(self) -> list[Customer]:
        """Return every customer, in registration order."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return list(uow.customers.list())

    @reads("customers.read")
    def count(self) -> int:
        """Return how many customers are registered."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.customers.count()
