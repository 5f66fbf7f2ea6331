"""After delivery: the customer's feedback, the follow-up that asks for it, the perfect order.

A follow-up is scheduled when an order's last units are delivered and falls
due after the policy's delay; :meth:`~orderkit.returns.ReturnsService.send_follow_ups`
records one :class:`~orderkit.returns.FollowUpDue` event per order, which a
host turns into an email. The perfect-order flag is worked out from the
order, its shipments, returns and claims whenever it is asked for, so it is
always as current as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from orderkit.core.checks import aware, count, optional_text
from orderkit.errors import ValidationError

__all__ = ["Feedback", "FollowUp", "PerfectOrder"]


def feedback_id(order_number: int) -> str:
    """The key of an order's feedback record."""
    return f"feedback-{order_number}"


def follow_up_id(order_number: int) -> str:
    """The key of an order's follow-up record."""
    return f"follow-up-{order_number}"


def _rating(value: object, field: str = "rating") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationError(field, value, "give a whole rating from 1 to 5")
    return value


def _line_ratings(value: object) -> tuple[tuple[str, int], ...]:
    if isinstance(value, Mapping):
        value = tuple(value.items())
    if not isinstance(value, tuple | list):
        raise ValidationError("lines", value, "give {sku: rating}")
    return tuple((str(sku), _rating(rating, f"lines[{sku}]")) for sku, rating in value)


@attrs.define(eq=False, kw_only=True)
class Feedback:
    """What a customer said about an order.

    Attributes:
        order_number: The order.
        rating: 1 (bad) to 5 (excellent).
        comment: Their words.
        lines: A rating per SKU, where they gave one.
        given_at: When (the latest change).
        id: The record's key (one feedback per order).
        version: The stored version.
    """

    order_number: int = attrs.field(validator=count())
    rating: int = attrs.field(converter=_rating)
    given_at: datetime = attrs.field(validator=aware())
    comment: str | None = attrs.field(default=None, validator=optional_text(4000))
    lines: tuple[tuple[str, int], ...] = attrs.field(default=(), converter=_line_ratings)
    id: str = attrs.field(
        default=attrs.Factory(lambda self: feedback_id(self.order_number), takes_self=True)
    )
    version: int = 0


@attrs.define(eq=False, kw_only=True)
class FollowUp:
    """The message due after an order's delivery.

    Attributes:
        order_number: The order.
        customer_id: Who it goes to.
        delivered_at: When the order's last units were delivered.
        due_at: When it is due.
        sent_at: When it was announced (``None`` until then).
        id: The record's key (one follow-up per order).
        version: The stored version.
    """

    order_number: int = attrs.field(validator=count())
    customer_id: str
    delivered_at: datetime = attrs.field(validator=aware())
    due_at: datetime = attrs.field(validator=aware())
    sent_at: datetime | None = None
    id: str = attrs.field(
        default=attrs.Factory(lambda self: follow_up_id(self.order_number), takes_self=True)
    )
    version: int = 0


@attrs.frozen(slots=True)
class PerfectOrder:
    """Whether an order went perfectly, and if not, which part did not.

    Attributes:
        order_number: The order.
        complete: Every unit ordered was delivered; none cancelled or short.
        on_time: Every shipment arrived by the date promised (shipments
            without a promise count as on time).
        undamaged: No unit came back damaged or was claimed as damaged.
        no_return: No return was asked for (rejected and withdrawn ones do not count).
        no_claim: No claim was filed.
    """

    order_number: int
    complete: bool
    on_time: bool
    undamaged: bool
    no_return: bool
    no_claim: bool

    @property
    def perfect(self) -> bool:
        """All five hold."""
        return (
            self.complete and self.on_time and self.undamaged and self.no_return and self.no_claim
        )
