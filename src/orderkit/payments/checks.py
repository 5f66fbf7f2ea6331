"""The verification checks orderkit ships; a host adds its own as plain callables.

Each check reads a :class:`~orderkit.payments.VerificationContext` and returns
a :class:`~orderkit.payments.CheckResult`. A check that lacks what it needs
(no IP given, no card checks before authorisation) approves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import attrs

from orderkit.core.money import Money
from orderkit.errors import ConfigurationError
from orderkit.payments.verification import (
    CheckResult,
    Verdict,
    VerificationContext,
    VerificationStage,
)

__all__ = [
    "AmountLimit",
    "BlockList",
    "CardVerification",
    "CountryMismatch",
    "FirstOrderOver",
    "Velocity",
]


def _money_or_none(instance: object, attribute: Any, value: object) -> None:
    if value is not None and (not isinstance(value, Money) or value.amount <= 0):
        raise ConfigurationError(attribute.name, value, "must be a positive Money or None")


def _positive_money(instance: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, Money) or value.amount <= 0:
        raise ConfigurationError(attribute.name, value, "must be a positive Money")


def _verdict_not_approve(instance: object, attribute: Any, value: object) -> None:
    if value not in {Verdict.REVIEW, Verdict.REJECT}:
        raise ConfigurationError(attribute.name, value, "must be Verdict.REVIEW or REJECT")


def _score(instance: object, attribute: Any, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ConfigurationError(attribute.name, value, "must be an int from 0 to 100")


def _lowered(values: Iterable[str]) -> frozenset[str]:
    if isinstance(values, str):
        raise ConfigurationError("block list", values, "give a set of values, not one string")
    return frozenset(value.strip().lower() for value in values)


def _duration(span: timedelta) -> str:
    """``24 hours``, ``7 days``, ``90 minutes``: a window in words."""
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds % size == 0 and seconds >= size and (unit != "day" or seconds > 86_400):
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def _same_currency(limit: Money | None, amount: Money) -> bool:
    return limit is not None and limit.currency == amount.currency


@attrs.frozen(kw_only=True)
class AmountLimit:
    """Reject payments above ``maximum``; review those above ``review_above``.

    Limits in another currency than the payment's do not apply to it.
    """

    maximum: Money | None = attrs.field(default=None, validator=_money_or_none)
    review_above: Money | None = attrs.field(default=None, validator=_money_or_none)
    name: str = "amount_limit"

    def __call__(self, context: VerificationContext) -> CheckResult:
        """Compare the amount with the limits."""
        amount = context.amount
        if _same_currency(self.maximum, amount) and amount > self.maximum:
            return CheckResult.reject(f"amount {amount} is above the limit {self.maximum}")
        if _same_currency(self.review_above, amount) and amount > self.review_above:
            return CheckResult.review(
                f"amount {amount} is above {self.review_above}, reviewed", score=20
            )
        return CheckResult.approve()


@attrs.frozen(kw_only=True)
class CountryMismatch:
    """Review (or reject) when the billing country is not the shipping country."""

    verdict: Verdict = attrs.field(default=Verdict.REVIEW, validator=_verdict_not_approve)
    score: int = attrs.field(default=30, validator=_score)
    name: str = "country_mismatch"

    def __call__(self, context: VerificationContext) -> CheckResult:
        """Compare the billing and shipping countries."""
        billing, shipping = context.billing_country, context.order.ship_to.country
        if billing == shipping:
            return CheckResult.approve()
        return CheckResult(
            self.verdict,
            (f"billing country {billing} is not shipping country {shipping}",),
            self.score,
        )


@attrs.frozen(kw_only=True)
class Velocity:
    """Review customers who order, or try to pay, too often in a short time.

    Counted per customer, and across customers per email, IP and card
    fingerprint (from the payment's signals) when those limits are set.

    Attributes:
        within: The window looked back over.
        max_orders: More orders than this in the window is reviewed.
        max_attempts: More payment attempts (failed ones included) than this
            in the window is reviewed: a sign of someone trying stolen cards.
        max_per_email: More payments than this with the payer's email, by
            any customer, is reviewed (``None``: not counted).
        max_per_ip: The same for the payer's IP address.
        max_per_card: The same for the card's fingerprint: one card used
            across many accounts.
    """

    within: timedelta = attrs.field(default=timedelta(hours=24))
    max_orders: int | None = 5
    max_attempts: int | None = 10
    max_per_email: int | None = None
    max_per_ip: int | None = None
    max_per_card: int | None = None
    score: int = attrs.field(default=40, validator=_score)
    name: str = "velocity"

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.within, timedelta) or self.within <= timedelta(0):
            raise ConfigurationError("within", self.within, "must be a positive timedelta")
        for field in ("max_orders", "max_attempts", "max_per_email", "max_per_ip", "max_per_card"):
            value = getattr(self, field)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise ConfigurationError(field, value, "must be a positive int or None")

    def __call__(self, context: VerificationContext) -> CheckResult:
        """Count the customer's recent orders and payment attempts."""
        since = context.now - self.within
        reasons = []
        if self.max_orders is not None:
            orders = context.orders_since(since)
            if orders > self.max_orders:
                reasons.append(
                    f"{orders} orders within {_duration(self.within)}, more than {self.max_orders}"
                )
        if self.max_attempts is not None:
            attempts = context.payment_attempts_since(since)
            if attempts > self.max_attempts:
                reasons.append(
                    f"{attempts} payment attempts within {_duration(self.within)}, "
                    f"more than {self.max_attempts}"
                )
        for signal, limit, what in (
            ("email", self.max_per_email, "with this email"),
            ("ip", self.max_per_ip, "from this IP"),
            ("card", self.max_per_card, "with this card"),
        ):
            if limit is not None:
                count = context.payments_with(signal, since)
                if count > limit:
                    window = _duration(self.within)
                    reasons.append(f"{count} payments {what} within {window}, more than {limit}")
        if not reasons:
            return CheckResult.approve()
        return CheckResult(Verdict.REVIEW, tuple(reasons), self.score)


@attrs.frozen(kw_only=True)
class BlockList:
    """Reject payments from blocked emails, email domains, card fingerprints, IPs or countries.

    Values are compared without regard to case.
    """

    emails: frozenset[str] = attrs.field(default=frozenset(), converter=_lowered)
    email_domains: frozenset[str] = attrs.field(default=frozenset(), converter=_lowered)
    card_fingerprints: frozenset[str] = attrs.field(default=frozenset(), converter=_lowered)
    ips: frozenset[str] = attrs.field(default=frozenset(), converter=_lowered)
    countries: frozenset[str] = attrs.field(default=frozenset(), converter=_lowered)
    name: str = "block_list"

    def __call__(self, context: VerificationContext) -> CheckResult:
        """Look each of the payer's identifiers up."""
        signals = context.signals
        email = (context.email or "").lower()
        found = [
            ("email", email, self.emails),
            ("email domain", email.rpartition("@")[2], self.email_domains),
            ("card", (signals.card_fingerprint or "").lower(), self.card_fingerprints),
            ("IP", (signals.ip or "").strip().lower(), self.ips),
            ("billing country", context.billing_country.lower(), self.countries),
            ("shipping country", context.order.ship_to.country.lower(), self.countries),
        ]
        for what, value, blocked in found:
            if value and value in blocked:
                return CheckResult.reject(f"{what} {value} is blocked")
        return CheckResult.approve()


@attrs.frozen(kw_only=True)
class CardVerification:
    """Act on the gateway's address (AVS) and card-code (CVC) checks, before capture.

    Gateways report them with the authorisation (``GatewayResult.checks``) as
    ``match``, ``partial``, ``mismatch`` or ``unavailable``.

    Attributes:
        cvc_mismatch: What a wrong card code does (a reject by default).
        avs_mismatch: What an address that does not match does (a review by default).
        avs_partial: What a partly matching address does; ``None`` to let it pass.
    """

    cvc_mismatch: Verdict = attrs.field(default=Verdict.REJECT, validator=_verdict_not_approve)
    avs_mismatch: Verdict = attrs.field(default=Verdict.REVIEW, validator=_verdict_not_approve)
    avs_partial: Verdict | None = None
    name: str = "card_verification"

    def __call__(self, context: VerificationContext) -> CheckResult:
        """Read the card checks of the authorisation."""
        checks = context.card_checks
        if context.stage is not VerificationStage.CAPTURE or not checks:
            return CheckResult.approve()
        if checks.get("cvc") == "mismatch":
            return CheckResult(self.cvc_mismatch, ("the card code did not match",), 60)
        if checks.get("avs") == "mismatch":
            return CheckResult(self.avs_mismatch, ("the billing address did not match",), 40)
        if checks.get("avs") == "partial" and self.avs_partial is not None:
            return CheckResult(self.avs_partial, ("the billing address matched in part",), 20)
        return CheckResult.approve()


@attrs.frozen(kw_only=True)
class FirstOrderOver:
    """Review a customer's first order when it is above ``amount``."""

    amount: Money = attrs.field(validator=_positive_money)
    score: int = attrs.field(default=25, validator=_score)
    name: str = "first_order_over"

    def __call__(self, context: VerificationContext) -> CheckResult:
        """Check whether this is the customer's first order and how large it is."""
        total = context.order.grand_total
        if total.currency != self.amount.currency or total <= self.amount:
            return CheckResult.approve()
        if context.orders_since(None) > 1:
            return CheckResult.approve()
        return CheckResult.review(
            f"first order of this customer, {total} is above {self.amount}", score=self.score
        )
