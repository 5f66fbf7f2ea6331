"""The contract every carrier adapter must keep, as a pytest suite.

A carrier author subclasses :class:`CarrierContract` in a test module, says
how to build the adapter (against the carrier's sandbox) and gives a request
it serves::

    from orderkit.testing.carrier_contract import CarrierContract

    class TestMyCarrier(CarrierContract):
        def make_carrier(self, clock):
            return MyCarrier(api_key=os.environ["SANDBOX_KEY"], clock=clock)

        def served_request(self):
            return RateRequest(origin=..., destination=..., parcels=[...], ship_on=...)

The checks cover what orderkit relies on: services with distinct codes,
quotes that name the carrier and one of its services with a price and a
delivery date no earlier than the hand-over, the same quote for the same
request, one label per parcel bought once per reference, distinct tracking
numbers, tracking in time order with distinct event ids, labels that can be
voided before the parcel moves, unknown tracking numbers refused by name,
and webhooks with a wrong signature rejected. A request it does not serve
(``unserved_request``) must get no quotes and no label.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orderkit.core.clock import ManualClock
from orderkit.errors import CarrierError, WebhookRejected
from orderkit.fulfillment.carriers import (
    Carrier,
    LabelRequest,
    RateQuote,
    RateRequest,
    TrackingEvent,
)

__all__ = ["CarrierContract"]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _label_request(request: RateRequest, reference: str, service: str) -> LabelRequest:
    return LabelRequest(
        reference=reference,
        service=service,
        origin=request.origin,
        destination=request.destination,
        parcels=request.parcels,
        ship_on=request.ship_on,
    )


class CarrierContract:
    """The behaviour orderkit relies on; subclass and implement the two ``make`` methods."""

    def make_carrier(self, clock: ManualClock) -> Carrier:
        """Return the adapter, on ``clock`` where it keeps time."""
        raise NotImplementedError("implement make_carrier(clock)")

    def served_request(self) -> RateRequest:
        """A request the carrier serves (quotes and labels)."""
        raise NotImplementedError("implement served_request()")

    def unserved_request(self) -> RateRequest | None:
        """A request it does not serve, if there is one to show (``None``: skip that check)."""
        return None

    @pytest.fixture
    def clock(self) -> ManualClock:
        """The clock the carrier is made on."""
        return ManualClock(T0)

    @pytest.fixture
    def carrier(self, clock: ManualClock) -> Carrier:
        """A fresh carrier for each check."""
        return self.make_carrier(clock)

    def _quote(self, carrier: Carrier) -> RateQuote:
        quotes = carrier.quote(self.served_request())
        assert quotes, "the served request got no quote"
        return quotes[0]

    def test_it_is_a_carrier_with_distinct_services(self, carrier: Carrier) -> None:
        """It keeps the Carrier protocol and names each service once."""
        assert isinstance(carrier, Carrier)
        codes = [service.code for service in carrier.services()]
        assert codes
        assert len(set(codes)) == len(codes)

    def test_quotes_name_it_and_arrive_after_the_hand_over(self, carrier: Carrier) -> None:
        """Quotes name the carrier and a service, cost something, arrive on or after ship_on."""
        request = self.served_request()
        quotes = carrier.quote(request)
        services = {service.code for service in carrier.services()}
        assert quotes
        for quote in quotes:
            assert isinstance(quote, RateQuote)
            assert quote.carrier == carrier.code
            assert quote.service in services
            assert quote.price.amount > 0
            assert quote.delivery_date >= request.ship_on
            assert not quote.stale
        assert carrier.quote(request) == quotes

    def test_a_label_is_bought_once_per_reference_one_per_parcel(self, carrier: Carrier) -> None:
        """The same reference buys once; each parcel has its own tracking number."""
        request = self.served_request()
        quote = self._quote(carrier)
        first = carrier.buy_label(_label_request(request, "S-1", quote.service))
        assert carrier.buy_label(_label_request(request, "S-1", quote.service)) == first
        assert first.carrier == carrier.code
        assert first.service == quote.service
        assert len(first.packages) == len(request.parcels)
        assert first.tracking_number in [label.tracking_number for label in first.packages]
        other = carrier.buy_label(_label_request(request, "S-2", quote.service))
        numbers = [label.tracking_number for label in (*first.packages, *other.packages)]
        assert len(set(numbers)) == len(numbers)
        assert first.price.amount > 0

    def test_tracking_comes_in_time_order_with_distinct_ids(
        self, carrier: Carrier, clock: ManualClock
    ) -> None:
        """A bought label's events come oldest first, each id once."""
        request = self.served_request()
        label = carrier.buy_label(_label_request(request, "S-3", self._quote(carrier).service))
        clock.advance(timedelta(days=30))  # long enough for any delivery
        events = carrier.track(label.tracking_number)
        assert all(isinstance(event, TrackingEvent) for event in events)
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert len({e.event_id for e in events}) == len(events)
        assert all(e.tracking_number == label.tracking_number for e in events)

    def test_a_fresh_label_can_be_voided(self, carrier: Carrier) -> None:
        """A label whose parcel has not moved is voided without complaint."""
        request = self.served_request()
        label = carrier.buy_label(_label_request(request, "S-4", self._quote(carrier).service))
        carrier.cancel_label(label.tracking_number)

    def test_unknown_tracking_numbers_are_refused(self, carrier: Carrier) -> None:
        """Tracking a number it never issued is a CarrierError."""
        with pytest.raises(CarrierError):
            carrier.track("NOT-A-NUMBER-0000")

    def test_a_webhook_with_a_wrong_signature_is_rejected(self, carrier: Carrier) -> None:
        """Webhooks are verified before anything is read."""
        with pytest.raises(WebhookRejected):
            carrier.parse_webhook("t=1,v1=00", b'{"events": []}', T0)

    def test_a_request_it_does_not_serve_gets_no_quote_and_no_label(self, carrier: Carrier) -> None:
        """No quotes for what it does not serve, and a label for it is refused."""
        request = self.unserved_request()
        if request is None:
            pytest.skip("the adapter names no request it does not serve")
        assert carrier.quote(request) == ()
        service = carrier.services()[0].code
        with pytest.raises(CarrierError):
            carrier.buy_label(_label_request(request, "S-5", service))
