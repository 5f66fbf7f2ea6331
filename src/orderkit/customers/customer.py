"""The customer record."""

from __future__ import annotations

import re
from datetime import datetime

import attrs

from orderkit.core.addresses import Address
from orderkit.core.checks import aware, code, stripped, text
from orderkit.errors import ValidationError

__all__ = ["Customer", "normalise_email"]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalise_email(value: object, field: str = "email") -> str:
    """Return the email address lower-cased and stripped, if it looks like one.

    Raises:
        ValidationError: ``value`` is not a string of the form ``local@domain.tld``.

    Examples:
        >>> normalise_email(" Ana@Example.COM ")
        'ana@example.com'
    """
    if not isinstance(value, str) or not _EMAIL.fullmatch(value.strip()) or len(value) > 254:
        raise ValidationError(field, value, "must be an email address such as ana@example.com")
    return value.strip().lower()


def _addresses(value: object) -> tuple[Address, ...]:
    if isinstance(value, Address) or not isinstance(value, list | tuple):
        raise ValidationError("addresses", value, "must be a list of Address")
    for item in value:
        if not isinstance(item, Address):
            raise ValidationError("addresses", item, "must be an Address")
    return tuple(value)


def _locale(value: object) -> str:
    from babel import Locale, UnknownLocaleError

    if not isinstance(value, str):
        raise ValidationError("locale", value, "must be a locale name such as 'de_DE'")
    try:
        Locale.parse(value)
    except (ValueError, UnknownLocaleError):
        raise ValidationError("locale", value, "is not a locale babel knows") from None
    return value


@attrs.frozen(slots=True)
class Customer:
    """Someone who places orders.

    Attributes:
        id: The record id.
        email: The email address, stored lower-case; unique per shop.
        name: The customer's name.
        registered_at: When the customer was first seen (timezone-aware).
        addresses: Known addresses; the first is the default shipping address.
        locale: The customer's language and region, for documents and messages.

    Raises:
        ValidationError: A field is malformed (email, empty name, unknown locale).
        InvalidTime: ``registered_at`` is naive.
    """

    id: str = attrs.field(validator=code())
    email: str = attrs.field(converter=normalise_email)
    name: str = attrs.field(converter=stripped, validator=text())
    registered_at: datetime = attrs.field(validator=aware())
    addresses: tuple[Address, ...] = attrs.field(default=(), converter=_addresses)
    locale: str = attrs.field(default="en", converter=_locale)

    @property
    def country(self) -> str | None:
        """The country of the default address, or ``None`` when there is no address."""
        return self.addresses[0].country if self.addresses else None
