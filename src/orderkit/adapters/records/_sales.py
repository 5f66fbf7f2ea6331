"""The sales ledger as records: filed by day and second, with each order's rows beside."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from orderkit.adapters.records.port import Key, Record, RecordTransaction
from orderkit.reports.ledger import Position, SaleKind, SaleRow

__all__ = ["RecordSales"]

_DAY = 86_400


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


class RecordSales:
    """Ledger rows in the ``sales`` table; see :class:`orderkit.reports.ports.SalesLedger`.

    A row's key starts with its day and second, so a period's rows are read
    day by day without touching the others; ``sales.order`` keeps each
    order's units and amounts for :meth:`position`.
    """

    TABLE = "sales"
    BY_ORDER = "sales.order"

    def __init__(self, transaction: RecordTransaction) -> None:
        self._tx = transaction

    def append(self, rows: Sequence[SaleRow]) -> None:
        """Add ``rows``."""
        put = self._tx.put
        for row in rows:
            at = _epoch(row.booked_at)
            tail = (row.order_id, row.batch, row.kind.value, row.sku)
            put(self.TABLE, (at // _DAY, at, *tail), _record(row))
            put(self.BY_ORDER, (row.order_id, at, *tail[1:]), {"u": row.units, "a": row.amount})

    def position(self, order_id: str) -> Position | None:
        """The sum of the order's rows by kind and SKU, or ``None``."""
        position: Position = {}
        for key, record in self._tx.scan(self.BY_ORDER, (order_id,)):
            kind, sku = SaleKind(str(key[3])), str(key[4])
            units, amount = position.get((kind, sku), (0, 0))
            position[(kind, sku)] = (units + int(record["u"]), amount + int(record["a"]))
        return position or None

    def rows(self, start: datetime | None = None, end: datetime | None = None) -> Iterator[SaleRow]:
        """The rows booked in ``[start, end)``, oldest first."""
        low = None if start is None else _epoch(start)
        high = None if end is None else _epoch(end)
        for key, record in self._records(low, high):
            at = int(key[1])
            if (low is None or at >= low) and (high is None or at < high):
                yield _row(key, record)

    def _records(self, low: int | None, high: int | None) -> Iterator[tuple[Key, Record]]:
        scan = self._tx.scan
        if low is None:
            yield from scan(self.TABLE, before=None if high is None else ((high - 1) // _DAY + 1,))
            return
        if high is None:
            # Newest first down to the start, then in order: reads only the period.
            found = []
            for key, record in scan(self.TABLE, reverse=True):
                if int(key[1]) < low:
                    break
                found.append((key, record))
            yield from reversed(found)
            return
        for day in range(low // _DAY, (high - 1) // _DAY + 1):
            yield from scan(self.TABLE, (day,))


def _record(row: SaleRow) -> Record:
    return {
        "n": row.order_number,
        "p": _epoch(row.placed_at),
        "u": row.units,
        "a": row.amount,
        "c": row.currency,
        "channel": row.channel,
        "customer": row.customer_id,
        "ship": row.ship_country,
        "bill": row.bill_country,
        "seller": row.seller,
        "attributes": dict(row.attributes),
    }


def _row(key: Key, record: Record) -> SaleRow:
    return SaleRow(
        order_id=str(key[2]),
        order_number=int(record["n"]),
        sku=str(key[5]),
        kind=SaleKind(str(key[4])),
        units=int(record["u"]),
        amount=int(record["a"]),
        currency=str(record["c"]),
        booked_at=datetime.fromtimestamp(int(key[1]), UTC),
        placed_at=datetime.fromtimestamp(int(record["p"]), UTC),
        channel=str(record["channel"]),
        customer_id=str(record["customer"]),
        ship_country=str(record["ship"]),
        bill_country=str(record["bill"]),
        seller=record["seller"],
        attributes=dict(record["attributes"]),
        batch=str(key[3]),
    )
