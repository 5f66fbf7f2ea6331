"""Every read and write of every service asks the shop's authorize hook first.

The test finds the services' public methods itself, so a new one cannot be
forgotten: each must declare its access, and a hook that denies everything
must refuse each write before it changes anything, on every bundled store.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import orderkit as ok
from orderkit.adapters.gateways import TestCardGateway
from orderkit.core.access import access_of
from orderkit.errors import PermissionDenied
from orderkit.storage import Store
from tests.builders import BERLIN, T0, snapshot

WITHIN_ANOTHER_USE_CASE = {
    "fire_within",
    "reserve_within",
    "end_within",
    "restock_within",
    "ship_within",
    "give_back_within",
    "hand_over_within",
    "top_up_within",
    "place_within",
    "take_back_within",
    "follow_up_within",
}
"""Steps other use cases take inside their own unit of work (already checked)."""


def services(shop: ok.Shop) -> dict[str, object]:
    found: dict[str, object] = {
        name: getattr(shop, name)
        for name in (
            "catalog",
            "customers",
            "orders",
            "events",
            "reports",
            "inventory",
            "reservations",
            "purchasing",
            "store_credit",
            "fulfilment",
            "returns",
        )
    }
    for part in ("charges", "refunding", "reviews", "statements", "reconciling"):
        found[f"payments.{part}"] = getattr(shop.payments, part)
    return found


def public_methods(service: object) -> dict[str, Callable[..., Any]]:
    return {
        name: method
        for name, method in inspect.getmembers(service, predicate=inspect.ismethod)
        if not name.startswith("_") and name not in WITHIN_ANOTHER_USE_CASE
    }


def every_method(shop: ok.Shop) -> list[tuple[str, str, Callable[..., Any]]]:
    return [
        (service_name, name, method)
        for service_name, service in services(shop).items()
        for name, method in public_methods(service).items()
    ]


def placeholders(method: Callable[..., Any]) -> tuple[list[object], dict[str, object]]:
    """None for every required argument: the check must come before any of them is read."""
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for parameter in inspect.signature(method).parameters.values():
        if parameter.default is not inspect.Parameter.empty:
            continue
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = None
        elif parameter.kind in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            args.append(None)
    return args, kwargs


def test_every_public_service_method_declares_its_access() -> None:
    with ok.Shop.open() as shop:
        undeclared = [
            f"{service}.{name}"
            for service, name, method in every_method(shop)
            if access_of(method) is None
        ]
    assert undeclared == []


def test_the_payments_facade_offers_only_guarded_methods() -> None:
    with ok.Shop.open() as shop:
        facade = {
            name: value
            for name, value in vars(shop.payments).items()
            if callable(value) and not name.startswith("_")
        }
        assert facade  # authorise, capture, ...
        assert [name for name, value in facade.items() if access_of(value) is None] == []


def deny_all(actor: str, permission: str) -> bool:
    return False


@pytest.fixture
def stocked(store_url: str | None) -> Iterator[Store]:
    """A store with a product, a customer, stock, a placed order and a payment."""
    with ok.Shop.open(
        store_url, clock=ok.ManualClock(T0), seed=2, gateways=[TestCardGateway()]
    ) as shop:
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("10.00", "EUR")))
        shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        shop.inventory.receive("TEE", "BER", 5)
        order = shop.orders.place("ana@example.com", [("TEE", 2)])
        shop.payments.authorise(order.id, ok.Money("5.00", "EUR"), "4242424242424242", key="a")
        yield shop.store


def test_a_hook_that_denies_everything_refuses_every_write_and_changes_nothing(
    stocked: Store,
) -> None:
    guarded = ok.Shop(stocked, clock=ok.ManualClock(T0), authorize=deny_all)
    open_shop = ok.Shop(stocked, clock=ok.ManualClock(T0))
    order = open_shop.orders.list()[0]
    before = snapshot(open_shop)
    calls = {
        "apply": lambda m: m(order.id, "confirm"),
        "confirm": lambda m: m(order.id),
        "hold": lambda m: m(order.id, reason="manual"),
        "release": lambda m: m(order.id),
        "cancel": lambda m: m(order.id),
        "edit": lambda m: m(order.id, remove=["TEE"]),
    }
    checked = []
    for service, name, method in every_method(guarded):
        kind, permission = access_of(method) or ("", "")
        if kind == "read":
            continue
        if kind == "command":
            call = calls[name]
        else:
            args, kwargs = placeholders(method)
            call = lambda m, a=args, k=kwargs: m(*a, **k)  # noqa: E731
        with pytest.raises(PermissionDenied) as refused:
            call(method)
        if kind == "write":
            assert refused.value.permission == permission, f"{service}.{name}"
        checked.append(f"{service}.{name}")
        assert snapshot(open_shop) == before, f"{service}.{name} changed something"
    assert len(checked) >= 40
    assert snapshot(open_shop) == before


def test_a_hook_that_denies_everything_refuses_every_read(stocked: Store) -> None:
    guarded = ok.Shop(stocked, authorize=deny_all)
    for service, name, method in every_method(guarded):
        kind, permission = access_of(method) or ("", "")
        if kind != "read":
            continue
        args, kwargs = placeholders(method)
        with pytest.raises(PermissionDenied) as refused:
            method(*args, **kwargs)
        assert refused.value.permission == permission, f"{service}.{name}"


def test_the_shop_acts_for_the_actor_it_was_given(stocked: Store) -> None:
    asked: list[tuple[str, str]] = []

    def record(actor: str, permission: str) -> bool:
        asked.append((actor, permission))
        return True

    shop = ok.Shop(stocked, clock=ok.ManualClock(T0), authorize=record)
    order = shop.orders.list()[0]
    asked.clear()
    clerk = shop.acting_as("clerk-7")
    confirmed = clerk.orders.confirm(order.id)
    assert [(e.command, e.actor) for e in confirmed.history[-2:-1]] == [("confirm", "clerk-7")]
    assert confirmed.history[-1].actor == "system:orders"  # the library's own next step
    assert ("clerk-7", "orders.confirm") in asked
    assert ("clerk-7", "orders.read") not in asked  # nothing was read on its own
    clerk.catalog.list()
    assert asked[-1] == ("clerk-7", "catalog.read")
    shop.catalog.list()
    assert asked[-1] == ("system", "catalog.read")
    with pytest.raises(ok.errors.ValidationError):
        shop.acting_as("")


def test_the_library_asks_for_its_own_steps_and_records_who_took_them(stocked: Store) -> None:
    asked: list[tuple[str, str]] = []
    refuse_payments_moving_orders = {"payments.record"}

    def hook(actor: str, permission: str) -> bool:
        asked.append((actor, permission))
        return not (actor == "system:payments" and permission in refuse_payments_moving_orders)

    cards = TestCardGateway()
    shop = ok.Shop(stocked, clock=ok.ManualClock(T0), authorize=hook, gateways=[cards])
    order = shop.orders.place("ana@example.com", [("TEE", 1)])
    order = shop.orders.confirm(order.id)
    assert order.state == "awaiting_payment"
    payment = shop.payments.authorise(order.id, order.grand_total, "4242424242424242", key="p")
    # The payment is booked, but the hook kept the order where it was.
    assert payment.state is ok.PaymentState.AUTHORISED
    assert ("system:payments", "payments.record") in asked
    assert shop.orders.get(order.id).state == "awaiting_payment"

    refuse_payments_moving_orders.clear()
    other = shop.orders.confirm(shop.orders.place("ana@example.com", [("TEE", 1)]).id)
    shop.payments.authorise(other.id, other.grand_total, "4242424242424242", key="q")
    moved = shop.orders.get(other.id)
    assert moved.state == "ready_to_fulfil"
    assert moved.history[-1].actor == "system:payments"
