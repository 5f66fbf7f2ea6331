"""Stateful property test of the stock ledger through the services, on every store.

Random receives, reservations, releases, shipments, transfers, write-offs and
counts against a plain model. After every step: each level equals the model,
reserved never exceeds on hand, a refused step changed nothing, and the
stored levels equal a replay of the ledger.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

import orderkit as ok
from orderkit.errors import InsufficientStock, ValidationError
from tests.builders import NEW_YEAR as T0
from tests.postgres import OnPostgres

SKUS = ["A", "B"]
WAREHOUSES = ["W1", "W2"]


class LedgerMachine(RuleBasedStateMachine):
    reservations = Bundle("reservations")
    url: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.shop = ok.Shop.open(self.url, clock=ok.ManualClock(T0), seed=1)
        for code in WAREHOUSES:
            self.shop.inventory.add_warehouse(
                ok.Warehouse(
                    code,
                    code,
                    ok.Address(name=code, line1="1", city="X", country="DE"),
                )
            )
        self.shop.catalog.add_many(
            [ok.Product(sku=sku, name=sku, price=ok.Money(1, "EUR")) for sku in SKUS]
        )
        self.model = {(s, w): [0, 0] for s in SKUS for w in WAREHOUSES}  # on hand, reserved

    def teardown(self) -> None:
        self.shop.close()

    def available(self, sku: str, warehouse: str) -> int:
        on_hand, reserved = self.model[(sku, warehouse)]
        return on_hand - reserved

    @rule(
        sku=st.sampled_from(SKUS), warehouse=st.sampled_from(WAREHOUSES), quantity=st.integers(1, 8)
    )
    def receive(self, sku: str, warehouse: str, quantity: int) -> None:
        self.shop.inventory.receive(sku, warehouse, quantity)
        self.model[(sku, warehouse)][0] += quantity

    @rule(
        target=reservations,
        sku=st.sampled_from(SKUS),
        warehouse=st.sampled_from(WAREHOUSES),
        quantity=st.integers(1, 6),
    )
    def reserve(self, sku: str, warehouse: str, quantity: int) -> object:
        if quantity > self.available(sku, warehouse):
            try:
                self.shop.reservations.reserve("doc", [(sku, quantity)], warehouse=warehouse)
            except InsufficientStock:
                return None
            raise AssertionError("oversold")
        reservation = self.shop.reservations.reserve("doc", [(sku, quantity)], warehouse=warehouse)
        self.model[(sku, warehouse)][1] += quantity
        return (reservation.id, sku, warehouse, quantity)

    @rule(held=consumes(reservations), ship=st.booleans())
    def end(self, held: object, ship: bool) -> None:
        if held is None:
            return
        reservation_id, sku, warehouse, quantity = held  # type: ignore[misc]
        if ship:
            self.shop.reservations.commit(reservation_id)
            self.model[(sku, warehouse)][0] -= quantity
        else:
            self.shop.reservations.release(reservation_id)
        self.model[(sku, warehouse)][1] -= quantity

    @rule(sku=st.sampled_from(SKUS), quantity=st.integers(1, 8))
    def transfer(self, sku: str, quantity: int) -> None:
        if quantity > self.available(sku, "W1"):
            try:
                self.shop.inventory.transfer(sku, "W1", "W2", quantity)
            except ValidationError:
                return
            raise AssertionError("moved reserved or missing stock")
        self.shop.inventory.transfer(sku, "W1", "W2", quantity)
        self.model[(sku, "W1")][0] -= quantity
        self.model[(sku, "W2")][0] += quantity

    @rule(
        sku=st.sampled_from(SKUS), warehouse=st.sampled_from(WAREHOUSES), quantity=st.integers(1, 5)
    )
    def write_off(self, sku: str, warehouse: str, quantity: int) -> None:
        try:
            self.shop.inventory.write_off(sku, warehouse, quantity, reason="damaged")
        except ValidationError:
            assert quantity > self.available(sku, warehouse)
            return
        self.model[(sku, warehouse)][0] -= quantity

    @rule(
        sku=st.sampled_from(SKUS), warehouse=st.sampled_from(WAREHOUSES), counted=st.integers(0, 30)
    )
    def count(self, sku: str, warehouse: str, counted: int) -> None:
        try:
            self.shop.inventory.count(sku, warehouse, counted)
        except ValidationError:
            assert counted < self.model[(sku, warehouse)][1]
            return
        self.model[(sku, warehouse)][0] = counted

    @invariant()
    def levels_match_the_model_and_the_ledger(self) -> None:
        for (sku, warehouse), (on_hand, reserved) in self.model.items():
            level = self.shop.inventory.level(sku, warehouse)
            assert (level.on_hand, level.reserved) == (on_hand, reserved)
            assert 0 <= level.reserved <= level.on_hand
        assert self.shop.inventory.verify_ledger()


SETTINGS = settings(max_examples=40, stateful_step_count=25, deadline=None)
# Each run migrates a new schema on the server: fewer runs, the same rules.
PG_SETTINGS = settings(max_examples=10, stateful_step_count=25, deadline=None)


class MemoryLedger(LedgerMachine):
    url = None


class SqliteLedger(LedgerMachine):
    url = "sqlite:///:memory:"


MemoryLedger.TestCase.settings = SETTINGS
SqliteLedger.TestCase.settings = SETTINGS
TestLedgerOnMemory = MemoryLedger.TestCase
TestLedgerOnSqlite = SqliteLedger.TestCase


class PostgresLedger(OnPostgres, LedgerMachine):
    pass


PostgresLedger.TestCase.settings = PG_SETTINGS
TestLedgerOnPostgres = pytest.mark.postgres(PostgresLedger.TestCase)


class BackorderLedger(RuleBasedStateMachine):
    """Backorders in the mix: reservations that hold some units and wait for the rest.

    After every step, each level's reserved and backordered units equal what the
    active reservations hold and wait for, no level leaves free stock idle
    while a reservation waits for it, reserved never exceeds on hand, and the
    levels equal a replay of the ledger.
    """

    reservations = Bundle("backorder_reservations")
    url: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.clock = ok.ManualClock(T0)
        self.shop = ok.Shop.open(self.url, clock=self.clock, seed=2)
        self.shop.inventory.add_warehouse(
            ok.Warehouse(
                "W1",
                "W1",
                ok.Address(name="W1", line1="1", city="X", country="DE"),
            )
        )
        self.shop.catalog.add_many(
            [ok.Product(sku=sku, name=sku, price=ok.Money(1, "EUR")) for sku in SKUS]
        )
        self.shop.inventory.set_policy(
            ok.StockPolicy(sku="A", backorders=ok.BackorderMode.LIMITED, backorder_limit=12)
        )
        self.ids: list[str] = []

    def teardown(self) -> None:
        self.shop.close()

    @rule(sku=st.sampled_from(SKUS), quantity=st.integers(1, 6))
    def receive(self, sku: str, quantity: int) -> None:
        self.shop.inventory.receive(sku, "W1", quantity)

    @rule(target=reservations, sku=st.sampled_from(SKUS), quantity=st.integers(1, 5))
    def reserve(self, sku: str, quantity: int) -> object:
        self.clock.advance(timedelta(seconds=1))
        try:
            reservation = self.shop.reservations.reserve(
                f"doc-{len(self.ids)}", [(sku, quantity)], warehouse="W1"
            )
        except InsufficientStock:
            return None
        self.ids.append(reservation.id)
        return reservation.id

    @rule(held=consumes(reservations), ship=st.booleans())
    def end(self, held: object, ship: bool) -> None:
        if held is None:
            return
        reservation_id = str(held)
        if ship and not self.shop.reservations.get(reservation_id).backordered:
            self.shop.reservations.commit(reservation_id)
        else:
            self.shop.reservations.release(reservation_id)

    @rule(sku=st.sampled_from(SKUS), quantity=st.integers(1, 4))
    def write_off(self, sku: str, quantity: int) -> None:
        try:
            self.shop.inventory.write_off(sku, "W1", quantity, reason="damaged")
        except ValidationError:
            level = self.shop.inventory.level(sku, "W1")
            assert quantity > level.available

    @rule(sku=st.sampled_from(SKUS), counted=st.integers(0, 20))
    def count(self, sku: str, counted: int) -> None:
        try:
            self.shop.inventory.count(sku, "W1", counted)
        except ValidationError:
            assert counted < self.shop.inventory.level(sku, "W1").reserved

    @invariant()
    def reservations_account_for_every_level(self) -> None:
        held = dict.fromkeys(SKUS, 0)
        waiting = dict.fromkeys(SKUS, 0)
        for reservation_id in self.ids:
            reservation = self.shop.reservations.get(reservation_id)
            if reservation.status is ok.ReservationStatus.ACTIVE:
                for line in reservation.lines:
                    held[line.sku] += line.quantity
                    waiting[line.sku] += line.backordered
        for sku in SKUS:
            level = self.shop.inventory.level(sku, "W1")
            assert (level.reserved, level.backordered) == (held[sku], waiting[sku])
            assert 0 <= level.reserved <= level.on_hand
            assert not (level.available and level.backordered), "free stock left idle"
        assert self.shop.inventory.verify_ledger()


class MemoryBackorderLedger(BackorderLedger):
    url = None


class SqliteBackorderLedger(BackorderLedger):
    url = "sqlite:///:memory:"


MemoryBackorderLedger.TestCase.settings = SETTINGS
SqliteBackorderLedger.TestCase.settings = SETTINGS
TestBackordersOnMemory = MemoryBackorderLedger.TestCase
TestBackordersOnSqlite = SqliteBackorderLedger.TestCase


class PostgresBackorderLedger(OnPostgres, BackorderLedger):
    pass


PostgresBackorderLedger.TestCase.settings = PG_SETTINGS
TestBackordersOnPostgres = pytest.mark.postgres(PostgresBackorderLedger.TestCase)
