"""The DuckDB engine passes the engine contract on a copy of each bundled store."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderkit.adapters.duckdb import DuckDbLedger
from orderkit.adapters.memory import MemoryStore
from orderkit.adapters.sqlite import SqliteStore
from orderkit.reports.ports import SalesAggregation
from orderkit.storage import Store
from orderkit.testing.sales_contract import SalesEngineContract


class TestDuckDbOnTheMemoryStore(SalesEngineContract):
    def make_store(self) -> Store:
        return MemoryStore()

    def make_engine(self, store: Store) -> SalesAggregation:
        return DuckDbLedger.of_store(store)


class TestDuckDbOnSqlite(SalesEngineContract):
    @pytest.fixture(autouse=True)
    def _folder(self, tmp_path: Path) -> None:
        self.folder = tmp_path

    def make_store(self) -> Store:
        return SqliteStore(self.folder / "shop.db")

    def make_engine(self, store: Store) -> SalesAggregation:
        return DuckDbLedger.of_store(store, self.folder / "copy.duckdb")


@pytest.mark.postgres
class TestDuckDbOnPostgres(SalesEngineContract):
    @pytest.fixture(autouse=True)
    def _schema(self, postgres_url: str) -> None:
        self.url = postgres_url

    def make_store(self) -> Store:
        from orderkit.adapters.postgres import PostgresStore

        return PostgresStore(self.url, max_connections=2)

    def make_engine(self, store: Store) -> SalesAggregation:
        return DuckDbLedger.of_store(store)
