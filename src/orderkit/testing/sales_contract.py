"""The sales-ledger part of the store contract: rows kept whole, read by period, summed alike."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from orderkit.catalog.products import Product
from orderkit.core.money import Money
from orderkit.inventory.ports import StockMovement
from orderkit.lifecycle.order import Order
from orderkit.reports.aggregation import (
    LOCAL_DAY,
    LOCAL_HOUR,
    SalesQuery,
    SalesTotals,
    product_facts,
    sum_customers,
    sum_orders,
    sum_rows,
)
from orderkit.reports.ledger import SaleKind, SaleRow
from orderkit.reports.ports import OrderAggregation, SalesAggregation
from orderkit.storage import Store

__all__ = ["SalesContract", "SalesEngineContract", "fill_sample_sales", "sample_sale_rows"]

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _row(order: str, sku: str, kind: SaleKind, units: int, amount: int, **facts: object) -> SaleRow:
    values: dict[str, object] = {
        "order_id": order,
        "order_number": int(order[1:]),
        "sku": sku,
        "kind": kind,
        "units": units,
        "amount": amount,
        "currency": "EUR",
        "booked_at": T0,
        "placed_at": T0,
        "channel": "web",
        "customer_id": "C1",
        "ship_country": "DE",
        "bill_country": "DE",
        "batch": f"b-{order}",
    }
    values.update(facts)
    return SaleRow(**values)  # type: ignore[arg-type]


def sample_sale_rows() -> list[list[SaleRow]]:
    """Bookings (lists of rows booked together) of three orders over two days, two currencies."""
    later = T0 + timedelta(days=1, hours=3)
    return [
        [
            _row("O1", "", SaleKind.ORDER, 1, 0, attributes={"campaign": "spring"}),
            _row("O1", "TEE-M", SaleKind.SALE, 2, 3980, attributes={"campaign": "spring"}),
            _row("O1", "TEE-M", SaleKind.DISCOUNT, 0, -398, attributes={"campaign": "spring"}),
            _row("O1", "MUG", SaleKind.SALE, 1, 1200, attributes={"campaign": "spring"}),
            _row("O1", "", SaleKind.SHIPPING, 0, 490, attributes={"campaign": "spring"}),
        ],
        [
            _row("O2", "", SaleKind.ORDER, 1, 0, channel="pos", seller="rep-1", customer_id="C2"),
            _row(
                "O2", "MUG", SaleKind.SALE, 3, 3600, channel="pos", seller="rep-1", customer_id="C2"
            ),
            _row(
                "O2", "MUG", SaleKind.TAX, 0, 684, channel="pos", seller="rep-1", customer_id="C2"
            ),
        ],
        [
            _row("O1", "TEE-M", SaleKind.RETURN, -1, -1791, booked_at=later, batch="b-O1-2"),
            _row("O1", "", SaleKind.REFUND, 0, -1791, booked_at=later, batch="b-O1-2"),
        ],
        [
            _row(
                "O3",
                "",
                SaleKind.ORDER,
                1,
                0,
                currency="USD",
                ship_country="US",
                bill_country="CA",
                booked_at=later + timedelta(minutes=20),
                placed_at=later + timedelta(minutes=20),
            ),
            _row(
                "O3",
                "TEE-M",
                SaleKind.SALE,
                1,
                2500,
                currency="USD",
                ship_country="US",
                bill_country="CA",
                booked_at=later + timedelta(minutes=20),
                placed_at=later + timedelta(minutes=20),
            ),
        ],
    ]


def _catalog() -> list[Product]:
    return [
        Product(
            sku="TEE-M",
            name="T-shirt M",
            price=Money("19.90", "EUR"),
            brand="Acme",
            category="Apparel",
            cost=Money("7.50", "EUR"),
            attributes={"colour": "red"},
        ),
        Product(sku="MUG", name="Mug", price=Money("12.00", "EUR"), brand="Acme", category="Home"),
    ]


_QUERIES = (
    SalesQuery(),
    SalesQuery(group="channel"),
    SalesQuery(group="currency", start=T0 + timedelta(hours=1)),
    SalesQuery(group="sku"),
    SalesQuery(group="brand", end=T0 + timedelta(days=1)),
    SalesQuery(group="category", channels=["web"]),
    SalesQuery(group="product:colour"),
    SalesQuery(group="attribute:campaign"),
    SalesQuery(group=LOCAL_DAY),
    SalesQuery(  # a time zone whose clocks go forward an hour between the two days
        group=LOCAL_HOUR,
        changes=(int((T0 + timedelta(hours=6)).timestamp()),),
        offsets=(3600, 7200),
    ),
    SalesQuery(group="seller", skus=["MUG"]),
    SalesQuery(group="bill_country", currencies=["USD"]),
    SalesQuery(group="order", customers=["C1", "C2"], ship_countries=["DE"]),
    SalesQuery(by_placed_day=True),
    SalesQuery(group="brand", by_placed_day=True),
    SalesQuery(group="channel", states=["delivered"]),
    SalesQuery(group="sku", states=["delivered", "placed"], channels=["web"]),
    SalesQuery(group="sku", warehouses=["W1"]),
    SalesQuery(group="channel", warehouses=["W2"]),
    SalesQuery(warehouses=["W1", "W2"], states=["delivered", "cancelled"]),
)

_STATES = {"O1": "delivered", "O2": "cancelled", "O3": "placed"}
"""The states of the sample rows' orders, which the contract stores beside them."""


