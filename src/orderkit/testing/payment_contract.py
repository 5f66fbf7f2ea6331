"""The payment part of the store contract: payments read back whole, keys are claimed once.

:class:`orderkit.testing.contract.StoreContract` includes these tests.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orderkit.core.money import Money
from orderkit.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    CreditAccountNotFound,
    PaymentNotFound,
    RefundNotFound,
    StorageError,
)
from orderkit.payments.payment import GatewayExchange, Payment
from orderkit.payments.refunds import Refund, RefundLine, RefundPart
from orderkit.payments.repository import IdempotencyRecord
from orderkit.payments.verification import (
    CheckOutcome,
    PaymentSignals,
    Verdict,
    VerificationDecision,
    VerificationStage,
)
from orderkit.storage import Store
from orderkit.store_credit.accounts import CreditAccount, CreditEntry, CreditEntryKind

__all__ = ["PaymentContract", "sample_payment"]

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def sample_payment(payment_id: str = "P1", order_id: str = "O1", minutes: int = 0) -> Payment:
    """An authorised payment with a pending capture and an audit trail."""
    payment = Payment(
        id=payment_id,
        order_id=order_id,
        method="card",
        gateway="test_cards",
        key=f"auth-{payment_id}",
        amount=Money("40.00", "EUR"),
        created_at=T0 + timedelta(minutes=minutes),
        signals=PaymentSignals(email="ana@example.com", ip="198.51.100.7", card_fingerprint="fp1"),
    )
    payment.record(
        GatewayExchange(
            "authorise",
            payment.key,
            payment.amount,
            "approved",
            "ch_1",
            None,
            "ok",
            T0,
            {"avs": "match", "cvc": "mismatch"},
        )
    )
    payment.authorise(payment.amount, "ch_1", T0 + timedelta(days=7))
    payment.begin("capture", "cap-1", Money("15.00", "EUR"), final=True)
    payment.decide(
        VerificationDecision(
            VerificationStage.AUTHORISE,
            Verdict.REVIEW,
            30,
            ("billing country FR is not shipping country DE",),
            (CheckOutcome("country_mismatch", Verdict.REVIEW, ("billing country FR",), 30),),
            T0,
        )
    )
    return payment


def _fields(payment: Payment) -> tuple[object, ...]:
    return (
        payment.id,
        payment.order_id,
        payment.state,
        payment.reference,
        payment.authorised,
        payment.captured,
        payment.released,
        payment.authorised_until,
        payment.pending,
        payment.exchanges,
        payment.signals,
        payment.decisions,
        payment.version,
    )


class PaymentContract:
    """Payments and idempotency keys in every store."""

    def test_payment_round_trip(self, store: Store) -> None:
        """A stored payment reads back equal: amounts, pending operations, audit trail."""
        payment = sample_payment()
        with store.unit_of_work() as uow:
            uow.payments.add(payment)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            loaded = uow.payments.get("P1")
        assert _fields(loaded) == _fields(payment)
        assert loaded.version == 1

    def test_payment_saves_check_the_version(self, store: Store) -> None:
        """A stale payment is refused; a duplicate or a missing one is named."""
        with store.unit_of_work() as uow:
            uow.payments.add(sample_payment())
            uow.commit()
        with store.unit_of_work() as uow:
            first = uow.payments.get("P1")
            stale = uow.payments.get("P1")
            first.finish("cap-1", succeeded=True)
            uow.payments.save(first)
            with pytest.raises(ConcurrencyConflict):
                uow.payments.save(stale)
            with pytest.raises(AlreadyExists):
                uow.payments.add(sample_payment())
            with pytest.raises(PaymentNotFound):
                uow.payments.get("NOPE")
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            stored = uow.payments.get("P1")
        assert (stored.captured, stored.pending, stored.version) == (
            Money("15.00", "EUR"),
            [],
            2,
        )

    def test_payments_of_an_order_oldest_first(self, store: Store) -> None:
        """for_order() and held_for_order() list an order's payments by creation time."""
        with store.unit_of_work() as uow:
            uow.payments.add(sample_payment("P2", minutes=5))
            uow.payments.add(sample_payment("P1", minutes=1))
            uow.payments.add(sample_payment("P3", order_id="O2"))
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [p.id for p in uow.payments.for_order("O1")] == ["P1", "P2"]
            assert uow.payments.for_order("O9") == []
            assert [p.id for p in uow.payments.held_for_order("O1")] == ["P1", "P2"]
            assert uow.payments.held_for_order("O9") == []

    def test_expiring_authorisations_soonest_first(self, store: Store) -> None:
        """expiring() lists authorised, uncaptured payments whose window ends by then."""
        later = sample_payment("P-LATER")
        later.authorised_until = T0 + timedelta(days=9)
        captured = sample_payment("P-CAPTURED")
        captured.finish("cap-1", succeeded=True)  # captured: its window no longer matters
        with store.unit_of_work() as uow:
            for payment in (later, sample_payment("P-SOON"), captured):
                uow.payments.add(payment)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [p.id for p in uow.payments.expiring(T0 + timedelta(days=7), 10)] == ["P-SOON"]
            due = uow.payments.expiring(T0 + timedelta(days=30), 10)
            assert [p.id for p in due] == ["P-SOON", "P-LATER"]
            assert [p.id for p in uow.payments.expiring(T0 + timedelta(days=30), 1)] == ["P-SOON"]
            assert uow.payments.expiring(T0, 10) == []

    def test_payments_found_by_gateway_and_reference(self, store: Store) -> None:
        """by_reference() finds a gateway's payments by the provider's reference."""
        other = sample_payment("P2", minutes=1)
        other.gateway = "bank_transfer"
        with store.unit_of_work() as uow:
            uow.payments.add(sample_payment("P1"))
            uow.payments.add(other)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [p.id for p in uow.payments.by_reference("test_cards", "ch_1")] == ["P1"]
            assert [p.id for p in uow.payments.by_reference("bank_transfer", "ch_1")] == ["P2"]
            assert uow.payments.by_reference("test_cards", "ch_9") == []

    def test_payments_counted_by_the_payers_signals(self, store: Store) -> None:
        """count_since() counts payments by email, IP or card since a time, ignoring case."""
        later = sample_payment("P2", minutes=30)
        later.signals = PaymentSignals(email="ANA@example.com", ip="203.0.113.5")
        with store.unit_of_work() as uow:
            uow.payments.add(sample_payment("P1"))  # ana@example.com, 198.51.100.7, fp1
            uow.payments.add(later)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.payments.count_since("email", "Ana@Example.com", T0) == 2
            assert (
                uow.payments.count_since("email", "ana@example.com", T0 + timedelta(minutes=1)) == 1
            )
            assert uow.payments.count_since("ip", "198.51.100.7", T0) == 1
            assert uow.payments.count_since("card", "FP1", T0) == 1
            assert uow.payments.count_since("card", "fp2", T0) == 0

    def test_an_idempotency_key_is_claimed_once(self, store: Store) -> None:
        """claim() stores a new key and hands back the first record for a known one."""
        first = IdempotencyRecord("key-1", "capture", "f" * 64, "P1", T0)
        with store.unit_of_work() as uow:
            assert uow.idempotency_keys.claim(first) is None
            uow.commit()
        with store.unit_of_work() as uow:
            again = IdempotencyRecord("key-1", "refund", "0" * 64, "P2", T0 + timedelta(hours=1))
            assert uow.idempotency_keys.claim(again) == first

    def test_a_claim_rolls_back_with_its_unit_of_work(self, store: Store) -> None:
        """A key claimed in a unit of work that did not commit is free again."""
        record = IdempotencyRecord("key-1", "capture", "f" * 64, "P1", T0)
        with store.unit_of_work() as uow:
            assert uow.idempotency_keys.claim(record) is None
        with store.unit_of_work() as uow:
            assert uow.idempotency_keys.claim(record) is None

    # -- gift cards and store credit ----------------------------------------------

    def test_credit_account_round_trip_and_version_check(self, store: Store) -> None:
        """An account reads back equal; a stale save, a duplicate and a missing code are refused."""
        account = CreditAccount(
            id="GIFT-1",
            currency="EUR",
            kind="gift_card",
            created_at=T0,
            balance=Money("25.00", "EUR"),
            expires_at=T0 + timedelta(days=365),
        )
        with store.unit_of_work() as uow:
            uow.credit_accounts.add(account)
            uow.commit()
        with store.unit_of_work() as uow:
            loaded = uow.credit_accounts.get("GIFT-1")
            stale = uow.credit_accounts.get("GIFT-1")
            assert (loaded.balance, loaded.kind, loaded.expires_at, loaded.version) == (
                Money("25.00", "EUR"),
                "gift_card",
                T0 + timedelta(days=365),
                1,
            )
            loaded.take(Money("10.00", "EUR"))
            uow.credit_accounts.save(loaded)
            with pytest.raises(ConcurrencyConflict):
                uow.credit_accounts.save(stale)
            with pytest.raises(AlreadyExists):
                uow.credit_accounts.add(
                    CreditAccount(id="GIFT-1", currency="EUR", kind="gift_card", created_at=T0)
                )
            with pytest.raises(CreditAccountNotFound):
                uow.credit_accounts.get("NOPE")
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.credit_accounts.get("GIFT-1").balance == Money("15.00", "EUR")

    def test_a_negative_balance_is_never_stored(self, store: Store) -> None:
        """Even an account changed behind its own checks cannot be saved below zero."""
        with store.unit_of_work() as uow:
            uow.credit_accounts.add(
                CreditAccount(id="GIFT-1", currency="EUR", kind="gift_card", created_at=T0)
            )
            uow.commit()
        with store.unit_of_work() as uow:
            account = uow.credit_accounts.get("GIFT-1")
            object.__setattr__(account, "balance", Money("-1.00", "EUR"))
            with pytest.raises((StorageError, ValueError)):
                uow.credit_accounts.save(account)
        with store.unit_of_work(readonly=True) as uow:
            assert uow.credit_accounts.get("GIFT-1").balance == Money("0.00", "EUR")

    def test_ledger_entries_are_kept_once_in_order(self, store: Store) -> None:
        """record() takes each key once; entries() is newest first, for_reference() oldest first."""
        eur = Money("5.00", "EUR")

        def entry(key: str, kind: CreditEntryKind, minutes: int, ref: str | None) -> CreditEntry:
            return CreditEntry(key, "GIFT-1", kind, eur, eur, T0 + timedelta(minutes=minutes), ref)

        with store.unit_of_work() as uow:
            assert uow.credit_accounts.record(entry("issue", CreditEntryKind.ISSUE, 0, None))
            assert uow.credit_accounts.record(entry("h1", CreditEntryKind.HOLD, 1, "h1"))
            assert uow.credit_accounts.record(entry("c1", CreditEntryKind.CAPTURE, 2, "h1"))
            assert uow.credit_accounts.record(entry("h2", CreditEntryKind.HOLD, 3, "h2"))
            assert not uow.credit_accounts.record(entry("h1", CreditEntryKind.RELEASE, 4, "h1"))
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [e.key for e in uow.credit_accounts.entries("GIFT-1", 10)] == [
                "h2",
                "c1",
                "h1",
                "issue",
            ]
            assert [e.key for e in uow.credit_accounts.entries("GIFT-1", 2)] == ["h2", "c1"]
            assert [e.key for e in uow.credit_accounts.for_reference("h1")] == ["h1", "c1"]
            stored = uow.credit_accounts.entry("c1")
            assert stored == entry("c1", CreditEntryKind.CAPTURE, 2, "h1")
            assert uow.credit_accounts.entry("nope") is None

    # -- refunds ---------------------------------------------------------------------

    def test_refund_round_trip_version_check_and_order(self, store: Store) -> None:
        """A refund reads back whole; stale saves are refused; for_order() is oldest first."""
        eur = Money("7.50", "EUR")

        def refund(refund_id: str, minutes: int) -> Refund:
            return Refund(
                id=refund_id,
                order_id="O1",
                key=f"key-{refund_id}",
                amount=eur,
                lines=(RefundLine("TEE", 1, eur),),
                shipping=Money("0.00", "EUR"),
                destination="store_credit",
                created_at=T0 + timedelta(minutes=minutes),
                parts=[RefundPart("P1", eur, f"key-{refund_id}:P1")],
                credit_account="credit-C1",
                reason="damaged",
            )

        with store.unit_of_work() as uow:
            uow.refunds.add(refund("R2", 5))
            uow.refunds.add(refund("R1", 1))
            uow.commit()
        with store.unit_of_work() as uow:
            loaded = uow.refunds.get("R1")
            stale = uow.refunds.get("R1")
            assert (loaded.lines, loaded.parts, loaded.destination, loaded.reason) == (
                (RefundLine("TEE", 1, eur),),
                [RefundPart("P1", eur, "key-R1:P1")],
                "store_credit",
                "damaged",
            )
            loaded.settle("key-R1:P1", "refunded")
            loaded.credit_note = "CN-1"
            uow.refunds.save(loaded)
            with pytest.raises(ConcurrencyConflict):
                uow.refunds.save(stale)
            with pytest.raises(AlreadyExists):
                uow.refunds.add(refund("R1", 9))
            with pytest.raises(RefundNotFound):
                uow.refunds.get("NOPE")
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [r.id for r in uow.refunds.for_order("O1")] == ["R1", "R2"]
            stored = uow.refunds.get("R1")
            assert (stored.state.value, stored.credit_note, stored.version) == (
                "refunded",
                "CN-1",
                2,
            )
            assert uow.refunds.for_order("O2") == []
