"""The verification pipeline and the bundled checks, on orders built in memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import orderkit as ok
from orderkit.errors import ConfigurationError, ValidationError
from orderkit.payments import (
    CheckResult,
    Payment,
    PaymentSignals,
    Verdict,
    VerificationContext,
    VerificationPipeline,
    VerificationStage,
)
from orderkit.payments.checks import (
    AmountLimit,
    BlockList,
    CardVerification,
    CountryMismatch,
    FirstOrderOver,
    Velocity,
)
from tests.builders import BERLIN, PARIS

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def eur(amount: str) -> ok.Money:
    return ok.Money(amount, "EUR")


def order(total: str = "40.00", bill_to: ok.Address | None = None) -> ok.Order:
    line = ok.OrderLine(sku="TEE", name="T-shirt", quantity=1, unit_price=eur(total))
    return ok.Order(
        id="o1",
        number=1,
        channel="web",
        customer_id="c1",
        currency="EUR",
        lines=(line,),
        ship_to=BERLIN,
        bill_to=bill_to,
        placed_at=NOW,
    )


def context(
    *,
    stage: VerificationStage = VerificationStage.AUTHORISE,
    total: str = "40.00",
    bill_to: ok.Address | None = None,
    signals: PaymentSignals | None = None,
    card_checks: dict[str, str] | None = None,
    email: str | None = "ana@example.com",
    orders: int = 1,
    attempts: int = 1,
    same_signal: int = 1,
) -> VerificationContext:
    placed = order(total, bill_to)
    payment = Payment(
        id="p1",
        order_id="o1",
        method="card",
        gateway="test_cards",
        key="k",
        amount=placed.grand_total,
        created_at=NOW,
        signals=signals or PaymentSignals(),
    )
    return VerificationContext(
        stage=stage,
        order=placed,
        payment=payment,
        amount=placed.grand_total,
        email=email,
        signals=payment.signals,
        card_checks=card_checks or {},
        now=NOW,
        orders_since=lambda since: orders,
        attempts_since=lambda since: attempts,
        signal_count=lambda signal, value, since: same_signal,
    )


def test_the_strictest_verdict_wins_and_scores_add_up() -> None:
    pipeline = VerificationPipeline(
        [
            CountryMismatch(score=30),
            AmountLimit(review_above=eur("30.00")),
        ]
    )
    decision = pipeline.decide(context(bill_to=PARIS))
    assert decision.verdict is Verdict.REVIEW
    assert decision.score == 50
    assert [o.check for o in decision.outcomes] == ["country_mismatch", "amount_limit"]
    assert decision.reasons == (
        "billing country FR is not shipping country DE",
        "amount 40.00 EUR is above 30.00 EUR, reviewed",
    )


def test_a_reject_ends_the_run() -> None:
    seen: list[str] = []

    def later(ctx: VerificationContext) -> CheckResult:
        seen.append("later")
        return CheckResult.approve()

    pipeline = VerificationPipeline([AmountLimit(maximum=eur("10.00")), later])
    decision = pipeline.decide(context())
    assert decision.verdict is Verdict.REJECT
    assert seen == []
    assert [o.check for o in decision.outcomes] == ["amount_limit"]


def test_score_thresholds_raise_the_verdict() -> None:
    def risky(ctx: VerificationContext) -> CheckResult:
        return CheckResult(Verdict.APPROVE, ("new device",), 45)

    assert (
        VerificationPipeline([risky], review_score=40).decide(context()).verdict is Verdict.REVIEW
    )
    decision = VerificationPipeline([risky], review_score=20, reject_score=45).decide(context())
    assert decision.verdict is Verdict.REJECT
    assert decision.reasons == ("new device", "risk score 45 reaches 45")
    assert (
        VerificationPipeline([risky], review_score=50).decide(context()).verdict is Verdict.APPROVE
    )


def test_a_broken_check_sends_the_payment_to_review_not_through() -> None:
    def broken(ctx: VerificationContext) -> CheckResult:
        raise KeyError("risk_service")

    def wrong_type(ctx: VerificationContext) -> CheckResult:
        return "ok"  # type: ignore[return-value]

    decision = VerificationPipeline([broken, wrong_type]).decide(context())
    assert decision.verdict is Verdict.REVIEW
    assert decision.reasons[0] == "check broken failed: 'risk_service'"
    assert "not a CheckResult" in decision.reasons[1]


def test_pipeline_configuration_is_checked() -> None:
    with pytest.raises(ConfigurationError, match="share the name"):
        VerificationPipeline([AmountLimit(), AmountLimit()])
    with pytest.raises(ConfigurationError, match="callable"):
        VerificationPipeline([42])  # type: ignore[list-item]
    with pytest.raises(ConfigurationError, match="review_score"):
        VerificationPipeline([], review_score=0)
    with pytest.raises(ConfigurationError, match="maximum"):
        AmountLimit(maximum=eur("0"))
    with pytest.raises(ConfigurationError, match="verdict"):
        CountryMismatch(verdict=Verdict.APPROVE)
    with pytest.raises(ConfigurationError, match="within"):
        Velocity(within=timedelta(0))
    with pytest.raises(ValidationError, match="score"):
        CheckResult(Verdict.REVIEW, ("x",), 101)
    with pytest.raises(ValidationError, match="verdict"):
        CheckResult("maybe")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="ip"):
        PaymentSignals(ip="  ")


def test_amount_limit_ignores_other_currencies() -> None:
    check = AmountLimit(maximum=ok.Money("10.00", "USD"))
    assert check(context()).verdict is Verdict.APPROVE
    assert AmountLimit(maximum=eur("40.00"))(context()).verdict is Verdict.APPROVE
    assert AmountLimit(maximum=eur("39.99"))(context()).verdict is Verdict.REJECT


def test_country_mismatch_prefers_the_cards_billing_country() -> None:
    check = CountryMismatch()
    assert check(context()).verdict is Verdict.APPROVE
    assert check(context(bill_to=PARIS)).verdict is Verdict.REVIEW
    # the card says DE although the billing address says FR: the card counts
    assert (
        check(context(bill_to=PARIS, signals=PaymentSignals(billing_country="de"))).verdict
        is Verdict.APPROVE
    )
    assert CountryMismatch(verdict=Verdict.REJECT)(context(bill_to=PARIS)).verdict is Verdict.REJECT


def test_velocity_counts_orders_and_attempts() -> None:
    check = Velocity(max_orders=3, max_attempts=5)
    assert check(context(orders=3, attempts=5)).verdict is Verdict.APPROVE
    result = check(context(orders=4, attempts=6))
    assert result.verdict is Verdict.REVIEW
    assert len(result.reasons) == 2
    assert (
        Velocity(max_orders=None, max_attempts=None)(context(orders=99)).verdict is Verdict.APPROVE
    )


def test_block_list_matches_every_identifier_without_case() -> None:
    blocked = BlockList(
        emails={"Mallory@Example.com"},
        email_domains={"spam.test"},
        card_fingerprints={"fp_BAD"},
        ips={"203.0.113.9"},
        countries={"kp"},
    )
    assert blocked(context()).verdict is Verdict.APPROVE
    assert blocked(context(email="mallory@example.com")).reasons == (
        "email mallory@example.com is blocked",
    )
    assert blocked(context(email="x@spam.test")).verdict is Verdict.REJECT
    assert (
        blocked(context(signals=PaymentSignals(card_fingerprint="FP_bad"))).verdict
        is Verdict.REJECT
    )
    assert blocked(context(signals=PaymentSignals(ip="203.0.113.9"))).verdict is Verdict.REJECT
    assert blocked(context(signals=PaymentSignals(billing_country="KP"))).verdict is Verdict.REJECT
    assert blocked(context(email=None)).verdict is Verdict.APPROVE
    with pytest.raises(ConfigurationError):
        BlockList(emails="a@b.test")  # type: ignore[arg-type]


def test_card_verification_reads_the_authorisations_checks_before_capture() -> None:
    check = CardVerification()
    capture = VerificationStage.CAPTURE
    assert (
        check(context(stage=capture, card_checks={"avs": "match", "cvc": "match"})).verdict
        is Verdict.APPROVE
    )
    assert check(context(stage=capture, card_checks={"cvc": "mismatch"})).verdict is Verdict.REJECT
    assert check(context(stage=capture, card_checks={"avs": "mismatch"})).verdict is Verdict.REVIEW
    assert check(context(stage=capture, card_checks={"avs": "partial"})).verdict is Verdict.APPROVE
    assert (
        CardVerification(avs_partial=Verdict.REVIEW)(
            context(stage=capture, card_checks={"avs": "partial"})
        ).verdict
        is Verdict.REVIEW
    )
    # before authorisation nothing is known yet
    assert check(context(card_checks={"cvc": "mismatch"})).verdict is Verdict.APPROVE


def test_first_order_over_an_amount() -> None:
    check = FirstOrderOver(amount=eur("30.00"))
    assert check(context(orders=1)).verdict is Verdict.REVIEW
    assert check(context(orders=2)).verdict is Verdict.APPROVE
    assert check(context(total="30.00")).verdict is Verdict.APPROVE


def test_velocity_across_customers_by_email_ip_and_card() -> None:
    check = Velocity(max_orders=None, max_attempts=None, max_per_card=2, max_per_ip=3)
    card = PaymentSignals(card_fingerprint="fp_1", ip="203.0.113.9")
    assert check(context(signals=card, same_signal=2)).verdict is Verdict.APPROVE
    result = check(context(signals=card, same_signal=4))
    assert result.reasons == (
        "4 payments from this IP within 24 hours, more than 3",
        "4 payments with this card within 24 hours, more than 2",
    )
    # no signal given: nothing to count
    assert check(context(same_signal=99)).verdict is Verdict.APPROVE
    with pytest.raises(ValidationError):
        context().payments_with("phone", NOW)
