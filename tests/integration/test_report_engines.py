"""The database's sums equal Python's on random shops; shops from before the ledger get one."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orderkit as ok
from orderkit.adapters.carriers import FlatRateCarrier
from orderkit.adapters.duckdb import DuckDbLedger
from orderkit.adapters.gateways import TestCardGateway
from orderkit.reports.ledger import SaleKind, position_of
from orderkit.returns import InspectionOutcome, ReturnPolicy
from tests.builders import BERLIN, PARIS
from tests.integration.test_reports import delivered
from tests.postgres import fresh_schema

_SERIAL = itertools.count()
START = datetime(2026, 9, 28, 6, 0, tzinfo=UTC)
ZONES = ("UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns")
DIMENSIONS = (
    "product",
    "brand",
    "category",
    "customer",
    "order",
    "country",
    "billing_country",
    "channel",
    "seller",
    "currency",
    "campaign",
    "product:colour",
    "day",
    "week",
    "month",
    "hour",
    "weekday",
    "hour_of_day",
)
PRODUCTS = [
    ok.Product(
        sku="TEE",
        name="Tee",
        price=ok.Money("19.90", "EUR"),
        brand="Acme",
        category="Apparel",
        cost=ok.Money("7.10", "EUR"),
        attributes={"colour": "red"},
    ),
    ok.Product(
        sku="MUG",
        name="Mug",
        price=ok.Money("8.25", "EUR"),
        brand="Potter",
        category="Home",
        attributes={"colour": "blue"},
    ),
    ok.Product(
        sku="US-CAP",
        name="Cap",
        price=ok.Money("14.99", "USD"),
        brand="Acme",
        category="Apparel",
        cost=ok.Money("4.00", "USD"),
    ),
    ok.Product(
        sku="JP-BOWL",
        name="Bowl",
        price=ok.Money("1200", "JPY"),
        brand="Potter",
        category="Home",
        cost=ok.Money("300", "JPY"),
    ),
]
CURRENCY_SKUS = {"EUR": ["TEE", "MUG"], "USD": ["US-CAP"], "JPY": ["JP-BOWL"]}


@contextmanager
def store_url(kind: str, folder: Path, server: str | None) -> Iterator[str]:
    if kind == "sqlite":
        path = folder / f"shop-{next(_SERIAL)}.db"
        yield f"sqlite:///{path}"
        path.unlink(missing_ok=True)
    else:
        assert server is not None
        with fresh_schema(server) as url:
            yield url


step = st.fixed_dictionaries(
    {
        "currency": st.sampled_from(sorted(CURRENCY_SKUS)),
        "customer": st.sampled_from(["ana@example.com", "bo@example.com"]),
        "channel": st.sampled_from(["web", "pos"]),
        "units": st.lists(st.integers(1, 4), min_size=1, max_size=2),
        "discounted": st.booleans(),
        "campaign": st.sampled_from([None, "autumn", "black-friday"]),
        "cancel": st.sampled_from([None, "some", "all"]),
        "hours_later": st.integers(0, 200),
        "returned": st.booleans(),
    }
)


def open_shop(url: str, clock: ok.ManualClock, zone: str) -> ok.Shop:
    """A shop that can take payments, ship to Germany and France and take returns."""
    carrier = FlatRateCarrier(clock, price=ok.Money("4.50", "EUR"), countries=["DE", "FR"])
    return ok.Shop.open(
        url,
        clock=clock,
        seed=3,
        time_zone=zone,
        gateways=[TestCardGateway()],
        carriers=[carrier],
        return_policy=ReturnPolicy(auto_approve_below=ok.Money("500.00", "EUR")),
    )


def build(shop: ok.Shop, clock: ok.ManualClock, steps: list[dict[str, object]]) -> None:
    shop.catalog.add_many(PRODUCTS)
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
    for product in PRODUCTS:
        shop.inventory.receive(product.sku, "BER", 500)
    shop.customers.register(
        "ana@example.com", "Ana", addresses=[BERLIN], account_manager="rep-lena"
    )
    shop.customers.register("bo@example.com", "Bo", addresses=[PARIS])
    for plan in steps:
        skus = CURRENCY_SKUS[str(plan["currency"])]
        units = list(plan["units"])  # type: ignore[call-overload]
        lines = [(sku, count) for sku, count in zip(skus, units, strict=False)]
        campaign = plan["campaign"]
        order = shop.orders.place(
            str(plan["customer"]),
            lines,
            channel=str(plan["channel"]),
            discount=ok.Money("1", str(plan["currency"])) if plan["discounted"] else None,
            attributes={"campaign": str(campaign)} if campaign else None,
        )
        clock.advance(timedelta(hours=int(plan["hours_later"])))  # type: ignore[call-overload]
        if plan["cancel"] == "all":
            shop.orders.cancel(order.number)
        elif plan["cancel"] == "some" and order.lines[0].quantity > 1:
            shop.orders.cancel(order.number, lines={order.lines[0].sku: 1})
        if plan.get("returned") and plan["cancel"] != "all" and order.currency == "EUR":
            done = delivered(shop, shop.orders.get(order.number))
            clock.advance(timedelta(hours=20))
            line = done.lines[-1]  # one unit back, refunded when it is inspected
            request = shop.returns.request(done.number, {line.sku: 1}, reason="wrong_size")
            shop.returns.receive(request.id, {line.sku: 1})
            shop.returns.inspect(request.id, line.sku, InspectionOutcome.RESTOCK)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=8), zone=st.sampled_from(ZONES))
def test_the_database_and_duckdb_sum_every_report_as_python_does(
    kind: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    steps: list[dict[str, object]],
    zone: str,
) -> None:
    server = request.getfixturevalue("postgres_server") if kind == "postgres" else None
    clock = ok.ManualClock(START)
    with (
        store_url(kind, tmp_path, server) as url,
        open_shop(url, clock, zone) as shop,
    ):
        build(shop, clock, steps)
        for order in shop.orders.list():
            rows = [row for row in shop.reports.ledger() if row.order_id == order.id]
            booked: dict[tuple[SaleKind, str], tuple[int, int]] = {}
            for row in rows:
                units, amount = booked.get((row.kind, row.sku), (0, 0))
                booked[(row.kind, row.sku)] = (units + row.units, amount + row.amount)
            assert {k: v for k, v in booked.items() if v != (0, 0)} == position_of(order)
        duck = DuckDbLedger.of_store(shop.store)
        for period in ("2026-Q4", "2026-10", "2026-W40"):
            python_sales = shop.reports.sales(period, engine="python")
            assert python_sales == shop.reports.sales(period)
            assert python_sales == shop.reports.sales(period, engine=duck)
            for dimension in DIMENSIONS:
                python = shop.reports.breakdown(dimension, period=period, engine="python")
                pushed = shop.reports.breakdown(dimension, period=period)
                ducked = shop.reports.breakdown(dimension, period=period, engine=duck)
                assert python.rows == pushed.rows == ducked.rows, (dimension, period)
        for states in (["placed"], ["cancelled", "placed"]):
            for dimension in ("product", "day", "channel"):
                python, pushed, ducked = (
                    shop.reports.breakdown(
                        dimension, period="2026-Q4", engine=engine, status=states
                    ).rows
                    for engine in ("python", "auto", duck)
                )
                assert python == pushed == ducked, (dimension, states)
        duck.close()
        euro = shop.reports.breakdown("day", period="2026-10", currency="EUR", compare="previous")
        assert (
            euro.rows
            == shop.reports.breakdown(
                "day", period="2026-10", currency="EUR", compare="previous", engine="python"
            ).rows
        )


def test_a_shop_from_before_the_ledger_gets_its_ledger_from_its_orders(tmp_path: Path) -> None:
    clock = ok.ManualClock(START)
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with ok.Shop.open(url, clock=clock, seed=4) as shop:
        build(
            shop,
            clock,
            [
                {
                    "currency": "EUR",
                    "customer": "ana@example.com",
                    "channel": "web",
                    "units": [3, 1],
                    "discounted": True,
                    "campaign": "autumn",
                    "cancel": "some",
                    "hours_later": 30,
                },
                {
                    "currency": "USD",
                    "customer": "bo@example.com",
                    "channel": "pos",
                    "units": [2],
                    "discounted": False,
                    "campaign": None,
                    "cancel": "all",
                    "hours_later": 5,
                },
            ],
        )
        orders = shop.orders.list()
        expected = shop.reports.sales()
    # Make it the database an earlier orderkit left: no ledger, no cost columns.
    with sqlite3.connect(tmp_path / "old.db") as connection:
        connection.execute("DROP TABLE sales_ledger")
        connection.execute("ALTER TABLE products DROP COLUMN cost_minor")
        connection.execute("ALTER TABLE products DROP COLUMN cost_currency")
        connection.execute("DROP TABLE shipment_tracking")  # nor shipments' own tables
        connection.execute("DROP TABLE shipments")
        connection.execute("DELETE FROM schema_migrations WHERE version >= 12")
    with ok.Shop.open(url, clock=clock) as shop:
        for order in orders:
            rows = [row for row in shop.reports.ledger() if row.order_id == order.id]
            placed = {row.booked_at for row in rows if row.kind is SaleKind.SALE}
            assert placed == {order.placed_at.replace(microsecond=0)}
            cancelled = {row.booked_at for row in rows if row.kind is SaleKind.CANCELLATION}
            last = max((e.at for e in order.history), default=order.placed_at)
            assert cancelled == {last.replace(microsecond=0)}
        assert shop.reports.sales() == expected
        top = shop.reports.top("product", by="margin", currency="EUR")
        assert top.column("margin")[0] is not None  # costs were filled in from the catalog
