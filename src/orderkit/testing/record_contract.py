"""The contract of the records every store keeps for a host's own capabilities, as a pytest suite.

Subclass :class:`RecordContract` and say how to make a fresh, empty store
whose units of work offer ``records``
(:class:`~orderkit.core.records.RecordKeeping`)::

    class TestMyStoreRecords(RecordContract):
        def make_store(self, folder):
            return MyStore(folder / "shop.data")

A backend for :class:`~orderkit.adapters.records.RecordStore` passes it
through the store made of it. orderkit runs it against the memory, SQLite and
PostgreSQL stores and the JSON-file store of the "Write a store" how-to.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderkit.core.records import Key
from orderkit.errors import StorageError
from orderkit.testing.contract import make_in

__all__ = ["RecordContract"]

_keys = st.tuples(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
)


class RecordContract:
    """What a host's capability relies on when it keeps records in a store."""

    def make_store(self, folder: Path) -> Any:
        """Return a new, empty store; ``folder`` is an empty directory it may use."""
        raise NotImplementedError("implement make_store(folder) to return a fresh, empty store")

    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[Any]:
        """A fresh store in a new temporary directory, closed after the test."""
        store = make_in(self.make_store, tmp_path)
        yield store
        store.close()

    @staticmethod
    def put_all(store: Any, table: str, keys: list[Key]) -> None:
        """Store ``{"n": i}`` under each key, in one committed unit of work."""
        with store.unit_of_work() as uow:
            for number, key in enumerate(keys):
                uow.records.put(table, key, {"n": number, "key": list(key)})
            uow.commit()

    @staticmethod
    def scanned(store: Any, table: str, *args: Any, **kwargs: Any) -> list[Key]:
        """The keys a read-only scan returns."""
        with store.unit_of_work(readonly=True) as uow:
            return [key for key, _ in uow.records.scan(table, *args, **kwargs)]

    def test_a_record_goes_in_and_comes_out(self, store: Any) -> None:
        """put, get, delete; a missing key is None; tables are apart."""
        record = {"name": "Ana", "tags": ["a", "b"], "count": 3, "nothing": None}
        with store.unit_of_work() as uow:
            uow.records.put("people", ("ana",), record)
            assert uow.records.get("people", ("ana",)) == record
            assert uow.records.get("pets", ("ana",)) is None
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.records.get("people", ("ana",)) == record
            uow.records.delete("people", ("ana",))
            uow.records.delete("people", ("nobody",))
            assert uow.records.get("people", ("ana",)) is None
            uow.commit()
        assert self.scanned(store, "people") == []

    def test_a_scan_is_in_key_order_under_its_prefix_and_bound(self, store: Any) -> None:
        """Prefix, before and reverse, with ints and strings as Python orders them."""
        keys: list[Key] = [("b", 2), ("a", 10), ("b", -1), ("a", 9), ("c", 0), ("a", 10, "x")]
        self.put_all(store, "t", keys)
        assert self.scanned(store, "t") == sorted(keys)
        assert self.scanned(store, "t", ("a",)) == [("a", 9), ("a", 10), ("a", 10, "x")]
        assert self.scanned(store, "t", ("a", 10)) == [("a", 10), ("a", 10, "x")]
        assert self.scanned(store, "t", ("b",), reverse=True) == [("b", 2), ("b", -1)]
        assert self.scanned(store, "t", before=("b", 2)) == [
            ("a", 9),
            ("a", 10),
            ("a", 10, "x"),
            ("b", -1),
        ]
        assert self.scanned(store, "t", (), before=("a", 10), reverse=True) == [("a", 9)]

    def test_reads_see_the_units_own_writes(self, store: Any) -> None:
        """A scan inside a unit of work shows what it put and hides what it deleted."""
        self.put_all(store, "t", [(1,), (3,), (5,)])
        with store.unit_of_work() as uow:
            uow.records.put("t", (2,), {"n": 2})
            uow.records.put("t", (3,), {"n": 33})
            uow.records.delete("t", (5,))
            found = list(uow.records.scan("t"))
            assert [key for key, _ in found] == [(1,), (2,), (3,)]
            assert found[2][1] == {"n": 33}
            assert [key for key, _ in uow.records.scan("t", reverse=True)] == [(3,), (2,), (1,)]

    def test_nothing_is_kept_without_a_commit(self, store: Any) -> None:
        """Leaving a unit of work without commit, or with an error, keeps nothing."""
        with store.unit_of_work() as uow:
            uow.records.put("t", (1,), {"n": 1})

        def fail_midway() -> None:
            with store.unit_of_work() as uow:
                uow.records.put("t", (2,), {"n": 2})
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            fail_midway()
        assert self.scanned(store, "t") == []

    def test_a_read_only_unit_refuses_to_write(self, store: Any) -> None:
        """Writes (put, delete) raise StorageError in a read-only unit of work."""
        with store.unit_of_work(readonly=True) as uow:
            with pytest.raises(StorageError):
                uow.records.put("t", (1,), {"n": 1})
            with pytest.raises(StorageError):
                uow.records.delete("t", (1,))
        assert self.scanned(store, "t") == []

    def test_long_scans_lose_nothing(self, store: Any) -> None:
        """Hundreds of records come back complete, both ways (backends may read in pages)."""
        keys: list[Key] = [("k", n) for n in range(450)]
        self.put_all(store, "many", keys)
        assert self.scanned(store, "many") == keys
        assert self.scanned(store, "many", reverse=True) == keys[::-1]
        with store.unit_of_work(readonly=True) as uow:
            first: list[Key] = [
                key for _, (key, _) in zip(range(3), uow.records.scan("many"), strict=False)
            ]
        assert first == keys[:3]

    def test_keys_of_any_text_and_any_64_bit_int_sort_as_python_sorts(self, store: Any) -> None:
        """Empty text, NUL characters, non-ASCII, negative and huge ints keep their order."""
        keys: list[Key] = [
            ("", 0),
            ("\x00", -1),
            ("a\x00b", 2**63 - 1),
            ("a", -(2**63)),
            ("é", 5),
            ("z", 1),
            ("日本", -5),
        ]
        self.put_all(store, "odd", keys)
        assert self.scanned(store, "odd") == sorted(keys)
        with store.unit_of_work(readonly=True) as uow:
            assert uow.records.get("odd", ("a\x00b", 2**63 - 1)) == {
                "n": 2,
                "key": ["a\x00b", 2**63 - 1],
            }

    # Each store's subclass runs this property on its own store: a different
    # executor per class by design, not a source of flakiness.
    @settings(
        max_examples=20, deadline=None, suppress_health_check=[HealthCheck.differing_executors]
    )
    @given(keys=st.lists(_keys, max_size=25, unique=True))
    def test_any_keys_scan_in_python_order(self, tmp_path_factory: Any, keys: list[Key]) -> None:
        """Property: whatever the keys, a scan returns them as ``sorted`` orders them."""
        store = make_in(self.make_store, tmp_path_factory.mktemp("records"))
        try:
            self.put_all(store, "p", keys)
            assert self.scanned(store, "p") == sorted(keys)
            assert self.scanned(store, "p", reverse=True) == sorted(keys, reverse=True)
        finally:
            store.close()
