"""Small checks shared by the value classes.

Functions that return a valid value or raise :class:`~orderkit.errors.ValidationError`
naming the field, and attrs validators and converters built on them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from orderkit.errors import InvalidTime, ValidationError

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}")


_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters (all but tab, line feed and carriage return) and lone surrogates.

PostgreSQL refuses NUL and unpaired surrogates in text; the other control
characters mean nothing in a name, a note or a reason. One rule for every
store: text that one store keeps, every store keeps.
"""

MAX_INT = 2**63 - 1
"""The largest whole number a store keeps (a signed 64-bit integer)."""


def require_locale(value: object, field: str = "locale") -> str:
    """``value`` if it is a locale babel knows (``"de_DE"``, ``"en"``).

    Raises:
        ValidationError: It is not a text, or babel knows no such locale.
    """
    from babel import Locale, UnknownLocaleError

    if not isinstance(value, str) or not 1 <= len(value) <= 40:
        raise ValidationError(field, value, "must be a locale name such as 'de_DE'")
    try:
        Locale.parse(value)
    except (ValueError, TypeError, UnknownLocaleError):
        raise ValidationError(field, value, "is not a locale babel knows") from None
    return value


def require_text(value: object, field: str, max_length: int = 200) -> str:
    """Return ``value`` stripped, if it is a non-empty string of at most ``max_length``.

    Control characters other than tab and line breaks, and lone surrogates,
    are refused: every store keeps the same text.
    """
    if not isinstance(value, str):
        raise ValidationError(field, value, "must be a string")
    text = value.strip()
    if not text:
        raise ValidationError(field, value, "must not be empty")
    if len(text) > max_length:
        raise ValidationError(field, value, f"must be at most {max_length} characters")
    bad = _UNSTORABLE.search(text)
    if bad is not None:
        raise ValidationError(
            field,
            value,
            f"must not hold the control character {bad.group()!r} (at {bad.start()})",
        )
    return text


def require_code(value: object, field: str) -> str:
    """Return ``value`` if it is an identifier-like code (SKU, warehouse, channel)."""
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise ValidationError(
            field,
            value,
            "must be 1-64 characters: letters, digits and . _ - /, starting with a letter or digit",
        )
    return value


def parse_enum(kind: type[E], value: object, field: str) -> E:
    """Return the member of ``kind`` that is or has ``value``, else raise ValidationError."""
    if isinstance(value, kind):
        return value
    for member in kind:
        if member.value == value:
            return member
    allowed = ", ".join(str(member.value) for member in kind)
    raise ValidationError(field, value, f"must be one of {allowed}")


def require_instance(value: object, kind: type[T], field: str) -> T:
    """Return ``value`` if it is an instance of ``kind``, else raise ValidationError."""
    if not isinstance(value, kind):
        raise ValidationError(field, value, f"must be a {kind.__name__}")
    return value


def instance_of(kind: type[T]) -> Callable[[object, Any, T], None]:
    """An attrs validator like ``attrs.validators.instance_of`` raising ValidationError."""

    def check(instance: object, attribute: Any, value: object) -> None:
        require_instance(value, kind, attribute.name)

    return check


def optional_instance_of(kind: type[T]) -> Callable[[object, Any, T | None], None]:
    """Like :func:`instance_of`, but ``None`` is allowed too."""

    def check(instance: object, attribute: Any, value: object) -> None:
        if value is not None:
            require_instance(value, kind, attribute.name)

    return check


def require_tuple_of(
    value: object, kind: type[T], field: str, *, at_least: int = 0
) -> tuple[T, ...]:
    """``value`` as a tuple when it is a list or tuple of ``kind`` with ``at_least`` items.

    Raises:
        ValidationError: Not a sequence (a text or a mapping is not one), too
            few items, or an item of another kind (named).
    """
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        raise ValidationError(field, value, f"give a list of {kind.__name__}s")
    if len(value) < at_least:
        raise ValidationError(field, value, f"give at least {at_least} {kind.__name__}")
    for item in value:
        if not isinstance(item, kind):
            raise ValidationError(field, item, f"must be a {kind.__name__}")
    return tuple(value)


def require_aware(value: object, field: str) -> datetime:
    """Return ``value`` if it is a timezone-aware datetime.

    Raises:
        InvalidTime: ``value`` is not a datetime or has no timezone.
    """
    if not isinstance(value, datetime):
        raise InvalidTime(field, value, "must be a datetime")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise InvalidTime(field, value, "must be timezone-aware (for example tzinfo=UTC)")
    return value


def require_limit(value: object, field: str = "limit", most: int = 10_000) -> int:
    """Return ``value`` if it is an int from 1 to ``most`` (how many rows one call takes)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise ValidationError(field, value, f"must be an int from 1 to {most}")
    return value


def non_negative_int(value: object, field: str) -> int:
    """Return ``value`` if it is an int from 0 to :data:`MAX_INT` (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(field, value, "must be a whole number >= 0")
    if value > MAX_INT:
        raise ValidationError(field, value, f"must be at most {MAX_INT} (64 bits)")
    return value


Validator = Callable[[object, Any, Any], None]


def stripped(value: object) -> object:
    """An attrs converter: strip surrounding white space from strings, pass anything else."""
    return value.strip() if isinstance(value, str) else value


def blank_to_none(value: object) -> object:
    """An attrs converter: like :func:`stripped`, and a blank string becomes ``None``."""
    value = stripped(value)
    return None if value == "" else value


def text(max_length: int = 200) -> Validator:
    """An attrs validator: :func:`require_text` naming the attribute."""

    def check(instance: object, attribute: Any, value: object) -> None:
        require_text(value, attribute.name, max_length)

    return check


def optional_text(max_length: int = 200) -> Validator:
    """An attrs validator: ``None`` or :func:`require_text`, naming the attribute."""

    def check(instance: object, attribute: Any, value: object) -> None:
        if value is not None:
            require_text(value, attribute.name, max_length)

    return check


def code() -> Validator:
    """An attrs validator: :func:`require_code` naming the attribute."""

    def check(instance: object, attribute: Any, value: object) -> None:
        require_code(value, attribute.name)

    return check


def optional_code() -> Validator:
    """An attrs validator: ``None`` or :func:`require_code`, naming the attribute."""

    def check(instance: object, attribute: Any, value: object) -> None:
        if value is not None:
            require_code(value, attribute.name)

    return check


def count() -> Validator:
    """An attrs validator: :func:`non_negative_int` naming the attribute."""

    def check(instance: object, attribute: Any, value: object) -> None:
        non_negative_int(value, attribute.name)

    return check


def aware() -> Validator:
    """An attrs validator: :func:`require_aware` naming the attribute."""

    def check(instance: object, attribute: Any, value: object) -> None:
        require_aware(value, attribute.name)

    return check
