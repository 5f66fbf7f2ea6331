"""The contract every :class:`~orderkit.storage.Store` must keep, as a pytest suite.

Adapter authors subclass :class:`StoreContract` in a test module and say how
to make a fresh, empty store::

    from orderkit.testing.contract import StoreContract

    class TestMyStore(StoreContract):
        def make_store(self, folder):
            return MyStore(folder / "shop.data")

``folder`` is a new, empty temporary directory for each test (a
``make_store()`` without it works too). pytest then runs every ``test_*``
method of the suites against that store:

- :class:`StoreContract` (25 checks): round trips of products, customers and
  orders, copies never shared, not-found and duplicate errors, all-or-nothing
  units of work, read-only units, optimistic versions, the outbox, sequences;
- :class:`~orderkit.testing.order_contract.OrderContract` (7): finding orders
  by every criterion, newest first with paging, expiry, the append-only history;
- :class:`~orderkit.testing.inventory_contract.InventoryContract` (16):
  warehouses, stock levels that never oversell, the ledger and its replay,
  reservations, backorder queues, policies, purchase orders, bins;
- :class:`~orderkit.testing.payment_contract.PaymentContract` (12): payments,
  their indexes (order, reference, signals, lapse), idempotency keys, refunds,
  credit accounts and their ledger;
- :class:`~orderkit.testing.fulfilment_contract.FulfilmentContract` (4):
  shipments through their steps, by order, by tracking number and by state,
  with versions, and reservations that shipped part of a line;
- :class:`~orderkit.testing.returns_contract.ReturnsContract` (2): returns by
  order and by parcel with versions, claims, feedback and follow-ups.

A store that keeps data beyond the process subclasses
:class:`PersistentStoreContract` instead (one check more) and also says how to
open the same data again (``reopen``). orderkit runs the same suites against
its memory, SQLite and PostgreSQL stores.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import attrs
import pytest

from orderkit.catalog.products import Product
from orderkit.core.addresses import Address
from orderkit.core.events import OutboxMessage
from orderkit.core.money import Money
from orderkit.customers.customer import Customer
from orderkit.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    CustomerNotFound,
    OrderNotFound,
    ProductNotFound,
    StorageError,
)
from orderkit.lifecycle.order import Order, OrderLine
from orderkit.storage import Store, UnitOfWork
from orderkit.testing.fulfilment_contract import FulfilmentContract
from orderkit.testing.inventory_contract import InventoryContract
from orderkit.testing.order_contract import OrderContract
from orderkit.testing.payment_contract import PaymentContract
from orderkit.testing.returns_contract import ReturnsContract
from orderkit.testing.sales_contract import SalesContract

__all__ = ["PersistentStoreContract", "StoreContract"]

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def sample_product(sku: str = "TEE-M", price: str = "19.90") -> Product:
    """A product for contract tests."""
    return Product(
        sku=sku,
        name=f"Product {sku}",
        price=Money(price, "EUR"),
        brand="Acme",
        category="Apparel",
        attributes={"colour": "blue"},
    )


def sample_address(country: str = "DE") -> Address:
    """An address for contract tests."""
    return Address(
        name="Ana Example",
        line1="Hauptstr. 1",
        city="Berlin",
        postal_code="10115",
        country=country,
    )


def sample_customer(customer_id: str = "C1", email: str = "ana@example.com") -> Customer:
    """A customer for contract tests."""
    return Customer(
        id=customer_id,
        email=email,
        name="Ana Example",
        registered_at=T0,
        addresses=(sample_address(),),
        locale="de_DE",
    )


def sample_order(order_id: str = "O1", number: int = 1, customer_id: str = "C1") -> Order:
    """An order for contract tests."""
    return Order(
        id=order_id,
        number=number,
        channel="web",
        customer_id=customer_id,
        currency="EUR",
        lines=(
            OrderLine("TEE-M", "T-shirt M", 2, Money("19.90", "EUR")),
            OrderLine("MUG-1", "Mug", 1, Money("7.50", "EUR")),
        ),
        ship_to=sample_address(),
        placed_at=T0,
        shipping=Money("4.90", "EUR"),
    )


def sample_message(event_id: str, aggregate_id: str = "O1") -> OutboxMessage:
    """An outbox message for contract tests."""
    return OutboxMessage(
        event_id=event_id,
        event_type="OrderPlaced",
        aggregate_type="order",
        aggregate_id=aggregate_id,
        occurred_at=T0,
        payload={"event_id": event_id, "note": "contract", "amount": "19.90"},
    )


T = TypeVar("T")


def make_in(make: Callable[..., T], folder: Path) -> T:
    """Call a suite's ``make_store``, handing it ``folder`` if it takes one."""
    takes_folder = bool(inspect.signature(make).parameters)
    return make(folder) if takes_folder else make()


