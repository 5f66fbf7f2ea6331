"""The reservation plan is a pure decision over what the service read."""

import pytest

from orderkit.errors import InsufficientStock
from orderkit.inventory import BackorderMode, ByPriority, StockPolicy
from orderkit.inventory.allocation import StockPlan, plan_stock, split_shortfall
from tests.builders import T0
from tests.unit.test_inventory_domain import BER, MAD, PAR, SHUT

NO_BACKORDERS = StockPolicy(sku="A")
BACKORDERS = StockPolicy(sku="A", backorders=BackorderMode.LIMITED, backorder_limit=10)


def plan(
    wanted: list[tuple[str, int]],
    available: dict[tuple[str, str], int],
    *,
    policy: StockPolicy = NO_BACKORDERS,
    expecting: frozenset[str] = frozenset(),
    country: str = "DE",
) -> StockPlan:
    return plan_stock(
        wanted,
        candidates=[BER, PAR, MAD, SHUT],
        available=available,
        country=country,
        coordinates=None,
        strategy=ByPriority(),
        now=T0,
        policy_of=lambda sku: policy,
        expecting=lambda sku: set(expecting),
    )


def test_stock_that_is_there_is_held_by_the_strategys_order() -> None:
    made = plan([("A", 3)], {("A", "PAR"): 2, ("A", "BER"): 5})
    assert dict(made.held) == {("A", "PAR"): 2, ("A", "BER"): 1}
    assert dict(made.waiting) == {}
    assert made.places == [("A", "BER"), ("A", "PAR")]


def test_units_beyond_stock_are_refused_without_a_backorder_policy() -> None:
    with pytest.raises(InsufficientStock) as refused:
        plan([("A", 9)], {("A", "PAR"): 2, ("A", "BER"): 5})
    assert (refused.value.sku, refused.value.requested, refused.value.available) == ("A", 9, 7)


def test_units_beyond_stock_wait_where_a_purchase_order_is_expected() -> None:
    made = plan(
        [("A", 9)],
        {("A", "PAR"): 2, ("A", "BER"): 5},
        policy=BACKORDERS,
        expecting=frozenset({"MAD"}),
    )
    assert dict(made.held) == {("A", "PAR"): 2, ("A", "BER"): 5}
    assert dict(made.waiting) == {("A", "MAD"): 2}


def test_a_backorder_waits_in_the_best_warehouse_when_none_expects_the_sku() -> None:
    made = plan([("A", 1)], {}, policy=BACKORDERS)
    assert dict(made.waiting) == {("A", "PAR"): 1}


def test_inactive_warehouses_never_serve() -> None:
    with pytest.raises(InsufficientStock):
        plan([("A", 1)], {("A", "OLD"): 100})


def test_a_shortfall_splits_into_held_and_waiting_or_is_refused() -> None:
    assert split_shortfall("A", "BER", 5, 2, BACKORDERS, T0) == (2, 3)
    with pytest.raises(InsufficientStock):
        split_shortfall("A", "BER", 5, 2, NO_BACKORDERS, T0)
