"""What many tests build: the moments they start at, addresses, and a shop's whole state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

import orderkit as ok

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""A Monday morning, when most tests start."""

NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)
"""The start of the year, for tests that count days from it."""


def berlin(name: str = "Ana Example") -> ok.Address:
    """An address in Berlin, for customers and warehouses."""
    return ok.Address(
        name=name, line1="Hauptstr. 1", city="Berlin", postal_code="10115", country="DE"
    )


BERLIN = berlin()
PARIS = ok.Address(name="Ana", line1="1 rue X", city="Paris", postal_code="75001", country="FR")


class Snapshot(NamedTuple):
    """Everything a shop holds, as stored documents, to compare before and after a refused call.

    Documents rather than objects: aggregates such as payments compare by
    identity, and every field of the stored document must stay the same.
    """

    catalog: object
    customers: object
    orders: object
    payments: object
    refunds: object
    events: object


_CONVERTER = ok.make_converter()


def snapshot(shop: ok.Shop) -> Snapshot:
    """Everything a shop holds: catalog, customers, orders, their payments and refunds, events."""
    orders = shop.orders.list()
    document = _CONVERTER.unstructure
    return Snapshot(
        document(shop.catalog.list()),
        document(shop.customers.list()),
        document(orders),
        [document(shop.payments.for_order(order.id)) for order in orders],
        [document(shop.payments.refunds(order.id)) for order in orders],
        document(shop.events.pending(limit=10_000)),
    )
