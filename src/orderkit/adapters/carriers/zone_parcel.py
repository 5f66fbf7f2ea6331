"""A parcel carrier priced by zone and billable weight, with ground and express services."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from orderkit.adapters.carriers.sandbox import SandboxCarrier, add_business_days
from orderkit.core.addresses import Address
from orderkit.core.clock import Clock
from orderkit.core.money import Money
from orderkit.fulfillment.carriers import CarrierService, RateQuote, RateRequest
from orderkit.fulfillment.parcels import WeightRule

__all__ = ["ZoneParcelCarrier", "postal_zone"]

_NEIGHBOURS = frozenset({"AT", "BE", "CH", "CZ", "DK", "FR", "LU", "NL", "PL"})

GROUND = CarrierService("ground", "Ground")
EXPRESS = CarrierService("express", "Express", guaranteed=True)

# Per zone: (up to kg, price) brackets; a parcel above the last one is refused.
_GROUND = {
    1: ((Decimal(2), "4.90"), (Decimal(10), "6.90"), (Decimal("31.5"), "12.90")),
    2: ((Decimal(2), "5.90"), (Decimal(10), "8.40"), (Decimal("31.5"), "15.90")),
    3: ((Decimal(2), "13.90"), (Decimal(10), "19.90"), (Decimal("31.5"), "34.90")),
}
_EXPRESS = {
    1: ((Decimal(2), "11.90"), (Decimal(10), "16.90"), (Decimal("31.5"), "29.90")),
    2: ((Decimal(2), "12.90"), (Decimal(10), "18.90"), (Decimal("31.5"), "32.90")),
    3: ((Decimal(2), "29.90"), (Decimal(10), "39.90"), (Decimal("31.5"), "59.90")),
}
_TRANSIT = {"ground": {1: 1, 2: 2, 3: 4}, "express": {1: 1, 2: 1, 3: 2}}


def postal_zone(origin: Address, destination: Address) -> int | None:
    """Zone 1 within a postal region, 2 within the country, 3 to a neighbour; else not served.

    Examples:
        >>> from orderkit import Address
        >>> berlin = Address(name="A", line1="x", city="Berlin", postal_code="10115", country="DE")
        >>> munich = Address(name="B", line1="y", city="Munich", postal_code="80331", country="DE")
        >>> postal_zone(berlin, berlin), postal_zone(berlin, munich)
        (1, 2)
    """
    if origin.country == destination.country:
        same_region = (origin.postal_code or "")[:1] == (destination.postal_code or "")[:1]
        return 1 if same_region else 2
    if destination.country in _NEIGHBOURS:
        return 3
    return None


class ZoneParcelCarrier(SandboxCarrier):
    """A parcel carrier: ground and express, priced per parcel by zone and billable weight.

    Billable weight follows its :class:`~orderkit.WeightRule` (5,000 cm3/kg,
    half-kilo steps by default); parcels over 31.5 kg billable are refused.
    Express is guaranteed. Delivery dates count business days from the day
    the parcels are handed over.

    Args:
        clock: Whose time decides which scans have happened.
        code: The carrier's code.
        currency: The currency of its prices.
        weight_rule: How it bills a parcel's weight.
        zone_of: ``zone_of(origin, destination) -> 1, 2, 3 or None`` (not served).
        price_factor: Scales the euro tables to ``currency`` (rounded to its
            minor unit).
        **sandbox: See :class:`~orderkit.adapters.carriers.sandbox.SandboxCarrier`.
    """

    prefix = "ZP"
    services_offered = (GROUND, EXPRESS)

    def __init__(
        self,
        clock: Clock,
        *,
        code: str = "zone-parcel",
        currency: str = "EUR",
        weight_rule: WeightRule | None = None,
        zone_of: Callable[[Address, Address], int | None] = postal_zone,
        price_factor: Decimal = Decimal(1),
        **sandbox: object,
    ) -> None:
        super().__init__(code, clock, **sandbox)  # type: ignore[arg-type]
        self.currency = currency
        self.price_factor = price_factor
        self.weight_rule = weight_rule or WeightRule(5000, "kg", Decimal("0.5"))
        self._zone_of = zone_of

    def _priced(self, service: CarrierService, request: RateRequest) -> RateQuote | None:
        zone = self._zone_of(request.origin, request.destination)
        table = (_GROUND if service is GROUND else _EXPRESS).get(zone or 0)
        if table is None:
            return None
        weights = [self.weight_rule.billable(parcel) for parcel in request.parcels]
        prices = [_bracket(table, weight) for weight in weights]
        if any(price is None for price in prices):
            return None
        transit = _TRANSIT[service.code][zone or 0]
        return RateQuote(
            carrier=self.code,
            service=service.code,
            price=Money.sum(
                (Money.rounded(Decimal(p) * self.price_factor, self.currency) for p in prices if p),
                self.currency,
            ),
            transit_days=transit,
            delivery_date=add_business_days(request.ship_on, transit),
            guaranteed=service.guaranteed,
            billable_weight=sum(weights, Decimal(0)),
            weight_unit=self.weight_rule.unit,
        )


def _bracket(table: Sequence[tuple[Decimal, str]], weight: Decimal) -> str | None:
    return next((price for limit, price in table if weight <= limit), None)
