"""Return policies: which units may come back, on what terms, and when the money goes.

A :class:`ReturnPolicy` is plain data; :meth:`ReturnPolicy.decide` reads a
request against it and says approve, reject (with the reason in words) or
leave it to a person, and what the customer pays for: the return postage and
a restocking fee when the shop is not at fault, the outbound shipping back
when it is and everything comes back.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from orderkit.core.checks import code, optional_instance_of, parse_enum, require_code, text
from orderkit.core.money import Money
from orderkit.errors import ValidationError

__all__ = [
    "DEFAULT_REASONS",
    "RefundTiming",
    "ReturnDecision",
    "ReturnPolicy",
    "ReturnReason",
    "ReturnVerdict",
]


class RefundTiming(enum.StrEnum):
    """When a return's money is paid back."""

    REQUESTED = "requested"
    """As soon as the return is approved, before anything comes back (trusted customers)."""
    RECEIVED = "received"
    """When every unit of the return is in the warehouse."""
    INSPECTED = "inspected"
    """When every received unit is inspected; only the units accepted back are refunded."""


class ReturnVerdict(enum.StrEnum):
    """What the policy says about a request."""

    APPROVE = "approve"
    REJECT = "reject"
    REVIEW = "review"
    """A person decides (``shop.returns.approve`` or ``reject``)."""


@attrs.frozen(slots=True)
class ReturnReason:
    """Why a customer sends units back.

    Attributes:
        code: The reason's code (``"wrong_size"``).
        label: Its words for people.
        shop_fault: Whether the shop is to blame (damaged, wrong item, not as
            described): then the customer pays no return postage and no
            restocking fee, and gets the outbound shipping back when
            everything comes back.
    """

    code: str = attrs.field(validator=code())
    label: str = attrs.field(validator=text(120))
    shop_fault: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))


DEFAULT_REASONS: tuple[ReturnReason, ...] = (
    ReturnReason("changed_mind", "No longer needed"),
    ReturnReason("wrong_size", "Does not fit"),
    ReturnReason("not_as_described", "Not as described", shop_fault=True),
    ReturnReason("damaged", "Arrived damaged", shop_fault=True),
    ReturnReason("defective", "Does not work", shop_fault=True),
    ReturnReason("wrong_item", "Wrong item sent", shop_fault=True),
    ReturnReason("arrived_late", "Arrived too late", shop_fault=True),
    ReturnReason("other", "Other"),
)
"""The reasons a shop offers unless it gives its own."""


