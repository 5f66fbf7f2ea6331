"""The customer record."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

import attrs

from orderkit.core.addresses import Address
from orderkit.core.checks import aware, code, optional_code, require_locale, stripped, text
from orderkit.core.notebook import html_block
from orderkit.errors import ValidationError

__all__ = ["Customer", "normalise_email"]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalise_email(value: object, field: str = "email") -> str:
    """Return the email address in the one form two ways of writing it share.

    Two addresses are the same customer's when they are equal after this:
    surrounding space removed; Unicode compatibility forms folded (NFKC, so
    full-width letters are their ASCII twins); lower case; an internationalised domain
    written in its ASCII form (``bücher.de`` is ``xn--bcher-kva.de``). A part
    that mixes letters of several scripts (a Cyrillic "a" among Latin
    letters, which looks the same) is refused rather than taken for a new
    address.

    Raises:
        ValidationError: ``value`` is not a string of the form ``local@domain.tld``,
            or a part mixes scripts.

    Examples:
        >>> normalise_email(" Ana@Example.COM ")
        'ana@example.com'
        >>> normalise_email("ana@bücher.de")
        'ana@xn--bcher-kva.de'
    """
    if not isinstance(value, str) or len(value) > 254:
        raise ValidationError(field, value, "must be an email address such as ana@example.com")
    text = unicodedata.normalize("NFKC", value).strip().lower()
    if not _EMAIL.fullmatch(text) or _UNSTORABLE_EMAIL.search(text):
        raise ValidationError(field, value, "must be an email address such as ana@example.com")
    local, domain = text.rsplit("@", 1)
    for part in (local, *domain.split(".")):
        scripts = {_script(ch) for ch in part if ch.isalpha()}
        if len(scripts) > 1:
            raise ValidationError(
                field, value, f"mixes {' and '.join(sorted(scripts))} letters that look alike"
            )
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(field, value, "has a domain that is not a valid name") from None
    return f"{local}@{ascii_domain}"


_UNSTORABLE_EMAIL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _script(letter: str) -> str:
    """The script a letter belongs to (``LATIN``, ``CYRILLIC``, ``GREEK``, ...)."""
    name = unicodedata.name(letter, "UNKNOWN")
    return name.split(" ", 1)[0]


def _addresses(value: object) -> tuple[Address, ...]:
    if isinstance(value, Address) or not isinstance(value, list | tuple):
        raise ValidationError("addresses", value, "must be a list of Address")
    for item in value:
        if not isinstance(item, Address):
            raise ValidationError("addresses", item, "must be an Address")
    return tuple(value)


def _locale(value: object) -> str:
    return require_locale(value, "locale")


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
        account_manager: The sales rep who looks after the customer; their
            orders are credited to this seller unless the order names another.

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
    account_manager: str | None = attrs.field(default=None, validator=optional_code())

    def _repr_html_(self) -> str:
        """The customer as a notebook shows them."""
        address = self.addresses[0] if self.addresses else None
        return html_block(
            self.name,
            [
                ("id", self.id),
                ("email", self.email),
                ("registered", self.registered_at.isoformat()),
                ("locale", self.locale),
                ("account manager", self.account_manager),
                ("address", None if address is None else f"{address.city}, {address.country}"),
                ("addresses", len(self.addresses)),
            ],
        )

    @property
    def country(self) -> str | None:
        """The country of the default address, or ``None`` when there is no address."""
        return self.addresses[0].country if self.addresses else None
