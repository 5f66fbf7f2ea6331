"""A flat-rate carrier: one price per parcel, one service, a fixed transit time."""

from __future__ import annotations

from collections.abc import Iterable

from orderkit.adapters.carriers.sandbox import SandboxCarrier, add_business_days
from orderkit.core.clock import Clock
from orderkit.core.money import Money
from orderkit.fulfillment.carriers import CarrierService, RateQuote, RateRequest

__all__ = ["FlatRateCarrier"]

STANDARD = CarrierService("standard", "Standard")


class FlatRateCarrier(SandboxCarrier):
    """A carrier that charges the same for every parcel up to a weight, to the countries it serves.

    Args:
        clock: Whose time decides which scans have happened.
        price: The price per parcel.
        countries: Where it delivers.
        transit_days: Business days on the way.
        max_weight_g: The heaviest parcel it takes.
        code: The carrier's code.
        **sandbox: See :class:`~orderkit.adapters.carriers.sandbox.SandboxCarrier`.
    """

    prefix = "FR"
    services_offered = (STANDARD,)

    def __init__(
        self,
        clock: Clock,
        *,
        price: Money,
        countries: Iterable[str],
        transit_days: int = 3,
        max_weight_g: int = 20_000,
        code: str = "flat-rate",
        **sandbox: object,
    ) -> None:
        super().__init__(code, clock, **sandbox)  # type: ignore[arg-type]
        self.price = price
        self.countries = frozenset(countries)
        self.transit_days = transit_days
        self.max_weight_g = max_weight_g

    def _priced(self, service: CarrierService, request: RateRequest) -> RateQuote | None:
        if request.destination.country not in self.countries:
            return None
        if any(parcel.weight_g > self.max_weight_g for parcel in request.parcels):
            return None
        return RateQuote(
            carrier=self.code,
            service=service.code,
            price=self.price * len(request.parcels),
            transit_days=self.transit_days,
            delivery_date=add_business_days(request.ship_on, self.transit_days),
        )
