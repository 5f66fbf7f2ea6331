"""Turning orderkit's values into JSON-ready data and back, with cattrs.

:func:`make_converter` builds a fresh :class:`cattrs.Converter` that knows
orderkit's types: ``Decimal`` as a string (never a float), aware datetimes as
ISO 8601, :class:`~orderkit.core.money.Money` as ``{"amount": "19.90", "currency": "EUR"}``,
enums by value. Structuring runs every constructor, so data read back is
validated exactly like data typed in, and it never coerces: ``1.5`` is not read
as the int ``1``, nor ``12`` as the string ``"12"``. A wrong value raises the
orderkit error the constructor raises; a wrong shape (a missing or an extra
key) raises cattrs' or Python's own error. The global cattrs converter is never
used or changed.

:class:`EventCodec` turns domain events into outbox messages and back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, get_origin

import cattrs
from cattrs.errors import CattrsError

from orderkit.core.addresses import Address
from orderkit.core.checks import require_aware
from orderkit.core.events import DomainEvent, OutboxMessage
from orderkit.core.frozen import frozen_through
from orderkit.core.money import Money
from orderkit.errors import InvalidAmount, ValidationError

__all__ = [
    "ConverterHook",
    "EventCodec",
    "FormMemo",
    "make_converter",
    "remembered",
    "structure_datetime",
    "unstructure_datetime",
]

ConverterHook = Callable[[cattrs.Converter], None]
"""Teaches a converter a capability's own types (a capability declaration brings them)."""


def _structure_decimal(value: object, _: type) -> Decimal:
    if isinstance(value, bool | float):
        raise InvalidAmount("amount", value, "decimals are stored as strings, never floats")
    if not isinstance(value, str | int | Decimal):
        raise InvalidAmount("amount", value, "expected a decimal string")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise InvalidAmount("amount", value, "not a decimal number") from None


def structure_datetime(value: object, _: type) -> datetime:
    """Read an aware datetime from ISO 8601 text (a converter hook)."""
    if isinstance(value, datetime):
        return require_aware(value, "datetime")
    if not isinstance(value, str):
        raise ValidationError("datetime", value, "expected an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("datetime", value, "not an ISO 8601 datetime") from None
    return require_aware(parsed, "datetime")


def structure_date(value: object, _: type) -> date:
    """Read a calendar day written as ``YYYY-MM-DD`` (a converter hook)."""
    if not isinstance(value, str) or len(value) != 10:
        raise ValidationError("date", value, "expected a YYYY-MM-DD string")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError("date", value, "not a YYYY-MM-DD date") from None


def unstructure_datetime(value: datetime) -> str:
    """Write an aware datetime as ISO 8601 text (a converter hook)."""
    return require_aware(value, "datetime").isoformat()


_MONEY_READ: dict[tuple[str, str], Money] = {}
"""Stored amounts already read, by amount and currency: prices repeat across documents."""
_MONEY_READ_SIZE = 4096


def _structure_money(value: object, _: type) -> Money:
    if not isinstance(value, Mapping) or len(value) != 2:
        raise ValidationError("money", value, 'expected {"amount": "...", "currency": "..."}')
    try:
        amount, currency = value["amount"], value["currency"]
    except KeyError:
        raise ValidationError(
            "money", value, 'expected {"amount": "...", "currency": "..."}'
        ) from None
    if isinstance(amount, float):
        raise InvalidAmount("amount", amount, "amounts are stored as strings, never floats")
    if type(amount) is not str or type(currency) is not str:
        return Money(amount, currency)  # Money refuses what is wrong, by name
    key = (amount, currency)
    money = _MONEY_READ.get(key)
    if money is None:  # Money is immutable, so one read value serves every document
        money = Money(amount, currency)
        if len(_MONEY_READ) >= _MONEY_READ_SIZE:
            _MONEY_READ.clear()
        _MONEY_READ[key] = money
    return money


def _strict(kind: type, allowed: tuple[type, ...]) -> Callable[[object, type], Any]:
    # cattrs' default hooks coerce (int(1.5) == 1, str(12) == "12"); stored data
    # must already have the right type, so coercion would only hide corruption.
    def structure(value: object, _: type) -> Any:
        if type(value) is kind:  # the common case, decided by one comparison
            return value
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, allowed):
            raise ValidationError(kind.__name__, value, f"expected a JSON {kind.__name__}")
        return value

    return structure


def _structure_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError("float", value, "expected a JSON number")
    return float(value)


