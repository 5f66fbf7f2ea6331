"""Verification: the checks a payment passes before it is authorised and before it is captured.

A :class:`VerificationPipeline` runs an ordered list of checks. Each check is
a callable that reads a :class:`VerificationContext` (the order, the payment,
what the checkout knew of the customer, what the gateway said of the card)
and returns a :class:`CheckResult`: approve, review or reject, with reasons and
a risk score. The pipeline's :class:`VerificationDecision` is the strictest
verdict any check gave (a reject ends the run), raised further by the summed
score when the pipeline has thresholds. Every decision is kept on the payment.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from orderkit.core.money import Money
from orderkit.errors import ConfigurationError, ValidationError

if TYPE_CHECKING:
    from orderkit.lifecycle.ports import Order
    from orderkit.payments.payment import Payment

SIGNALS = frozenset({"email", "ip", "card"})
"""The payer signals velocity can be counted by."""

__all__ = [
    "SIGNALS",
    "CheckOutcome",
    "CheckResult",
    "PaymentCheck",
    "PaymentSignals",
    "Verdict",
    "VerificationContext",
    "VerificationDecision",
    "VerificationPipeline",
    "VerificationStage",
]


class Verdict(enum.StrEnum):
    """What a check, or the whole pipeline, says of a payment."""

    APPROVE = "approve"
    REVIEW = "review"
    """Let a person look first: the order is put on hold with the reasons."""
    REJECT = "reject"
    """Refuse the payment."""

    @property
    def severity(self) -> int:
        """0 for approve, 1 for review, 2 for reject."""
        return _SEVERITY[self]


_SEVERITY = {Verdict.APPROVE: 0, Verdict.REVIEW: 1, Verdict.REJECT: 2}


class VerificationStage(enum.StrEnum):
    """When the checks run."""

    AUTHORISE = "authorise"
    """Before the gateway is asked to authorise."""
    CAPTURE = "capture"
    """Before the gateway is asked to capture; the card checks of the authorisation are known."""
    MANUAL = "manual"
    """A person decided after a review."""


def _verdict(value: object) -> Verdict:
    if isinstance(value, Verdict):
        return value
    try:
        return Verdict(str(value))
    except ValueError:
        raise ValidationError("verdict", value, "must be approve, review or reject") from None


def _stage(value: object) -> VerificationStage:
    return VerificationStage(str(value))


def _stages(value: Iterable[VerificationStage | str]) -> frozenset[VerificationStage]:
    return frozenset(_stage(stage) for stage in value)


def _reasons(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("reasons", value, "give a sequence of sentences")
    reasons = tuple(value)
    for reason in reasons:
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError("reasons", reason, "each reason is a non-empty string")
    return reasons


def _score(instance: object, attribute: Any, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValidationError("score", value, "must be an int from 0 to 100")


@attrs.frozen
class CheckResult:
    """What one check says.

    Attributes:
        verdict: Approve, review or reject.
        reasons: Why, in words a reviewer reads (empty for a plain approval).
        score: Risk points from 0 to 100 that the pipeline adds up.

    Examples:
        >>> CheckResult.review("billing and shipping countries differ", score=30).verdict.value
        'review'
    """

    verdict: Verdict = attrs.field(converter=_verdict)
    reasons: tuple[str, ...] = attrs.field(default=(), converter=_reasons)
    score: int = attrs.field(default=0, validator=_score)

    @classmethod
    def approve(cls, score: int = 0) -> CheckResult:
        """Nothing wrong found."""
        return cls(Verdict.APPROVE, (), score)

    @classmethod
    def review(cls, reason: str, *, score: int = 0) -> CheckResult:
        """A person should look at it."""
        return cls(Verdict.REVIEW, (reason,), score)

    @classmethod
    def reject(cls, reason: str, *, score: int = 100) -> CheckResult:
        """Refuse the payment."""
        return cls(Verdict.REJECT, (reason,), score)


@attrs.frozen
class CheckOutcome:
    """One check's result inside a decision, under the check's name."""

    check: str
    verdict: Verdict = attrs.field(converter=_verdict)
    reasons: tuple[str, ...] = ()
    score: int = 0


@attrs.frozen
class VerificationDecision:
    """The pipeline's decision on one payment at one stage, kept on the payment.

    Attributes:
        stage: Before authorisation, before capture, or a person's decision.
        verdict: The strictest verdict of the checks (or of the score thresholds).
        score: The checks' scores added up (at most 100 counts per check).
        reasons: Every reason the checks gave, in pipeline order.
        outcomes: Each check's result under its name.
        at: When it was decided.
        actor: Who decided, for a person's decision.
    """

    stage: VerificationStage = attrs.field(converter=_stage)
    verdict: Verdict = attrs.field(converter=_verdict)
    score: int
    reasons: tuple[str, ...]
    outcomes: tuple[CheckOutcome, ...]
    at: datetime
    actor: str | None = None


def normalise_signal(value: str) -> str:
    """How a signal is compared and counted: stripped, lower-cased."""
    return value.strip().lower()


@attrs.frozen
class PaymentSignals:
    """What the checkout knows about the person paying, passed with the authorisation.

    Every field is optional; checks that need a missing one approve.

    Attributes:
        email: The email given at checkout (the customer's own is used when ``None``).
        ip: The customer's IP address.
        card_fingerprint: The provider's fingerprint of the card (same card, same value).
        billing_country: The card's billing country (the order's billing address when ``None``).
    """

    email: str | None = None
    ip: str | None = None
    card_fingerprint: str | None = None
    billing_country: str | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("email", "ip", "card_fingerprint", "billing_country"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise ValidationError(name, value, "must be a non-empty string or None")
            if value is not None and len(value) > 200:
                raise ValidationError(name, value, "must be at most 200 characters")

    def value(self, signal: str) -> str | None:
        """The normalised value of ``email``, ``ip`` or ``card``, if given."""
        given = {"email": self.email, "ip": self.ip, "card": self.card_fingerprint}[signal]
        return None if given is None else normalise_signal(given)

    def indexed(self) -> dict[str, str | None]:
        """The values stores keep beside a payment for counting (column name to value)."""
        return {
            "payer_email": self.value("email"),
            "payer_ip": self.value("ip"),
            "card_fingerprint": self.value("card"),
        }


@attrs.frozen(kw_only=True)
class VerificationContext:
    """Everything a check may read about the payment it judges.

    Attributes:
        stage: Before authorisation or before capture.
        order: The order being paid.
        payment: The payment (its method, gateway and amount; its decisions so far).
        amount: What this step asks for: the authorisation or the capture.
        email: The payer's email: the checkout's, else the customer's.
        signals: What the checkout passed (IP, card fingerprint, billing country).
        card_checks: The gateway's address and card-code verification results
            from the authorisation (``{"avs": "mismatch", "cvc": "match"}``);
            empty before authorisation.
        now: The shop's time.
    """

    stage: VerificationStage
    order: Order
    payment: Payment
    amount: Money
    email: str | None
    signals: PaymentSignals
    card_checks: Mapping[str, str]
    now: datetime
    _orders_since: Callable[[datetime | None], int] = attrs.field(alias="orders_since")
    _attempts_since: Callable[[datetime], int] = attrs.field(alias="attempts_since")
    _signal_count: Callable[[str, str, datetime], int] = attrs.field(
        alias="signal_count", default=lambda signal, value, since: 0
    )

    @property
    def billing_country(self) -> str:
        """The card's billing country if the checkout gave it, else the billing address's."""
        given = self.signals.billing_country
        return given.upper() if given else self.order.billing_address.country

    def orders_since(self, since: datetime | None) -> int:
        """How many orders the customer placed at or after ``since`` (all of them for ``None``).

        The order being paid counts.
        """
        return self._orders_since(since)

    def payments_with(self, signal: str, since: datetime) -> int:
        """How many payments since ``since`` carry this payer's ``email``, ``ip`` or ``card``.

        Across all customers, this one included; 0 when the checkout did not
        give the signal.

        Raises:
            ValidationError: ``signal`` is none of the three.
        """
        if signal not in SIGNALS:
            raise ValidationError("signal", signal, f"must be one of {sorted(SIGNALS)}")
        value = self.signals.value(signal)
        return 0 if value is None else self._signal_count(signal, value, since)

    def payment_attempts_since(self, since: datetime) -> int:
        """How many payments the customer's orders since ``since`` began, this one included.

        Failed attempts count: many of them in a short time is how stolen
        cards are tried out.
        """
        return self._attempts_since(since)


@runtime_checkable
class PaymentCheck(Protocol):
    """Protocol: a check of the pipeline; any callable of a context to a result will do.

    A plain function works; give it a ``name`` attribute or its ``__name__`` is used.
    """

    def __call__(self, context: VerificationContext) -> CheckResult:
        """Judge the payment."""
        ...


def check_name(check: PaymentCheck) -> str:
    """The name a check's outcome is kept under."""
    name = getattr(check, "name", None)
    if isinstance(name, str) and name:
        return name
    return str(getattr(check, "__name__", type(check).__name__))


