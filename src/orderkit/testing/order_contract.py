"""The order part of the store contract: whole orders read back equal, and finding them.

:class:`orderkit.testing.contract.StoreContract` includes these tests; this
module only keeps the suite in rooms of one job each.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from orderkit.core.addresses import Address
from orderkit.core.money import Money
from orderkit.errors import ValidationError
from orderkit.lifecycle.order import Order, OrderLine
from orderkit.lifecycle.repository import OrderQuery
from orderkit.lifecycle.tax import TaxRounding
from orderkit.lifecycle.workflow import HistoryEntry
from orderkit.storage import Store

__all__ = ["OrderContract", "full_order"]

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def full_order(number: int, **changes: object) -> Order:
    """An order that uses every field: discounts, tax, counters, history, tags, payments."""
    home = Address(name="Ana", line1="1 Main St", city="Lyon", postal_code="69001", country="FR")
    fields: dict[str, object] = {
        "id": f"O{number}",
        "number": number,
        "channel": "web",
        "customer_id": "C1",
        "currency": "EUR",
        "lines": (
            OrderLine(
                "TEE-M",
                "T-shirt M",
                3,
                Money("19.90", "EUR"),
                discount=Money("2.00", "EUR"),
                tax_rate=Decimal("0.2"),
                reserved=2,
                picked=2,
                packed=1,
                cancelled=1,
            ),
            OrderLine("MUG-1", "Mug", 1, Money("7.50", "EUR"), tax_rate=Decimal("0.055")),
        ),
        "ship_to": home,
        "bill_to": attrs.evolve(home, name="Ana's company"),
        "placed_at": T0 + timedelta(hours=number),
        "order_discount": Money("1.50", "EUR"),
        "shipping": Money("4.90", "EUR"),
        "prices_include_tax": True,
        "tax_rounding": TaxRounding.PER_ORDER,
        "payment_method": "card",
        "priority": 5,
        "tags": ("gift", "vip"),
        "attributes": {"referrer": "newsletter", "landing": "/sale?x=1&y=ü"},
        "state": "confirmed",
        "history": (HistoryEntry("placed", "confirmed", "confirm", "clerk", "looks fine", T0),),
        "authorised": Money("40.00", "EUR"),
        "expires_at": T0 + timedelta(days=2),
    }
    fields.update(changes)
    return Order(**fields)  # type: ignore[arg-type]


class OrderContract:
    """Order tests every store must pass (part of :class:`StoreContract`)."""

    def _add(self, store: Store, *orders: Order) -> None:
        with store.unit_of_work() as uow:
            for order in orders:
                uow.orders.add(order)
            uow.commit()

    def _find(self, store: Store, query: OrderQuery, **paging: int) -> list[int]:
        with store.unit_of_work(readonly=True) as uow:
            limit = paging.pop("limit", 100)
            return [o.number for o in uow.orders.find(query, limit=limit, **paging)]

    def test_a_full_order_reads_back_equal(self, store: Store) -> None:
        """Every field survives the store: counters, history, tags, attributes, amounts."""
        order = full_order(1)
        self._add(store, order)
        with store.unit_of_work(readonly=True) as uow:
            loaded = uow.orders.get("O1")
        assert loaded == order
        assert loaded.history == order.history
        assert loaded.priced_lines == order.priced_lines
        assert (loaded.grand_total, loaded.tax_total) == (order.grand_total, order.tax_total)

    def test_find_by_each_criterion_newest_first(self, store: Store) -> None:
        """Each criterion narrows the result; results come highest number first."""
        paid = full_order(3, customer_id="C2", tags=("vip",))
        paid.authorised = paid.captured = paid.grand_total
        self._add(
            store,
            full_order(1),
            full_order(2, channel="pos", tags=(), state="placed", expires_at=None),
            paid,
            full_order(4, state="cancelled", tags=("gift",)),
        )
        assert self._find(store, OrderQuery()) == [4, 3, 2, 1]
        assert self._find(store, OrderQuery(states=("confirmed",))) == [3, 1]
        assert self._find(store, OrderQuery(states=("placed", "cancelled"))) == [4, 2]
        assert self._find(store, OrderQuery(states=())) == []
        assert self._find(store, OrderQuery(channel="pos")) == [2]
        assert self._find(store, OrderQuery(customer_id="C2")) == [3]
        assert self._find(store, OrderQuery(tag="gift")) == [4, 1]
        assert self._find(store, OrderQuery(tag="vip", states=("confirmed",))) == [3, 1]
        assert self._find(store, OrderQuery(payment_status="paid")) == [3]
        assert self._find(store, OrderQuery(payment_status="authorised")) == [4, 2, 1]
        assert self._find(store, OrderQuery(fulfilment_status="partially_packed")) == [
            4,
            3,
            2,
            1,
        ]
        window = OrderQuery(
            placed_from=T0 + timedelta(hours=2), placed_until=T0 + timedelta(hours=4)
        )
        assert self._find(store, window) == [3, 2]

    def test_find_pages_with_limit_and_before(self, store: Store) -> None:
        """``limit`` caps a page; ``before`` starts the next one below the last number."""
        self._add(store, *(full_order(n) for n in range(1, 8)))
        assert self._find(store, OrderQuery(), limit=3) == [7, 6, 5]
        assert self._find(store, OrderQuery(), limit=3, before=5) == [4, 3, 2]
        assert self._find(store, OrderQuery(tag="vip"), limit=10, before=2) == [1]

    def test_find_follows_saved_changes(self, store: Store) -> None:
        """Saving an order moves it between states, statuses and tags."""
        self._add(store, full_order(1))
        with store.unit_of_work() as uow:
            order = uow.orders.get("O1")
            order.state = "on_hold"
            order.tags = ("fraud-review", "vip")
            order.captured = order.grand_total
            uow.orders.save(order)
            uow.commit()
        assert self._find(store, OrderQuery(states=("on_hold",))) == [1]
        assert self._find(store, OrderQuery(states=("confirmed",))) == []
        assert self._find(store, OrderQuery(tag="gift")) == []
        assert self._find(store, OrderQuery(tag="fraud-review")) == [1]
        assert self._find(store, OrderQuery(payment_status="paid")) == [1]

    def test_expiring_orders_come_soonest_first(self, store: Store) -> None:
        """``expiring`` returns orders due by a time, soonest first, up to a limit."""
        self._add(
            store,
            full_order(1, expires_at=T0 + timedelta(hours=5)),
            full_order(2, expires_at=None),
            full_order(3, expires_at=T0 + timedelta(hours=1)),
            full_order(4, expires_at=T0 + timedelta(hours=9)),
        )
        with store.unit_of_work(readonly=True) as uow:
            due = uow.orders.expiring(T0 + timedelta(hours=5), 10)
            assert [o.number for o in due] == [3, 1]
            assert [o.number for o in uow.orders.expiring(T0 + timedelta(days=1), 1)] == [3]
            assert uow.orders.expiring(T0, 10) == []

    def test_history_is_append_only(self, store: Store) -> None:
        """A save that would drop history entries is refused; appending is fine."""
        self._add(store, full_order(1))
        with store.unit_of_work() as uow:
            order = uow.orders.get("O1")
            order.history.clear()
            with pytest.raises(ValidationError) as raised:
                uow.orders.save(order)
            assert raised.value.field == "history"
        with store.unit_of_work() as uow:
            order = uow.orders.get("O1")
            order.history.append(HistoryEntry("confirmed", "on_hold", "hold", "risk", "manual", T0))
            uow.orders.save(order)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert len(uow.orders.get("O1").history) == 2

    def test_find_is_consistent_with_the_reference_match(self, store: Store) -> None:
        """What ``find`` returns is exactly what :meth:`OrderQuery.matches` accepts."""
        orders = [
            full_order(n, state=("placed", "confirmed")[n % 2], channel=("web", "pos")[n % 3 == 0])
            for n in range(1, 10)
        ]
        self._add(store, *orders)
        query = OrderQuery(states=("confirmed",), channel="web", tag="vip")
        expected = [o.number for o in sorted(orders, key=lambda o: -o.number) if query.matches(o)]
        assert self._find(store, query) == expected