class _Boom(Exception):
    """Raised inside a unit of work to prove it rolls back."""


class StoreContract(
    OrderContract,
    InventoryContract,
    PaymentContract,
    FulfilmentContract,
    ReturnsContract,
    SalesContract,
):
    """The behaviour every store must show; subclass and implement :meth:`make_store`."""

    def make_store(self, folder: Path) -> Store:
        """Return a new, empty store; ``folder`` is an empty directory it may use.

        Subclasses must implement this (with or without ``folder``).
        """
        raise NotImplementedError("implement make_store(folder) to return a fresh, empty Store")

    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[Store]:
        """A fresh store in a new temporary directory, closed after the test."""
        store = make_in(self.make_store, tmp_path)
        yield store
        store.close()

    # Round trips -----------------------------------------------------------

    def test_product_round_trip(self, store: Store) -> None:
        """A stored product reads back equal, attributes and all."""
        product = sample_product()
        with store.unit_of_work() as uow:
            uow.products.add(product)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            loaded = uow.products.get("TEE-M")
            assert loaded == product
            assert dict(loaded.attributes) == {"colour": "blue"}
            assert uow.products.count() == 1

    def test_components_are_read_per_sku(self, store: Store) -> None:
        """components() gives each SKU's kit parts (empty for plain products)."""
        kit = attrs.evolve(sample_product("KIT-1"), components=(("TEE-M", 1), ("MUG-1", 2)))
        with store.unit_of_work() as uow:
            uow.products.add(sample_product())
            uow.products.add(kit)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.products.components(["KIT-1", "TEE-M"]) == {
                "KIT-1": (("TEE-M", 1), ("MUG-1", 2)),
                "TEE-M": (),
            }
            with pytest.raises(ProductNotFound):
                uow.products.components(["TEE-M", "NOPE"])

    def test_customer_round_trip_and_find_by_email(self, store: Store) -> None:
        """A customer reads back by id and, case-insensitively, by email."""
        customer = sample_customer()
        with store.unit_of_work() as uow:
            uow.customers.add(customer)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.customers.get("C1") == customer
            assert uow.customers.find_by_email("ANA@example.com ") == customer
            assert uow.customers.find_by_email("nobody@example.com") is None

    def test_order_round_trip_by_id_and_number(self, store: Store) -> None:
        """An added order gets version 1 and reads back equal by id and by number."""
        order = sample_order()
        with store.unit_of_work() as uow:
            uow.orders.add(order)
            uow.commit()
        assert order.version == 1
        with store.unit_of_work(readonly=True) as uow:
            loaded = uow.orders.get("O1")
            assert loaded == order
            assert loaded.grand_total == Money("52.20", "EUR")
            assert uow.orders.get_by_number(1) == order

    def test_lists_are_ordered_by_key(self, store: Store) -> None:
        """Products list by SKU, customers by id, orders by number."""
        with store.unit_of_work() as uow:
            for sku in ("C-3", "A-1", "B-2"):
                uow.products.add(sample_product(sku))
            for customer_id in ("C2", "C1"):
                uow.customers.add(sample_customer(customer_id, f"{customer_id}@example.com"))
            for order_id, number in (("OB", 2), ("OA", 3), ("OC", 1)):
                uow.orders.add(sample_order(order_id, number))
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [p.sku for p in uow.products.list()] == ["A-1", "B-2", "C-3"]
            assert [c.id for c in uow.customers.list()] == ["C1", "C2"]
            assert [o.number for o in uow.orders.list()] == [1, 2, 3]
            assert uow.orders.count() == 3

    def test_loaded_values_are_not_shared_with_the_store(self, store: Store) -> None:
        """Changing a loaded order in memory changes nothing stored until it is saved."""
        with store.unit_of_work() as uow:
            uow.orders.add(sample_order())
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            order = uow.orders.get("O1")
        order.state = "changed-in-memory"
        order.history.clear()
        order.attributes["seen"] = "yes"
        with store.unit_of_work(readonly=True) as uow:
            again = uow.orders.get("O1")
        assert (again.state, again.attributes) == ("placed", {})

    def test_a_saved_value_changed_afterwards_is_read_as_saved(self, store: Store) -> None:
        """What a save stored is what is read back, whatever the saver does to its object next."""
        order = sample_order()
        with store.unit_of_work() as uow:
            uow.orders.add(order)
            uow.commit()
        order.attributes["after"] = "the commit"
        order.state = "changed-in-memory"
        with store.unit_of_work(readonly=True) as uow:
            stored = uow.orders.get("O1")
        assert (stored.state, stored.attributes) == ("placed", {})

    def test_a_rolled_back_save_is_never_read(self, store: Store) -> None:
        """A save that was rolled back leaves no trace, even once its version is taken again."""
        with store.unit_of_work() as uow:
            uow.orders.add(sample_order())
            uow.commit()
        with store.unit_of_work() as uow:
            order = uow.orders.get("O1")
            order.state = "rolled-back"
            uow.orders.save(order)
            assert uow.orders.get("O1").state == "rolled-back"  # its own write, read back
            uow.rollback()
        with store.unit_of_work(readonly=True) as uow:
            assert (uow.orders.get("O1").state, uow.orders.get_by_number(1).version) == (
                "placed",
                1,
            )
        with store.unit_of_work() as uow:
            order = uow.orders.get("O1")
            order.state = "committed"
            uow.orders.save(order)  # version 2 again, with another content
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [(o.state, o.version) for o in uow.orders.list()] == [("committed", 2)]

    # Keys ------------------------------------------------------------------

    def test_missing_keys_raise_not_found(self, store: Store) -> None:
        """Every lookup of a missing key raises the matching NotFound."""
        with store.unit_of_work(readonly=True) as uow:
            with pytest.raises(ProductNotFound) as product_error:
                uow.products.get("NOPE")
            assert product_error.value.key == "NOPE"
            with pytest.raises(CustomerNotFound):
                uow.customers.get("NOPE")
            with pytest.raises(OrderNotFound):
                uow.orders.get("NOPE")
            with pytest.raises(OrderNotFound):
                uow.orders.get_by_number(99)

    def test_duplicates_raise_already_exists_and_keep_the_first(self, store: Store) -> None:
        """A second record with a taken key is refused; the first stays as it was."""
        with store.unit_of_work() as uow:
            uow.products.add(sample_product())
            uow.customers.add(sample_customer())
            uow.orders.add(sample_order())
            uow.commit()
        cases: list[Callable[[UnitOfWork], None]] = [
            lambda uow: uow.products.add(sample_product(price="1.00")),
            lambda uow: uow.customers.add(sample_customer("C1", "other@example.com")),
            lambda uow: uow.customers.add(sample_customer("C9", "ana@example.com")),
            lambda uow: uow.orders.add(sample_order("O1", 2)),
            lambda uow: uow.orders.add(sample_order("O2", 1)),
        ]
        for attempt in cases:
            with store.unit_of_work() as uow, pytest.raises(AlreadyExists):
                attempt(uow)
        with store.unit_of_work(readonly=True) as uow:
            assert uow.products.get("TEE-M").price == Money("19.90", "EUR")
            assert uow.customers.get("C1").email == "ana@example.com"
            assert uow.customers.count() == 1
            assert uow.orders.count() == 1

    def test_replace_updates_and_missing_replace_raises(self, store: Store) -> None:
        """Replacing changes a stored record; replacing a missing one raises NotFound."""
        with store.unit_of_work() as uow:
            uow.products.add(sample_product())
            uow.customers.add(sample_customer())
            uow.customers.add(sample_customer("C2", "ben@example.com"))
            uow.commit()
        with store.unit_of_work() as uow:
            uow.products.replace(sample_product(price="24.00"))
            moved = attrs.evolve(sample_customer(), email="ana@new.example.com")
            uow.customers.replace(moved)
            with pytest.raises(AlreadyExists):
                uow.customers.replace(attrs.evolve(moved, email="ben@example.com"))
            with pytest.raises(ProductNotFound):
                uow.products.replace(sample_product("NEW-1"))
            with pytest.raises(CustomerNotFound):
                uow.customers.replace(sample_customer("C9", "c9@example.com"))
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.products.get("TEE-M").price == Money("24.00", "EUR")
            assert uow.customers.find_by_email("ana@example.com") is None
            assert uow.customers.find_by_email("ana@new.example.com") == moved

    # Transactions ------------------------------------------------------------

    def _write_everything(self, store: Store, fail: bool) -> None:
        with store.unit_of_work() as uow:
            uow.products.add(sample_product())
            uow.customers.add(sample_customer())
            uow.orders.add(sample_order())
            uow.outbox.append(sample_message("E1"))
            uow.sequences.next("order")
            if fail:
                raise _Boom
            # Leaving without commit() must roll back as well.

    def _assert_empty(self, store: Store) -> None:
        with store.unit_of_work(readonly=True) as uow:
            assert uow.products.count() == 0
            assert uow.customers.count() == 0
            assert uow.orders.count() == 0
            assert uow.outbox.count() == 0
        with store.unit_of_work() as uow:
            assert uow.sequences.next("order") == 1

    def test_error_in_unit_of_work_leaves_nothing_behind(self, store: Store) -> None:
        """An exception inside a unit of work rolls back every table, outbox and counter."""
        with pytest.raises(_Boom):
            self._write_everything(store, fail=True)
        self._assert_empty(store)

    def test_leaving_without_commit_rolls_back(self, store: Store) -> None:
        """A unit of work that is never committed changes nothing."""
        self._write_everything(store, fail=False)
        self._assert_empty(store)

    def test_explicit_rollback_discards_changes(self, store: Store) -> None:
        """rollback() discards what the unit of work wrote."""
        with store.unit_of_work() as uow:
            uow.products.add(sample_product())
            uow.rollback()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.products.count() == 0

    def test_a_read_only_unit_of_work_refuses_writes(self, store: Store) -> None:
        """Writing through a unit of work opened with readonly=True raises StorageError."""
        writes: list[Callable[[UnitOfWork], object]] = [
            lambda uow: uow.products.add(sample_product()),
            lambda uow: uow.customers.add(sample_customer()),
            lambda uow: uow.orders.add(sample_order()),
            lambda uow: uow.outbox.append(sample_message("E1")),
            lambda uow: uow.sequences.next("order"),
        ]
        for write in writes:
            with store.unit_of_work(readonly=True) as uow, pytest.raises(StorageError):
                write(uow)
        self._assert_empty(store)

    def test_a_unit_of_work_ends_once(self, store: Store) -> None:
        """Committing twice is a programming error and raises StorageError."""
        with store.unit_of_work() as uow:
            uow.products.add(sample_product())
            uow.commit()
            with pytest.raises(StorageError):
                uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.products.count() == 1

    # Optimistic concurrency --------------------------------------------------------

    def test_stale_save_raises_concurrency_conflict_and_keeps_the_winner(
        self, store: Store
    ) -> None:
        """Of two saves from the same loaded version, the second is refused."""
        with store.unit_of_work() as uow:
            uow.orders.add(sample_order())
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            first = uow.orders.get("O1")
            second = uow.orders.get("O1")
        first.state = "confirmed"
        with store.unit_of_work() as uow:
            uow.orders.save(first)
            uow.commit()
        assert first.version == 2
        second.state = "cancelled"
        with store.unit_of_work() as uow, pytest.raises(ConcurrencyConflict) as conflict:
            uow.orders.save(second)
        assert conflict.value.key == "O1"
        assert conflict.value.expected_version == 1
        with store.unit_of_work(readonly=True) as uow:
            stored = uow.orders.get("O1")
        assert (stored.state, stored.version) == ("confirmed", 2)

    def test_saving_twice_in_a_row_advances_the_version(self, store: Store) -> None:
        """The saver's own object stays current: it can be saved again."""
        order = sample_order()
        with store.unit_of_work() as uow:
            uow.orders.add(order)
            order.state = "confirmed"
            uow.orders.save(order)
            uow.commit()
        order.state = "ready"
        with store.unit_of_work() as uow:
            uow.orders.save(order)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            stored = uow.orders.get("O1")
        assert (stored.state, stored.version) == ("ready", 3)

    def test_saving_an_unknown_order_raises_not_found(self, store: Store) -> None:
        """save() is for stored orders; a new one must be added."""
        order = sample_order()
        order.version = 1
        with store.unit_of_work() as uow, pytest.raises(OrderNotFound):
            uow.orders.save(order)

    def test_adding_an_order_with_a_version_is_refused(self, store: Store) -> None:
        """add() is for new orders (version 0); a loaded one must be saved."""
        order = sample_order()
        order.version = 3
        with store.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
            uow.orders.add(order)

    # Outbox ------------------------------------------------------------------

    def test_outbox_commits_with_the_change_in_order(self, store: Store) -> None:
        """Committed events come back oldest first with increasing positions."""
        with store.unit_of_work() as uow:
            uow.orders.add(sample_order())
            for event_id in ("E1", "E2", "E3"):
                uow.outbox.append(sample_message(event_id))
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            pending = uow.outbox.pending()
        assert [m.event_id for m in pending] == ["E1", "E2", "E3"]
        positions = [m.position or 0 for m in pending]
        assert all(p > 0 for p in positions)
        assert positions == sorted(positions)
        assert len(set(positions)) == 3
        first = pending[0]
        assert first.payload == sample_message("E1").payload
        assert (first.event_type, first.aggregate_type, first.aggregate_id) == (
            "OrderPlaced",
            "order",
            "O1",
        )
        assert first.occurred_at == T0

    def test_outbox_rolls_back_with_the_change(self, store: Store) -> None:
        """Events of a failed unit of work vanish with it."""

        def fail_after_writing() -> None:
            with store.unit_of_work() as uow:
                uow.orders.add(sample_order())
                uow.outbox.append(sample_message("E1"))
                raise _Boom

        with pytest.raises(_Boom):
            fail_after_writing()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.outbox.pending() == []
            assert uow.orders.count() == 0

    def test_pending_respects_the_limit(self, store: Store) -> None:
        """pending(limit) returns at most limit events, the oldest."""
        with store.unit_of_work() as uow:
            for index in range(5):
                uow.outbox.append(sample_message(f"E{index}"))
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [m.event_id for m in uow.outbox.pending(2)] == ["E0", "E1"]

    def test_mark_published_removes_from_pending_once(self, store: Store) -> None:
        """Published events leave the pending list; marking again counts nothing."""
        with store.unit_of_work() as uow:
            for event_id in ("E1", "E2"):
                uow.outbox.append(sample_message(event_id))
            uow.commit()
        later = T0 + timedelta(minutes=5)
        with store.unit_of_work() as uow:
            assert uow.outbox.mark_published(["E1", "E1", "UNKNOWN"], later) == 1
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.outbox.mark_published(["E1"], later) == 0
            assert [m.event_id for m in uow.outbox.pending()] == ["E2"]
            assert uow.outbox.count() == 2
            assert uow.outbox.count(pending_only=True) == 1

    def test_duplicate_event_id_is_refused(self, store: Store) -> None:
        """An event id is unique in the outbox."""
        with store.unit_of_work() as uow:
            uow.outbox.append(sample_message("E1"))
            uow.commit()
        with store.unit_of_work() as uow, pytest.raises(AlreadyExists):
            uow.outbox.append(sample_message("E1"))

    # Counters ----------------------------------------------------------------

    def test_sequences_count_from_one_per_name(self, store: Store) -> None:
        """Each counter starts at 1 and advances by one per call."""
        with store.unit_of_work() as uow:
            assert [uow.sequences.next("order") for _ in range(3)] == [1, 2, 3]
            assert uow.sequences.next("invoice") == 1
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.sequences.next("order") == 4


