"""What every sandbox carrier does alike: labels, scripted scans, signed webhooks, outages.

A sandbox carrier behaves like a real one: it refuses what it does not
serve, buys a label once per reference, numbers parcels with S10 tracking
numbers (the UPU's, check digit included), scans them on a script over the
days of the delivery (with failed attempts, exceptions, late and returned
parcels when told to), reports scans late, out of order and twice over
signed webhooks, and can be made to time out.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta

import attrs

from orderkit.core.clock import Clock
from orderkit.errors import CarrierError, CarrierUnavailable, WebhookRejected
from orderkit.fulfillment.carriers import (
    CarrierService,
    Label,
    LabelRequest,
    PackageLabel,
    RateQuote,
    RateRequest,
    TrackingEvent,
    TrackingStatus,
)
from orderkit.payments.webhooks import WebhookSigner

__all__ = [
    "RAW_STATUSES",
    "SCENARIOS",
    "SandboxCarrier",
    "add_business_days",
    "s10_number",
    "s10_valid",
]

RAW_STATUSES: Mapping[str, TrackingStatus] = {
    "LC": TrackingStatus.LABEL_CREATED,
    "PU": TrackingStatus.IN_TRANSIT,
    "IT": TrackingStatus.IN_TRANSIT,
    "OD": TrackingStatus.OUT_FOR_DELIVERY,
    "PS": TrackingStatus.AVAILABLE_FOR_PICKUP,
    "NH": TrackingStatus.ATTEMPTED,
    "DL": TrackingStatus.DELIVERED,
    "EX": TrackingStatus.EXCEPTION,
    "RS": TrackingStatus.RETURNING,
    "RT": TrackingStatus.RETURNED,
    "CA": TrackingStatus.CANCELLED,
}
"""The sandbox carriers' own status codes and what they mean."""

SCENARIOS = ("on_time", "late", "failed_attempt", "exception", "returned")
"""The scripts a parcel can follow (``scenario_of`` picks one per label)."""

_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_number(prefix: str, serial: int, country: str) -> str:
    """An S10 tracking number (UPU standard): two letters, eight digits, check digit, country.

    Examples:
        >>> s10_number("RR", 47312482, "GB")  # the UPU's own example
        'RR473124829GB'
    """
    digits = f"{serial:08d}"
    total = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True))
    check = 11 - total % 11
    check = 0 if check == 10 else 5 if check == 11 else check
    return f"{prefix}{digits}{check}{country}"


def s10_valid(number: str) -> bool:
    """Whether ``number`` is a well-formed S10 tracking number with the right check digit."""
    if len(number) != 13 or not number[2:11].isdigit():
        return False
    return s10_number(number[:2], int(number[2:10]), number[11:]) == number


