"""The JSON-file store of the "Write a store" how-to keeps the whole contract."""

import re
from pathlib import Path

from orderkit.storage import Store
from orderkit.testing.contract import PersistentStoreContract

PAGE = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "write-a-store.md"
FIRST_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _store_from_the_page() -> object:
    namespace: dict[str, object] = {"__name__": "write_a_store"}
    exec(compile(FIRST_BLOCK.findall(PAGE.read_text())[0], PAGE.name, "exec"), namespace)
    return namespace["json_file_store"]


json_file_store = _store_from_the_page()


class TestJsonFileStoreOfTheHowTo(PersistentStoreContract):
    def make_store(self, folder: Path) -> Store:
        store: Store = json_file_store(folder / "shop.json")  # type: ignore[operator]
        return store

    def reopen(self, store: Store) -> Store:
        again: Store = json_file_store(store.backend.path)  # type: ignore[attr-defined,operator]
        return again


def test_the_how_to_store_is_under_two_hundred_lines() -> None:
    assert len(FIRST_BLOCK.findall(PAGE.read_text())[0].splitlines()) <= 200
