"""Use cases of customer records: registering and finding customers."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from orderkit.core.access import reads, writes
from orderkit.core.addresses import Address
from orderkit.core.checks import require_code, require_text
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
        account_manager: str | None = None,
    ) -> Customer:
        """Register a new customer and emit :class:`~orderkit.customers.CustomerRegistered`.

        Args:
            email: Unique per shop, compared case-insensitively.
            name: The customer's name.
            addresses: Known addresses; the first is the default shipping address.
            locale: Language and region for documents (``"de_DE"``).
            account_manager: The sales rep who looks after the customer; their
                orders are credited to this seller (``Order.seller``).

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
            account_manager=account_manager,
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

    @writes("customers.assign")
    @retried
    def assign_account_manager(self, customer: str, seller: str | None) -> Customer:
        """Make ``seller`` the customer's account manager (``None``: nobody).

        Orders placed from now on are credited to them; orders placed before
        keep the seller they were placed with.

        Raises:
            CustomerNotFound: Nobody has that email or id.
            ValidationError: ``seller`` is not a code.

        Examples:
            >>> import orderkit as ok
            >>> shop = ok.Shop.open()
            >>> ana = shop.customers.register("ana@example.com", "Ana")
            >>> shop.customers.assign_account_manager(ana.id, "rep-lena").account_manager
            'rep-lena'
        """
        if seller is not None:
            seller = require_code(seller, "seller")
        customer = require_text(customer, "customer", 320)
        with self._context.store.unit_of_work() as uow:
            found = resolve_customer(uow, customer)
            changed = attrs.evolve(found, account_manager=seller)
            uow.customers.replace(changed)
            uow.commit()
        return changed

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