def add_business_days(start: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``start``."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


@attrs.define
class _Parcel:
    label: Label
    request: LabelRequest
    scans: list[TrackingEvent]


class SandboxCarrier:
    """The behaviour every sandbox carrier shares; subclasses say what a service costs.

    Args:
        code: The carrier's code.
        clock: Whose time decides which scans have happened.
        secret: The webhook secret shared with the shop.
        scenario_of: Picks a scenario from :data:`SCENARIOS` for each label's
            reference; every parcel is on time unless told otherwise.
        seed: Makes webhook batches (duplicates, order) repeatable.
    """

    prefix = "ZZ"
    services_offered: tuple[CarrierService, ...] = ()

    def __init__(
        self,
        code: str,
        clock: Clock,
        *,
        secret: str = "whsec_sandbox_carrier",
        scenario_of: Mapping[str, str] | None = None,
        seed: int = 0,
    ) -> None:
        self.code = code
        self._clock = clock
        self._signer = WebhookSigner([secret])
        self._scenarios = dict(scenario_of or {})
        self._random = random.Random(seed)
        self._labels: dict[str, Label] = {}
        self._parcels: dict[str, _Parcel] = {}
        self._serial = 10_000_000
        self._down = 0
        self._lock = threading.Lock()
        self.calls = 0

    # -- what subclasses decide ----------------------------------------------------------

    def _priced(self, service: CarrierService, request: RateRequest) -> RateQuote | None:
        """The quote of one service, or ``None`` when it cannot carry the request."""
        raise NotImplementedError

    # -- the port --------------------------------------------------------------------------

    def services(self) -> tuple[CarrierService, ...]:
        """The services it sells."""
        return self.services_offered

    def quote(self, request: RateRequest) -> tuple[RateQuote, ...]:
        """A quote for each service that serves the request."""
        self._answer()
        quotes = (self._priced(service, request) for service in self.services_offered)
        return tuple(quote for quote in quotes if quote is not None)

    def buy_label(self, request: LabelRequest) -> Label:
        """Buy a label, once per reference.

        Raises:
            CarrierError: The service is unknown or cannot carry the parcels.
            CarrierUnavailable: The carrier is down (see :meth:`go_down`).
        """
        self._answer()
        with self._lock:
            known = self._labels.get(request.reference)
            if known is not None:
                return known
            quote = self._quote_for(request)
            packages = []
            for _ in request.parcels:
                self._serial += 1
                number = s10_number(self.prefix, self._serial, request.origin.country)
                packages.append(
                    PackageLabel(number, f"https://labels.{self.code}.invalid/{number}.pdf")
                )
            label = Label(
                self.code, request.service, packages[0].tracking_number, packages, quote.price
            )
            self._labels[request.reference] = label
            scenario = self._scenarios.get(request.reference, "on_time")
            for package in packages:
                self._parcels[package.tracking_number] = _Parcel(
                    label, request, self._script(package.tracking_number, request, quote, scenario)
                )
            return label

    def cancel_label(self, tracking_number: str) -> None:
        """Void a label whose parcel has not moved.

        Raises:
            CarrierError: Unknown number, or the parcel was scanned on its way.
        """
        self._answer()
        parcel = self._parcels.get(tracking_number)
        if parcel is None:
            raise CarrierError(self.code, f"no label {tracking_number}")
        if any(scan.status is not TrackingStatus.LABEL_CREATED for scan in self._seen(parcel)):
            raise CarrierError(self.code, f"{tracking_number} is on its way; it cannot be voided")
        for package in parcel.label.packages:
            self._parcels[package.tracking_number].scans = [
                self._event(package.tracking_number, "CA", self._clock.now(), "label voided", 99)
            ]

    def return_label(self, request: LabelRequest) -> Label:
        """A label for the way back, bought like any other."""
        return self.buy_label(request)

    def track(self, tracking_number: str) -> tuple[TrackingEvent, ...]:
        """The scans that have happened by the carrier's clock, oldest first.

        Raises:
            CarrierError: No such tracking number.
        """
        self._answer()
        parcel = self._parcels.get(tracking_number)
        if parcel is None:
            raise CarrierError(self.code, f"no parcel {tracking_number}")
        return tuple(self._seen(parcel))

    def parse_webhook(
        self, signature: str, body: bytes, now: datetime
    ) -> tuple[TrackingEvent, ...]:
        """Verify and read a webhook made by :meth:`webhooks`.

        Raises:
            WebhookRejected: A wrong or stale signature, or a body that is not the carrier's.
        """
        self._signer.verify(signature, body, now)
        try:
            payload = json.loads(body)
            return tuple(
                TrackingEvent(
                    event_id=item["id"],
                    tracking_number=item["tracking_number"],
                    status=RAW_STATUSES.get(item["code"], TrackingStatus.UNKNOWN),
                    at=datetime.fromisoformat(item["at"]),
                    raw_status=item["code"],
                    detail=item.get("detail"),
                    location=item.get("location"),
                )
                for item in payload["events"]
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookRejected(f"not a {self.code} tracking webhook: {exc}") from None

    # -- the sandbox's own controls ----------------------------------------------------------

    def script(self, reference: str, scenario: str) -> None:
        """Make the label bought next for ``reference`` follow ``scenario`` (see :data:`SCENARIOS`).

        Raises:
            ValueError: An unknown scenario.
        """
        if scenario not in SCENARIOS:
            raise ValueError(f"scenario must be one of {SCENARIOS}")
        self._scenarios[reference] = scenario

    def go_down(self, calls: int = 1) -> None:
        """Make the next ``calls`` requests time out (CarrierUnavailable)."""
        self._down = calls

    def webhooks(self, since: datetime, *, duplicates: bool = False) -> list[tuple[str, bytes]]:
        """Signed webhook deliveries for scans since ``since``: ``(signature, body)`` pairs.

        With ``duplicates`` some events come twice and batches arrive out of order,
        as carriers deliver them.
        """
        now = self._clock.now()
        due = [
            scan
            for parcel in self._parcels.values()
            for scan in parcel.scans
            if since < scan.at <= now
        ]
        if duplicates:
            due += self._random.sample(due, k=len(due) // 3)
            self._random.shuffle(due)
        batches = [due[i : i + 5] for i in range(0, len(due), 5)]
        deliveries = []
        for batch in batches:
            body = json.dumps(
                {
                    "events": [
                        {
                            "id": scan.event_id,
                            "tracking_number": scan.tracking_number,
                            "code": scan.raw_status,
                            "at": scan.at.isoformat(),
                            "detail": scan.detail,
                            "location": scan.location,
                        }
                        for scan in batch
                    ]
                }
            ).encode()
            deliveries.append((self._signer.sign(body, now), body))
        return deliveries

    # -- inside ------------------------------------------------------------------------------

    def _answer(self) -> None:
        self.calls += 1
        if self._down:
            self._down -= 1
            raise CarrierUnavailable(self.code, "no answer within 10 s")

    def _quote_for(self, request: LabelRequest) -> RateQuote:
        service = next((s for s in self.services_offered if s.code == request.service), None)
        if service is None:
            raise CarrierError(self.code, f"no service {request.service!r}")
        quote = self._priced(
            service,
            RateRequest(request.origin, request.destination, request.parcels, request.ship_on),
        )
        if quote is None:
            raise CarrierError(self.code, f"{request.service} cannot carry these parcels there")
        return quote

    def _seen(self, parcel: _Parcel) -> Iterable[TrackingEvent]:
        now = self._clock.now()
        return [scan for scan in parcel.scans if scan.at <= now]

    def _event(self, number: str, raw: str, at: datetime, detail: str, n: int) -> TrackingEvent:
        return TrackingEvent(
            event_id=f"{number}-{n}",
            tracking_number=number,
            status=RAW_STATUSES[raw],
            at=at,
            raw_status=raw,
            detail=detail,
            location=None,
        )

    def _script(
        self, number: str, request: LabelRequest, quote: RateQuote, scenario: str
    ) -> list[TrackingEvent]:
        now = self._clock.now()
        tz = now.tzinfo

        def day(d: date, hour: int) -> datetime:
            return datetime.combine(d, time(hour), tzinfo=tz)

        start, due = request.ship_on, quote.delivery_date
        if scenario == "late":
            due = add_business_days(due, 2)
        steps: list[tuple[str, datetime, str]] = [
            ("LC", now, "label created"),
            ("PU", day(start, 17), "picked up"),
            ("IT", day(add_business_days(start, 1), 3), "at the sorting centre"),
        ]
        if scenario == "exception":
            steps.append(("EX", day(add_business_days(start, 1), 9), "damaged, re-packed"))
            steps.append(("IT", day(add_business_days(start, 1), 15), "on its way again"))
        if scenario in ("failed_attempt", "returned"):
            steps.append(("OD", day(due, 8), "out for delivery"))
            steps.append(("NH", day(due, 13), "recipient not at home"))
            due = add_business_days(due, 1)
        if scenario == "returned":
            steps.append(("RS", day(due, 9), "returning to sender"))
            steps.append(("RT", day(add_business_days(due, 2), 11), "returned to sender"))
        else:
            steps.append(("OD", day(due, 8), "out for delivery"))
            steps.append(("DL", day(due, 14), "delivered"))
        return [
            self._event(number, raw, at, detail, n) for n, (raw, at, detail) in enumerate(steps)
        ]
