"""Stateful property test of gift cards through shop.payments, on every store.

Random issues, authorisations (some too large), captures (some final), voids
and refunds against a plain model. After every step: each balance equals the
model and is never negative, the ledger's entries replay to the balance, and
every payment keeps captured + released <= authorised and refunded <= captured.
"""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
)

import orderkit as ok
from orderkit.errors import BalanceExceeded, InvalidAmount, PaymentDeclined, PaymentError
from tests.builders import NEW_YEAR as T0
from tests.postgres import OnPostgres

CARDS = ["GIFT-A", "GIFT-B"]
HOME = ok.Address(name="Ana", line1="1", city="Berlin", postal_code="10115", country="DE")


def cents(amount: int) -> ok.Money:
    return ok.Money.from_minor(amount, "EUR")


class StoreCreditMachine(RuleBasedStateMachine):
    payments = Bundle("payments")
    url: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.shop = ok.Shop.open(self.url, clock=ok.ManualClock(T0), seed=2)
        self.shop.catalog.add(ok.Product(sku="X", name="X", price=ok.Money("100.00", "EUR")))
        self.shop.customers.register("ana@example.com", "Ana", addresses=[HOME])
        self.order = self.shop.orders.place("ana@example.com", [("X", 1)])
        self.balances = dict.fromkeys(CARDS, 0)
        self.issued = set[str]()
        self.card_of: dict[str, str] = {}
        self.steps = 0

    def teardown(self) -> None:
        self.shop.close()

    def key(self) -> str:
        self.steps += 1
        return f"k{self.steps}"

    @rule(card=st.sampled_from(CARDS), amount=st.integers(1, 5000))
    def issue(self, card: str, amount: int) -> None:
        self.shop.store_credit.issue(card, cents(amount), key=self.key())
        self.balances[card] += amount
        self.issued.add(card)

    @rule(target=payments, card=st.sampled_from(CARDS), amount=st.integers(1, 6000))
    def authorise(self, card: str, amount: int) -> str | MultipleResults[str]:
        def pay() -> ok.Payment:
            return self.shop.payments.authorise(
                self.order.id, cents(amount), card, key=self.key(), gateway="store_credit"
            )

        held = sum(p.holds.minor_units for p in self.shop.payments.for_order(self.order.id))
        if amount > self.order.grand_total.minor_units - held:
            # More than the order has open: refused before the card is asked.
            with pytest.raises(BalanceExceeded):
                pay()
            return multiple()
        if card in self.issued and amount <= self.balances[card]:
            payment = pay()
            self.balances[card] -= amount
            self.card_of[payment.id] = card
            return payment.id
        with pytest.raises(PaymentDeclined) as refused:
            pay()
        expected = "insufficient_funds" if card in self.issued else "unknown_account"
        assert refused.value.code == expected
        return refused.value.payment_id

    def _returned(self, before: ok.Payment, after: ok.Payment) -> None:
        """Money released or refunded since ``before`` goes back onto the card."""
        back = (after.released - before.released) + (after.refunded - before.refunded)
        self.balances[self.card_of[after.id]] += back.minor_units

    @rule(payment=payments, amount=st.integers(1, 6000), final=st.booleans())
    def capture(self, payment: str, amount: int, final: bool) -> None:
        before = self.shop.payments.get(payment)
        try:
            after = self.shop.payments.capture(payment, cents(amount), key=self.key(), final=final)
        except (InvalidAmount, PaymentError):
            assert self.shop.payments.get(payment).version == before.version
            return
        self._returned(before, after)

    @rule(payment=payments)
    def void(self, payment: str) -> None:
        before = self.shop.payments.get(payment)
        try:
            after = self.shop.payments.void(payment, key=self.key())
        except PaymentError:
            assert self.shop.payments.get(payment).version == before.version
            return
        self._returned(before, after)

    @rule(payment=payments, amount=st.integers(1, 6000))
    def refund(self, payment: str, amount: int) -> None:
        before = self.shop.payments.get(payment)
        try:
            after = self.shop.payments.refund(payment, cents(amount), key=self.key())
        except (InvalidAmount, PaymentError):
            assert self.shop.payments.get(payment).version == before.version
            return
        self._returned(before, after)

    @invariant()
    def balances_match_and_replay(self) -> None:
        for card in self.issued:
            balance = self.shop.store_credit.balance(card)
            assert balance == cents(self.balances[card])
            assert balance.amount >= 0
            entries = self.shop.store_credit.entries(card, 10_000)
            replayed = sum(e.kind.sign * e.amount.minor_units for e in entries)
            assert replayed == self.balances[card]
            assert all(e.balance_after.amount >= 0 for e in entries)

    @invariant()
    def payments_keep_their_bounds(self) -> None:
        for payment in self.shop.payments.for_order(self.order.id):
            assert payment.captured + payment.released <= payment.authorised
            assert payment.refunded <= payment.captured


SETTINGS = settings(max_examples=30, stateful_step_count=20, deadline=None)
PG_SETTINGS = settings(max_examples=8, stateful_step_count=20, deadline=None)


class MemoryStoreCredit(StoreCreditMachine):
    url = None


class SqliteStoreCredit(StoreCreditMachine):
    url = "sqlite:///:memory:"


class PostgresStoreCredit(OnPostgres, StoreCreditMachine):
    pass


MemoryStoreCredit.TestCase.settings = SETTINGS
SqliteStoreCredit.TestCase.settings = SETTINGS
PostgresStoreCredit.TestCase.settings = PG_SETTINGS
TestStoreCreditOnMemory = MemoryStoreCredit.TestCase
TestStoreCreditOnSqlite = SqliteStoreCredit.TestCase
TestStoreCreditOnPostgres = pytest.mark.postgres(PostgresStoreCredit.TestCase)
