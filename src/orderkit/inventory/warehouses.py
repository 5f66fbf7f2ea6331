"""Warehouses: the places stock is kept and orders are shipped from."""

from __future__ import annotations

import attrs

from orderkit.core.addresses import Address
from orderkit.core.checks import code, count, instance_of, stripped, text
from orderkit.core.countries import validate_country
from orderkit.errors import ValidationError

__all__ = ["Warehouse"]


def _countries(value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise ValidationError("serves", value, "must be a collection of country codes")
    return frozenset(validate_country(code, "serves") for code in value)


@attrs.frozen(slots=True)
class Warehouse:
    """A fulfilment location.

    Attributes:
        code: A short unique code (``"CHI"``).
        name: A readable name.
        address: Where it is; its coordinates drive routing by distance.
        priority: Lower ships first when routing by priority.
        active: Inactive warehouses are never routed to.
        serves: Countries it ships to; empty means every country.
        pickup_point: Customers can collect orders here.

    Examples:
        >>> from orderkit.core.addresses import Address
        >>> hub = Warehouse("BER", "Berlin hub", Address(name="Hub", line1="Weg 1",
        ...     city="Berlin", postal_code="10115", country="DE"), serves=["DE", "AT"])
        >>> hub.ships_to("AT"), hub.ships_to("FR")
        (True, False)
    """

    code: str = attrs.field(validator=code())
    name: str = attrs.field(converter=stripped, validator=text())
    address: Address = attrs.field(validator=instance_of(Address))
    priority: int = attrs.field(default=100, validator=count())
    active: bool = attrs.field(default=True, validator=instance_of(bool))
    serves: frozenset[str] = attrs.field(factory=frozenset, converter=_countries)
    pickup_point: bool = attrs.field(default=False, validator=instance_of(bool))

    def ships_to(self, country: str) -> bool:
        """Whether this warehouse is active and serves ``country``."""
        return self.active and (not self.serves or country in self.serves)
