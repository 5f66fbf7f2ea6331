"""The last mile without a carrier: in-store pickup and the shop's own drivers.

A pickup point (a warehouse or store flagged ``pickup_point``) hands a
shipment over the counter against a pickup code; one not collected within
its hold days goes back to stock. The shop's own drivers get routes whose
stops are ordered nearest first from the warehouse, and deliver with a
proof (who received it, or a photo's reference).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import attrs

from orderkit.core.addresses import Address
from orderkit.core.checks import optional_text
from orderkit.errors import ValidationError
from orderkit.inventory.ports import distance_km

__all__ = ["OWN_DRIVERS", "PICKUP", "ProofOfDelivery", "order_stops", "pickup_code"]

PICKUP = "pickup"
"""The carrier code of shipments collected at a pickup point."""

OWN_DRIVERS = "own-drivers"
"""The carrier code of shipments the shop's own drivers deliver."""


@attrs.frozen(slots=True)
class ProofOfDelivery:
    """What shows a parcel reached its customer: who took it, or a photo of where it was left.

    Attributes:
        received_by: The name of who took it.
        photo: Where the photo is kept (a URL or a document id).
    """

    received_by: str | None = attrs.field(default=None, validator=optional_text(200))
    photo: str | None = attrs.field(default=None, validator=optional_text(500))

    def __attrs_post_init__(self) -> None:
        if self.received_by is None and self.photo is None:
            raise ValidationError("proof", None, "give who received it, a photo, or both")


def pickup_code(shipment_id: str, secret: str) -> str:
    """The six-digit code a customer shows to collect a shipment.

    Derived from the shipment and a secret of the shop, so it need not be
    stored to be checked, and cannot be guessed from the shipment id alone.

    Examples:
        >>> pickup_code("S1", "counter-secret") == pickup_code("S1", "counter-secret")
        True
        >>> len(pickup_code("S1", "counter-secret"))
        6
    """
    digest = hashlib.sha256(f"{secret}:{shipment_id}".encode()).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def order_stops(depot: Address, stops: Sequence[tuple[str, Address]]) -> list[str]:
    """Order delivery stops nearest first, from the depot on (a nearest-neighbour tour).

    Stops without coordinates follow the others, by postal code.

    Examples:
        >>> from orderkit import Address, Coordinates
        >>> def at(lat, lon):
        ...     return Address(name="x", line1="y", city="Berlin", country="DE",
        ...                    coordinates=Coordinates(lat, lon))
        >>> order_stops(at(52.50, 13.40), [("far", at(52.60, 13.40)), ("near", at(52.51, 13.40))])
        ['near', 'far']
    """
    placed = [(key, address) for key, address in stops if address.coordinates is not None]
    rest = sorted(
        ((key, address) for key, address in stops if address.coordinates is None),
        key=lambda stop: (stop[1].postal_code or "", stop[0]),
    )
    tour: list[str] = []
    here = depot.coordinates
    while placed:
        if here is None:
            key, address = placed.pop(0)
        else:
            origin = here
            index = min(
                range(len(placed)),
                key=lambda i: (distance_km(origin, placed[i][1].coordinates), placed[i][0]),  # type: ignore[arg-type]
            )
            key, address = placed.pop(index)
        tour.append(key)
        here = address.coordinates
    return tour + [key for key, _ in rest]
