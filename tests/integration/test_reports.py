"""Reports read the sales ledger, booked with every change of an order, on every store."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import orderkit as ok
from orderkit.adapters.carriers import FlatRateCarrier
from orderkit.adapters.gateways import TestCardGateway
from orderkit.errors import ValidationError
from orderkit.reports.ledger import SaleKind, position_of
from orderkit.returns import InspectionOutcome, ReturnPolicy
from tests.builders import BERLIN, PARIS

CARD = "4242424242424242"
BOX = ok.Parcel(ok.Dimensions(300, 200, 100), weight_g=900)
START = datetime(2026, 10, 30, 21, 30, tzinfo=UTC)
"""A Friday, 22:30 in Berlin: two hours later the day differs between UTC and the shop."""


def eur(amount: str) -> ok.Money:
    return ok.Money(amount, "EUR")


@pytest.fixture
def clock() -> ok.ManualClock:
    return ok.ManualClock(START)


def open_shop(url: str | None, clock: ok.ManualClock, **settings: Any) -> ok.Shop:
    """A Berlin shop selling in euros and dollars, with costs for some products."""
    carrier = FlatRateCarrier(clock, price=eur("4.50"), countries=["DE", "FR"], code="post")
    opened = ok.Shop.open(
        url,
        clock=clock,
        seed=5,
        gateways=[TestCardGateway()],
        carriers=[carrier],
        return_policy=ReturnPolicy(auto_approve_below=eur("500.00")),
        time_zone="Europe/Berlin",
        **settings,
    )
    opened.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
    opened.catalog.add_many(
        [
            ok.Product(
                sku="TEE",
                name="T-shirt",
                price=eur("20.00"),
                brand="Acme",
                category="Apparel",
                cost=eur("8.00"),
                attributes={"colour": "red"},
            ),
            ok.Product(
                sku="MUG",
                name="Mug",
                price=eur("10.00"),
                brand="Potter",
                category="Home",
                cost=eur("3.50"),
            ),
            ok.Product(sku="CAP", name="Cap", price=eur("15.00"), brand="Acme", category="Apparel"),
            ok.Product(
                sku="US-TEE",
                name="US T-shirt",
                price=ok.Money("25.00", "USD"),
                brand="Acme",
                category="Apparel",
            ),
        ]
    )
    for sku in ("TEE", "MUG", "CAP", "US-TEE"):
        opened.inventory.receive(sku, "BER", 100)
    opened.customers.register(
        "ana@example.com", "Ana", addresses=[BERLIN], account_manager="rep-lena"
    )
    opened.customers.register("bo@example.com", "Bo", addresses=[PARIS])
    return opened


@pytest.fixture
def shop(store_url: str | None, clock: ok.ManualClock) -> Iterator[ok.Shop]:
    with open_shop(store_url, clock) as opened:
        yield opened


def delivered(shop: ok.Shop, order: ok.Order) -> ok.Order:
    payment = shop.payments.authorise(order.id, order.grand_total, CARD, key=f"a-{order.id}")
    shop.payments.capture(payment.id, key=f"c-{order.id}")
    shop.orders.confirm(order.number)
    (shipment,) = shop.fulfilment.create_shipments(order.number)
    shop.fulfilment.pick(shipment.id)
    shop.fulfilment.pack(shipment.id, [BOX])
    shop.fulfilment.ship(
        shipment.id, carrier="post", service="standard", tracking_number=f"T{order.number}"
    )
    shop.fulfilment.deliver(shipment.id)
    return shop.orders.get(order.number)


def booked(shop: ok.Shop, order: ok.Order) -> dict[tuple[SaleKind, str], tuple[int, int]]:
    """The sum of the order's ledger rows by kind and SKU."""
    position: dict[tuple[SaleKind, str], tuple[int, int]] = {}
    for row in shop.reports.ledger():
        if row.order_id == order.id:
            units, amount = position.get((row.kind, row.sku), (0, 0))
            position[(row.kind, row.sku)] = (units + row.units, amount + row.amount)
    return {key: value for key, value in position.items() if value != (0, 0)}


