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
