"""Hostile input to every public operation gets a named orderkit error, the same on every store.

Every parameter of every public service method is given wrong types,
out-of-range numbers and hostile strings (NUL and other control characters,
10,000 characters, SQL, full-width digits) while the others hold ordinary
values. Each call either succeeds or raises an ``OrderkitError`` (a
``ValidationError`` names its field), the store's whole contents are the same
after a refusal as before, and the memory, SQLite and PostgreSQL stores give
the same answer.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orderkit as ok
from orderkit.adapters.gateways import TestCardGateway
from orderkit.errors import OrderkitError, ValidationError
from tests.builders import BERLIN, T0, snapshot
from tests.integration.test_access import every_method
from tests.postgres import URL_VARIABLE, fresh_schema, in_ci

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([2**63, -(2**63) - 1, 0, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            "   ",
            "a\x00b",
            "x" * 10_001,
            "'; DROP TABLE orders; --",
            "\uff11\uff10",  # full-width digits
            "\u202eTEE",
            "line\x1bbreak",
        ]
    ),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(-5, 5), max_size=2),
    st.just(ok.Money("1.00", "EUR")),
)

FILLERS = {"sku": "TEE", "warehouse": "BER", "document": "order:1", "key": "k-1"}


def _shop(url: str | None) -> ok.Shop:
    shop = ok.Shop.open(url, clock=ok.ManualClock(T0), seed=2, gateways=[TestCardGateway()])
    shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("10.00", "EUR")))
    shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
    shop.inventory.receive("TEE", "BER", 5)
    shop.orders.place("ana@example.com", [("TEE", 2)])
    return shop


@pytest.fixture(scope="module")
def shops(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ok.Shop]]:
    """The same small shop on every store this machine can run."""
    folder: Path = tmp_path_factory.mktemp("bad-input")
    opened = [_shop(None), _shop(f"sqlite:///{folder / 'shop.db'}")]
    schema = None
    if os.environ.get(URL_VARIABLE, "").strip() or in_ci():
        from tests.postgres import server_url

        schema = fresh_schema(server_url())
        opened.append(_shop(schema.__enter__()))
    yield opened
    for shop in opened:
        shop.close()
    if schema is not None:
        schema.__exit__(None, None, None)


def _operations() -> list[tuple[str, str, str]]:
    with ok.Shop.open() as shop:
        return [
            (service, name, parameter.name)
            for service, name, method in every_method(shop)
            for parameter in inspect.signature(method).parameters.values()
            if parameter.kind is not inspect.Parameter.VAR_KEYWORD
        ]


def _method(shop: ok.Shop, service: str, name: str) -> Any:
    owner: Any = shop
    for part in service.replace("payments.", "payments ").split():
        owner = getattr(owner, part)
    return getattr(owner, name)


def _call(shop: ok.Shop, service: str, name: str, hostile: str, value: object) -> str:
    method = _method(shop, service, name)
    order_id = shop.orders.list()[0].id
    kwargs: dict[str, object] = {}
    for parameter in inspect.signature(method).parameters.values():
        if parameter.name == hostile:
            kwargs[parameter.name] = value
        elif parameter.default is inspect.Parameter.empty:
            filler = order_id if parameter.name == "order" else FILLERS.get(parameter.name, "TEE")
            kwargs[parameter.name] = filler
    try:
        method(**kwargs)
    except OrderkitError as refused:
        named = not isinstance(refused, ValidationError) or (
            isinstance(refused.field, str) and bool(refused.field)
        )
        return type(refused).__name__ if named else f"{type(refused).__name__} naming no field"
    return "done"


@pytest.mark.parametrize(
    ("service", "name", "parameter"), _operations(), ids=lambda part: str(part)
)
def test_hostile_input_gets_a_named_error_that_changes_nothing_on_every_store(
    shops: list[ok.Shop], service: str, name: str, parameter: str
) -> None:
    @settings(
        max_examples=6,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(value=HOSTILE)
    def check(value: object) -> None:
        answers = []
        for shop in shops:
            before = snapshot(shop)
            answer = _call(shop, service, name, parameter, value)
            assert not answer.endswith("naming no field"), answer
            if answer != "done":
                assert snapshot(shop) == before, f"{answer} changed the store"
            answers.append(answer)
        assert len(set(answers)) == 1, f"the stores disagree: {answers}"

    check()