def test_a_whole_order_cycle_books_what_each_step_changed_when_it_happened(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    order = shop.orders.place(
        "ana@example.com",
        [("TEE", 2), ("MUG", 2), ("CAP", 1)],
        shipping=eur("4.90"),
        discount=eur("6.00"),
    )
    assert order.seller == "rep-lena"  # the customer's account manager
    october = shop.reports.sales("2026-10")
    assert october["EUR"].total_sales == order.grand_total
    assert october["EUR"].gross_sales == eur("75.00")
    assert october["EUR"].discounts == eur("6.00")
    assert october["EUR"].orders == 1

    clock.advance(timedelta(days=2))  # 1 November: a mug cancelled
    shop.orders.cancel(order.number, lines={"MUG": 1})
    order = delivered(shop, shop.orders.get(order.number))
    clock.advance(timedelta(days=3))
    request = shop.returns.request(order.number, {"TEE": 1}, reason="wrong_size")
    shop.returns.receive(request.id, {"TEE": 1})
    shop.returns.inspect(request.id, "TEE", InspectionOutcome.RESTOCK)
    order = shop.orders.get(order.number)
    assert order.line("TEE").returned == 1
    assert order.refunded.amount > 0

    # Every row of the order adds up to what the order amounts to now ...
    assert booked(shop, order) == position_of(order)
    # ... October, closed before, reads as it did ...
    assert shop.reports.sales("2026-10") == october
    # ... and November holds the cancellation, the return and the refund.
    november = shop.reports.sales("2026-11")["EUR"]
    assert november.orders == 0
    assert november.units_cancelled == 1
    assert november.units_returned == 1
    assert november.cancellations == eur("9.20")  # a mug at its share of the discount
    assert november.refunds == order.refunded
    both = shop.reports.sales("2026-10-01/2026-12-01")["EUR"]
    assert both.gross_sales - both.discounts - both.returns == both.net_sales
    assert both.net_sales + both.shipping + both.tax_charged == both.total_sales
    returned_value = both.returns - both.cancellations
    assert both.total_sales == order.grand_total - returned_value
    assert both.units == 2 + 1 + 1 - 1  # tees, the mug kept, the cap; one tee back


def test_days_weeks_and_hours_are_the_shops_with_empty_ones_as_zero_rows(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    shop.orders.place("ana@example.com", [("TEE", 1)])  # Fri 30 Oct, 22:30 in Berlin
    clock.advance(timedelta(hours=2))  # Sat 31 Oct, 00:30 in Berlin, still Friday in UTC
    shop.orders.place("bo@example.com", [("MUG", 3)], channel="pos")
    days = shop.reports.breakdown("day", period="2026-W44")
    assert days.column("day") == [date(2026, 10, 26) + timedelta(days=n) for n in range(7)]
    assert days.column("orders") == [0, 0, 0, 0, 1, 1, 0]
    in_utc = shop.reports.breakdown("day", period="2026-W44", tz="UTC")
    assert in_utc.column("orders") == [0, 0, 0, 0, 2, 0, 0]
    # 25 October 2026: clocks go back in Berlin, the day has 25 hours.
    hours = shop.reports.breakdown("hour", period="2026-10-25")
    assert len(hours) == 24  # the hour repeated at 02:00 is one bucket
    weekdays = shop.reports.breakdown("weekday", period="2026-10")
    assert dict(zip(weekdays.column("weekday"), weekdays.column("orders"), strict=True)) == {
        "Monday": 0,
        "Tuesday": 0,
        "Wednesday": 0,
        "Thursday": 0,
        "Friday": 1,
        "Saturday": 1,
        "Sunday": 0,
    }
    months = shop.reports.breakdown("month", period="2026")
    assert len(months) == 12
    assert months.column("net_sales")[9] == eur("50.00")


def test_top_n_ranks_by_any_measure_with_filters_and_a_comparison(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    shop.orders.place(
        "ana@example.com", [("TEE", 1), ("MUG", 5)], attributes={"campaign": "autumn"}
    )
    shop.orders.place("bo@example.com", [("TEE", 3)], channel="marketplace", seller="rep-max")
    shop.orders.place("bo@example.com", [("US-TEE", 2)], ship_to=PARIS)
    clock.advance(timedelta(days=7))  # November
    shop.orders.place("ana@example.com", [("CAP", 2)])

    by_sales = shop.reports.top("product", period="2026-10", n=2)
    assert by_sales.column("product") == ["TEE", "MUG", "US-TEE"]  # two euro rows, one dollar
    assert by_sales.column("net_sales") == [eur("80.00"), eur("50.00"), ok.Money("50.00", "USD")]
    assert by_sales.column("margin") == [eur("48.00"), eur("32.50"), None]  # no US cost
    assert shop.reports.top("product", by="units", period="2026-10", n=1, currency="EUR").column(
        "product"
    ) == ["MUG"]
    brands = shop.reports.top("brand", period="2026-10", currency="EUR")
    assert dict(zip(brands.column("brand"), brands.column("orders"), strict=True)) == {
        "Acme": 2,
        "Potter": 1,
    }
    sellers = shop.reports.breakdown("seller", period="2026-10", currency="EUR")
    assert sellers.column("seller") == ["rep-lena", "rep-max"]
    campaigns = shop.reports.breakdown("campaign", period="2026-10", currency="EUR")
    assert campaigns.column("campaign") == ["autumn", None]
    web = shop.reports.sales("2026-10", channel="web", country="DE")
    assert list(web) == ["EUR"]
    assert web["EUR"].orders == 1

    compared = shop.reports.top("category", period="2026-11", compare="previous", currency="EUR")
    assert compared.column("category") == ["Apparel"]
    assert compared.column("net_sales_before") == [eur("80.00")]
    assert compared.column("change") == [Decimal("-0.6250")]
    last_year = shop.reports.top("category", period="2026-11", compare="last_year")
    assert last_year.column("net_sales_before") == [None]
    shop.orders.place("ana@example.com", [("CAP", 1)], attributes={"Landing-Page": "/caps"})
    pages = shop.reports.breakdown("Attribute:Landing-Page", period="2026-Q4", currency="EUR")
    assert "/caps" in pages.column("attribute:Landing-Page")


def test_every_engine_gives_the_same_figures(shop: ok.Shop, clock: ok.ManualClock) -> None:
    for step in range(6):
        order = shop.orders.place(
            "ana@example.com" if step % 2 else "bo@example.com",
            [("TEE", 1 + step % 3), ("MUG", 1)],
            discount=eur("1.00") if step % 3 == 0 else None,
            attributes={"campaign": f"c{step % 2}"},
        )
        if step == 4:
            shop.orders.cancel(order.number, lines={"MUG": 1})
        clock.advance(timedelta(hours=9))
    shop.orders.place("bo@example.com", [("US-TEE", 1)])
    for dimension in (
        "product",
        "brand",
        "customer",
        "order",
        "country",
        "channel",
        "day",
        "hour_of_day",
        "campaign",
        "product:colour",
        "seller",
    ):
        assert (
            shop.reports.breakdown(dimension, period="2026-Q4", engine="python").rows
            == shop.reports.breakdown(dimension, period="2026-Q4").rows
        ), dimension
    assert shop.reports.sales(engine="python") == shop.reports.sales()


def test_bad_report_requests_name_what_was_wrong(shop: ok.Shop) -> None:
    reports = shop.reports
    cases = [
        (lambda: reports.top("planet"), "dimension"),
        (lambda: reports.top("product", by="joy"), "by"),
        (lambda: reports.top("product", n=0), "n"),
        (lambda: reports.sales("2026-13"), "period"),
        (lambda: reports.sales("last tuesday"), "period"),
        (lambda: reports.sales("2026-10", tz="Mars/Olympus"), "tz"),
        (lambda: reports.sales(planet="Mars"), "filters"),
        (lambda: reports.sales(channel=7), "channel"),
        (lambda: reports.breakdown("day"), "period"),
        (lambda: reports.top("product", period="2026", compare="yesterday"), "compare"),
        (lambda: reports.sales(engine="abacus"), "engine"),
        (lambda: reports.ledger("2026-02-30"), "period"),
    ]
    for call, field in cases:
        with pytest.raises(ValidationError) as raised:
            call()
        assert raised.value.field == field


def test_a_report_table_exports_what_it_shows(shop: ok.Shop) -> None:
    shop.orders.place("ana@example.com", [("TEE", 2)])
    table = shop.reports.top("product", period="2026-10")
    records = table.to_records()
    assert records[0]["product"] == "TEE"
    assert records[0]["net_sales"] == Decimal("40.00")
    csv_text = table.to_csv()
    assert csv_text is not None
    assert csv_text.splitlines()[1].startswith("TEE,EUR,1,2,40.00,0.00,0.00,40.00")
    html = table._repr_html_()
    assert "<table>" in html
    assert "€40.00" in html
    assert "40,00" in table.render("de_DE")
    with pytest.raises(ValidationError):
        table.column("joy")
    frame = table.to_dataframe()
    assert list(frame.columns) == list(table.names)
    assert frame["net_sales"].tolist() == [Decimal("40.00")]
    polars_frame = table.to_dataframe("polars")
    assert polars_frame["net_sales"].to_list() == [Decimal("40.00")]


def test_a_report_table_plots_one_series_per_currency(shop: ok.Shop) -> None:
    import matplotlib

    matplotlib.use("Agg")
    shop.orders.place("ana@example.com", [("TEE", 2)])
    shop.orders.place("bo@example.com", [("US-TEE", 1)])
    days = shop.reports.breakdown("day", period="2026-W44")
    axes = days.plot("net_sales")
    assert sorted(line.get_label() for line in axes.get_lines()) == ["EUR", "USD"]
    assert all(len(line.get_xdata()) == 7 for line in axes.get_lines())
    bars = shop.reports.top("product", period="2026-10").plot("units")
    assert sorted(bar.get_height() for bar in bars.patches) == [1.0, 2.0]
    with pytest.raises(ValidationError):
        days.plot("joy")


def test_customers_get_an_account_manager_their_orders_are_credited_to(shop: ok.Shop) -> None:
    bo = shop.customers.assign_account_manager("bo@example.com", "rep-max")
    assert bo.account_manager == "rep-max"
    assert shop.orders.place("bo@example.com", [("MUG", 1)]).seller == "rep-max"
    assert shop.orders.place("bo@example.com", [("MUG", 1)], seller="rep-lena").seller == (
        "rep-lena"
    )
    with pytest.raises(ValidationError):
        shop.customers.assign_account_manager("bo@example.com", "")
    assert shop.customers.get("bo@example.com").account_manager == "rep-max"


def test_the_cli_prints_a_top_n_as_a_table_csv_or_json(
    shared_store_url: str, clock: ok.ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    from orderkit.cli import main

    store_url = shared_store_url
    with open_shop(store_url, clock) as shop:
        shop.orders.place("ana@example.com", [("TEE", 2), ("MUG", 1)])
    assert (
        main(
            [
                "report",
                "top",
                "products",
                "--by",
                "units",
                "--period",
                "2026-10",
                "--tz",
                "Europe/Berlin",
                "--url",
                store_url,
                "--format",
                "json",
            ]
        )
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert [row["product"] for row in printed["rows"]] == ["TEE", "MUG"]
    assert (
        main(
            [
                "report",
                "sales",
                "--period",
                "2026-10",
                "--url",
                store_url,
                "--tz",
                "Europe/Berlin",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines()[1].startswith("EUR,1,50.00")
    assert main(["report", "sales", "--period", "2026-13", "--url", store_url]) == 1
    assert "period" in capsys.readouterr().err


def test_orders_pages_and_customers_show_themselves_in_a_notebook(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 2)], shipping=eur("4.90"))
    shown = order._repr_html_()
    assert f"Order {order.number}" in shown
    assert "TEE" in shown
    assert str(order.grand_total) in shown
    page = shop.orders.find(limit=10)
    assert f"<td>{order.number}</td>" in page._repr_html_()
    ana = shop.customers.get("ana@example.com")
    assert "rep-lena" in ana._repr_html_()
    renamed = shop.customers.register("eve@example.com", "Eve <script>", addresses=[BERLIN])
    assert "<script>" not in renamed._repr_html_()
    assert "&lt;script&gt;" in renamed._repr_html_()


def test_the_ledger_streams_out_as_csv_or_json_lines(shop: ok.Shop, clock: ok.ManualClock) -> None:
    import csv
    import io

    shop.orders.place("ana@example.com", [("TEE", 2)], attributes={"campaign": "autumn"})
    clock.advance(timedelta(days=3))
    shop.orders.place("bo@example.com", [("MUG", 1)])
    out = io.StringIO()
    assert shop.reports.export_ledger(out, "2026-10") == 2  # the October order and its tees
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert sorted(row["kind"] for row in rows) == ["order", "sale"]
    assert {row["amount"] for row in rows if row["kind"] == "sale"} == {"40.00"}
    assert {row["seller"] for row in rows} == {"rep-lena"}
    lines = io.StringIO()
    total = shop.reports.export_ledger(lines, format="jsonl")
    records = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert len(records) == total == len(list(shop.reports.ledger()))
    assert records[0]["attributes"] == {"campaign": "autumn"}
    with pytest.raises(ValidationError):
        shop.reports.export_ledger(out, format="xlsx")


# The ECB's reference rates as it publishes them (eurofxref-hist.csv): units per euro,
# newest first, a trailing comma, N/A for currencies without a rate that day.
ECB_CSV = """Date,USD,JPY,BGN,CYP,CZK,DKK,EEK,GBP,HUF,LTL,LVL,
2026-11-02,1.1000,165.10,1.9558,N/A,24.310,7.4601,N/A,0.84500,386.10,N/A,N/A,
2026-10-30,1.0800,164.02,1.9558,N/A,24.336,7.4598,N/A,0.84260,385.45,N/A,N/A,
2026-10-29,1.0790,163.50,1.9558,N/A,24.301,7.4600,N/A,0.84100,384.90,N/A,N/A,
"""


def test_reports_convert_into_one_currency_at_the_rate_of_each_orders_day(
    store_url: str | None, clock: ok.ManualClock
) -> None:
    from orderkit.reports.exchange import ecb_rates

    rates = ecb_rates(ECB_CSV)
    with open_shop(store_url, clock, exchange_rates=rates) as shop:
        shop.orders.place("ana@example.com", [("TEE", 1)])  # 20.00 EUR on Friday 30 October
        us = shop.orders.place("bo@example.com", [("US-TEE", 1)])  # 25.00 USD, same day
        clock.advance(timedelta(days=3))  # Monday 2 November: a new rate
        shop.orders.cancel(us.number)  # taken back at the rate of the order's day
        shop.orders.place("bo@example.com", [("US-TEE", 2)])  # 50.00 USD at 1.1000
        october = shop.reports.sales("2026-10", in_currency="EUR")
        assert list(october) == ["EUR"]
        assert october["EUR"].net_sales == eur("43.15")  # 20.00 + 25.00 / 1.08 = 23.148...
        assert october["EUR"].orders == 2
        november = shop.reports.sales("2026-11", in_currency="EUR")["EUR"]
        assert november.cancellations == eur("23.15")  # at 30 October's rate, not 2 November's
        assert november.gross_sales == eur("45.45")  # 50.00 / 1.10
        for engine in ("auto", "python"):
            assert shop.reports.sales("2026-Q4", in_currency="EUR", engine=engine) == (
                shop.reports.sales("2026-Q4", in_currency="EUR")
            )
        brands = shop.reports.top("brand", period="2026-Q4", in_currency="USD")
        assert brands.column("brand") == ["Acme"]  # euros and dollars in one row
        assert brands.column("currency") == ["USD"]
        days = shop.reports.breakdown("day", period="2026-W44", in_currency="EUR")
        assert set(days.column("currency")) == {"EUR"}
    with (
        open_shop(None, ok.ManualClock(clock.now())) as plain,
        pytest.raises(ValidationError) as raised,
    ):
        plain.reports.sales(in_currency="EUR")
    assert raised.value.field == "in_currency"
    assert rates.rate("GBP", "USD", date(2026, 10, 31)) == Decimal("1.0800") / Decimal("0.84260")
    with pytest.raises(ValidationError):
        rates.rate("USD", "EUR", date(2026, 10, 1))  # before the first rate


def test_the_ledger_and_any_table_write_parquet(
    shop: ok.Shop, tmp_path: Path, store_url: str | None
) -> None:
    import pyarrow.parquet

    shop.orders.place("ana@example.com", [("TEE", 2)], discount=eur("1.50"))
    shop.orders.place("bo@example.com", [("US-TEE", 1)])
    path = tmp_path / "ledger.parquet"
    count = shop.reports.export_ledger(path, format="parquet")
    rows = list(shop.reports.ledger())
    assert count == len(rows)
    stored = pyarrow.parquet.read_table(path).to_pylist()
    assert [r["amount"] for r in stored] == [row.money.amount for row in rows]
    assert [r["amount_minor"] for r in stored] == [row.amount for row in rows]
    assert [r["booked_at"] for r in stored] == [row.booked_at for row in rows]
    assert {r["kind"] for r in stored} >= {"order", "sale", "discount"}
    top = shop.reports.top("product", period="2026-10")
    top.to_parquet(tmp_path / "top.parquet")
    assert pyarrow.parquet.read_table(tmp_path / "top.parquet").to_pylist() == top.to_records()
    if store_url is not None:
        from orderkit.cli import main

        assert (
            main(
                ["report", "ledger", "--url", store_url, "--parquet", str(tmp_path / "cli.parquet")]
            )
            == 0
        )
        assert pyarrow.parquet.read_table(tmp_path / "cli.parquet").num_rows == count


def test_the_status_filter_keeps_the_sales_of_orders_in_those_states_now(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    kept = delivered(shop, shop.orders.place("ana@example.com", [("TEE", 2)]))
    waiting = shop.orders.place("bo@example.com", [("MUG", 1)])
    gone = shop.orders.place("bo@example.com", [("CAP", 1)])
    shop.orders.cancel(gone.number)
    figures = {
        engine: shop.reports.sales(engine=engine, status="delivered")["EUR"]
        for engine in ("auto", "python")
    }
    assert figures["auto"] == figures["python"]
    assert figures["auto"].orders == 1
    assert figures["auto"].gross_sales == kept.subtotal
    open_orders = shop.reports.top("product", status=["placed", "delivered"])
    assert set(open_orders.column("product")) == {"TEE", waiting.lines[0].sku}
    cancelled = shop.reports.sales(status="cancelled")["EUR"]
    assert cancelled.net_sales == eur("0.00")  # sold, then taken back
    assert cancelled.orders == 1
    before = list(shop.reports.ledger())
    with pytest.raises(ValidationError) as refused:
        shop.reports.sales(status="shipped-ish")
    assert (refused.value.field, refused.value.value) == ("status", "shipped-ish")
    assert list(shop.reports.ledger()) == before


def test_the_warehouse_filter_keeps_the_sales_promised_from_it(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    shop.inventory.add_warehouse(ok.Warehouse("PAR", "Paris", PARIS))
    shop.inventory.write_off("MUG", "BER", 100, reason="flooded shelf")
    shop.inventory.receive("MUG", "PAR", 50)
    placed = [
        shop.orders.place("ana@example.com", [("TEE", 2), ("MUG", 1)]),  # a parcel from each
        shop.orders.place("bo@example.com", [("MUG", 3)]),
        shop.orders.place("bo@example.com", [("TEE", 1)]),
    ]
    for order in placed:
        shop.orders.confirm(order.number)  # confirming reserves the stock
    shop.orders.cancel(placed[2].number)
    shop.orders.place("bo@example.com", [("TEE", 5)])  # not confirmed: promised from nowhere yet
    for engine in ("auto", "python"):
        berlin = shop.reports.sales(warehouse="BER", engine=engine)["EUR"]
        assert berlin.orders == 2  # both, and the cancelled one
        assert berlin.gross_sales == eur("60.00")  # three T-shirts: the mugs left from Paris
        assert berlin.returns == eur("20.00")
        paris = shop.reports.top("product", warehouse="PAR", engine=engine)
        assert paris.column("product") == ["MUG"]
        assert paris.column("units") == [4]
        everywhere = shop.reports.sales(warehouse=["BER", "PAR"], engine=engine)["EUR"]
        assert everywhere.orders == 3
        assert everywhere.net_sales == eur("80.00")  # the unconfirmed order is not there
    before = list(shop.reports.ledger())
    with pytest.raises(ValidationError) as refused:
        shop.reports.breakdown("product", warehouse="MUC")
    assert (refused.value.field, refused.value.value) == ("warehouse", "MUC")
    assert list(shop.reports.ledger()) == before


def test_the_ledger_and_its_export_take_the_filters_of_the_reports(
    shop: ok.Shop, tmp_path: Path
) -> None:
    web = shop.orders.place("ana@example.com", [("TEE", 1), ("MUG", 2)], channel="web")
    shop.orders.place("bo@example.com", [("CAP", 1)], channel="pos")
    gone = shop.orders.place("bo@example.com", [("MUG", 1)], channel="web")
    shop.orders.cancel(gone.number)
    rows = list(shop.reports.ledger(channel="web", status="placed"))
    assert {row.order_id for row in rows} == {web.id}
    mugs = list(shop.reports.ledger(product="MUG"))
    assert {row.sku for row in mugs} == {"MUG"}  # a product filter keeps product rows only
    assert {row.order_id for row in mugs} == {web.id, gone.id}
    out = io.StringIO()
    assert shop.reports.export_ledger(out, channel="web", status="placed") == len(rows)
    assert len(out.getvalue().splitlines()) == len(rows) + 1
    parquet = tmp_path / "web.parquet"
    assert shop.reports.export_ledger(parquet, format="parquet", channel="pos") == len(
        list(shop.reports.ledger(channel="pos"))
    )
    refused = tmp_path / "refused.parquet"
    with pytest.raises(ValidationError) as bad:
        shop.reports.export_ledger(refused, format="parquet", status="lost")
    assert bad.value.field == "status"
    assert not refused.exists()
    with pytest.raises(ValidationError) as unknown:
        shop.reports.ledger(warehouse="NOPE")
    assert unknown.value.field == "warehouse"
