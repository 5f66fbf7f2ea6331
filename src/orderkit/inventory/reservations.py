"""Reservations: stock promised to one document (an order or a cart), all or nothing."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import attrs

from orderkit.core.checks import aware, code, count, parse_enum, text
from orderkit.core.quantity import validate_quantity
from orderkit.errors import ReservationNotActive, ValidationError

__all__ = [
    "Reservation",
    "ReservationLine",
    "ReservationStatus",
    "summed_lines",
]


class ReservationStatus(enum.StrEnum):
    """Where a reservation stands."""

    ACTIVE = "active"
    """The units are held."""
    RELEASED = "released"
    """Given back (cancel, edit)."""
    EXPIRED = "expired"
    """Given back because its time ran out."""
    COMMITTED = "committed"
    """The units shipped; they left on-hand stock."""


@attrs.frozen(slots=True)
class ReservationLine:
    """Units of one SKU held in one warehouse, and units still waiting for stock there.

    Attributes:
        sku: The SKU.
        warehouse: The warehouse that holds (or will hold) the units.
        quantity: Units reserved from stock on hand.
        backordered: Units ordered beyond stock, allocated when stock arrives.
        shipped: Units that left in shipments while the reservation held the
            rest (:meth:`Reservation.ship`); a reservation committed whole
            keeps its shipped units in ``quantity``.
    """

    sku: str = attrs.field(validator=code())
    warehouse: str = attrs.field(validator=code())
    quantity: int = attrs.field(validator=count())
    backordered: int = attrs.field(default=0, validator=count())
    shipped: int = attrs.field(default=0, validator=count())

    def __attrs_post_init__(self) -> None:
        validate_quantity(self.quantity + self.backordered + self.shipped, "quantity")

    @property
    def wanted(self) -> int:
        """All units of the line: reserved plus backordered."""
        return self.quantity + self.backordered


def summed_lines(lines: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Sum requested ``(sku, quantity)`` pairs per SKU, in SKU order.

    Two lines of the same SKU must be checked against stock together, or each
    could pass alone while both together oversell.

    Raises:
        ValidationError: A pair is malformed.
        InvalidQuantity: A quantity is not a positive int.
    """
    if isinstance(lines, str | bytes | Mapping) or not isinstance(lines, Iterable):
        raise ValidationError("lines", lines, "give a list of (sku, quantity) pairs")
    totals: dict[str, int] = {}
    for index, item in enumerate(lines):
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ValidationError(f"lines[{index}]", item, "must be a (sku, quantity) pair")
        sku, quantity = item
        if not isinstance(sku, str):
            raise ValidationError(f"lines[{index}].sku", sku, "must be a SKU string")
        totals[sku] = totals.get(sku, 0) + validate_quantity(quantity, f"lines[{index}].quantity")
    if not totals:
        raise ValidationError("lines", [], "reserve at least one line")
    return [(sku, validate_quantity(totals[sku])) for sku in sorted(totals)]


def _status(value: object) -> ReservationStatus:
    return parse_enum(ReservationStatus, value, "status")


def _lines(value: object) -> tuple[ReservationLine, ...]:
    if not isinstance(value, Sequence) or not value:
        raise ValidationError("lines", value, "a reservation holds at least one line")
    for line in value:
        if not isinstance(line, ReservationLine):
            raise ValidationError("lines", line, "must be a ReservationLine")
    keys = [(line.sku, line.warehouse) for line in value]
    if len(set(keys)) != len(keys):
        raise ValidationError("lines", value, "one line per SKU and warehouse")
    return tuple(sorted(value, key=lambda line: (line.sku, line.warehouse)))


