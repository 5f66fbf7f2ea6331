"""Return policies and return requests on their own: fees, decisions and unit counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import orderkit as ok
from orderkit.errors import InvalidQuantity, ReturnStateError, ValidationError
from orderkit.returns import InspectionOutcome, ReturnLine, ReturnRequest, ReturnVerdict

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
REASONS = [reason.code for reason in ok.returns.DEFAULT_REASONS]


def decide(policy: ok.ReturnPolicy, value: str, reasons: dict[str, str], **kw: object) -> object:
    arguments: dict[str, object] = {
        "value": ok.Money(value, "EUR"),
        "reasons": reasons,
        "categories": dict.fromkeys(reasons, "Apparel"),
        "tags": (),
        "delivered_at": T0,
        "at": T0 + timedelta(days=1),
        "everything_back": False,
    }
    arguments.update(kw)
    return policy.decide(**arguments)  # type: ignore[arg-type]


@given(
    cents=st.integers(0, 10_000_000),
    fee=st.decimals(min_value=0, max_value=Decimal("0.99"), places=2),
    reason=st.sampled_from(REASONS),
)
def test_fees_never_exceed_the_value_and_the_shops_fault_waives_them(
    cents: int, fee: Decimal, reason: str
) -> None:
    policy = ok.ReturnPolicy(restocking_fee=fee, return_shipping_fee=ok.Money("3.00", "EUR"))
    value = ok.Money.from_minor(cents, "EUR")
    decision = decide(policy, str(value.amount), {"TEE": reason})
    assert isinstance(decision, ok.returns.ReturnDecision)
    assert ok.Money.zero("EUR") <= decision.restocking_fee <= value
    if policy.reason(reason).shop_fault:
        assert decision.restocking_fee == ok.Money.zero("EUR")
        assert decision.return_shipping_fee == ok.Money.zero("EUR")
    else:
        assert decision.return_shipping_fee == ok.Money("3.00", "EUR")


def test_the_policy_says_why_it_rejects_and_when_a_person_decides() -> None:
    policy = ok.ReturnPolicy(
        window=timedelta(days=14),
        non_returnable_skus={"GIFT"},
        auto_approve_below=ok.Money("100.00", "EUR"),
    )
    refused = decide(policy, "10.00", {"GIFT": "changed_mind"})
    assert isinstance(refused, ok.returns.ReturnDecision)
    assert (refused.verdict, refused.why) == (ReturnVerdict.REJECT, "not returnable: GIFT")
    late = decide(policy, "10.00", {"TEE": "wrong_size"}, at=T0 + timedelta(days=15))
    assert isinstance(late, ok.returns.ReturnDecision)
    assert late.why == "the return window closed on 2026-03-15"
    dear = decide(policy, "100.00", {"TEE": "wrong_size"})
    assert isinstance(dear, ok.returns.ReturnDecision)
    assert dear.verdict is ReturnVerdict.REVIEW
    trusted = decide(policy, "500.00", {"TEE": "wrong_size"}, tags=("trusted",))
    assert isinstance(trusted, ok.returns.ReturnDecision)
    assert trusted.verdict is ReturnVerdict.APPROVE
    assert trusted.refund_when is ok.RefundTiming.REQUESTED
    everything = decide(policy, "10.00", {"TEE": "damaged"}, everything_back=True)
    assert isinstance(everything, ok.returns.ReturnDecision)
    assert everything.refund_shipping


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("window", timedelta(days=-1)),
        ("restocking_fee", Decimal("1.5")),
        ("restocking_fee", 0.1),
        ("reasons", ()),
        ("non_returnable_skus", "TEE"),
        ("return_shipping_fee", ok.Money("-1.00", "EUR")),
        ("damaged_to", "no spaces allowed"),
    ],
)
def test_a_malformed_policy_names_the_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        ok.ReturnPolicy(**{field: value})  # type: ignore[arg-type]
    assert refused.value.field == field


def fresh() -> ReturnRequest:
    request = ReturnRequest(
        id="R1",
        order_id="O1",
        order_number=1,
        customer_id="C1",
        currency="EUR",
        lines=(ReturnLine("TEE", 3, "wrong_size"), ReturnLine("MUG", 2, "damaged")),
        requested_at=T0,
    )
    request.move(ok.ReturnState.APPROVED, at=T0, actor="policy", note=None)
    return request


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["receive", "inspect"]),
        st.sampled_from(["TEE", "MUG"]),
        st.integers(1, 4),
        st.sampled_from(list(InspectionOutcome)),
    ),
    max_size=12,
)


@given(steps=STEPS)
def test_inspected_never_exceeds_received_never_exceeds_asked(
    steps: list[tuple[str, str, int, InspectionOutcome]],
) -> None:
    request = fresh()
    for step, sku, units, outcome in steps:
        before = request.lines
        try:
            if step == "receive":
                request.receive({sku: units})
                if request.state is ok.ReturnState.APPROVED:
                    request.move(ok.ReturnState.RECEIVING, at=T0, actor="desk", note=None)
            else:
                request.inspect(sku, outcome, units)
        except (InvalidQuantity, ReturnStateError):
            assert request.lines == before  # a refused step changes nothing
        for line in request.lines:
            assert line.restocked + line.damaged + line.refused == line.inspected
            assert line.inspected <= line.received <= line.quantity
            assert sum(request.pending_units().values()) >= 0


def test_a_return_line_refuses_counts_out_of_order() -> None:
    with pytest.raises(InvalidQuantity):
        ReturnLine("TEE", 1, "wrong_size", received=2)
    with pytest.raises(InvalidQuantity):
        attrs.evolve(ReturnLine("TEE", 2, "wrong_size", received=1), restocked=2)
