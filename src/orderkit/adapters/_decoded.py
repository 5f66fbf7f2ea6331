"""Aggregates kept decoded between units of work, by table, id and stored version.

Structuring a stored document back into objects is most of what loading an
aggregate costs, and a use case loads the aggregates the previous one just
saved. A store keeps one :class:`DecodedCache`; each unit of work reads
through a :class:`DecodedView` of it.

Why it is safe:

- An entry is the aggregate *at a stored version*, and a load still reads the
  row's version in the same statement: a row another process changed since has
  another version and is decoded afresh. Versions only grow, and a version is
  committed once (the version check on save), so ``(table, id, version)``
  names one content.
- What a unit of work saves or reads is staged in its view and reaches the
  cache only when it commits (a read-only one: when it ends, since it read
  only committed rows). A rolled-back save never becomes an entry.
- Nobody holds an entry: the cache keeps a copy of what it is given and hands
  out a copy, so a caller changing its aggregate changes nothing cached.
  Frozen attrs values inside an aggregate (lines, addresses, history entries)
  and fields declared read-only (``Mapping``, ``frozenset``, tuples) are
  shared, as they cannot change; lists, dicts, sets and mutable attrs objects
  are copied. A frozen value made only of such parts is shared whole.
"""

from __future__ import annotations

import threading
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from orderkit.core.frozen import immutable, is_frozen
from orderkit.errors import ConfigurationError

__all__ = ["DEFAULT_SIZE", "DecodedCache", "DecodedView", "detached"]

DEFAULT_SIZE = 10_000
"""How many decoded aggregates a store keeps unless told otherwise."""

T = TypeVar("T")

_Key = tuple[str, str]
_Entry = tuple[int, Any, dict[str, Any] | None]
"""A version, the aggregate at it, and its row's other columns as stored (when known)."""

_COPIERS: dict[type, Callable[[Any], Any]] = {}


def detached(value: T) -> T:
    """A copy of ``value`` that shares nothing mutable with it."""
    copier = _COPIERS.get(type(value))
    if copier is None:
        copier = _COPIERS[type(value)] = _copier_of(type(value))
    copied: T = copier(value)
    return copied


_SHARE, _LIST, _DICT, _SET, _MUTABLE = range(5)
_HOW: dict[type, int] = {list: _LIST, dict: _DICT, set: _SET}


def _how(kind: type) -> int:
    """How a value of ``kind`` is copied: shared, or which container or object to copy."""
    how = _HOW.get(kind)
    if how is None:
        how = _HOW[kind] = _MUTABLE if attrs.has(kind) and not is_frozen(kind) else _SHARE
    return how


def _copy_item(value: Any) -> Any:
    how = _HOW.get(type(value))
    if how is None:
        how = _how(type(value))
    if how == _SHARE:
        return value
    if how == _LIST:
        return [_copy_item(item) for item in value]
    if how == _DICT:
        return {key: _copy_item(item) for key, item in value.items()}
    if how == _SET:
        return set(value)
    return detached(value)


def _field_copier(hint: Any) -> Callable[[Any], Any] | None:
    """How one field is copied: ``None`` to share it, else a function (from its type hint)."""
    if immutable(hint):
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list and args and immutable(args[0]):
        return list
    if origin is dict and len(args) == 2 and immutable(args[1]):
        return dict
    return _copy_item


def _same(value: T) -> T:
    return value


def _copier_of(kind: type) -> Callable[[Any], Any]:
    if not attrs.has(kind):
        return _copy_item
    hints = typing.get_type_hints(kind)
    fields = [
        (field.name, _field_copier(hints.get(field.name, Any))) for field in attrs.fields(kind)
    ]
    shared = tuple(name for name, how in fields if how is None)
    copied = tuple((name, how) for name, how in fields if how is not None)
    if not copied and is_frozen(kind):
        return _same  # nothing in it can change: it can be shared as it is
    # One statement per field, written out once per class: a loop over the
    # names costs about twice as much, and copies are made on every load.
    lines = ["def copy(value):", "    clone = new(kind)"]
    lines += [f"    assign(clone, {name!r}, value.{name})" for name in shared]
    lines += [
        f"    assign(clone, {name!r}, how_{index}(value.{name}))"
        for index, (name, _) in enumerate(copied)
    ]
    lines.append("    return clone")
    scope: dict[str, Any] = {"new": object.__new__, "assign": object.__setattr__, "kind": kind}
    scope.update({f"how_{index}": how for index, (_, how) in enumerate(copied)})
    exec("\n".join(lines), scope)  # the source holds only attrs field names
    copy: Callable[[Any], Any] = scope["copy"]
    return copy