@attrs.define(slots=True, kw_only=True)
class Reservation:
    """Stock held for one document until it ships, is released or expires.

    Attributes:
        id: The record id.
        document: What the stock is held for (``"order:O1"``, ``"cart:K9"``).
        lines: The units held, one line per SKU and warehouse, in a fixed order.
        created_at: When it was made.
        expires_at: When an unconfirmed hold lapses; ``None`` holds until released.
        priority: Lower is served first when arriving stock is allocated to backorders.
        status: Active, released, expired or committed.
        version: The stored version (optimistic concurrency).
    """

    id: str = attrs.field(validator=code())
    document: str = attrs.field(validator=text(120))
    lines: tuple[ReservationLine, ...] = attrs.field(converter=_lines)
    created_at: datetime = attrs.field(validator=aware())
    expires_at: datetime | None = attrs.field(default=None)
    priority: int = attrs.field(default=100, validator=count())
    status: ReservationStatus = attrs.field(default=ReservationStatus.ACTIVE, converter=_status)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if self.expires_at is not None:
            aware()(self, attrs.fields(Reservation).expires_at, self.expires_at)
            if self.expires_at <= self.created_at:
                raise ValidationError("expires_at", self.expires_at, "must be after created_at")

    def _end(self, status: ReservationStatus) -> None:
        if self.status is not ReservationStatus.ACTIVE:
            raise ReservationNotActive(self.id, self.status.value)
        self.status = status

    def release(self) -> None:
        """Give the units back.

        Raises:
            ReservationNotActive: The reservation is not active.
        """
        self._end(ReservationStatus.RELEASED)

    def expire(self, now: datetime) -> None:
        """Give the units back because the hold lapsed.

        Raises:
            ReservationNotActive: The reservation is not active.
            ValidationError: It has no expiry or has not reached it.
        """
        if self.expires_at is None or now < self.expires_at:
            raise ValidationError("now", now, f"reservation {self.id} has not expired")
        self._end(ReservationStatus.EXPIRED)

    def commit(self) -> None:
        """Mark the units as shipped.

        Raises:
            ReservationNotActive: The reservation is not active.
            ValidationError: Some units are still backordered.
        """
        if self.backordered:
            raise ValidationError(
                "reservation", self.id, f"{self.backordered} units are still backordered"
            )
        self._end(ReservationStatus.COMMITTED)

    def ship(self, sku: str, warehouse: str, quantity: int) -> None:
        """Mark ``quantity`` held units of one line as shipped; the rest stay held.

        When nothing is held or backordered any more, the reservation is committed.

        Raises:
            ReservationNotActive: The reservation is not active.
            InvalidQuantity: ``quantity`` is not a positive int.
            ValidationError: The line holds fewer units.
        """
        index, line, quantity = self._taking(sku, warehouse, quantity)
        changed = attrs.evolve(
            line, quantity=line.quantity - quantity, shipped=line.shipped + quantity
        )
        self.lines = (*self.lines[:index], changed, *self.lines[index + 1 :])
        if not self.quantity and not self.backordered:
            self.status = ReservationStatus.COMMITTED

    def give_back(self, sku: str, warehouse: str, quantity: int) -> None:
        """Stop holding ``quantity`` units of one line (a short pick found fewer).

        When nothing is held or backordered any more, the reservation is
        committed if some units shipped, otherwise released.

        Raises:
            ReservationNotActive: The reservation is not active.
            InvalidQuantity: ``quantity`` is not a positive int.
            ValidationError: The line holds fewer units.
        """
        index, line, quantity = self._taking(sku, warehouse, quantity)
        rest = (
            (*self.lines[:index], *self.lines[index + 1 :])
            if quantity == line.wanted and not line.shipped
            else (
                *self.lines[:index],
                attrs.evolve(line, quantity=line.quantity - quantity),
                *self.lines[index + 1 :],
            )
        )
        if rest:
            self.lines = rest
        if not rest or (not self.quantity and not self.backordered):
            shipped = any(line.shipped for line in self.lines)
            self.status = ReservationStatus.COMMITTED if shipped else ReservationStatus.RELEASED

    def held(self, sku: str, warehouse: str) -> int:
        """Units of ``sku`` this reservation holds in ``warehouse`` (0 when none)."""
        return next(
            (
                line.quantity
                for line in self.lines
                if (line.sku, line.warehouse) == (sku, warehouse)
            ),
            0,
        )

    def _taking(self, sku: str, warehouse: str, quantity: int) -> tuple[int, ReservationLine, int]:
        """The line units are taken from, its place, and the checked quantity."""
        if self.status is not ReservationStatus.ACTIVE:
            raise ReservationNotActive(self.id, self.status.value)
        quantity = validate_quantity(quantity)
        for index, line in enumerate(self.lines):
            if (line.sku, line.warehouse) == (sku, warehouse):
                if quantity > line.quantity:
                    raise ValidationError(
                        "quantity",
                        quantity,
                        f"{line.quantity} of {sku} are held in {warehouse} here",
                    )
                return index, line, quantity
        raise ValidationError("sku", sku, f"reservation {self.id} holds none in {warehouse}")

    def shipped_from(self) -> dict[tuple[str, str], int]:
        """Units that left through this reservation, by SKU and warehouse."""
        committed = self.status is ReservationStatus.COMMITTED
        shipped: dict[tuple[str, str], int] = {}
        for line in self.lines:
            units = line.shipped + (line.quantity if committed else 0)
            if units:
                shipped[(line.sku, line.warehouse)] = units
        return shipped

    def allocate(self, sku: str, warehouse: str, quantity: int) -> None:
        """Move ``quantity`` backordered units of a line to reserved, as stock arrived.

        Raises:
            ReservationNotActive: The reservation is not active.
            ValidationError: The line has fewer backordered units.
        """
        if self.status is not ReservationStatus.ACTIVE:
            raise ReservationNotActive(self.id, self.status.value)
        quantity = validate_quantity(quantity)
        for index, line in enumerate(self.lines):
            if (line.sku, line.warehouse) == (sku, warehouse):
                if quantity > line.backordered:
                    break
                changed = attrs.evolve(
                    line, quantity=line.quantity + quantity, backordered=line.backordered - quantity
                )
                self.lines = (*self.lines[:index], changed, *self.lines[index + 1 :])
                return
        raise ValidationError("quantity", quantity, f"no {sku} backordered in {warehouse} here")

    @property
    def quantity(self) -> int:
        """All units reserved from stock across lines."""
        return sum(line.quantity for line in self.lines)

    @property
    def backordered(self) -> int:
        """All units still waiting for stock across lines."""
        return sum(line.backordered for line in self.lines)
