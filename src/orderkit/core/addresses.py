"""Postal addresses, with a validated country and optional coordinates."""

from __future__ import annotations

import attrs

from orderkit.core.checks import blank_to_none, optional_instance_of, optional_text, stripped, text
from orderkit.core.countries import country_name, validate_country
from orderkit.core.postal_codes import normalise_postal_code
from orderkit.errors import ValidationError

__all__ = ["Address", "Coordinates"]


def _latitude(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    _check_degrees(attribute.name, value, 90)


def _longitude(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    _check_degrees(attribute.name, value, 180)


def _check_degrees(field: str, value: object, limit: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(field, value, "must be a number of degrees")
    if not -limit <= value <= limit:
        raise ValidationError(field, value, f"must be between -{limit} and {limit}")


@attrs.frozen(slots=True)
class Coordinates:
    """A point on Earth in decimal degrees (WGS 84), for routing by distance.

    Floats are fine here: coordinates are measurements, not money.

    Raises:
        ValidationError: latitude is outside -90..90 or longitude outside -180..180.
    """

    latitude: float = attrs.field(validator=_latitude)
    longitude: float = attrs.field(validator=_longitude)


def _country(value: object) -> str:
    return validate_country(value)


@attrs.frozen(slots=True)
class Address:
    """A postal address.

    Attributes:
        name: The recipient.
        line1: Street and number.
        city: The city or town.
        postal_code: The postal code, if the country uses them (``None`` by
            default); where the country's format is known it must fit it, and
            it is kept upper-case with single spaces (``"SW1A 1AA"``).
        country: ISO 3166-1 alpha-2 code (``"DE"``); required and validated.
        line2: A second address line.
        region: State, province or county, where it matters for tax or carriers.
        phone: A phone number for the carrier.
        coordinates: Latitude and longitude, used by routing by distance.

    Raises:
        ValidationError: A required text is empty or too long, or the postal
            code does not fit the country's format.
        InvalidCountry: ``country`` is not an ISO 3166-1 alpha-2 code.

    Examples:
        >>> Address(name="Ana", line1="Hauptstr. 1", city="Berlin",
        ...         postal_code="10115", country="DE").country_name("de")
        'Deutschland'
    """

    name: str = attrs.field(converter=stripped, validator=text())
    line1: str = attrs.field(converter=stripped, validator=text())
    city: str = attrs.field(converter=stripped, validator=text())
    postal_code: str | None = attrs.field(
        default=None, converter=blank_to_none, validator=optional_text(20)
    )
    # Required, but after the optional postal code so positional calls keep
    # their order: a missing country is refused by the converter, by name.
    country: str = attrs.field(default=None, converter=_country)
    line2: str | None = attrs.field(
        default=None, converter=blank_to_none, validator=optional_text()
    )
    region: str | None = attrs.field(
        default=None, converter=blank_to_none, validator=optional_text()
    )
    phone: str | None = attrs.field(
        default=None, converter=blank_to_none, validator=optional_text(40)
    )
    coordinates: Coordinates | None = attrs.field(
        default=None, validator=optional_instance_of(Coordinates)
    )

    def __attrs_post_init__(self) -> None:
        if self.postal_code is not None:
            normalised = normalise_postal_code(self.postal_code, self.country)
            object.__setattr__(self, "postal_code", normalised)

    def country_name(self, locale: str = "en") -> str:
        """Return the country's name in ``locale`` (``"Deutschland"`` for DE in ``"de"``)."""
        return country_name(self.country, locale)
