"""A host's own capability works on every bundled store without editing orderkit."""

from collections.abc import Iterator
from pathlib import Path

import pytest

import orderkit as ok
from orderkit.capabilities import BUNDLED, make_converter
from orderkit.core.capability import Capability
from tests.builders import T0
from tests.integration.host_capability import gift_wrap
from tests.integration.host_capability.gift_wrap import (
    GiftWrapped,
    GiftWraps,
    GiftWrapService,
    Ribbon,
    Wrapping,
)


@pytest.fixture
def shop(store_url: str | None) -> Iterator[ok.Shop]:
    settings = ok.ShopSettings(
        clock=ok.ManualClock(T0), seed=3, capabilities=[gift_wrap.CAPABILITY]
    )
    with ok.Shop.open(store_url, settings) as opened:
        yield opened


def test_its_records_and_its_events_commit_together(shop: ok.Shop) -> None:
    wraps = GiftWrapService(shop.context)  # type: ignore[arg-type]
    wraps.wrap(1042, Ribbon("red", 12), note="for Ana")
    assert wraps.wrapping(1042) == Wrapping(1042, Ribbon("red", 12), "for Ana")
    assert wraps.wrapping(7) is None
    (event,) = shop.events.pending()
    assert isinstance(event, GiftWrapped)
    assert (event.order_number, event.ribbon, event.occurred_at) == (1042, Ribbon("red", 12), T0)


def test_a_refused_write_changes_nothing(shop: ok.Shop) -> None:
    wraps = GiftWrapService(shop.context)  # type: ignore[arg-type]
    wraps.wrap(1, Ribbon("red", 12))
    with pytest.raises(ok.errors.ValidationError, match="wrapped already"):
        wraps.wrap(1, Ribbon("blue", 3))
    assert wraps.wrapping(1) == Wrapping(1, Ribbon("red", 12))
    assert len(shop.events.pending()) == 1


def test_an_error_in_the_unit_of_work_rolls_its_records_back(shop: ok.Shop) -> None:
    def fail_after_writing() -> None:
        with shop.context.store.unit_of_work() as uow:
            uow.gift_wraps.add(Wrapping(5, Ribbon("gold", 25)))  # type: ignore[attr-defined]
            raise RuntimeError("the printer jammed")

    with pytest.raises(RuntimeError):
        fail_after_writing()
    assert GiftWrapService(shop.context).wrapping(5) is None  # type: ignore[arg-type]


def test_its_records_survive_a_reopened_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with ok.Shop.open(url, capabilities=[gift_wrap.CAPABILITY]) as shop:
        GiftWrapService(shop.context).wrap(7, Ribbon("gold", 25))  # type: ignore[arg-type]
    with ok.Shop.open(url, capabilities=[gift_wrap.CAPABILITY]) as reopened:
        (event,) = reopened.events.pending()
        with reopened.context.store.unit_of_work(readonly=True) as uow:
            assert uow.gift_wraps.all() == [Wrapping(7, Ribbon("gold", 25))]  # type: ignore[attr-defined]
    assert event.ribbon == Ribbon("gold", 25)  # type: ignore[attr-defined]


def test_a_repository_name_orderkit_uses_is_refused() -> None:
    clash = Capability(name="clash", repositories={"orders": GiftWraps})
    with pytest.raises(ok.errors.ConfigurationError, match="'orders' is taken"):
        ok.Shop.open(capabilities=[clash])


def test_a_shop_without_the_capability_refuses_its_events_and_writes_nothing() -> None:
    def record_a_wrapping(shop: ok.Shop) -> None:
        with shop.context.store.unit_of_work() as uow:
            shop.context.record(
                uow, GiftWrapped, aggregate_id="1", order_number=1, ribbon=Ribbon("red", 1)
            )
            uow.commit()

    with ok.Shop.open() as shop:
        with pytest.raises(ok.errors.ValidationError, match="GiftWrapped"):
            record_a_wrapping(shop)
        assert shop.events.pending() == []


def test_the_converter_knows_the_capabilitys_types_only_when_asked() -> None:
    theirs = make_converter([*BUNDLED, gift_wrap.CAPABILITY])
    assert theirs.unstructure(Ribbon("red", 12)) == "red/12"
    assert theirs.structure("blue/3", Ribbon) == Ribbon("blue", 3)
    assert make_converter().unstructure(Ribbon("red", 12)) == {"colour": "red", "width_mm": 12}
