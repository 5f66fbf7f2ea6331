"""Shipments in the ``shipments`` table, their tracking numbers in ``shipment_tracking``."""

from __future__ import annotations

import json
from typing import Any

import cattrs

from orderkit.adapters.records.keys import encode_key
from orderkit.adapters.sql.dialect import parse_json
from orderkit.adapters.sql.session import SqlSession
from orderkit.adapters.sql.versioned import SqlVersionedRepository
from orderkit.errors import AlreadyExists, ShipmentNotFound
from orderkit.fulfillment.shipments import Shipment, ShipmentState

__all__ = ["SqlShipments", "move_shipments_out_of_records"]

_RECORD_TABLES = ("shipments", "shipments.order", "shipments.tracking", "shipments.state")
"""Where the records store kept shipments and their indexes (before migration 13)."""


def _tracking(shipment: Shipment) -> str:
    """The shipment's tracking numbers as the ``tracking`` column keeps them (a JSON list)."""
    return json.dumps(shipment.tracking_numbers, ensure_ascii=False)


class SqlShipments(SqlVersionedRepository[Shipment]):
    """Shipments saved with a version check, found by order, state and tracking number.

    A write unit of work waits for the records lock before its first
    shipment, as record writers do: creating shipments reads an order's
    shipments before its row is locked, and relies on no other writer
    adding one in between.
    """

    table = "shipments"
    kind = "shipment"
    aggregate = Shipment
    not_found = ShipmentNotFound

    def _columns(self, shipment: Shipment) -> dict[str, Any]:
        return {
            "order_number": shipment.order_number,
            "state": shipment.state.value,
            "created_at": self._dialect.encode_time(shipment.created_at),
            "tracking": _tracking(shipment),
        }

    def add(self, shipment: Shipment) -> None:
        """Insert a new shipment and file its tracking numbers.

        Raises:
            AlreadyExists: A shipment with its id is stored.
        """
        self._session.take_turn()
        if not self._insert(shipment):
            raise AlreadyExists("shipment", shipment.id)
        self._file_tracking(shipment, refile=False)

    def save(self, shipment: Shipment) -> None:
        """Store a changed shipment over the version it was loaded at (see the base class)."""
        self._session.take_turn()
        before = self._decoded.columns(self.table, shipment.id, shipment.version)
        super().save(shipment)
        if before is None or before.get("tracking") != _tracking(shipment):
            self._file_tracking(shipment, refile=True)

    def get(self, aggregate_id: str) -> Shipment:
        """The shipment with that id.

        Raises:
            ShipmentNotFound: There is none.
        """
        self._session.take_turn()
        return super().get(aggregate_id)

    def for_order(self, order_number: int) -> list[Shipment]:
        """The shipments of an order, oldest first."""
        self._session.take_turn()
        return self._select("order_number = :number", "created_at, id", {"number": order_number})

    def for_orders(self, first: int, last: int) -> list[Shipment]:
        """The shipments of the orders numbered ``first`` to ``last``: by order, oldest first."""
        self._session.take_turn()
        return self._select(
            "order_number >= :first AND order_number <= :last",
            "order_number, created_at, id",
            {"first": first, "last": last},
        )

    def by_tracking_number(self, tracking_number: str) -> Shipment | None:
        """The shipment with this tracking number (its own or a parcel's), or ``None``."""
        self._session.take_turn()
        found = self._select(
            "id = (SELECT MIN(shipment_id) FROM shipment_tracking WHERE tracking_number = :number)",
            "id",
            {"number": tracking_number},
        )
        return found[0] if found else None

    def in_state(self, state: ShipmentState) -> list[Shipment]:
        """The shipments in ``state``, oldest first."""
        self._session.take_turn()
        return self._select(
            "state = :state", "created_at, id", {"state": ShipmentState(state).value}
        )

    def _file_tracking(self, shipment: Shipment, *, refile: bool) -> None:
        if refile:
            self._session.write(
                "DELETE FROM shipment_tracking WHERE shipment_id = :id", {"id": shipment.id}
            )
        for number in shipment.tracking_numbers:
            self._session.write(
                "INSERT INTO shipment_tracking (tracking_number, shipment_id) "
                "VALUES (:number, :id)",
                {"number": number, "id": shipment.id},
            )


def move_shipments_out_of_records(session: SqlSession, converter: cattrs.Converter) -> None:
    """The data step of migration 13: shipments kept in records move to their own tables.

    Each keeps its id, version and document; its records and index entries
    (and the records' shipment count) are removed.
    """
    shipments = SqlShipments(session, converter)
    cursor = session.execute("SELECT body FROM records WHERE name = 'shipments'")
    while batch := cursor.fetchmany(500):
        for (body,) in batch:
            shipment = converter.structure(parse_json(body)["document"], Shipment)
            row = shipments._row(shipment, shipment.version)
            session.write(
                f"INSERT INTO shipments ({', '.join(row)}) "
                f"VALUES ({', '.join(f':{name}' for name in row)})",
                row,
            )
            shipments._file_tracking(shipment, refile=False)
    for name in _RECORD_TABLES:
        session.write("DELETE FROM records WHERE name = :name", {"name": name})
    session.write(
        "DELETE FROM records WHERE name = 'counters' AND record_key = :key",
        {"key": encode_key(("shipments.count",))},
    )