def _threshold(instance: object, attribute: Any, value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ConfigurationError(attribute.name, value, "must be a positive int or None")


def _checks(value: object) -> tuple[PaymentCheck, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ConfigurationError("checks", value, "give a sequence of checks")
    checks = tuple(value)
    names: set[str] = set()
    for check in checks:
        if not callable(check):
            raise ConfigurationError("checks", check, "each check is callable(context)")
        name = check_name(check)
        if name in names:
            raise ConfigurationError("checks", name, "two checks share the name")
        names.add(name)
    return checks


@attrs.frozen
class VerificationPipeline:
    """An ordered list of checks and what their scores add up to.

    The verdict is the strictest one a check gave; a reject ends the run. With
    thresholds, a summed score at or above ``review_score`` makes an approval a
    review, and one at or above ``reject_score`` makes anything a reject.

    A check that raises does not approve: its outcome is a review naming the
    error, so a broken rule sends payments to a person rather than through.

    Attributes:
        checks: The checks, run in this order.
        stages: The stages it runs at; before authorisation and before capture
            by default.
        review_score: Summed score from which to review; ``None`` for never.
        reject_score: Summed score from which to reject; ``None`` for never.

    Examples:
        >>> from orderkit.payments.checks import AmountLimit
        >>> pipeline = VerificationPipeline([AmountLimit(maximum=Money("500", "EUR"))])
        >>> [check.name for check in pipeline.checks]
        ['amount_limit']
    """

    checks: Sequence[PaymentCheck] = attrs.field(converter=_checks)
    stages: frozenset[VerificationStage] = attrs.field(
        default=frozenset({VerificationStage.AUTHORISE, VerificationStage.CAPTURE}),
        converter=_stages,
    )
    review_score: int | None = attrs.field(default=None, validator=_threshold)
    reject_score: int | None = attrs.field(default=None, validator=_threshold)

    def runs_at(self, stage: VerificationStage) -> bool:
        """Whether the pipeline runs at ``stage``."""
        return stage in self.stages and bool(self.checks)

    def decide(self, context: VerificationContext) -> VerificationDecision:
        """Run the checks in order and decide."""
        outcomes: list[CheckOutcome] = []
        for check in self.checks:
            name = check_name(check)
            try:
                result = check(context)
                if not isinstance(result, CheckResult):
                    raise TypeError(f"returned {result!r}, not a CheckResult")
            except Exception as error:  # noqa: BLE001 - a broken rule must not approve
                result = CheckResult.review(f"check {name} failed: {error}")
            outcomes.append(CheckOutcome(name, result.verdict, result.reasons, result.score))
            if result.verdict is Verdict.REJECT:
                break
        score = min(sum(outcome.score for outcome in outcomes), 10_000)
        verdict = max((o.verdict for o in outcomes), key=_SEVERITY.__getitem__, default=None)
        verdict = verdict or Verdict.APPROVE
        reasons = [reason for outcome in outcomes for reason in outcome.reasons]
        if self.reject_score is not None and score >= self.reject_score:
            if verdict is not Verdict.REJECT:
                reasons.append(f"risk score {score} reaches {self.reject_score}")
            verdict = Verdict.REJECT
        elif (
            self.review_score is not None
            and score >= self.review_score
            and verdict is Verdict.APPROVE
        ):
            reasons.append(f"risk score {score} reaches {self.review_score}")
            verdict = Verdict.REVIEW
        return VerificationDecision(
            context.stage, verdict, score, tuple(reasons), tuple(outcomes), context.now
        )