class PersistentStoreContract(StoreContract):
    """The store contract plus durability: for stores that keep data beyond the process."""

    def reopen(self, store: Store) -> Store:
        """Return a second store opened on the same data as ``store``. Subclasses implement it."""
        raise NotImplementedError("implement reopen() to open the same data again")

    def test_committed_data_survives_reopening(self, store: Store) -> None:
        """A persistent store opened again on the same data sees every commit."""
        with store.unit_of_work() as uow:
            uow.products.add(sample_product())
            uow.customers.add(sample_customer())
            uow.orders.add(sample_order())
            uow.outbox.append(sample_message("E1"))
            uow.commit()
        again = self.reopen(store)
        try:
            with again.unit_of_work(readonly=True) as uow:
                assert uow.products.get("TEE-M") == sample_product()
                assert uow.customers.get("C1") == sample_customer()
                assert uow.orders.get("O1").version == 1
                assert [m.event_id for m in uow.outbox.pending()] == ["E1"]
        finally:
            again.close()

    def test_a_change_through_another_store_is_read(self, store: Store) -> None:
        """What another store (another process) commits is what this one reads next."""
        with store.unit_of_work() as uow:
            uow.orders.add(sample_order())
            uow.commit()
        with store.unit_of_work() as uow:  # a save this store rolls back ...
            order = uow.orders.get("O1")
            order.state = "rolled-back"
            uow.orders.save(order)
            uow.rollback()
        other = self.reopen(store)  # ... and the same version committed elsewhere
        try:
            with other.unit_of_work() as uow:
                order = uow.orders.get("O1")
                order.state = "changed-elsewhere"
                order.attributes["by"] = "the other store"
                uow.orders.save(order)
                uow.commit()
        finally:
            other.close()
        with store.unit_of_work(readonly=True) as uow:
            seen = uow.orders.get_by_number(1)
        assert (seen.state, seen.attributes, seen.version) == (
            "changed-elsewhere",
            {"by": "the other store"},
            2,
        )
