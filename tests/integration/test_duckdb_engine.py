"""The DuckDB engine: a copy of the ledger that sums as the store does, kept current by refresh."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

import orderkit as ok
from orderkit.adapters.duckdb import DuckDbLedger
from orderkit.cli import main
from orderkit.errors import ConfigurationError, ValidationError
from orderkit.reports.exchange import ecb_rates
from orderkit.returns import InspectionOutcome
from tests.integration.test_report_engines import DIMENSIONS
from tests.integration.test_reports import ECB_CSV, START, delivered, eur, open_shop


@pytest.fixture
def clock() -> ok.ManualClock:
    return ok.ManualClock(START)


def trade(shop: ok.Shop, clock: ok.ManualClock, orders: int, start: int = 0) -> None:
    """Orders in two currencies over some days: discounts, a partial cancel, a return."""
    for step in range(start, start + orders):
        order = shop.orders.place(
            "ana@example.com" if step % 2 else "bo@example.com",
            [("TEE", 1 + step % 3), ("MUG", 1)],
            discount=eur("1.00") if step % 3 == 0 else None,
            attributes={"campaign": f"c{step % 2}"},
        )
        if step % 4 == 1:
            shop.orders.cancel(order.number, lines={"MUG": 1})
        if step % 5 == 2:
            done = delivered(shop, order)
            request = shop.returns.request(done.number, {"TEE": 1}, reason="wrong_size")
            shop.returns.receive(request.id, {"TEE": 1})
            shop.returns.inspect(request.id, "TEE", InspectionOutcome.RESTOCK)
        clock.advance(timedelta(hours=9))
    shop.orders.place("bo@example.com", [("US-TEE", 1)])


def assert_same_as_the_store(shop: ok.Shop, duck: DuckDbLedger) -> None:
    assert shop.reports.sales(engine=duck) == shop.reports.sales(engine="python")
    for dimension in DIMENSIONS:
        for period in ("2026-Q4", "2026-11"):
            store = shop.reports.breakdown(dimension, period=period, engine="python")
            copied = shop.reports.breakdown(dimension, period=period, engine=duck)
            assert copied.rows == store.rows, (dimension, period)
        for kept in (
            {"status": ["delivered", "completed", "returned"]},
            {"warehouse": "BER"},
            {"warehouse": "BER", "status": "placed"},
        ):
            store = shop.reports.breakdown(dimension, period="2026-Q4", engine="python", **kept)
            copied = shop.reports.breakdown(dimension, period="2026-Q4", engine=duck, **kept)
            assert copied.rows == store.rows, (dimension, kept)


def test_a_copy_of_any_store_sums_every_report_as_the_store_does(
    store_url: str | None, clock: ok.ManualClock
) -> None:
    with open_shop(store_url, clock) as shop:
        trade(shop, clock, 8)
        with DuckDbLedger.of_store(shop.store) as duck:
            assert_same_as_the_store(shop, duck)
            top = shop.reports.top("product", by="margin", period="2026-Q4", engine=duck)
            assert (
                top.column("margin")[0]
                == shop.reports.top("product", by="margin", period="2026-Q4").column("margin")[0]
            )


def test_refresh_copies_what_was_booked_since_and_the_copy_keeps_in_a_file(
    store_url: str | None, clock: ok.ManualClock, tmp_path: Path
) -> None:
    copy = tmp_path / "ledger.duckdb"
    with open_shop(store_url, clock) as shop:
        trade(shop, clock, 4)
        with DuckDbLedger.of_store(shop.store, copy) as duck:
            before = len(list(shop.reports.ledger()))
            trade(shop, clock, 3, start=4)
            total = len(list(shop.reports.ledger()))
            # A SQL store numbers its rows: only the new ones are copied.
            numbered = store_url is not None
            assert duck.refresh() == (total - before if numbered else total)
            assert duck.refresh() == (0 if numbered else total)
            assert_same_as_the_store(shop, duck)
        trade(shop, clock, 2, start=7)
        with DuckDbLedger.of_store(shop.store, copy) as reopened:
            rows = reopened.connection.execute("SELECT COUNT(*) FROM sales_ledger").fetchall()
            assert rows == [(len(list(shop.reports.ledger())),)]
            assert_same_as_the_store(shop, reopened)


def test_a_copy_of_another_ledger_is_replaced_whole(clock: ok.ManualClock, tmp_path: Path) -> None:
    copy = tmp_path / "ledger.duckdb"
    with open_shop(f"sqlite:///{tmp_path / 'big.db'}", clock) as big:
        trade(big, clock, 6)
        DuckDbLedger.of_store(big.store, copy).close()
    with open_shop(f"sqlite:///{tmp_path / 'small.db'}", clock) as small:
        trade(small, clock, 2)
        with DuckDbLedger.of_store(small.store, copy) as duck:
            assert_same_as_the_store(small, duck)


def test_a_ledger_exported_to_parquet_sums_as_the_store_does(
    clock: ok.ManualClock, tmp_path: Path
) -> None:
    with open_shop(None, clock) as shop:
        trade(shop, clock, 8)
        path = tmp_path / "ledger.parquet"
        shop.reports.export_ledger(path, format="parquet")
        with DuckDbLedger.of_parquet(
            path,
            shop.catalog.list(),
            orders=shop.orders.list(),
            movements=shop.inventory.ledger(),
        ) as duck:
            assert_same_as_the_store(shop, duck)
            trade(shop, clock, 2, start=8)
            shop.reports.export_ledger(path, format="parquet")
            duck.refresh()
            assert_same_as_the_store(shop, duck)
        with DuckDbLedger.of_parquet(path, shop.catalog.list()) as without_orders:
            assert shop.reports.sales(engine=without_orders) == shop.reports.sales()
            for name, value in (("status", "delivered"), ("warehouse", "BER")):
                with pytest.raises(ValidationError) as refused:
                    shop.reports.sales(engine=without_orders, **{name: value})
                assert refused.value.field == name
        with DuckDbLedger.of_parquet(path, shop.catalog.list()) as kept:
            before = shop.reports.sales(engine=kept)
            path.write_bytes(b"not a Parquet file")
            with pytest.raises(duckdb.Error):
                kept.refresh()
            assert shop.reports.sales(engine=kept) == before  # the failed refresh left it whole
        with pytest.raises(ConfigurationError) as refused:
            DuckDbLedger.of_parquet(tmp_path / "missing.parquet")
        assert refused.value.setting == "path"
        assert not (tmp_path / "missing.parquet").exists()


def test_converting_currencies_reads_the_order_day_from_the_copy(
    clock: ok.ManualClock,
) -> None:
    rates = ecb_rates(ECB_CSV)
    with open_shop(None, clock, exchange_rates=rates) as shop:
        trade(shop, clock, 3)
        with DuckDbLedger.of_store(shop.store) as duck:
            for dimension in ("product", "day", "channel"):
                assert (
                    shop.reports.breakdown(
                        dimension, period="2026-Q4", in_currency="EUR", engine=duck
                    ).rows
                    == shop.reports.breakdown(dimension, period="2026-Q4", in_currency="EUR").rows
                )


def test_an_engine_that_is_not_one_is_refused(shop: ok.Shop) -> None:
    for engine in ("duckdb", object(), 3):
        with pytest.raises(ValidationError) as refused:
            shop.reports.sales(engine=engine)  # type: ignore[arg-type]
        assert refused.value.field == "engine"


def test_the_command_line_sums_with_a_duckdb_copy(
    clock: ok.ManualClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with open_shop(url, clock) as shop:
        trade(shop, clock, 5)
    args = ["report", "top", "products", "--url", url, "--format", "csv"]
    assert main(args) == 0
    expected = capsys.readouterr().out
    assert main([*args, "--engine", "duckdb"]) == 0
    assert capsys.readouterr().out == expected
    kept = ["--duckdb-file", str(tmp_path / "copy.duckdb")]
    for _ in range(2):
        assert main([*args, *kept]) == 0
        assert capsys.readouterr().out == expected
    filtered = [*args, "--filter", "status=delivered", "--filter", "warehouse=BER"]
    assert main(filtered) == 0
    in_the_store = capsys.readouterr().out
    assert in_the_store != expected
    assert main([*filtered, "--engine", "duckdb"]) == 0
    assert capsys.readouterr().out == in_the_store
