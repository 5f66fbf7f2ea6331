"""What only the PostgreSQL store has: a server, a pool, migrations under a lock, conflicts."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from decimal import Decimal

import pytest

import orderkit as ok
from orderkit.errors import (
    ConnectionLost,
    SchemaVersionError,
    StorageIntegrityError,
    StorageUnavailable,
    TransactionConflict,
    UnsupportedStore,
)
from orderkit.inventory.routing import Ranked, RoutingRequest
from tests.builders import T0

psycopg = pytest.importorskip("psycopg", reason="the postgres extra is not installed")

from orderkit.adapters.postgres import PostgresDialect, PostgresStore  # noqa: E402
from orderkit.adapters.sql.migrations_runner import load_migrations  # noqa: E402
from orderkit.adapters.sql.session import SqlSession  # noqa: E402

BERLIN_HUB = ok.Address(
    name="Hub", line1="Lagerweg 1", city="Berlin", postal_code="10115", country="DE"
)


def test_without_the_extra_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "orderkit.adapters.postgres", raising=False)
    with pytest.raises(UnsupportedStore) as raised:
        ok.Shop.open("postgresql://shop:secret@localhost/shop")
    assert "pip install 'orderkit[postgres]'" in str(raised.value)
    assert "secret" not in str(raised.value)
    assert isinstance(raised.value.__cause__, ImportError)


def test_importing_orderkit_or_opening_other_stores_does_not_import_psycopg() -> None:
    code = (
        "import sys, orderkit as ok; ok.Shop.open('sqlite:///:memory:').close(); "
        "print(sorted(name for name in sys.modules if name.startswith('psycopg')))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "[]"


def test_an_unreachable_server_is_unavailable_and_the_password_stays_hidden() -> None:
    with pytest.raises(StorageUnavailable) as raised:
        ok.Shop.open("postgresql://shop:secret@127.0.0.1:1/shop?connect_timeout=2")
    assert "secret" not in str(raised.value)
    assert "127.0.0.1" in str(raised.value)
    assert isinstance(raised.value.__cause__, psycopg.Error)


def test_pool_settings_are_checked() -> None:
    with pytest.raises(ok.errors.ConfigurationError) as raised:
        PostgresStore("postgresql://localhost/shop", min_connections=5, max_connections=2)
    assert raised.value.setting == "max_connections"


@pytest.fixture
def shop(postgres_url: str) -> Iterator[ok.Shop]:
    with ok.Shop.open(postgres_url, clock=ok.ManualClock(T0), seed=5) as opened:
        opened.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN_HUB))
        opened.inventory.add_warehouse(ok.Warehouse("HAM", "Hamburg", BERLIN_HUB, priority=2))
        opened.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("9.90", "EUR")))
        opened.inventory.receive("TEE", "BER", 10)
        opened.inventory.receive("TEE", "HAM", 10)
        yield opened


@pytest.mark.postgres
def test_a_wrong_password_is_unavailable_with_the_servers_reason(postgres_server: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(postgres_server)
    wrong = parts._replace(netloc=f"{parts.username}:not-the-password@{parts.hostname}").geturl()
    if parts.port:
        wrong = wrong.replace(f"@{parts.hostname}", f"@{parts.hostname}:{parts.port}")
    with pytest.raises(StorageUnavailable) as raised:
        PostgresStore(wrong)
    assert "not-the-password" not in str(raised.value)
    assert "password" in str(raised.value.__cause__)


@pytest.mark.postgres
def test_the_schema_is_the_shared_one_with_postgres_types(postgres_url: str) -> None:
    PostgresStore(postgres_url).close()
    with psycopg.connect(postgres_url) as raw:
        types = dict(
            raw.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = 'orders'"
            ).fetchall()
        )
        versions = [row[0] for row in raw.execute("SELECT version FROM schema_migrations")]
    assert types["document"] == "jsonb"
    assert types["placed_at"] == "timestamp with time zone"
    assert types["grand_total_minor"] == "bigint"  # money as exact minor units
    assert versions == [migration.version for migration in load_migrations()]


@pytest.mark.postgres
def test_a_newer_schema_is_refused(postgres_url: str) -> None:
    PostgresStore(postgres_url).close()
    with psycopg.connect(postgres_url) as raw:
        raw.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    with pytest.raises(SchemaVersionError) as raised:
        PostgresStore(postgres_url)
    assert raised.value.found == 999


@pytest.mark.postgres
def test_a_broken_constraint_becomes_a_storage_integrity_error(postgres_url: str) -> None:
    PostgresStore(postgres_url).close()
    with psycopg.connect(postgres_url) as raw:
        session = SqlSession(raw, PostgresDialect())
        with pytest.raises(StorageIntegrityError) as raised:
            session.execute(
                "INSERT INTO stock_levels (sku, warehouse, on_hand, reserved, backordered) "
                "VALUES (:sku, 'BER', 1, 2, 0)",
                {"sku": "TEE"},
            )
        assert isinstance(raised.value.__cause__, psycopg.errors.CheckViolation)


@pytest.mark.postgres
def test_a_first_statement_the_server_refuses_leaves_the_connection_usable(
    postgres_url: str,
) -> None:
    """BEGIN and the first statement travel together; a refusal of either ends cleanly."""
    store = PostgresStore(postgres_url, max_connections=1)
    try:
        with store.unit_of_work() as uow, pytest.raises(StorageIntegrityError) as raised:
            uow.stock._session.write(  # the unit of work's first statement
                "INSERT INTO stock_levels (sku, warehouse, on_hand, reserved, backordered) "
                "VALUES (:sku, 'BER', 1, 2, 0)",
                {"sku": "TEE"},
            )
        assert isinstance(raised.value.__cause__, psycopg.errors.CheckViolation)
        with store.unit_of_work() as uow:  # the one connection works on, in a new transaction
            assert uow.sequences.next("order") == 1
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.stock.levels() == []
    finally:
        store.close()


def _deadlock_partner(url: str, locked: threading.Event, done: list[str]) -> None:
    """Lock HAM's row, let the transfer lock BER's, then reach for BER: a deadlock."""
    with psycopg.connect(url) as raw:
        raw.execute("SELECT 1 FROM stock_levels WHERE warehouse = 'HAM' FOR UPDATE")
        locked.set()
        time.sleep(0.3)  # the transfer now holds BER and waits for HAM
        try:
            raw.execute("SELECT 1 FROM stock_levels WHERE warehouse = 'BER' FOR UPDATE")
            time.sleep(0.2)
            raw.commit()
            done.append("committed")
        except psycopg.errors.DeadlockDetected:
            done.append("aborted")


def _deadlock_during_transfer(shop: ok.Shop, url: str) -> list[str]:
    locked, done = threading.Event(), []
    partner = threading.Thread(target=_deadlock_partner, args=(url, locked, done))
    partner.start()
    locked.wait(5)
    try:
        shop.inventory.transfer("TEE", "BER", "HAM", 3)
    finally:
        partner.join(10)
    return done


@pytest.mark.postgres
def test_a_deadlock_is_retried_and_the_use_case_completes(
    shop: ok.Shop, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="orderkit.core.retry"):
        done = _deadlock_during_transfer(shop, postgres_url)
    # orderkit's transaction waited first, so PostgreSQL's check found the
    # deadlock from its side and aborted it; the partner then committed.
    assert done == ["committed"]
    assert any("deadlock" in record.getMessage() for record in caplog.records)
    levels = {level.warehouse: level.on_hand for level in shop.inventory.levels(sku="TEE")}
    assert levels == {"BER": 7, "HAM": 13}
    assert shop.inventory.verify_ledger()


@pytest.mark.postgres
def test_without_retries_a_deadlock_surfaces_as_a_conflict_and_changes_nothing(
    postgres_url: str,
) -> None:
    with ok.Shop.open(postgres_url, retry=ok.RetryPolicy(attempts=1)) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN_HUB))
        shop.inventory.add_warehouse(ok.Warehouse("HAM", "Hamburg", BERLIN_HUB, priority=2))
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("9.90", "EUR")))
        shop.inventory.receive("TEE", "BER", 10)
        shop.inventory.receive("TEE", "HAM", 10)
        before = (shop.inventory.levels(), shop.inventory.ledger(), shop.events.count_pending())
        with pytest.raises(TransactionConflict) as raised:
            _deadlock_during_transfer(shop, postgres_url)
        assert isinstance(raised.value.__cause__, psycopg.errors.DeadlockDetected)
        after = (shop.inventory.levels(), shop.inventory.ledger(), shop.events.count_pending())
        assert after == before


def _end_connections(url: str, application: str) -> None:
    """End the server side of every connection of ``application``, as a restart would."""
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (application,),
        )
        for _ in range(100):
            alive = raw.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                (application,),
            ).fetchone()
            if alive == (0,):
                return
            time.sleep(0.05)
    raise AssertionError("the connections did not end")


@pytest.mark.postgres
def test_a_pooled_connection_the_server_ended_is_replaced_before_anything_runs(
    postgres_url: str,
) -> None:
    url = f"{postgres_url}&application_name=orderkit_pooled"
    # No retries: the store itself swaps the dead connection before the first statement.
    with ok.Shop.open(url, retry=ok.RetryPolicy(attempts=1)) as shop:
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("9.90", "EUR")))
        _end_connections(postgres_url, "orderkit_pooled")
        assert shop.catalog.get("TEE").price.amount == Decimal("9.90")
        _end_connections(postgres_url, "orderkit_pooled")
        assert shop.catalog.change_price("TEE", ok.Money("12.00", "EUR")).price.amount == 12


class _EndsConnectionsOnce(ok.ByPriority):
    """Routes by priority, but the first time it is asked, the server ends the connections."""

    def __init__(self, url: str, application: str) -> None:
        self.url, self.application, self.calls = url, application, 0

    def rank(self, candidates: Sequence[ok.Warehouse], request: RoutingRequest) -> list[Ranked]:
        self.calls += 1
        if self.calls == 1:  # inside the unit of work, after its reads, before its writes
            _end_connections(self.url, self.application)
        return super().rank(candidates, request)


@pytest.mark.postgres
def test_a_connection_lost_inside_a_unit_of_work_is_retried_by_the_service(
    postgres_url: str,
) -> None:
    url = f"{postgres_url}&application_name=orderkit_midway"
    with ok.Shop.open(url, clock=ok.ManualClock(T0)) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN_HUB))
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("9.90", "EUR")))
        shop.inventory.receive("TEE", "BER", 10)
        strategy = _EndsConnectionsOnce(postgres_url, "orderkit_midway")
        shop.reservations.reserve("order:1", [("TEE", 2)], strategy=strategy)
        assert strategy.calls == 2  # the first attempt was lost, the second went through
        assert shop.inventory.level("TEE", "BER").reserved == 2
        assert len(shop.reservations.for_document("order:1")) == 1
        assert shop.inventory.verify_ledger()


@pytest.mark.postgres
def test_without_retries_a_connection_lost_inside_a_unit_of_work_changes_nothing(
    postgres_url: str,
) -> None:
    url = f"{postgres_url}&application_name=orderkit_lost"
    with ok.Shop.open(url, clock=ok.ManualClock(T0), retry=ok.RetryPolicy(attempts=1)) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN_HUB))
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("9.90", "EUR")))
        shop.inventory.receive("TEE", "BER", 10)
        before = (shop.inventory.levels(), shop.inventory.ledger(), shop.events.count_pending())
        with pytest.raises(ConnectionLost) as raised:
            shop.reservations.reserve(
                "order:1",
                [("TEE", 2)],
                strategy=_EndsConnectionsOnce(postgres_url, "orderkit_lost"),
            )
        assert isinstance(raised.value.__cause__, psycopg.OperationalError)
        after = (shop.inventory.levels(), shop.inventory.ledger(), shop.events.count_pending())
        assert after == before


def _receive_one_slowly(url: str, locked: threading.Event) -> None:
    """Another host receiving a unit: the row stays locked for a while before the commit."""
    with psycopg.connect(url) as raw:
        raw.execute(
            "UPDATE stock_levels SET on_hand = on_hand + 1 WHERE sku = 'TEE' AND warehouse = 'BER'"
        )
        raw.execute(
            "INSERT INTO stock_movements (sku, warehouse, kind, on_hand_delta, reserved_delta, "
            "backordered_delta, document, reason, occurred_at) "
            "VALUES ('TEE', 'BER', 'receive', 1, 0, 0, 'delivery', NULL, now())"
        )
        locked.set()
        time.sleep(0.3)
        raw.commit()


@pytest.mark.postgres
def test_a_count_waits_for_a_concurrent_change_and_sets_what_was_counted(
    shop: ok.Shop, postgres_url: str
) -> None:
    # The count reads on-hand units and writes the difference: it must read
    # under a row lock, or it would add its difference to a level that changed.
    locked = threading.Event()
    other = threading.Thread(target=_receive_one_slowly, args=(postgres_url, locked))
    other.start()
    assert locked.wait(5)
    counted = shop.inventory.count("TEE", "BER", 50)
    other.join(5)
    assert counted.on_hand == 50
    assert shop.inventory.level("TEE", "BER").on_hand == 50
    assert shop.inventory.verify_ledger()


@pytest.mark.postgres
def test_statements_stay_prepared_across_rollbacks(postgres_url: str) -> None:
    # One connection, so every unit of work reuses the statements prepared on it.
    with ok.Shop(PostgresStore(postgres_url, max_connections=1)) as shop:
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("9.90", "EUR")))
        for cents in range(10, 30):
            # Several commits, then a rollback: psycopg would by then have prepared a
            # statement of its own, and its rollback deallocates every statement.
            if cents % 7 == 0:
                with pytest.raises(ok.errors.CurrencyMismatch):  # read, then rolled back
                    shop.catalog.change_price("TEE", ok.Money("1.00", "USD"))
            changed = shop.catalog.change_price("TEE", ok.Money(f"9.{cents}", "EUR"))
            assert changed.price == ok.Money(f"9.{cents}", "EUR")


@pytest.mark.postgres
def test_a_connection_keeps_a_bounded_number_of_prepared_statements(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import orderkit.adapters.postgres as postgres_adapter

    monkeypatch.setattr(postgres_adapter, "_PREPARED_LIMIT", 3)
    with ok.Shop(PostgresStore(postgres_url, max_connections=1), clock=ok.ManualClock(T0)) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN_HUB))
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("9.90", "EUR")))
        for _ in range(3):  # statements are forgotten and prepared again as they come back
            shop.inventory.receive("TEE", "BER", 2)
            shop.reservations.reserve("order:1", [("TEE", 1)])
            shop.reservations.release_document("order:1")
        assert shop.inventory.level("TEE", "BER") == ok.StockLevel("TEE", "BER", 6, 0, 0)
        with shop.store.unit_of_work(readonly=True) as uow:
            session = uow._session  # type: ignore[attr-defined]
            session.one("SELECT 1")  # begins the transaction; later statements are prepared
            (prepared,) = session.one(
                "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'orderkit%'"
            )
        assert prepared <= 3
