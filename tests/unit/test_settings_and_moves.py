"""ShopSettings declares every setting once; moved modules keep working with a warning."""

import importlib

import pytest

import orderkit as ok
from tests.builders import T0


def test_keywords_and_a_settings_object_make_the_same_shop() -> None:
    clock = ok.ManualClock(T0)
    by_keywords = ok.Shop.open(clock=clock, seed=5)
    by_object = ok.Shop.open(None, ok.ShopSettings(clock=clock, seed=5))
    assert by_keywords.settings == by_object.settings
    assert by_keywords.clock is clock


def test_keywords_go_on_top_of_a_settings_object() -> None:
    base = ok.ShopSettings(seed=5)
    shop = ok.Shop(ok.adapters.memory.MemoryStore(), base, seed=6)
    assert shop.settings.seed == 6
    assert base.seed == 5


def test_an_unknown_setting_is_refused_by_name() -> None:
    with pytest.raises(ok.errors.ConfigurationError) as refused:
        ok.Shop.open(colour="red")
    assert refused.value.setting == "colour"
    assert "gateways" in refused.value.reason


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("clock", "now"),
        ("ids", 42),
        ("seed", "7"),
        ("seed", True),
        ("order_policy", {}),
        ("authorize", "admin"),
        ("retry", 3),
    ],
)
def test_a_setting_with_a_wrong_value_is_refused_naming_it(setting: str, value: object) -> None:
    with pytest.raises(ok.errors.ConfigurationError) as refused:
        ok.ShopSettings(**{setting: value})
    assert refused.value.setting == setting
    assert refused.value.value == value


def test_ids_and_a_seed_together_are_refused() -> None:
    ids = ok.IdGenerator(ok.ManualClock(T0))
    with pytest.raises(ok.errors.ConfigurationError, match="either ids or a seed"):
        ok.ShopSettings(ids=ids, seed=1)


def test_a_seed_makes_ids_reproducible() -> None:
    first = ok.ShopSettings(seed=9).make_ids(ok.ManualClock(T0)).new()
    again = ok.ShopSettings(seed=9).make_ids(ok.ManualClock(T0)).new()
    assert first == again


@pytest.mark.parametrize(
    ("old", "name", "new"),
    [
        ("orderkit.money", "Money", "orderkit.core.money"),
        ("orderkit.clock", "ManualClock", "orderkit.core.clock"),
        ("orderkit.events", "DomainEvent", "orderkit.core.events"),
        ("orderkit.serialization", "make_converter", "orderkit.capabilities"),
        ("orderkit.services.payments", "PaymentService", "orderkit.payments.service"),
        ("orderkit.services.orders", "OrderService", "orderkit.lifecycle.service"),
        (
            "orderkit.services.reservations",
            "ReservationService",
            "orderkit.inventory.reservation_service",
        ),
        ("orderkit.payments.store_credit", "CreditAccount", "orderkit.store_credit.accounts"),
        ("orderkit.payments", "CreditAccount", "orderkit.store_credit"),
    ],
)
def test_a_moved_name_still_imports_from_its_old_path_with_a_warning(
    old: str, name: str, new: str
) -> None:
    module = importlib.import_module(old)
    with pytest.warns(DeprecationWarning, match=rf"{old}\.{name} moved to {new}\.{name}"):
        value = getattr(module, name)
    assert value is getattr(importlib.import_module(new), name)


def test_an_old_path_does_not_invent_names() -> None:
    module = importlib.import_module("orderkit.money")
    with pytest.raises(AttributeError, match="Nothing"):
        _ = module.Nothing  # type: ignore[attr-defined]
