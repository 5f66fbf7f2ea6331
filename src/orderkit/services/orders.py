"""Use cases of orders: placing them and looking them up."""

from __future__ import annotations

from collections.abc import Sequence

from orderkit._checks import require_code, require_instance
from orderkit.addresses import Address
from orderkit.errors import CurrencyMismatch, ValidationError
from orderkit.lifecycle.events import OrderPlaced
from orderkit.lifecycle.order import Order, OrderLine
from orderkit.money import Money
from orderkit.quantity import validate_quantity
from orderkit.services.context import ServiceContext
from orderkit.services.customers import resolve_customer
from orderkit.storage import UnitOfWork

__all__ = ["OrderService"]

LineRequest = tuple[str, int]


def _requested_lines(lines: object) -> list[LineRequest]:
    if not isinstance(lines, Sequence) or isinstance(lines, str) or not lines:
        raise ValidationError("lines", lines, "give a non-empty list of (sku, quantity) pairs")
    requested = []
    for index, item in enumerate(lines):
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ValidationError(f"lines[{index}]", item, "must be a (sku, quantity) pair")
        sku = require_code(item[0], f"lines[{index}].sku")
        requested.append((sku, validate_quantity(item[1], f"lines[{index}].quantity")))
    return requested


class OrderService:
    """``shop.orders``: placing orders and finding them."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def place(
        self,
        customer: str,
        lines: Sequence[LineRequest],
        *,
        channel: str = "web",
        ship_to: Address | None = None,
        shipping: Money | None = None,
    ) -> Order:
        """Place an order at the catalog's current prices; emits ``OrderPlaced``.

        Args:
            customer: The customer's email or id.
            lines: ``(sku, quantity)`` pairs; every product must be in one currency.
            channel: Where the order came from (``"web"``, ``"marketplace"``,
                ``"pos"``, ``"phone"`` or a name of the host's).
            ship_to: The delivery address; the customer's first address by default.
            shipping: The shipping fee in the order's currency; zero by default.

        Returns:
            The stored order, with its sequential ``number``.

        Raises:
            ValidationError: A line, quantity or address is malformed, or there is
                no address to ship to.
            CustomerNotFound: Nobody has that email or id.
            ProductNotFound: A SKU is not in the catalog.
            CurrencyMismatch: The products, or the shipping fee, are in different currencies.
        """
        requested = _requested_lines(lines)
        channel = require_code(channel, "channel")
        if ship_to is not None:
            require_instance(ship_to, Address, "ship_to")
        if shipping is not None:
            require_instance(shipping, Money, "shipping")
        if not isinstance(customer, str):
            raise ValidationError("customer", customer, "give the customer's email or id")
        context = self._context
        with context.store.unit_of_work() as uow:
            buyer = resolve_customer(uow, customer)
            destination = ship_to or (buyer.addresses[0] if buyer.addresses else None)
            if destination is None:
                raise ValidationError("ship_to", None, "the customer has no address; pass ship_to")
            order_lines = self._price(uow, requested)
            currency = order_lines[0].unit_price.currency
            order = Order(
                id=context.ids.new(),
                number=uow.sequences.next("order"),
                channel=channel,
                customer_id=buyer.id,
                currency=currency,
                lines=order_lines,
                ship_to=destination,
                placed_at=context.clock.now(),
                shipping=shipping if shipping is not None else Money.zero(currency),
            )
            uow.orders.add(order)
            context.record(
                uow,
                OrderPlaced,
                aggregate_id=order.id,
                number=order.number,
                customer_id=buyer.id,
                channel=channel,
                grand_total=order.grand_total,
            )
            uow.commit()
        return order

    @staticmethod
    def _price(uow: UnitOfWork, requested: list[LineRequest]) -> list[OrderLine]:
        order_lines: list[OrderLine] = []
        for sku, quantity in requested:
            product = uow.products.get(sku)
            if order_lines and product.currency != order_lines[0].unit_price.currency:
                raise CurrencyMismatch(
                    "lines", order_lines[0].unit_price.currency, product.currency
                )
            order_lines.append(OrderLine(sku, product.name, quantity, product.price))
        return order_lines

    def get(self, order: str | int) -> Order:
        """Return an order by id, or by number when given an ``int``.

        Raises:
            OrderNotFound: No such order.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            if isinstance(order, int) and not isinstance(order, bool):
                return uow.orders.get_by_number(order)
            return uow.orders.get(require_code(order, "order"))

    def list(self) -> list[Order]:
        """Return every order by number."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return list(uow.orders.list())

    def count(self) -> int:
        """Return how many orders were placed."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.orders.count()
