"""How a shop runs its orders: the workflow, tax, auto-confirmation, expiry and stock."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any, cast

import attrs

from orderkit.errors import ConfigurationError
from orderkit.lifecycle.order import Order
from orderkit.lifecycle.order_workflow import OrderState, default_order_workflow
from orderkit.lifecycle.tax import NoTax, TaxCalculator, TaxRounding
from orderkit.lifecycle.workflow import Workflow

__all__ = ["OrderPolicy"]


def _positive_delta(instance: object, attribute: Any, value: object) -> None:
    if value is not None and (not isinstance(value, timedelta) or value <= timedelta(0)):
        raise ConfigurationError(attribute.name, value, "must be a positive timedelta or None")


def _workflow(instance: object, attribute: Any, value: object) -> None:
    if not isinstance(value, Workflow):
        raise ConfigurationError("workflow", value, "must be an orderkit Workflow")


def _tax(instance: object, attribute: Any, value: object) -> None:
    if not isinstance(value, TaxCalculator):
        raise ConfigurationError("tax", value, "must have prices_include_tax and rate()")


def _optional_callable(instance: object, attribute: Any, value: object) -> None:
    if value is not None and not callable(value):
        raise ConfigurationError(attribute.name, value, "must be callable(order) or None")


def _channels(value: object) -> frozenset[str]:
    if isinstance(value, str):
        raise ConfigurationError("auto_confirm_channels", value, "give a set of channel names")
    return frozenset(cast(Iterable[str], value))


def _payment_failure(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if value not in {"hold", "cancel", "wait"}:
        raise ConfigurationError(attribute.name, value, "choose 'hold', 'cancel' or 'wait'")


@attrs.frozen(kw_only=True)
class OrderPolicy:
    """The settings :class:`~orderkit.lifecycle.service.OrderService` follows.

    Attributes:
        workflow: The order workflow; :func:`~orderkit.lifecycle.default_order_workflow`
            by default, or a host's extension of it.
        tax: Which tax rate applies; no tax by default.
        tax_rounding: Round tax per line or once per order.
        auto_confirm_channels: Channels whose orders are confirmed as they are
            placed (a point-of-sale order needs no review); none by default.
        auto_confirm_rule: A rule that confirms an order as it is placed when
            it returns a reason (``"returning customer, small basket"``), and
            leaves it for a person when it returns ``None``.
        confirm_within: Unconfirmed orders expire after this long; never when ``None``.
        pay_within: Orders awaiting payment expire after this long; never when ``None``.
        reserve_stock: Reserve stock on confirmation, release it on
            cancellation or expiry, and ship it on ``ship``. A shop that keeps
            no stock in orderkit turns this off.
        editable_states: States in which lines and addresses may still change.
        on_payment_failure: What a failed payment does to an order that waits
            for payment: ``"hold"`` it for a payment review (the default),
            ``"cancel"`` it (its stock is released), or ``"wait"`` for another
            payment.

    Examples:
        >>> from datetime import timedelta
        >>> OrderPolicy(auto_confirm_channels={"pos", "phone"},
        ...             pay_within=timedelta(days=7)).pay_within.days
        7
    """

    workflow: Workflow[Order] = attrs.field(factory=default_order_workflow, validator=_workflow)
    tax: TaxCalculator = attrs.field(factory=NoTax, validator=_tax)
    tax_rounding: TaxRounding = TaxRounding.PER_LINE
    auto_confirm_channels: frozenset[str] = attrs.field(default=frozenset(), converter=_channels)
    auto_confirm_rule: Callable[[Order], str | None] | None = attrs.field(
        default=None, validator=_optional_callable
    )
    confirm_within: timedelta | None = attrs.field(default=None, validator=_positive_delta)
    pay_within: timedelta | None = attrs.field(default=None, validator=_positive_delta)
    reserve_stock: bool = True
    on_payment_failure: str = attrs.field(default="hold", validator=_payment_failure)
    editable_states: frozenset[str] = frozenset(
        {
            OrderState.PLACED,
            OrderState.CONFIRMED,
            OrderState.AWAITING_PAYMENT,
            OrderState.READY_TO_FULFIL,
            OrderState.ON_HOLD,
        }
    )
