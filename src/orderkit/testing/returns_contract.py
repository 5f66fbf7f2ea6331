"""The returns part of the store contract: returns, claims, feedback and follow-ups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from orderkit.core.money import Money
from orderkit.errors import AlreadyExists, ClaimNotFound, ConcurrencyConflict, ReturnNotFound
from orderkit.returns.claims import Claim
from orderkit.returns.follow_up import Feedback, FollowUp
from orderkit.returns.rma import ReturnLine, ReturnParcel, ReturnRequest, ReturnState
from orderkit.storage import Store

__all__ = ["ReturnsContract", "sample_return"]

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def sample_return(
    return_id: str = "R1", order_number: int = 1042, requested_at: datetime = T0
) -> ReturnRequest:
    """A return for contract tests."""
    return ReturnRequest(
        id=return_id,
        order_id=f"O{order_number}",
        order_number=order_number,
        customer_id="C1",
        currency="EUR",
        lines=(ReturnLine("TEE-M", 2, "wrong_size", "too small"),),
        requested_at=requested_at,
        restocking_fee=Money("4.00", "EUR"),
    )


class ReturnsContract:
    """Returns read back whole, by order and by parcel; claims, feedback, follow-ups."""

    def test_returns_round_trip_by_order_and_parcel_and_refuse_stale_saves(
        self, store: Store
    ) -> None:
        """A return reads back equal through its steps; a stale save is a conflict."""
        with store.unit_of_work() as uow:
            uow.returns.add(sample_return())
            uow.returns.add(sample_return("R0", 1042, T0 - timedelta(hours=1)))
            uow.returns.add(sample_return("R9", 7))
            uow.commit()
        with store.unit_of_work() as uow, pytest.raises(AlreadyExists):
            uow.returns.add(sample_return())
        with store.unit_of_work(readonly=True) as uow:
            first = uow.returns.get("R1")
            second = uow.returns.get("R1")
            with pytest.raises(ReturnNotFound):
                uow.returns.get("NOPE")
            assert [r.id for r in uow.returns.for_order(1042)] == ["R0", "R1"]
            assert [r.id for r in uow.returns.all()] == ["R0", "R1", "R9"]
        assert attrs.evolve(first, version=0).lines == sample_return().lines
        first.move(ReturnState.APPROVED, at=T0, actor="desk", note="ok")
        first.add_parcel(ReturnParcel("ZZ1", "post", "standard", price=Money("4.50", "EUR")))
        first.receive({"TEE-M": 1})
        with store.unit_of_work() as uow:
            uow.returns.save(first)
            uow.commit()
        with store.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
            uow.returns.save(second)
        with store.unit_of_work(readonly=True) as uow:
            stored = uow.returns.get("R1")
            found = uow.returns.by_tracking_number("ZZ1")
            assert uow.returns.by_tracking_number("ZZ2") is None
        assert found is not None
        assert found.id == "R1"
        assert stored.version == 2
        assert stored.state is ReturnState.APPROVED
        assert stored.lines[0].received == 1
        assert stored.parcels[0].price == Money("4.50", "EUR")

    def test_returns_of_a_stretch_of_orders_come_in_one_read(self, store: Store) -> None:
        """``for_orders`` gives the returns of orders first to last: by order, oldest first."""
        with store.unit_of_work() as uow:
            uow.returns.add(sample_return("R1", 10, T0 + timedelta(hours=1)))
            uow.returns.add(sample_return("R2", 10, T0))
            uow.returns.add(sample_return("R3", 9))
            uow.returns.add(sample_return("R4", 12))
            uow.returns.add(sample_return("R5", 13))
            uow.returns.add(sample_return("R6", 100))
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [r.id for r in uow.returns.for_orders(10, 12)] == ["R2", "R1", "R4"]
            assert [r.id for r in uow.returns.for_orders(9, 9)] == ["R3"]
            assert [r.id for r in uow.returns.for_orders(1, 1000)] == [
                "R3",
                "R2",
                "R1",
                "R4",
                "R5",
                "R6",
            ]
            assert uow.returns.for_orders(14, 99) == []

    def test_claims_feedback_and_follow_ups_are_kept(self, store: Store) -> None:
        """Claims by order; one feedback per order; unsent follow-ups soonest first."""
        claim = Claim(
            id="CL1",
            order_id="O7",
            order_number=7,
            shipment_id="S1",
            kind="lost",
            remedy="replace",
            units={"TEE-M": 1},
            filed_at=T0,
        )
        with store.unit_of_work() as uow:
            uow.claims.add(claim)
            uow.feedback.add(Feedback(order_number=7, rating=4, given_at=T0, lines={"TEE-M": 5}))
            for number, days in ((7, 3), (8, 1), (9, 2)):
                uow.follow_ups.add(
                    FollowUp(
                        order_number=number,
                        customer_id="C1",
                        delivered_at=T0,
                        due_at=T0 + timedelta(days=days),
                    )
                )
            uow.commit()
        with store.unit_of_work() as uow:
            assert [c.id for c in uow.claims.for_order(7)] == ["CL1"]
            with pytest.raises(ClaimNotFound):
                uow.claims.get("NOPE")
            feedback = uow.feedback.find(7)
            assert feedback is not None
            assert feedback.lines == (("TEE-M", 5),)
            assert uow.feedback.find(8) is None
            assert [f.order_number for f in uow.follow_ups.unsent()] == [8, 9, 7]
            due = uow.follow_ups.find(8)
            assert due is not None
            due.sent_at = T0 + timedelta(days=1)
            uow.follow_ups.save(due)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [f.order_number for f in uow.follow_ups.unsent()] == [9, 7]