class DecodedCache:
    """Decoded aggregates of one store, at most ``size`` of them, the oldest dropped first.

    Args:
        size: How many aggregates to keep; 0 keeps none.

    Raises:
        ConfigurationError: ``size`` is not an int >= 0.
    """

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ConfigurationError("cache_size", size, "must be an int >= 0 (0 keeps nothing)")
        self.size = size
        self._entries: dict[_Key, _Entry] = {}
        self._texts: dict[_Key, tuple[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: _Key, version: int) -> Any | None:
        """The aggregate stored under ``key`` at ``version`` (a copy), or ``None``."""
        entry = self._entries.get(key)
        if entry is None or entry[0] != version:
            return None
        return detached(entry[1])

    def from_text(self, key: _Key, text: str, decode: Callable[[str], T]) -> T:
        """The value stored as ``text`` under ``key``: decoded once per distinct text.

        The same text always decodes to the same value, so this needs no
        version and no commit: whatever a unit of work reads, a cached value
        of that exact text is right.
        """
        entry = self._texts.get(key)
        if entry is not None and entry[0] == text:
            known: T = detached(entry[1])
            return known
        value = decode(text)
        if self.size:
            with self._lock:
                self._texts.pop(key, None)
                self._texts[key] = (text, detached(value))
                while len(self._texts) > self.size:
                    del self._texts[next(iter(self._texts))]
        return value

    def entry(self, key: _Key) -> _Entry | None:
        """The held entry under ``key`` (not a copy: never change it)."""
        return self._entries.get(key)

    def publish(self, staged: dict[_Key, _Entry]) -> None:
        """Take in what a unit of work staged (already copies of its own)."""
        if not self.size:
            return
        with self._lock:
            entries = self._entries
            for key, entry in staged.items():
                entries.pop(key, None)  # re-inserted last: the newest is dropped last
                entries[key] = entry
            while len(entries) > self.size:
                del entries[next(iter(entries))]

    def clear(self) -> None:
        """Forget every aggregate."""
        with self._lock:
            self._entries.clear()
            self._texts.clear()


class DecodedView:
    """One unit of work's look at the cache, with what it read and saved staged apart."""

    def __init__(self, cache: DecodedCache) -> None:
        self._cache = cache
        self._staged: dict[_Key, _Entry] = {}

    def get(self, table: str, key: str, version: int) -> Any | None:
        """The aggregate ``key`` of ``table`` at ``version`` (a copy), or ``None``."""
        entry = self._staged.get((table, key))
        if entry is not None:
            return detached(entry[1]) if entry[0] == version else None
        return self._cache.get((table, key), version)

    def from_text(self, table: str, key: str, text: Any, decode: Callable[[Any], T]) -> T:
        """The value stored as ``text`` under ``key`` of ``table``; see ``DecodedCache.from_text``.

        ``text`` that is not a string (a driver that decodes JSON itself) is decoded every time.
        """
        if not isinstance(text, str):
            return decode(text)
        return self._cache.from_text((table, key), text, decode)

    def peek(self, table: str, key: str, version: int) -> Any | None:
        """Like :meth:`get`, but the held aggregate itself: read it, never change it."""
        entry = self._staged.get((table, key))
        if entry is None:
            entry = self._cache.entry((table, key))
        return entry[1] if entry is not None and entry[0] == version else None

    def stage(
        self,
        table: str,
        key: str,
        version: int,
        value: Any,
        columns: dict[str, Any] | None = None,
    ) -> None:
        """Remember ``value`` as ``key`` of ``table`` at ``version`` (a copy is kept).

        ``columns`` are the row's other columns as written, when the caller wrote them.
        """
        self._staged[(table, key)] = (version, detached(value), columns)

    def columns(self, table: str, key: str, version: int) -> dict[str, Any] | None:
        """The other columns of ``key``'s row at ``version`` as this store wrote them, if known."""
        entry = self._staged.get((table, key))
        if entry is None:
            entry = self._cache.entry((table, key))
        return entry[2] if entry is not None and entry[0] == version else None

    def publish(self) -> None:
        """The unit of work committed: what it staged goes into the cache."""
        if self._staged:
            self._cache.publish(self._staged)
            self._staged = {}

    def discard(self) -> None:
        """The unit of work rolled back: nothing it staged is kept."""
        self._staged = {}
