"""A SQLite file whose shipments an earlier orderkit kept in records opens with them intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orderkit as ok
from orderkit.adapters.records._fulfilment import RecordShipments
from orderkit.adapters.records.keys import encode_key
from orderkit.adapters.sql.records import SqlRecords
from orderkit.adapters.sql.session import SqlSession
from orderkit.adapters.sqlite import SqliteDialect
from orderkit.demo import run_demo


def _as_an_earlier_orderkit_left_it(path: Path) -> None:
    """Shipments back in the records table, their own tables gone, migration 13 undone."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    converter = ok.make_converter()
    records = RecordShipments(SqlRecords(SqlSession(connection, SqliteDialect())), converter)
    for (body,) in connection.execute("SELECT body FROM shipments").fetchall():
        shipment = converter.structure(SqliteDialect().decode_json(body), ok.Shipment)
        records._table.write(shipment, shipment.version)
    connection.execute("DROP TABLE shipment_tracking")
    connection.execute("DROP TABLE shipments")
    connection.execute("DELETE FROM schema_migrations WHERE version = 13")
    connection.execute("COMMIT")
    connection.close()


def _by_state(shop: ok.Shop) -> dict[ok.ShipmentState, list[str]]:
    with shop.store.unit_of_work(readonly=True) as uow:
        return {state: [s.id for s in uow.shipments.in_state(state)] for state in ok.ShipmentState}


def test_shipments_kept_in_records_move_to_their_own_tables(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    run_demo(path, 60, seed=3)
    with ok.Shop.open(f"sqlite:///{path}") as shop:
        numbers = [order.number for order in shop.orders.list()]
        before = {number: shop.fulfilment.for_order(number) for number in numbers}
        by_state = _by_state(shop)
    shipments = [s for found in before.values() for s in found]
    tracked = {n: s.id for s in shipments for n in s.tracking_numbers}
    assert len(shipments) > 40  # the demo shipped ...
    assert len(tracked) > 20  # ... and tracked parcels
    assert any(s.version > 3 for s in shipments)

    _as_an_earlier_orderkit_left_it(path)
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM records WHERE name = 'shipments'").fetchone()[0]

    with ok.Shop.open(f"sqlite:///{path}") as shop:
        assert {n: shop.fulfilment.for_order(n) for n in numbers} == before
        assert _by_state(shop) == by_state
        with shop.store.unit_of_work(readonly=True) as uow:
            for number, shipment_id in tracked.items():
                found = uow.shipments.by_tracking_number(number)
                assert found is not None
                assert found.id == shipment_id
        # a moved shipment is saved over the version it kept
        oldest = max(shipments, key=lambda s: s.version)
        with shop.store.unit_of_work() as uow:
            loaded = uow.shipments.get(oldest.id)
            assert loaded == oldest
            loaded.problem = "checked after the move"
            uow.shipments.save(loaded)
            uow.commit()
        assert shop.fulfilment.get(oldest.id).version == oldest.version + 1
    with sqlite3.connect(path) as raw:
        left = raw.execute(
            "SELECT COUNT(*) FROM records WHERE name LIKE 'shipments%' "
            "OR (name = 'counters' AND record_key = ?)",
            (encode_key(("shipments.count",)),),
        ).fetchone()[0]
        assert left == 0