def _movements() -> list[StockMovement]:
    """Stock received, then promised to the sample orders (and to a cart, which never counts)."""
    moves = [
        ("receive", "TEE-M", "W1", None),
        ("receive", "MUG", "W2", None),
        ("reserve", "TEE-M", "W1", "order:1"),
        ("reserve", "MUG", "W2", "order:1"),
        ("reserve", "MUG", "W2", "order:2"),
        ("reserve", "TEE-M", "W1", "cart:K1"),
        ("reserve", "TEE-M", "W1", "order:3"),
    ]
    return [
        StockMovement.of(
            kind, sku, warehouse, 5 if kind == "receive" else 1, occurred_at=T0, document=document
        )
        for kind, sku, warehouse, document in moves
    ]


def _orders() -> list[Order]:
    from orderkit.testing.contract import sample_order  # it imports this module

    return [
        attrs.evolve(sample_order(order_id, number), state=state)
        for number, (order_id, state) in enumerate(_STATES.items(), start=1)
    ]


def _promised_pairs(movements: Iterable[StockMovement]) -> set[tuple[int, str]]:
    return {
        (int(m.document.split(":")[1]), m.sku)
        for m in movements
        if m.kind == "reserve" and m.document and m.document.startswith("order:")
    }


def fill_sample_sales(store: Store) -> list[SaleRow]:
    """Store the sample catalog, orders, stock movements and sale rows; return the rows."""
    with store.unit_of_work() as uow:
        for product in _catalog():
            uow.products.add(product)
        for order in _orders():
            uow.orders.add(order)
        for movement in _movements():
            uow.stock.apply(movement)
        for booking in sample_sale_rows():
            uow.sales.append(booking)
        uow.commit()
    return [row for booking in sample_sale_rows() for row in booking]


def _assert_sums_as_python(found: SalesTotals, rows: list[SaleRow], query: SalesQuery) -> None:
    """``found`` equals the pure-Python engine's sums of the sample rows, to the cent."""
    wanted = query.warehouses or ()
    expected = sum_rows(
        rows,
        query,
        product_facts(_catalog()),
        _STATES,
        _promised_pairs(m for m in _movements() if m.warehouse in wanted),
    )
    assert {key: sums.canonical() for key, sums in found.items()} == {
        key: sums.canonical() for key, sums in expected.items()
    }


class SalesEngineContract:
    """A report engine over a store's ledger (``engine=``): its sums equal Python's on every query.

    Subclass it in a test module with :meth:`make_store` and
    :meth:`make_engine`; orderkit runs it against the DuckDB engine on each
    bundled store.
    """

    def make_store(self) -> Store:
        """Return a fresh, empty store."""
        raise NotImplementedError("implement make_store() to return a fresh, empty Store")

    def make_engine(self, store: Store) -> SalesAggregation:
        """Return the engine over ``store``'s ledger, made after the store was filled."""
        raise NotImplementedError("implement make_engine(store) to return the engine")

    @pytest.mark.parametrize("query", _QUERIES, ids=lambda query: str(query.group))
    def test_an_engine_sums_a_stores_sales_as_python_does(self, query: SalesQuery) -> None:
        """The engine's sums of the sample sales equal the pure-Python engine's."""
        store = self.make_store()
        try:
            rows = fill_sample_sales(store)
            _assert_sums_as_python(self.make_engine(store).aggregate(query), rows, query)
        finally:
            store.close()


