"""Bundled carriers that behave like real ones, for tests, demos and development."""

from orderkit.adapters.carriers.flat_rate import FlatRateCarrier
from orderkit.adapters.carriers.sandbox import SandboxCarrier, s10_number
from orderkit.adapters.carriers.zone_parcel import ZoneParcelCarrier, postal_zone

__all__ = ["FlatRateCarrier", "SandboxCarrier", "ZoneParcelCarrier", "postal_zone", "s10_number"]
