"""Stateful property test: random units of work give the same results on every store.

The memory store and the SQLite store run the same random sequence of adds,
saves (fresh and stale), outbox appends and failing units of work, side by
side with a plain model. After every step they hold the same data as the
model, and every call succeeded or failed the same way on both.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from orderkit.adapters.memory import MemoryStore
from orderkit.adapters.sqlite import SqliteStore
from orderkit.errors import AlreadyExists, ConcurrencyConflict, OrderkitError
from orderkit.lifecycle.order import Order
from orderkit.storage import Store
from orderkit.testing.contract import sample_message, sample_order, sample_product


class Boom(Exception):
    pass


def outcome(store: Store, action: object) -> str:
    try:
        with store.unit_of_work() as uow:
            action(uow)  # type: ignore[operator]
            uow.commit()
    except OrderkitError as error:
        return type(error).__name__
    return "ok"


class StoresAgree(RuleBasedStateMachine):
    loaded = Bundle("loaded")

    def __init__(self) -> None:
        super().__init__()
        self.stores: list[Store] = [MemoryStore(), SqliteStore(":memory:")]
        self.products: dict[str, str] = {}
        self.orders: dict[str, tuple[int, str]] = {}  # id -> (version, state)
        self.numbers: set[int] = set()
        self.events: list[str] = []

    def teardown(self) -> None:
        for store in self.stores:
            store.close()

    def same_outcome(self, action: object) -> str:
        results = {outcome(store, action) for store in self.stores}
        assert len(results) == 1, results
        return results.pop()

    @rule(sku=st.sampled_from(["A-1", "B-2", "C-3"]), cents=st.integers(0, 10_000))
    def add_product(self, sku: str, cents: int) -> None:
        price = str(Decimal(cents).scaleb(-2))
        result = self.same_outcome(lambda uow: uow.products.add(sample_product(sku, price)))
        if sku in self.products:
            assert result == "AlreadyExists"
        else:
            assert result == "ok"
            self.products[sku] = price

    @rule(order_id=st.sampled_from(["O1", "O2", "O3", "O4"]), number=st.integers(1, 6))
    def add_order(self, order_id: str, number: int) -> None:
        result = self.same_outcome(lambda uow: uow.orders.add(sample_order(order_id, number)))
        if order_id in self.orders or number in self.numbers:
            assert result == "AlreadyExists"
        else:
            assert result == "ok"
            self.orders[order_id] = (1, "placed")
            self.numbers.add(number)

    @rule(target=loaded, order_id=st.sampled_from(["O1", "O2", "O3", "O4"]))
    def load(self, order_id: str) -> tuple[Order, ...]:
        copies = []
        for store in self.stores:
            with store.unit_of_work(readonly=True) as uow:
                try:
                    copies.append(uow.orders.get(order_id))
                except OrderkitError:
                    copies.append(sample_order(order_id, 99))  # never stored: save must fail
        return tuple(copies)

    @rule(copies=loaded, state=st.sampled_from(["confirmed", "held", "cancelled"]))
    def save(self, copies: tuple[Order, ...], state: str) -> None:
        results = []
        for store, order in zip(self.stores, copies, strict=True):
            changed = attrs.evolve(order, state=state)
            results.append(outcome(store, lambda uow, o=changed: uow.orders.save(o)))
        assert len(set(results)) == 1, results
        order_id = copies[0].id
        stored = self.orders.get(order_id)
        if stored is None:
            assert results[0] in {"OrderNotFound", "ConcurrencyConflict"}
        elif stored[0] == copies[0].version and copies[0].number != 99:
            assert results[0] == "ok"
            self.orders[order_id] = (stored[0] + 1, state)
        else:
            assert results[0] == ConcurrencyConflict.__name__

    @rule(event=st.sampled_from(["E1", "E2", "E3", "E4", "E5"]))
    def append_event(self, event: str) -> None:
        result = self.same_outcome(lambda uow: uow.outbox.append(sample_message(event)))
        assert result == (AlreadyExists.__name__ if event in self.events else "ok")
        if result == "ok":
            self.events.append(event)

    @rule(event=st.sampled_from(["E8", "E9"]))
    def failing_unit_of_work_changes_nothing(self, event: str) -> None:
        for store in self.stores:
            with contextlib.suppress(Boom), store.unit_of_work() as uow:
                uow.outbox.append(sample_message(event))
                uow.products.add(sample_product("X-1"))
                for sku in self.products:
                    uow.products.replace(sample_product(sku, "0.01"))
                raise Boom

    @invariant()
    def every_store_holds_what_the_model_holds(self) -> None:
        for store in self.stores:
            with store.unit_of_work(readonly=True) as uow:
                products = {p.sku: str(p.price.amount) for p in uow.products.list()}
                orders = {o.id: (o.version, o.state) for o in uow.orders.list()}
                events = [m.event_id for m in uow.outbox.pending(limit=100)]
            assert products == self.products
            assert orders == self.orders
            assert events == self.events


StoresAgree.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestStoresAgree = StoresAgree.TestCase
