"""A report's result: a table that prints, exports and shows itself in a notebook.

Every export (records, CSV, a DataFrame, HTML) reads the same rows, so what a
person sees and what a file holds are the same numbers.
"""

from __future__ import annotations

import csv
import html
import importlib
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import attrs

from orderkit.core.money import Money
from orderkit.errors import ConfigurationError, ValidationError
from orderkit.reports.ledger import SaleRow

__all__ = [
    "LEDGER_FIELDS",
    "Column",
    "ReportTable",
    "cell_shown",
    "cell_text",
    "write_ledger",
    "write_ledger_parquet",
]

Cell = Money | Decimal | int | str | date | datetime | None


@attrs.frozen(slots=True)
class Column:
    """One column of a report.

    Attributes:
        name: The key in records and the CSV header (``net_sales``).
        label: The heading people read (``Net sales``).
    """

    name: str
    label: str


def _plain(value: Cell) -> object:
    """The value as records and DataFrames hold it: money as its Decimal amount."""
    if isinstance(value, Money):
        return value.amount
    return value


def cell_text(value: object) -> str:
    """A cell as CSV (and ``data-value``) writes it: plain, locale-free, full precision."""
    if value is None:
        return ""
    if isinstance(value, Money):
        return str(value.amount)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def cell_shown(value: object, locale: str) -> str:
    """A cell as a person reads it in ``locale``: money, numbers and dates; rates in percent."""
    from babel.dates import format_date, format_datetime
    from babel.numbers import format_decimal, format_percent

    if value is None:
        return "-"
    if isinstance(value, Money):
        return value.format(locale)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_decimal(value, locale=locale)
    if isinstance(value, Decimal):
        return format_percent(value, "#,##0.0%", locale=locale)
    if isinstance(value, datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm", locale=locale)
    if isinstance(value, date):
        return format_date(value, "medium", locale=locale)
    return str(value)


@attrs.frozen(slots=True)
class ReportTable:
    """The rows of a report, each a tuple of cells in the order of ``columns``.

    Money cells are :class:`~orderkit.Money`; rates are Decimal fractions
    (``0.25`` for 25 %); counts are ints; time buckets are dates or datetimes.

    Attributes:
        title: What the report shows (``Top products by net sales, 2026-10``).
        columns: The columns.
        rows: The rows, in the report's order.
        notes: Anything a reader should know (the time zone, currencies kept apart).

    Examples:
        >>> table = ReportTable("Demo", (Column("sku", "SKU"), Column("units", "Units")),
        ...                     (("TEE-M", 3), ("MUG", 1)))
        >>> table.to_records()
        [{'sku': 'TEE-M', 'units': 3}, {'sku': 'MUG', 'units': 1}]
        >>> print(table.to_csv(), end="")
        sku,units
        TEE-M,3
        MUG,1
    """

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, object]]:
        return iter(self.to_records())

    @property
    def names(self) -> tuple[str, ...]:
        """The column names."""
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> list[Cell]:
        """Every cell of the column ``name``, top to bottom.

        Raises:
            ValidationError: No column has that name.
        """
        if name not in self.names:
            raise ValidationError("column", name, f"is not one of {list(self.names)}")
        index = self.names.index(name)
        return [row[index] for row in self.rows]

    def to_records(self) -> list[dict[str, object]]:
        """Each row as a dict by column name; money as its Decimal amount."""
        names = self.names
        return [
            {name: _plain(cell) for name, cell in zip(names, row, strict=True)} for row in self.rows
        ]

    def to_csv(self, target: IO[str] | None = None) -> str | None:
        """Write the table as CSV to ``target``, or return it as text when none is given."""
        buffer = io.StringIO() if target is None else target
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.names)
        for row in self.rows:
            writer.writerow([cell_text(cell) for cell in row])
        return buffer.getvalue() if isinstance(buffer, io.StringIO) and target is None else None

    def to_dataframe(self, library: str = "pandas") -> Any:
        """The table as a pandas or polars DataFrame (install the extra that brings it).

        Raises:
            ConfigurationError: The library is not installed, or is neither.
        """
        if library not in ("pandas", "polars"):
            raise ConfigurationError("library", library, "give 'pandas' or 'polars'")
        try:
            module = importlib.import_module(library)
        except ImportError:
            raise ConfigurationError(
                "library", library, f"install it: pip install 'orderkit[{library}]'"
            ) from None
        if library == "pandas":
            return module.DataFrame.from_records(self.to_records(), columns=list(self.names))
        # polars wants a column per name; Decimal amounts stay exact there.
        return module.DataFrame(
            {name: [_plain(cell) for cell in self.column(name)] for name in self.names}
        )

    def plot(self, y: str = "net_sales", *, x: str | None = None, ax: Any = None) -> Any:
        """Draw column ``y`` against ``x`` (the first column) with matplotlib; return the axes.

        Time buckets (dates) are drawn as lines, anything else as bars. A
        table with a ``currency`` column gets one series per currency:
        amounts in different currencies are never drawn as one series.
        Install the ``plot`` extra (``pip install 'orderkit[plot]'``).

        Raises:
            ConfigurationError: matplotlib is not installed.
            ValidationError: ``x`` or ``y`` is no column of the table.
        """
        try:
            pyplot = importlib.import_module("matplotlib.pyplot")
        except ImportError:
            raise ConfigurationError(
                "plot", "matplotlib", "install it: pip install 'orderkit[plot]'"
            ) from None
        x = self.names[0] if x is None else x
        xs, ys = self.column(x), self.column(y)
        groups = self.column("currency") if "currency" in self.names else [""] * len(xs)
        if ax is None:
            _, ax = pyplot.subplots()
        series: dict[str, tuple[list[Any], list[float]]] = {}
        for label, value, group in zip(xs, ys, groups, strict=True):
            if value is None:
                continue
            points = series.setdefault(str(group or ""), ([], []))
            points[0].append(label if isinstance(label, date | datetime) else str(label))
            points[1].append(float(_plain(value)))  # type: ignore[arg-type]
        timeline = any(isinstance(label, date | datetime) for label in xs)
        for group, (labels, values) in series.items():
            if timeline:
                ax.plot(labels, values, label=group or None)
            else:
                ax.bar([f"{name} {group}".strip() for name in labels], values, label=group or None)
        ax.set_title(self.title)
        ax.set_xlabel(self.columns[self.names.index(x)].label)
        ax.set_ylabel(self.columns[self.names.index(y)].label)
        if any(series):
            ax.legend()
        return ax

    def to_parquet(self, target: Any) -> None:
        """Write the table to a Parquet file (a path or a binary file); the ``parquet`` extra.

        Money columns hold the exact Decimal amounts (their currency is the
        ``currency`` column); dates and times keep their types.

        Raises:
            ConfigurationError: pyarrow is not installed.
        """
        pyarrow = _pyarrow()
        parquet = importlib.import_module("pyarrow.parquet")
        columns = {name: [_plain(cell) for cell in self.column(name)] for name in self.names}
        parquet.write_table(pyarrow.table(columns), target)

    def render(self, locale: str = "en_US", *, limit: int | None = None) -> str:
        """The table as aligned plain text, values formatted for ``locale``."""
        rows = self.rows if limit is None else self.rows[:limit]
        cells = [[cell_shown(cell, locale) for cell in row] for row in rows]
        headings = [column.label for column in self.columns]
        widths = [
            max([len(heading)] + [len(row[i]) for row in cells])
            for i, heading in enumerate(headings)
        ]
        numeric = [self._numeric(i) for i in range(len(headings))]

        def line(values: Sequence[str]) -> str:
            return "  ".join(
                value.rjust(width) if right else value.ljust(width)
                for value, width, right in zip(values, widths, numeric, strict=True)
            ).rstrip()

        out = [self.title, line(headings), line(["-" * width for width in widths])]
        out.extend(line(row) for row in cells)
        out.extend(self.notes)
        return "\n".join(out)

    def _numeric(self, index: int) -> bool:
        return any(
            isinstance(row[index], Money | Decimal | int) and not isinstance(row[index], bool)
            for row in self.rows
        )

    def to_html(self, locale: str = "en_US") -> str:
        """The table as an HTML ``<table>``, values formatted for ``locale``."""
        head = "".join(f"<th>{html.escape(column.label)}</th>" for column in self.columns)
        body = []
        for row in self.rows:
            cells = "".join(
                f'<td class="{"num" if isinstance(cell, Money | Decimal | int) else "text"}">'
                f"{html.escape(cell_shown(cell, locale))}</td>"
                for cell in row
            )
            body.append(f"<tr>{cells}</tr>")
        notes = "".join(f"<p>{html.escape(note)}</p>" for note in self.notes)
        return (
            f'<div class="orderkit-report"><strong>{html.escape(self.title)}</strong>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"{notes}</div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.render()


LEDGER_FIELDS = (
    "booked_at",
    "order_number",
    "order_id",
    "kind",
    "sku",
    "units",
    "amount",
    "currency",
    "channel",
    "customer_id",
    "ship_country",
    "bill_country",
    "seller",
)
"""The fields of a ledger export, in their column order."""


def _ledger_value(row: SaleRow, name: str) -> object:
    if name == "amount":
        return str(row.money.amount)
    if name == "booked_at":
        return row.booked_at.isoformat()
    if name == "kind":
        return row.kind.value
    return getattr(row, name)


def write_ledger(rows: Iterable[SaleRow], target: IO[str], fmt: str = "csv") -> int:
    """Write ledger rows to ``target`` one at a time, as CSV or JSON lines; return how many."""
    count = 0
    if fmt == "jsonl":
        for row in rows:
            record = {name: _ledger_value(row, name) for name in LEDGER_FIELDS}
            record["attributes"] = dict(row.attributes)
            target.write(json.dumps(record) + "\n")
            count += 1
        return count
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(LEDGER_FIELDS)
    for row in rows:
        writer.writerow([_ledger_value(row, name) for name in LEDGER_FIELDS])
        count += 1
    return count


def _pyarrow() -> Any:
    try:
        return importlib.import_module("pyarrow")
    except ImportError:
        raise ConfigurationError(
            "format", "parquet", "install it: pip install 'orderkit[parquet]'"
        ) from None


_PARQUET_BATCH = 50_000


def write_ledger_parquet(rows: Iterable[SaleRow], target: Any) -> int:
    """Write ledger rows to a Parquet file (a path or a binary file), in batches; return how many.

    Amounts are exact decimals with three places (enough for every ISO 4217
    currency) beside ``amount_minor``; times are UTC seconds; attributes a
    JSON text. Only one batch of rows is held in memory at a time.
    """
    pyarrow = _pyarrow()
    parquet = importlib.import_module("pyarrow.parquet")
    schema = pyarrow.schema(
        [
            ("booked_at", pyarrow.timestamp("s", tz="UTC")),
            ("placed_at", pyarrow.timestamp("s", tz="UTC")),
            ("order_number", pyarrow.int64()),
            ("order_id", pyarrow.string()),
            ("kind", pyarrow.string()),
            ("sku", pyarrow.string()),
            ("units", pyarrow.int64()),
            ("amount_minor", pyarrow.int64()),
            ("amount", pyarrow.decimal128(21, 3)),
            ("currency", pyarrow.string()),
            ("channel", pyarrow.string()),
            ("customer_id", pyarrow.string()),
            ("ship_country", pyarrow.string()),
            ("bill_country", pyarrow.string()),
            ("seller", pyarrow.string()),
            ("attributes", pyarrow.string()),
        ]
    )
    count = 0
    with parquet.ParquetWriter(target, schema) as writer:
        batch: list[SaleRow] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= _PARQUET_BATCH:
                writer.write_table(_ledger_batch(pyarrow, schema, batch))
                count += len(batch)
                batch = []
        if batch or not count:
            writer.write_table(_ledger_batch(pyarrow, schema, batch))
            count += len(batch)
    return count


def _ledger_batch(pyarrow: Any, schema: Any, rows: list[SaleRow]) -> Any:
    three = Decimal("0.001")
    columns = {
        "booked_at": [row.booked_at for row in rows],
        "placed_at": [row.placed_at for row in rows],
        "order_number": [row.order_number for row in rows],
        "order_id": [row.order_id for row in rows],
        "kind": [row.kind.value for row in rows],
        "sku": [row.sku for row in rows],
        "units": [row.units for row in rows],
        "amount_minor": [row.amount for row in rows],
        "amount": [row.money.amount.quantize(three) for row in rows],
        "currency": [row.currency for row in rows],
        "channel": [row.channel for row in rows],
        "customer_id": [row.customer_id for row in rows],
        "ship_country": [row.ship_country for row in rows],
        "bill_country": [row.bill_country for row in rows],
        "seller": [row.seller for row in rows],
        "attributes": [json.dumps(dict(row.attributes)) for row in rows],
    }
    return pyarrow.table(columns, schema=schema)