class FormMemo:
    """The stored forms of values that cannot change, by identity, at most ``size`` at once.

    An aggregate is written whole at every change, and most of what it holds
    (its history, steps, tracking events, lines) are the very same frozen
    objects as at the last save: their forms are made once. A remembered
    value is kept alive by the memo, so its id cannot pass to another value
    meanwhile; the memo starts afresh when it holds ``size`` values, which
    bounds what it keeps alive. The forms are shared between the documents
    that hold them: nothing may change a document once made.
    """

    def __init__(self, size: int = 16_384) -> None:
        self.size = size
        self._forms: dict[int, tuple[object, Any]] = {}

    def remember(self, unstructure: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """``unstructure``, answering from the memo for a value it has seen."""
        forms, size = self._forms, self.size

        def unstructure_remembered(value: Any) -> Any:
            known = forms.get(id(value))
            if known is not None and known[0] is value:
                return known[1]
            form = unstructure(value)
            if len(forms) >= size:
                forms.clear()
            forms[id(value)] = (value, form)
            return form

        return unstructure_remembered


def remembered(unstructure: Callable[[Any], Any], size: int = 4_096) -> Callable[[Any], Any]:
    """``unstructure`` for values that cannot change, with a :class:`FormMemo` of its own.

    For a capability's own hook of a frozen type (the converter remembers
    the frozen attrs classes it unstructures itself).
    """
    return FormMemo(size).remember(unstructure)


def _remembers(kind: type) -> bool:
    """Whether the converter remembers the forms of ``kind``: values kept inside aggregates.

    Events and outbox messages are written once each, so remembering them
    would only crowd out the rest.
    """
    return (
        isinstance(kind, type)
        and not issubclass(kind, DomainEvent | OutboxMessage)
        and frozen_through(kind)
    )


def _is_set_type(kind: object) -> bool:
    return kind in (set, frozenset) or get_origin(kind) in (set, frozenset)


def make_converter(hooks: Iterable[ConverterHook] = ()) -> cattrs.Converter:
    """Return a new converter for orderkit's values, taught more types by ``hooks``.

    :func:`orderkit.make_converter` is this with every bundled capability's hooks.

    Examples:
        >>> converter = make_converter()
        >>> converter.unstructure(Money("19.90", "EUR"))
        {'amount': '19.90', 'currency': 'EUR'}
        >>> converter.structure({"amount": "5", "currency": "JPY"}, Money)
        Money('5', 'JPY')
    """
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=False)
    forms = FormMemo()
    converter.register_unstructure_hook_factory(
        _remembers, lambda kind: forms.remember(converter.gen_unstructure_attrs_fromdict(kind))
    )
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(datetime, structure_datetime)
    converter.register_unstructure_hook(datetime, unstructure_datetime)
    converter.register_structure_hook(date, structure_date)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_structure_hook(Money, _structure_money)
    _address = converter.gen_structure_attrs_fromdict(Address)

    def structure_address(value: object, kind: type) -> Address:
        # Postal code formats arrived after addresses were first stored: one
        # kept before that does not fit its country still loads, as it was.
        try:
            loaded: Address = _address(value, kind)  # type: ignore[arg-type]
        except ValidationError as refused:
            if refused.field != "postal_code" or not isinstance(value, Mapping):
                raise
            address: Address = _address({**value, "postal_code": None}, kind)
            object.__setattr__(address, "postal_code", value["postal_code"])
            return address
        return loaded

    converter.register_structure_hook(Address, structure_address)
    converter.register_unstructure_hook(
        Money, lambda money: {"amount": str(money.amount), "currency": money.currency}
    )
    converter.register_unstructure_hook(MappingProxyType, dict)
    # JSON has no sets: store them as sorted lists so documents are stable.
    converter.register_unstructure_hook_func(_is_set_type, sorted)
    converter.register_structure_hook(int, _strict(int, (int,)))
    converter.register_structure_hook(str, _strict(str, (str,)))
    converter.register_structure_hook(bool, _strict(bool, (bool,)))
    converter.register_structure_hook(float, _structure_float)
    for hook in hooks:
        hook(converter)
    return converter


class EventCodec:
    """Turns events into :class:`~orderkit.core.events.OutboxMessage` and back.

    Args:
        event_types: The event classes to know, by class name.
        converter: The converter to use; a new one from :func:`make_converter` by default.

    Raises:
        ValidationError: Two classes share a name.
    """

    def __init__(
        self,
        event_types: Iterable[type[DomainEvent]],
        converter: cattrs.Converter | None = None,
    ) -> None:
        self._converter = converter or make_converter()
        self._types: dict[str, type[DomainEvent]] = {}
        for cls in event_types:
            if not (isinstance(cls, type) and issubclass(cls, DomainEvent)):
                raise ValidationError("event_types", cls, "must be DomainEvent subclasses")
            known = self._types.setdefault(cls.__name__, cls)
            if known is not cls:
                raise ValidationError("event_types", cls, "another event class has this name")

    @property
    def event_types(self) -> tuple[type[DomainEvent], ...]:
        """The event classes this codec knows."""
        return tuple(self._types.values())

    def encode(self, event: DomainEvent) -> OutboxMessage:
        """Return the outbox message for ``event``.

        Raises:
            ValidationError: The event's class is not known to this codec.
        """
        name = type(event).__name__
        if self._types.get(name) is not type(event):
            raise ValidationError("event", name, "is not one of this codec's event types")
        payload: dict[str, Any] = self._converter.unstructure(event)
        return OutboxMessage(
            event_id=event.event_id,
            event_type=name,
            aggregate_type=event.aggregate_type,
            aggregate_id=event.aggregate_id,
            occurred_at=event.occurred_at,
            payload=payload,
        )

    def decode(self, message: OutboxMessage) -> DomainEvent:
        """Return the event that ``message`` holds.

        Raises:
            ValidationError: The message's type is unknown or its payload malformed.
        """
        cls = self._types.get(message.event_type)
        if cls is None:
            raise ValidationError("event_type", message.event_type, "no event class has this name")
        try:
            return self._converter.structure(dict(message.payload), cls)
        except ValidationError:
            raise
        except (cattrs.BaseValidationError, CattrsError, KeyError, TypeError) as exc:
            raise ValidationError("payload", dict(message.payload), f"malformed: {exc!r}") from exc
