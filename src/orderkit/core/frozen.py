"""Which values cannot change once made, read from their classes and type hints.

A value that cannot change may be shared rather than copied (the stores'
decoded cache) and has one stored form for as long as it lives (the
converter remembers it). Frozen attrs classes count as unchangeable, as do
fields declared read-only (tuples, ``frozenset``, ``Mapping``, which orderkit
fills with a private proxy).
"""

from __future__ import annotations

import enum
import types
import typing
from collections import abc
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

__all__ = ["frozen_through", "immutable", "is_frozen"]

_IMMUTABLE = (str, int, float, bool, bytes, Decimal, datetime, date, type(None), enum.Enum)


def is_frozen(kind: type) -> bool:
    """Whether attrs made ``kind`` frozen: setting any attribute raises FrozenInstanceError."""
    try:
        probe: Any = object.__new__(kind)
        probe.__orderkit_probe__ = None
    except attrs.exceptions.FrozenInstanceError:
        return True
    except (AttributeError, TypeError):
        return False
    return False


def immutable(hint: Any) -> bool:
    """Whether every value the type hint allows is immutable (frozen attrs count as such)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return all(immutable(arg) for arg in typing.get_args(hint))
    if origin is tuple:
        return all(arg is Ellipsis or immutable(arg) for arg in typing.get_args(hint))
    if origin is frozenset:
        return all(immutable(arg) for arg in typing.get_args(hint))
    if origin is abc.Mapping:  # declared read-only: orderkit keeps a private proxy there
        return all(immutable(arg) for arg in typing.get_args(hint))
    if not isinstance(hint, type):
        return False
    if issubclass(hint, _IMMUTABLE):
        return True
    return attrs.has(hint) and is_frozen(hint)


def frozen_through(kind: type) -> bool:
    """Whether ``kind`` is a frozen attrs class whose every field's type is immutable too."""
    if not (isinstance(kind, type) and attrs.has(kind) and is_frozen(kind)):
        return False
    try:
        hints = typing.get_type_hints(kind)
    except (NameError, TypeError):  # a hint that cannot be resolved here: not sure, so no
        return False
    return all(immutable(hints.get(field.name, Any)) for field in attrs.fields(kind))