def _reasons(value: object) -> tuple[ReturnReason, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError("reasons", value, "give a list of ReturnReason")
    reasons = tuple(value)
    if not reasons or not all(isinstance(reason, ReturnReason) for reason in reasons):
        raise ValidationError("reasons", value, "give at least one ReturnReason")
    codes = [reason.code for reason in reasons]
    if len(set(codes)) != len(codes):
        raise ValidationError("reasons", codes, "each reason code may appear once")
    return reasons


def _codes(value: object, field: str) -> frozenset[str]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(field, value, "give a set of codes")
    return frozenset(require_code(item, field) for item in value)


def _skus(value: object) -> frozenset[str]:
    return _codes(value, "non_returnable_skus")


def _categories(value: object) -> frozenset[str]:
    return _codes(value, "non_returnable_categories")


def _trusted(value: object) -> frozenset[str]:
    return frozenset(tag.lower() for tag in _codes(value, "trusted_tags"))


def _window(instance: object, attribute: object, value: object) -> None:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise ValidationError("window", value, "give a timedelta >= 0")


def _fraction(instance: object, attribute: object, value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value < 1:
        raise ValidationError("restocking_fee", value, "give a Decimal from 0 up to 1")


def _timing(value: object) -> RefundTiming:
    return parse_enum(RefundTiming, value, "refund_when")


@attrs.frozen(slots=True)
class ReturnDecision:
    """What the policy decided about one request.

    Attributes:
        verdict: Approve, reject, or leave it to a person.
        why: The reason in words (always given for a rejection).
        refund_when: When the money goes back.
        return_shipping_fee: What the customer pays for the return label.
        restocking_fee: What is kept back of the units' value.
        refund_shipping: Whether the outbound shipping is paid back.
    """

    verdict: ReturnVerdict
    why: str
    refund_when: RefundTiming
    return_shipping_fee: Money
    restocking_fee: Money
    refund_shipping: bool


@attrs.frozen(slots=True, kw_only=True)
class ReturnPolicy:
    """A shop's terms for returns.

    Attributes:
        window: How long after delivery a return may be asked for (30 days).
        reasons: The reasons a customer picks from.
        non_returnable_skus: Products that never come back.
        non_returnable_categories: Product categories that never come back
            (matched against the catalog's ``category``).
        return_shipping_fee: What the customer pays for a return label when
            the shop is not at fault; ``None``: the shop pays.
        restocking_fee: The share of the returned units' value kept when the
            shop is not at fault (``Decimal("0.1")`` for 10 %).
        auto_approve_below: Requests worth less than this are approved
            without a person, the others wait for one; ``None``: every
            request within the terms is approved.
        trusted_tags: Order tags that mark a trusted customer: approved
            whatever the value and refunded as soon as approved.
        refund_when: When the money goes back for everyone else.
        refund_shipping_when_all_returned: Pay the outbound shipping back
            when every delivered unit comes back for a reason that is the
            shop's fault.
        follow_up_after: How long after delivery the follow-up (a feedback
            request) is due.
        damaged_to: Where damaged units go: ``None`` writes them off in the
            warehouse they came back to; a warehouse code puts them there
            (a location the shop keeps out of sale).
    """

    window: timedelta = attrs.field(default=timedelta(days=30), validator=_window)
    reasons: tuple[ReturnReason, ...] = attrs.field(default=DEFAULT_REASONS, converter=_reasons)
    non_returnable_skus: frozenset[str] = attrs.field(default=frozenset(), converter=_skus)
    non_returnable_categories: frozenset[str] = attrs.field(
        default=frozenset(), converter=_categories
    )
    return_shipping_fee: Money | None = attrs.field(
        default=None, validator=optional_instance_of(Money)
    )
    restocking_fee: Decimal = attrs.field(default=Decimal(0), validator=_fraction)
    auto_approve_below: Money | None = attrs.field(
        default=None, validator=optional_instance_of(Money)
    )
    trusted_tags: frozenset[str] = attrs.field(default=frozenset({"trusted"}), converter=_trusted)
    refund_when: RefundTiming = attrs.field(default=RefundTiming.INSPECTED, converter=_timing)
    refund_shipping_when_all_returned: bool = attrs.field(
        default=True, validator=attrs.validators.instance_of(bool)
    )
    follow_up_after: timedelta = attrs.field(default=timedelta(days=3), validator=_window)
    damaged_to: str | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        for name in ("return_shipping_fee", "auto_approve_below"):
            amount = getattr(self, name)
            if amount is not None and amount.amount < 0:
                raise ValidationError(name, amount, "must not be negative")
        if self.damaged_to is not None:
            require_code(self.damaged_to, "damaged_to")

    def reason(self, reason_code: str) -> ReturnReason:
        """The reason with this code.

        Raises:
            ValidationError: The policy offers no such reason.
        """
        for reason in self.reasons:
            if reason.code == reason_code:
                return reason
        offered = ", ".join(reason.code for reason in self.reasons)
        raise ValidationError("reason", reason_code, f"is not one of the reasons: {offered}")

    def decide(
        self,
        *,
        value: Money,
        reasons: Mapping[str, str],
        categories: Mapping[str, str | None],
        tags: Iterable[str],
        delivered_at: datetime | None,
        at: datetime,
        everything_back: bool,
    ) -> ReturnDecision:
        """Decide a request for units worth ``value``.

        Args:
            value: What the units cost the customer.
            reasons: The reason code of each SKU asked for.
            categories: The catalog category of each SKU (``None`` when it has none).
            tags: The order's tags.
            delivered_at: When the order's units were delivered (the last delivery).
            at: When the request was made.
            everything_back: Whether the request brings back every delivered
                unit not returned before.
        """
        zero = Money.zero(value.currency)
        shop_fault = any(self.reason(code).shop_fault for code in reasons.values())
        all_shop_fault = all(self.reason(code).shop_fault for code in reasons.values())
        postage = self.return_shipping_fee if not shop_fault else None
        fee = zero if all_shop_fault else value.multiply(self.restocking_fee)
        trusted = bool(self.trusted_tags & set(tags))
        timing = RefundTiming.REQUESTED if trusted else self.refund_when
        refund_shipping = (
            self.refund_shipping_when_all_returned and all_shop_fault and everything_back
        )

        def decided(verdict: ReturnVerdict, why: str) -> ReturnDecision:
            return ReturnDecision(
                verdict,
                why,
                timing,
                postage if postage is not None else zero,
                fee,
                refund_shipping,
            )

        refused = sorted(
            sku
            for sku in reasons
            if sku in self.non_returnable_skus
            or (categories.get(sku) or "") in self.non_returnable_categories
        )
        if refused:
            return decided(ReturnVerdict.REJECT, f"not returnable: {', '.join(refused)}")
        if delivered_at is not None and at > delivered_at + self.window:
            closed = (delivered_at + self.window).date().isoformat()
            return decided(ReturnVerdict.REJECT, f"the return window closed on {closed}")
        if trusted:
            return decided(ReturnVerdict.APPROVE, "trusted customer")
        limit = self.auto_approve_below
        if limit is not None and limit.currency == value.currency and value >= limit:
            return decided(ReturnVerdict.REVIEW, f"worth {value}: a person decides")
        return decided(ReturnVerdict.APPROVE, "within the return policy")
