"""What returns and claims share: the services they call, linked orders, what units are worth."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from orderkit.core.addresses import Address
from orderkit.core.checks import require_code
from orderkit.core.money import Money
from orderkit.core.quantity import validate_quantity
from orderkit.errors import ValidationError
from orderkit.fulfillment.ports import OrderSteps
from orderkit.lifecycle.ports import Order, OrderRef, OrderState
from orderkit.payments.ports import Refund, goods_values, line_refund
from orderkit.returns.ports import ReturnsUnitOfWork

__all__ = [
    "STORE_CREDIT_GATEWAY",
    "LinkedOrders",
    "ReturnMoney",
    "ShipmentMaker",
    "order_step",
    "parse_units",
    "place_linked_order",
    "worth",
]

STORE_CREDIT_GATEWAY = "store_credit"
"""The gateway that pays from store credit (every shop has it)."""

SYSTEM = "system:returns"
"""The actor returns fire order commands as."""


class _Paid(Protocol):
    @property
    def id(self) -> str: ...


class ReturnMoney(Protocol):
    """Protocol: how returns move money (the shop's payment service is one)."""

    def refund_order(
        self,
        order: OrderRef,
        *,
        key: str,
        lines: Mapping[str, int] | None = None,
        amount: Money | None = None,
        shipping: bool | Money = False,
        to: str = "original",
        credit_account: str | None = None,
        reason: str | None = None,
        withhold: Money | None = None,
    ) -> Refund:
        """Refund units of an order (see ``shop.payments.refund_order``)."""
        ...

    def authorise(
        self, order: OrderRef, amount: Money, source: str, *, key: str, gateway: str | None = None
    ) -> _Paid:
        """Authorise an amount of an order on a source."""
        ...

    def capture(
        self, payment_id: str, amount: Money | None = None, *, key: str, final: bool = False
    ) -> _Paid:
        """Capture an authorised payment."""
        ...

    def void(self, payment_id: str, *, key: str) -> _Paid:
        """Give back what is left of an authorisation."""
        ...


class LinkedOrders(OrderSteps, Protocol):
    """Protocol: how returns place and move orders (the shop's order service is one)."""

    def place_within(
        self,
        uow: ReturnsUnitOfWork,
        customer: str,
        lines: Sequence[tuple[str, int]],
        *,
        channel: str,
        ship_to: Address,
        line_discounts: Mapping[str, Money] | None = None,
        payment_method: str | None = None,
        tags: Sequence[str] = (),
        attributes: Mapping[str, str] | None = None,
        actor: str,
    ) -> Order:
        """Place an order inside the caller's unit of work."""
        ...


class ShipmentMaker(Protocol):
    """Protocol: makes shipments for what an order holds (the shop's fulfilment service)."""

    def create_shipments(self, order: OrderRef, *, actor: str = "system") -> Sequence[object]:
        """Make shipments for the units the order holds that are in none yet."""
        ...


STORE_CREDIT_GATEWAY = "store_credit"
"""The gateway that pays from store credit (every shop has it)."""


def _units(value: object, field: str) -> dict[str, int]:
    if not isinstance(value, Mapping) or not value:
        raise ValidationError(field, value, "give {sku: units} with at least one line")
    return {
        require_code(sku, f"{field}[]"): validate_quantity(quantity, f"{field}[{sku}]")
        for sku, quantity in value.items()
    }


def parse_units(value: object, field: str) -> dict[str, int]:
    """``{sku: units}`` checked: codes and positive quantities, at least one line.

    Raises:
        ValidationError, InvalidQuantity: It is not that.
    """
    if not isinstance(value, Mapping) or not value:
        raise ValidationError(field, value, "give {sku: units} with at least one line")
    return {
        require_code(sku, f"{field}[]"): validate_quantity(quantity, f"{field}[{sku}]")
        for sku, quantity in value.items()
    }


def worth(order: Order, units: Mapping[str, int]) -> Money:
    """What ``units`` of the order's lines cost the customer (shipping aside)."""
    values = goods_values(order)
    return Money.sum(
        (
            line_refund(values[sku], order.line(sku).open_quantity, 0, quantity)
            for sku, quantity in units.items()
        ),
        order.currency,
    )


def order_step(
    orders: OrderSteps, uow: ReturnsUnitOfWork, order: Order, command: str, reason: str
) -> None:
    """Fire ``command`` on the order where its workflow allows it from its state."""
    if command in orders.policy.workflow.allowed(order.state):
        orders.fire_within(uow, order, command, actor=SYSTEM, reason=reason)


def place_linked_order(
    orders: LinkedOrders,
    uow: ReturnsUnitOfWork,
    order: Order,
    units: Mapping[str, int],
    *,
    free: bool,
    tags: Sequence[str],
    attributes: Mapping[str, str],
    actor: str,
) -> Order:
    """Place and confirm an order linked to ``order`` (its stock is reserved at once).

    A free one (a replacement) discounts each line by its whole price and is
    ready to fulfil at once. Runs inside the caller's unit of work, which
    records the link, so a retried call never places two.
    """
    linked = orders.place_within(
        uow,
        order.customer_id,
        list(units.items()),
        channel=order.channel,
        ship_to=order.ship_to,
        line_discounts={
            sku: uow.products.get(sku).price * quantity for sku, quantity in units.items()
        }
        if free
        else None,
        tags=tags,
        attributes=attributes,
        actor=actor,
    )
    if linked.state == OrderState.PLACED:
        order_step(orders, uow, linked, "confirm", f"linked to order {order.number}")
    if free:
        order_step(orders, uow, linked, "mark_ready", "a replacement costs nothing")
    uow.orders.save(linked)
    return linked
