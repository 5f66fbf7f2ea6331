"""Checking what callers pass to ``shop.orders``, before any unit of work opens.

Each function returns the value in the form the service works with, or raises
:class:`~orderkit.errors.ValidationError` naming the field and the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from orderkit.core.checks import (
    MAX_INT,
    parse_enum,
    require_aware,
    require_code,
    require_instance,
    require_text,
)
from orderkit.core.money import Money
from orderkit.core.quantity import validate_quantity
from orderkit.errors import ValidationError
from orderkit.lifecycle.repository import OrderQuery
from orderkit.lifecycle.status import FulfilmentStatus, PaymentStatus

__all__ = [
    "LineRequest",
    "line_discounts",
    "optional_money",
    "order_query",
    "page_size",
    "requested_lines",
    "who",
]

LineRequest = tuple[str, int]
"""A ``(sku, quantity)`` pair as callers give it."""


def requested_lines(lines: object, field: str = "lines") -> list[LineRequest]:
    """``(sku, quantity)`` pairs, validated, with repeated SKUs summed in first-seen order."""
    if not isinstance(lines, Sequence) or isinstance(lines, str) or not lines:
        raise ValidationError(field, lines, "give a non-empty list of (sku, quantity) pairs")
    summed: dict[str, int] = {}
    for index, item in enumerate(lines):
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ValidationError(f"{field}[{index}]", item, "must be a (sku, quantity) pair")
        sku = require_code(item[0], f"{field}[{index}].sku")
        summed[sku] = summed.get(sku, 0) + validate_quantity(item[1], f"{field}[{index}].quantity")
    return list(summed.items())


def who(actor: object, reason: object = None) -> tuple[str, str | None]:
    """The actor and the reason of a command, checked before anything is loaded."""
    checked_reason = None if reason is None else require_text(reason, "reason", 500)
    return require_text(actor, "actor", 120), checked_reason


def optional_money(value: object, field: str) -> Money | None:
    """``None``, or Money that is not negative (a fee, a discount)."""
    if value is None:
        return None
    money = require_instance(value, Money, field)
    if money.amount < 0:
        raise ValidationError(field, money, "must not be negative")
    return money


def line_discounts(value: object) -> dict[str, Money]:
    """A mapping of SKU to the Money off that line; empty for ``None``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError("line_discounts", value, "give a mapping of SKU to Money")
    return {
        require_code(sku, "line_discounts"): require_instance(
            amount, Money, f"line_discounts[{sku}]"
        )
        for sku, amount in value.items()
    }


def order_query(
    states_known: Sequence[str],
    *,
    state: str | Sequence[str] | None,
    payment_status: PaymentStatus | str | None,
    fulfilment_status: FulfilmentStatus | str | None,
    channel: str | None,
    placed_from: datetime | None,
    placed_until: datetime | None,
    tag: str | None,
) -> OrderQuery:
    """The :class:`OrderQuery` for :meth:`OrderService.find`'s criteria (customer aside)."""
    if state is not None and not isinstance(state, str | Sequence):
        raise ValidationError("state", state, "give a state or a list of states")
    states = None if state is None else ((state,) if isinstance(state, str) else tuple(state))
    for name in states or ():
        if name not in states_known:
            raise ValidationError("state", name, "is not a state of the workflow")
    return OrderQuery(
        states=states,
        payment_status=None
        if payment_status is None
        else parse_enum(PaymentStatus, payment_status, "payment_status").value,
        fulfilment_status=None
        if fulfilment_status is None
        else parse_enum(FulfilmentStatus, fulfilment_status, "fulfilment_status").value,
        channel=None if channel is None else require_code(channel, "channel"),
        placed_from=None if placed_from is None else require_aware(placed_from, "placed_from"),
        placed_until=None if placed_until is None else require_aware(placed_until, "placed_until"),
        tag=None if tag is None else require_code(tag, "tag").lower(),
    )


def page_size(limit: object, cursor: object) -> None:
    """Check a page size (1 to 500) and a cursor (``next_cursor`` of the page before)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 500:
        raise ValidationError("limit", limit, "must be an int from 1 to 500")
    if cursor is not None and (
        isinstance(cursor, bool) or not isinstance(cursor, int) or not 0 < cursor <= MAX_INT
    ):
        raise ValidationError("cursor", cursor, "pass next_cursor of the previous page")