class SalesContract:
    """The sales ledger: rows read back whole by period; a store's own sums equal Python's."""

    def _fill(self, store: Store) -> list[SaleRow]:
        return fill_sample_sales(store)

    def test_sales_rows_read_back_by_period_and_sum_to_positions(self, store: Store) -> None:
        """Rows come back equal, oldest first, within half-open periods; positions add up."""
        rows = self._fill(store)
        with store.unit_of_work() as uow:
            uow.sales.append([_row("O9", "", SaleKind.ORDER, 1, 0)])
            # left without commit: rolled back
        key = lambda row: (row.booked_at, row.order_id, row.kind.value, row.sku)  # noqa: E731
        with store.unit_of_work(readonly=True) as uow:
            everything = list(uow.sales.rows())
            first_day = list(uow.sales.rows(T0, T0 + timedelta(days=1)))
            from_second = list(uow.sales.rows(T0 + timedelta(seconds=1)))
            until_first = list(uow.sales.rows(end=T0 + timedelta(seconds=1)))
            position = uow.sales.position("O1")
            assert uow.sales.position("O9") is None
        assert sorted(everything, key=key) == sorted(rows, key=key)
        assert [row.booked_at for row in everything] == sorted(row.booked_at for row in rows)
        assert sorted(first_day, key=key) == sorted(
            (row for row in rows if row.booked_at == T0), key=key
        )
        assert sorted(until_first, key=key) == sorted(first_day, key=key)
        assert sorted(from_second, key=key) == sorted(
            (row for row in rows if row.booked_at > T0), key=key
        )
        assert position == {
            (SaleKind.ORDER, ""): (1, 0),
            (SaleKind.SALE, "TEE-M"): (2, 3980),
            (SaleKind.DISCOUNT, "TEE-M"): (0, -398),
            (SaleKind.SALE, "MUG"): (1, 1200),
            (SaleKind.SHIPPING, ""): (0, 490),
            (SaleKind.RETURN, "TEE-M"): (-1, -1791),
            (SaleKind.REFUND, ""): (0, -1791),
        }

    @pytest.mark.parametrize("query", _QUERIES, ids=lambda query: str(query.group))
    def test_a_store_that_sums_its_sales_sums_as_python_does(
        self, store: Store, query: SalesQuery
    ) -> None:
        """The store's sums equal the pure-Python engine's over the rows booked, on every query.

        A ledger with ``aggregate`` sums in the store; one without is summed
        in Python over what :meth:`~orderkit.reports.ports.SalesLedger.rows`
        reads back. Filtering by state reads the states of the stored orders.
        """
        rows = self._fill(store)
        wanted = query.warehouses or ()
        with store.unit_of_work(readonly=True) as uow:
            ledger = uow.sales
            if isinstance(ledger, SalesAggregation):
                pushed = ledger.aggregate(query)
            else:
                states = {order.id: order.state for order in uow.orders.list()}
                promised = _promised_pairs(
                    m for m in uow.stock.movements() if m.warehouse in wanted
                )
                rows_read = ledger.rows(query.start, query.end)
                facts = product_facts(_catalog())
                pushed = sum_rows(rows_read, query, facts, states, promised)
        _assert_sums_as_python(pushed, rows, query)

    @pytest.mark.parametrize(
        "window",
        [
            {},
            {"placed_from": T0 + timedelta(seconds=1)},
            {"placed_until": T0 + timedelta(hours=1), "booked_until": T0 + timedelta(hours=1)},
            {"placed_from": T0, "placed_until": T0 + timedelta(days=30)},
        ],
        ids=["all", "placed-later", "until-an-hour", "a-month"],
    )
    def test_a_store_that_sums_its_orders_sums_as_python_does(
        self, store: Store, window: dict[str, datetime]
    ) -> None:
        """Each order's sums (customer and operations reports) equal the pure-Python engine's."""
        rows = self._fill(store)
        with store.unit_of_work(readonly=True) as uow:
            ledger = uow.sales
            if isinstance(ledger, OrderAggregation):
                found = ledger.order_sums(**window)
            else:
                found = sum_orders(ledger.rows(), **window)
        assert found == sum_orders(rows, **window)

    @pytest.mark.parametrize(
        "window",
        [
            (T0, T0 + timedelta(days=30)),
            (T0 + timedelta(hours=1), T0 + timedelta(days=30)),
            (T0 - timedelta(days=1), T0 + timedelta(seconds=1)),
        ],
        ids=["a-month", "after-the-first", "the-first-second"],
    )
    def test_a_store_that_sums_its_customers_sums_as_python_does(
        self, store: Store, window: tuple[datetime, datetime]
    ) -> None:
        """Each customer's first order and orders in a window equal the pure-Python engine's."""
        rows = self._fill(store)
        start, end = window
        with store.unit_of_work(readonly=True) as uow:
            ledger = uow.sales
            if isinstance(ledger, OrderAggregation):
                found = ledger.customer_sums(start=start, end=end)
            else:
                found = sum_customers(ledger.rows(), start=start, end=end)
        key = lambda sums: sums.customer_id  # noqa: E731
        assert sorted(found, key=key) == sum_customers(rows, start=start, end=end)
