from pathlib import Path

import pytest

from orderkit.adapters.sqlite import SqliteStore
from orderkit.storage import Store
from orderkit.testing.contract import PersistentStoreContract, StoreContract


class TestSqliteFileStore(PersistentStoreContract):
    @pytest.fixture(autouse=True)
    def _folder(self, tmp_path: Path) -> None:
        self.path = tmp_path / "shop.db"

    def make_store(self) -> Store:
        return SqliteStore(self.path)

    def reopen(self, store: Store) -> Store:
        return SqliteStore(self.path)


class TestSqliteInMemoryStore(StoreContract):
    def make_store(self) -> Store:
        return SqliteStore(":memory:")
