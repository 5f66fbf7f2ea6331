"""Operations KPIs, inventory health, customers and forecasts, on every store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import orderkit as ok
from orderkit.cli import main
from orderkit.errors import ValidationError
from orderkit.returns import InspectionOutcome
from tests.builders import BERLIN
from tests.integration.test_reports import BOX, CARD, delivered, eur, open_shop


@pytest.fixture
def clock() -> ok.ManualClock:
    return ok.ManualClock(datetime(2026, 10, 1, 8, 0, tzinfo=UTC))


@pytest.fixture
def shop(store_url: str | None, clock: ok.ManualClock) -> Iterator[ok.Shop]:
    with open_shop(store_url, clock) as opened:
        yield opened


def test_operations_kpis_follow_the_orders_of_the_period(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    first = shop.orders.place("ana@example.com", [("TEE", 2), ("MUG", 1)])
    clock.advance(timedelta(hours=5))
    first = delivered(shop, first)  # shipped and delivered at once: five hours to ship
    second = shop.orders.place("bo@example.com", [("CAP", 1)])
    shop.orders.cancel(second.number)
    third = shop.orders.place("ana@example.com", [("MUG", 3)])
    payment = shop.payments.authorise(third.id, third.grand_total, CARD, key="a3")
    shop.payments.capture(payment.id, key="c3")
    shop.orders.confirm(third.number)
    (shipment,) = shop.fulfilment.create_shipments(third.number)
    shop.fulfilment.pick(shipment.id)
    shop.fulfilment.pack(shipment.id, [BOX])
    clock.advance(timedelta(hours=20))
    shop.fulfilment.ship(shipment.id, carrier="post", service="standard", tracking_number="T9")
    clock.advance(timedelta(days=2))
    shop.fulfilment.deliver(shipment.id)
    request = shop.returns.request(first.number, {"TEE": 1}, reason="wrong_size")
    shop.returns.receive(request.id, {"TEE": 1})
    shop.returns.inspect(request.id, "TEE", InspectionOutcome.RESTOCK)

    kpis = shop.reports.operations("2026-10")
    assert kpis.orders == 3
    assert kpis.cancellation_rate == Decimal("0.3333")
    assert kpis.refund_rate == Decimal("0.3333")  # the returned tee was paid back
    assert kpis.order_to_ship.count == 2
    assert kpis.order_to_ship.median_hours == Decimal("12.5")  # 5 h and 20 h
    assert kpis.order_to_ship.p90_hours == Decimal("20.0")
    assert kpis.delivery_time.median_hours == Decimal("24.0")  # at once, and two days
    assert kpis.split_shipment_rate == Decimal("0")
    assert kpis.fill_rate == Decimal("1")
    assert kpis.return_rate == Decimal("0.1667")  # one tee of six units delivered
    assert kpis.returns_by_product == (("TEE", 1, 2, Decimal("0.5")),)
    assert kpis.returns_by_reason == (("wrong_size", 1),)
    assert kpis.perfect_order_rate == Decimal("0.5")  # the returned order is not perfect
    assert kpis.sales["EUR"].orders == 3
    table = kpis.to_table()
    assert dict(zip(table.column("kpi"), table.column("value"), strict=True))["orders"] == 3
    assert shop.reports.operations("2026-11").orders == 0


def test_inventory_health_values_stock_and_finds_what_sits_and_what_ran_out(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    for _ in range(4):  # mugs sell every week; tees sell out; caps never sell
        shop.orders.place("ana@example.com", [("MUG", 5)])
        clock.advance(timedelta(days=7))
    big = shop.orders.place("bo@example.com", [("TEE", 100)])
    delivered(shop, big)  # every tee shipped: stock ran out
    clock.advance(timedelta(days=3))
    health = shop.reports.inventory_health(days=60, dead_after_days=30, overstock_days=60)
    by_sku = {sku.sku: sku for sku in health.skus}
    tee, mug, cap = by_sku["TEE"], by_sku["MUG"], by_sku["CAP"]
    assert tee.on_hand == 0
    assert tee.stockouts == 1
    assert tee.stockout_hours == Decimal("72.0")
    assert "TEE" in health.stocked_out
    assert mug.sold == 20
    assert mug.stock_value == eur("350.00")  # 100 on hand at 3.50
    assert mug.days_of_inventory is not None
    assert cap.dead  # stock, and nothing sold for a month
    assert not cap.overstock
    assert tee.abc == "A"
    assert health.stock_value["EUR"] == eur("350.00")  # caps and US tees have no cost
    assert health.classes["A"] >= 1
    assert len(health.to_table()) == len(health.skus)
    with pytest.raises(ValidationError):
        shop.reports.inventory_health(days=0)


def test_customers_come_back_in_cohorts_and_score_by_rfm(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    shop.customers.register("cy@example.com", "Cy", addresses=[BERLIN])
    shop.orders.place("ana@example.com", [("TEE", 1)])  # October: Ana and Bo start
    shop.orders.place("bo@example.com", [("MUG", 1)])
    clock.advance(timedelta(days=31))  # November: Ana returns twice, Cy starts
    shop.orders.place("ana@example.com", [("TEE", 2)])
    shop.orders.place("ana@example.com", [("CAP", 1)])
    shop.orders.place("cy@example.com", [("MUG", 2)])
    november = shop.reports.customers("2026-11")
    assert (november.customers, november.new_customers, november.returning_customers) == (2, 1, 1)
    assert november.returning_customer_rate == Decimal("0.5")
    assert november.repeat_purchase_rate == Decimal("0.5")  # Ana ordered twice
    cohorts = shop.reports.cohorts("2026-10/2026-12")
    assert cohorts.column("cohort") == [date(2026, 10, 1), date(2026, 11, 1)]
    assert cohorts.column("customers") == [2, 1]
    assert cohorts.column("month_1") == [Decimal("0.5"), None]  # Ana came back; Cy too new
    rfm = shop.reports.rfm(currency="EUR")
    scores = {row["customer"]: row for row in rfm.to_records()}
    ana = shop.customers.get("ana@example.com").id
    bo = shop.customers.get("bo@example.com").id
    assert scores[ana]["frequency"] == 3
    assert scores[ana]["segment"] == "Champions"
    assert scores[bo]["r"] < scores[ana]["r"]
    history = shop.reports.breakdown("order", customer=ana)
    assert len(history) == 3


def test_forecasts_plan_purchases_and_measure_their_error(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    for day in range(70):  # two mugs a day, five on Saturdays
        units = 5 if (date(2026, 10, 1) + timedelta(days=day)).weekday() == 5 else 2
        shop.orders.place("ana@example.com", [("MUG", units)])
        clock.advance(timedelta(days=1))
    (mug,) = shop.reports.forecasts(["MUG"], history_days=70, horizon=14, holdout=14)
    assert mug.holdout_days == 14
    assert mug.method == "holt-winters weekly"  # the weekly pattern wins
    assert mug.holdout_wape is not None
    assert mug.holdout_wape < Decimal("0.1")
    assert len(mug.weekly) == 2
    assert abs(mug.weekly[0] - 17) < 1  # 6 x 2 + 5 a week
    advice = shop.purchasing.advice(demand={"MUG": mug.daily_average})
    trailing = shop.purchasing.advice()
    planned = next(a for a in advice if a.sku == "MUG")
    assert next(a for a in trailing if a.sku == "MUG").days_of_cover is None  # nothing shipped
    assert planned.days_of_cover is not None
    assert abs(planned.days_of_cover - planned.available / mug.daily_average) < 1
    with pytest.raises(ValidationError):
        shop.purchasing.advice(demand={"MUG": -1})


def test_the_command_line_prints_every_kpi_report(
    tmp_path: Path, clock: ok.ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with open_shop(url, clock) as shop:
        shop.orders.place("ana@example.com", [("TEE", 1)])
        clock.advance(timedelta(days=31))
        shop.orders.place("ana@example.com", [("TEE", 2)])
        gone = shop.orders.place("bo@example.com", [("MUG", 1)])
        shop.orders.cancel(gone.number)
        rates = shop.reports.customers("2026-11")
        operations = shop.reports.operations("2026-11")
        rfm = shop.reports.rfm(currency="EUR")

    def run(*args: str) -> dict[str, Any]:
        assert main(["report", *args, "--url", url, "--format", "json"]) == 0
        printed: dict[str, Any] = json.loads(capsys.readouterr().out)
        return printed

    figures = {
        row["figure"]: row["value"] for row in run("customers", "--period", "2026-11")["rows"]
    }
    assert figures["customers"] == rates.customers == 2
    assert figures["returning_customers"] == rates.returning_customers == 1
    kpis = {row["kpi"]: row["value"] for row in run("operations", "--period", "2026-11")["rows"]}
    assert kpis["orders"] == operations.orders == 2
    assert Decimal(kpis["cancellation_rate"]) == operations.cancellation_rate == Decimal("0.5")
    assert len(run("rfm", "--currency", "EUR")["rows"]) == len(rfm) == 2
    cohorts = run("cohorts", "--period", "2026-10/2026-12")["rows"]
    assert [row["customers"] for row in cohorts] == [1, 1]
    skus = {row["sku"] for row in run("inventory")["rows"]}
    assert {"TEE", "MUG"} <= skus
    (mug,) = run("forecasts", "--sku", "MUG")["rows"]
    assert mug["sku"] == "MUG"
    assert main(["report", "rfm", "--currency", "EURO", "--url", url]) == 1
    assert "currency" in capsys.readouterr().err
