import pytest

from orderkit.storage import Store
from orderkit.testing.contract import PersistentStoreContract

pytestmark = pytest.mark.postgres


class TestPostgresStore(PersistentStoreContract):
    @pytest.fixture(autouse=True)
    def _schema(self, postgres_url: str) -> None:
        self.url = postgres_url

    def make_store(self) -> Store:
        from orderkit.adapters.postgres import PostgresStore

        return PostgresStore(self.url, max_connections=4)

    def reopen(self, store: Store) -> Store:
        return self.make_store()
