"""The calculators behind the operations, inventory, customer and forecast reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from orderkit.reports.customers import CustomerOrder, customer_rates, rfm_scores
from orderkit.reports.forecast import forecast_demand
from orderkit.reports.inventory_health import abc_classes
from orderkit.reports.operations import durations

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@given(st.lists(st.integers(0, 40), min_size=0, max_size=120), st.integers(1, 40))
def test_forecasts_are_never_negative_and_weeks_add_up_their_days(
    history: list[int], horizon: int
) -> None:
    forecast = forecast_demand("SKU", history, horizon=horizon, holdout=14)
    assert len(forecast.daily) == horizon
    assert all(units >= 0 for units in forecast.daily)
    assert len(forecast.weekly) == horizon // 7
    for week, total in enumerate(forecast.weekly):
        assert total == sum(forecast.daily[week * 7 : week * 7 + 7], Decimal(0))
    if len(history) >= 28:
        assert forecast.holdout_days == 14
        assert forecast.method in dict(forecast.errors)


def test_a_trend_is_followed_and_intermittent_demand_is_not_a_daily_sale() -> None:
    rising = forecast_demand("UP", [10 + day for day in range(60)], horizon=7)
    assert rising.method == "holt"
    assert rising.daily[0] > Decimal(65)
    rare = [0] * 60
    for day in range(3, 60, 10):
        rare[day] = 6
    sparse = forecast_demand("RARE", rare, horizon=10, holdout=0)
    assert sparse.method == "croston"
    assert Decimal("0.3") < sparse.daily[0] < Decimal("1")  # six units every ten days
    assert sparse.holdout_wape is None


@given(st.lists(st.floats(0, 10**6), min_size=1, max_size=50))
def test_the_median_and_90th_percentile_lie_within_the_cases(seconds: list[float]) -> None:
    found = durations(seconds)
    assert found.count == len(seconds)
    assert found.median_hours is not None
    assert found.p90_hours is not None
    low, high = min(seconds) / 3600, max(seconds) / 3600
    assert Decimal(str(round(low, 2))) <= found.median_hours <= Decimal(str(round(high, 2)))
    assert found.median_hours <= found.p90_hours


@given(st.dictionaries(st.text("ABCDEF", min_size=1, max_size=3), st.integers(0, 10_000)))
def test_abc_classes_put_the_biggest_sellers_first(values: dict[str, int]) -> None:
    classes = abc_classes(values)
    assert set(classes) == set(values)
    order = {"A": 0, "B": 1, "C": 2}
    ranked = sorted(values, key=lambda sku: (-values[sku], sku))
    assert [order[classes[sku]] for sku in ranked] == sorted(order[classes[s]] for s in ranked)
    if any(values.values()):
        assert classes[ranked[0]] == "A"
    assert all(classes[sku] == "C" for sku, value in values.items() if value == 0)


def order(customer: str, days: int, net: int = 1000) -> CustomerOrder:
    return CustomerOrder(customer, f"{customer}-{days}", T0 + timedelta(days=days), "EUR", net)


def test_returning_and_repeat_customers_are_told_apart() -> None:
    orders = [order("ana", 0), order("ana", 40), order("ana", 45), order("bo", 41), order("cy", 5)]
    start, end = T0 + timedelta(days=31), T0 + timedelta(days=59)
    rates = customer_rates(orders, start, end)
    assert (rates.customers, rates.returning_customers, rates.new_customers) == (2, 1, 1)
    assert rates.repeat_customers == 1
    assert rates.orders_per_customer == Decimal("1.50")


def test_rfm_scores_rank_customers_in_fifths() -> None:
    orders = [order(f"c{n}", n, net=100 * n) for n in range(10)] + [order("c9", 9, 5000)]
    scores = {s.customer_id: s for s in rfm_scores(orders, T0 + timedelta(days=10), "EUR")}
    assert scores["c9"].recency_score == 5
    assert scores["c9"].frequency_score == 5
    assert scores["c9"].monetary_score == 5
    assert scores["c0"].recency_score == 1
    assert scores["c0"].recency_days == 10
    assert {s.recency_score for s in scores.values()} == {1, 2, 3, 4, 5}
    assert rfm_scores(orders, T0, "USD") == []
