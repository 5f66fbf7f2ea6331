"""The bundled sandbox carriers keep the carrier contract."""

from __future__ import annotations

from datetime import date

import orderkit as ok
from orderkit.adapters.carriers import FlatRateCarrier, ZoneParcelCarrier
from orderkit.adapters.carriers.sandbox import s10_number, s10_valid
from orderkit.core.clock import ManualClock
from orderkit.fulfillment.carriers import Carrier, RateRequest
from orderkit.testing.carrier_contract import CarrierContract

BERLIN = ok.Address(
    name="Hub", line1="Lagerweg 1", city="Berlin", postal_code="10115", country="DE"
)
PARIS = ok.Address(name="Ana", line1="1 rue X", city="Paris", postal_code="75001", country="FR")
TOKYO = ok.Address(
    name="Ken", line1="1-1 Chiyoda", city="Tokyo", postal_code="100-0001", country="JP"
)
PARCELS = [
    ok.Parcel(ok.Dimensions(400, 300, 200), weight_g=1500),
    ok.Parcel(ok.Dimensions(200, 200, 100), weight_g=700),
]


class TestZoneParcelCarrier(CarrierContract):
    def make_carrier(self, clock: ManualClock) -> Carrier:
        return ZoneParcelCarrier(clock)

    def served_request(self) -> RateRequest:
        return RateRequest(BERLIN, PARIS, PARCELS, date(2026, 3, 2))

    def unserved_request(self) -> RateRequest:
        return RateRequest(BERLIN, TOKYO, PARCELS, date(2026, 3, 2))


class TestFlatRateCarrier(CarrierContract):
    def make_carrier(self, clock: ManualClock) -> Carrier:
        return FlatRateCarrier(clock, price=ok.Money("4.95", "EUR"), countries=["DE", "FR"])

    def served_request(self) -> RateRequest:
        return RateRequest(BERLIN, PARIS, PARCELS, date(2026, 3, 2))

    def unserved_request(self) -> RateRequest:
        heavy = [ok.Parcel(ok.Dimensions(400, 300, 200), weight_g=25_000)]
        return RateRequest(BERLIN, PARIS, heavy, date(2026, 3, 2))


def test_s10_numbers_carry_a_check_digit_that_catches_a_typo() -> None:
    for serial in (0, 47312482, 99999999, 12345678):
        number = s10_number("ZP", serial, "DE")
        assert s10_valid(number)
        wrong = number[:5] + str((int(number[5]) + 1) % 10) + number[6:]
        assert not s10_valid(wrong)
