from pathlib import Path

from orderkit.adapters.memory import MemoryStore
from orderkit.storage import Store
from orderkit.testing.contract import StoreContract


class TestMemoryStore(StoreContract):
    def make_store(self, folder: Path) -> Store:
        return MemoryStore()
