"""Every bundled store, and the how-to's JSON-file store, keep records for host capabilities."""

from pathlib import Path

import pytest

from orderkit.adapters.memory import MemoryStore
from orderkit.adapters.sqlite import SqliteStore
from orderkit.testing.record_contract import RecordContract
from tests.contract.test_json_file_store import json_file_store


class TestMemoryRecords(RecordContract):
    def make_store(self, folder: Path) -> MemoryStore:
        return MemoryStore()


class TestSqliteRecords(RecordContract):
    def make_store(self, folder: Path) -> SqliteStore:
        return SqliteStore(folder / "shop.db")


class TestJsonFileRecordsOfTheHowTo(RecordContract):
    def make_store(self, folder: Path) -> object:
        return json_file_store(folder / "shop.json")  # type: ignore[operator]


@pytest.mark.postgres
class TestPostgresRecords(RecordContract):
    @pytest.fixture(autouse=True)
    def _server(self, postgres_server: str) -> None:
        self.server = postgres_server

    def make_store(self, folder: Path) -> object:
        from orderkit.adapters.postgres import PostgresStore
        from tests.postgres import fresh_schema

        schema = fresh_schema(self.server)
        url = schema.__enter__()
        store = PostgresStore(url, max_connections=2)
        close = store.close

        def close_and_drop() -> None:
            close()
            schema.__exit__(None, None, None)

        store.close = close_and_drop  # type: ignore[method-assign]
        return store


def test_orders_written_before_their_facts_were_kept_are_found() -> None:
    """Records of an older orderkit (orders without facts) are found, and get facts at a write."""
    from orderkit.lifecycle.repository import OrderQuery
    from orderkit.testing.contract import sample_order

    store = MemoryStore()
    with store.unit_of_work() as uow:
        for number in (1, 2, 3):
            uow.orders.add(sample_order(f"O{number}", number))
        uow.commit()
    with store.unit_of_work() as uow:  # as an older orderkit left them
        for number in (1, 2, 3):
            uow.records.delete("orders.facts", (number,))
        uow.records.delete("orders.facts.kept", ("v1",))
        uow.commit()

    def found() -> list[int]:
        with store.unit_of_work(readonly=True) as uow:
            return [o.number for o in uow.orders.find(OrderQuery(states=("placed",)), limit=10)]

    assert found() == [3, 2, 1]
    with store.unit_of_work() as uow:
        order = uow.orders.get("O2")
        order.state = "confirmed"
        uow.orders.save(order)
        uow.commit()
    with store.unit_of_work(readonly=True) as uow:
        assert [key for key, _ in uow.records.scan("orders.facts")] == [(1,), (2,), (3,)]
    assert found() == [3, 1]
