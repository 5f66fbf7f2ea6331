"""A host's own capability works on the bundled stores without editing orderkit."""

from pathlib import Path

import pytest

import orderkit as ok
from orderkit.capabilities import BUNDLED, make_converter
from tests.builders import T0
from tests.integration.host_capability import gift_wrap
from tests.integration.host_capability.gift_wrap import GiftWrapped, GiftWrapService, Ribbon


@pytest.fixture(params=["memory", "sqlite"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    return None if request.param == "memory" else f"sqlite:///{tmp_path / 'shop.db'}"


def test_a_host_capability_records_its_events_through_the_outbox(url: str | None) -> None:
    settings = ok.ShopSettings(
        clock=ok.ManualClock(T0), seed=3, capabilities=[gift_wrap.CAPABILITY]
    )
    with ok.Shop.open(url, settings) as shop:
        GiftWrapService(shop.context).wrap(1042, Ribbon("red", 12))
        (event,) = shop.events.pending()
    assert isinstance(event, GiftWrapped)
    assert (event.order_number, event.ribbon, event.occurred_at) == (1042, Ribbon("red", 12), T0)


def test_its_events_survive_a_reopened_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with ok.Shop.open(url, capabilities=[gift_wrap.CAPABILITY]) as shop:
        GiftWrapService(shop.context).wrap(7, Ribbon("gold", 25))
    with ok.Shop.open(url, capabilities=[gift_wrap.CAPABILITY]) as reopened:
        (event,) = reopened.events.pending()
    assert event.ribbon == Ribbon("gold", 25)  # type: ignore[attr-defined]


def test_a_shop_without_the_capability_refuses_its_events_and_writes_nothing(
    url: str | None,
) -> None:
    with ok.Shop.open(url) as shop:
        with pytest.raises(ok.errors.ValidationError, match="GiftWrapped"):
            GiftWrapService(shop.context).wrap(1, Ribbon("red", 12))
        assert shop.events.pending() == []


def test_the_converter_knows_the_capabilitys_types_only_when_asked() -> None:
    theirs = make_converter([*BUNDLED, gift_wrap.CAPABILITY])
    assert theirs.unstructure(Ribbon("red", 12)) == "red/12"
    assert theirs.structure("blue/3", Ribbon) == Ribbon("blue", 3)
    assert make_converter().unstructure(Ribbon("red", 12)) == {"colour": "red", "width_mm": 12}
