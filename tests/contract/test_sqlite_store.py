from pathlib import Path

from orderkit.adapters.sqlite import SqliteStore
from orderkit.storage import Store
from orderkit.testing.contract import PersistentStoreContract, StoreContract


class TestSqliteFileStore(PersistentStoreContract):
    def make_store(self, folder: Path) -> Store:
        self.path = folder / "shop.db"
        return SqliteStore(self.path)

    def reopen(self, store: Store) -> Store:
        return SqliteStore(self.path)


class TestSqliteInMemoryStore(StoreContract):
    def make_store(self) -> Store:
        return SqliteStore(":memory:")
