"""The Shop's services on every bundled store."""

from pathlib import Path

import pytest

import orderkit as ok
from orderkit.errors import (
    AlreadyExists,
    ConfigurationError,
    CurrencyMismatch,
    CustomerNotFound,
    InvalidQuantity,
    OrderNotFound,
    ProductNotFound,
    UnsupportedStore,
    ValidationError,
)
from tests.builders import berlin, snapshot


def stock_catalog(shop: ok.Shop) -> None:
    shop.catalog.add_many(
        [
            ok.Product(
                sku="TEE-M",
                name="T-shirt M",
                price=ok.Money("19.90", "EUR"),
                brand="Acme",
                category="Apparel",
            ),
            ok.Product(sku="MUG-1", name="Mug", price=ok.Money("7.50", "EUR")),
            ok.Product(sku="CAP-US", name="Cap", price=ok.Money("15.00", "USD")),
        ]
    )
    shop.customers.register("ana@example.com", "Ana Example", addresses=[berlin()])
    shop.customers.register("ben@example.com", "Ben")


def test_placing_an_order_prices_it_from_the_catalog(shop: ok.Shop) -> None:
    stock_catalog(shop)
    order = shop.orders.place(
        "ana@example.com",
        [("TEE-M", 2), ("MUG-1", 1)],
        channel="marketplace",
        shipping=ok.Money("4.90", "EUR"),
    )
    assert order.number == 1
    assert order.version == 1
    assert order.grand_total == ok.Money("52.20", "EUR")
    assert order.ship_to == berlin()
    assert order.placed_at == shop.clock.now()
    assert shop.orders.get(order.id) == order
    assert shop.orders.get(1) == order
    second = shop.orders.place("ana@example.com", [("MUG-1", 3)])
    assert second.number == 2
    assert [o.number for o in shop.orders.list()] == [1, 2]


def test_placing_emits_order_placed_into_the_outbox(shop: ok.Shop) -> None:
    stock_catalog(shop)
    shop.events.dispatch(lambda event: None)
    order = shop.orders.place("ana@example.com", [("TEE-M", 1)])
    (event,) = shop.events.pending()
    assert isinstance(event, ok.OrderPlaced)
    assert (event.aggregate_id, event.number, event.grand_total) == (
        order.id,
        1,
        ok.Money("19.90", "EUR"),
    )


def test_later_price_changes_do_not_touch_placed_orders(shop: ok.Shop) -> None:
    stock_catalog(shop)
    order = shop.orders.place("ana@example.com", [("TEE-M", 1)])
    changed = shop.catalog.change_price("TEE-M", ok.Money("25.00", "EUR"))
    assert changed.price == ok.Money("25.00", "EUR")
    assert shop.catalog.get("TEE-M").price == ok.Money("25.00", "EUR")
    assert shop.orders.get(order.id).grand_total == ok.Money("19.90", "EUR")
    price_events = [e for e in shop.events.pending() if isinstance(e, ok.ProductPriceChanged)]
    assert price_events[0].old_price == ok.Money("19.90", "EUR")


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.orders.place("ana@example.com", []), ValidationError),
        (lambda s: s.orders.place("ana@example.com", [("TEE-M", 0)]), InvalidQuantity),
        (lambda s: s.orders.place("ana@example.com", [("TEE-M", 1.0)]), InvalidQuantity),
        (lambda s: s.orders.place("ana@example.com", [("TEE-M", True)]), InvalidQuantity),
        (lambda s: s.orders.place("ana@example.com", [("TEE-M",)]), ValidationError),
        (lambda s: s.orders.place("ana@example.com", [("NOPE", 1)]), ProductNotFound),
        (
            lambda s: s.orders.place("ana@example.com", [("TEE-M", 1), ("CAP-US", 1)]),
            CurrencyMismatch,
        ),
        (lambda s: s.orders.place("nobody@example.com", [("TEE-M", 1)]), CustomerNotFound),
        (lambda s: s.orders.place("ben@example.com", [("TEE-M", 1)]), ValidationError),
        (lambda s: s.orders.place("ana@example.com", [("TEE-M", 1)], channel=""), ValidationError),
        (
            lambda s: s.orders.place(
                "ana@example.com", [("TEE-M", 1)], shipping=ok.Money("1", "USD")
            ),
            CurrencyMismatch,
        ),
        (
            lambda s: s.orders.place("ana@example.com", [("TEE-M", 1)], ship_to="Berlin"),
            ValidationError,
        ),
        (lambda s: s.orders.place(42, [("TEE-M", 1)]), ValidationError),
        (
            lambda s: s.catalog.add(ok.Product(sku="TEE-M", name="Dup", price=ok.Money(1, "EUR"))),
            AlreadyExists,
        ),
        (lambda s: s.catalog.add({"sku": "X"}), ValidationError),
        (
            lambda s: s.catalog.add_many(
                [
                    ok.Product(sku="NEW-1", name="New", price=ok.Money(1, "EUR")),
                    ok.Product(sku="MUG-1", name="Dup", price=ok.Money(1, "EUR")),
                ]
            ),
            AlreadyExists,
        ),
        (lambda s: s.catalog.change_price("TEE-M", ok.Money("1", "USD")), CurrencyMismatch),
        (lambda s: s.catalog.change_price("TEE-M", ok.Money("-1", "EUR")), ValidationError),
        (lambda s: s.catalog.change_price("NOPE", ok.Money("1", "EUR")), ProductNotFound),
        (lambda s: s.customers.register("ANA@example.com", "Again"), AlreadyExists),
        (lambda s: s.customers.register("not-an-email", "X"), ValidationError),
        (lambda s: s.events.pending(limit=0), ValidationError),
        (lambda s: s.events.dispatch("not callable"), ValidationError),
    ],
)
def test_refused_calls_raise_a_specific_error_and_change_nothing(
    shop: ok.Shop, call: object, error: type[Exception]
) -> None:
    stock_catalog(shop)
    before = snapshot(shop)
    with pytest.raises(error):
        call(shop)  # type: ignore[operator]
    assert snapshot(shop) == before


def test_lookups_of_missing_things(shop: ok.Shop) -> None:
    with pytest.raises(OrderNotFound):
        shop.orders.get(99)
    with pytest.raises(OrderNotFound):
        shop.orders.get("NOPE")
    with pytest.raises(CustomerNotFound):
        shop.customers.get("nobody@example.com")
    with pytest.raises(ProductNotFound):
        shop.catalog.get("NOPE")


def test_customers_are_found_by_email_or_id(shop: ok.Shop) -> None:
    ana = shop.customers.register("Ana@Example.com", "Ana", locale="de_DE")
    assert shop.customers.get("ana@example.com") == ana
    assert shop.customers.get(ana.id) == ana
    assert shop.customers.count() == 1


def test_dispatch_delivers_in_order_and_stops_at_a_failing_handler(shop: ok.Shop) -> None:
    stock_catalog(shop)
    total = shop.events.count_pending()
    seen: list[ok.DomainEvent] = []

    def fail_on_third(event: ok.DomainEvent) -> None:
        if len(seen) == 2:
            raise RuntimeError("handler down")
        seen.append(event)

    with pytest.raises(RuntimeError):
        shop.events.dispatch(fail_on_third)
    assert shop.events.count_pending() == total - 2
    redelivered = shop.events.pending()[0]
    assert redelivered.event_id not in {e.event_id for e in seen}
    assert shop.events.dispatch(seen.append) == total - 2
    assert len({e.event_id for e in seen}) == total
    assert shop.events.pending() == []


def test_summary_report(shop: ok.Shop) -> None:
    stock_catalog(shop)
    shop.orders.place("ana@example.com", [("TEE-M", 2)], channel="web")
    shop.orders.place("ana@example.com", [("MUG-1", 1)], channel="pos")
    summary = shop.reports.summary()
    assert summary.orders == 2
    assert summary.revenue == (ok.Money("47.30", "EUR"),)


def test_sqlite_urls_expand_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with ok.Shop.open("sqlite:///~/home.db") as shop:
        assert shop.catalog.count() == 0
    assert (tmp_path / "home.db").exists()


def test_open_urls(tmp_path: Path) -> None:
    with ok.Shop.open(f"sqlite:///{tmp_path / 'a.db'}") as shop:
        assert "SqliteStore" in repr(shop)
    assert (tmp_path / "a.db").exists()
    with ok.Shop.open("sqlite:///:memory:") as shop:
        assert shop.catalog.count() == 0
    with ok.Shop.open("memory://") as shop:
        assert repr(shop) == "Shop(MemoryStore())"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://shop:secret@localhost/shop", "supported"),
        ("sqlite://", "name the database file"),
        ("sqlite://host/shop.db", "sqlite:///"),
        ("shop.db", "supported"),
    ],
)
def test_unsupported_urls_are_refused_clearly(url: str, words: str) -> None:
    with pytest.raises(UnsupportedStore, match=words) as error:
        ok.Shop.open(url)
    assert "secret" not in str(error.value)


def test_shop_refuses_things_that_are_not_stores_or_clocks() -> None:
    with pytest.raises(ConfigurationError):
        ok.Shop("sqlite:///x.db")  # type: ignore[arg-type]
    from orderkit.adapters.memory import MemoryStore

    with pytest.raises(ConfigurationError):
        ok.Shop(MemoryStore(), clock="now")  # type: ignore[arg-type]
