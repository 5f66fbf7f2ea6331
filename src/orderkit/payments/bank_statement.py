"""Bank statements: reading the CSV a bank exports, and the report of what matched.

:func:`read_statement` turns the CSV into :class:`StatementLine` values, all or
nothing: a malformed row refuses the whole file, naming the row and the column.
:class:`StatementReconciliation` is what importing it did.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import attrs

from orderkit.core.currencies import validate_currency
from orderkit.core.money import Money
from orderkit.errors import ValidationError

__all__ = [
    "StatementFormat",
    "StatementLine",
    "StatementMatch",
    "StatementReconciliation",
    "read_statement",
]


@attrs.frozen(kw_only=True)
class StatementFormat:
    """How a bank's CSV export is laid out.

    Attributes:
        booked_on: The column of the booking date.
        amount: The column of the amount; credits positive, debits negative.
        text: The column of the transfer's purpose, where customers put the reference.
        currency: The column of the currency; ``None`` when every line is in
            ``default_currency``.
        transaction_id: The column of the bank's id for the line, if the bank
            gives one (it makes re-imports of overlapping statements exact).
        default_currency: The currency of lines without a currency column.
        date_format: How dates are written (``"%d.%m.%Y"``); ISO dates by default.
        decimal_comma: Amounts are written ``1.234,56`` rather than ``1,234.56``.
        delimiter: The field separator (``";"`` for many European banks).
    """

    booked_on: str = "date"
    amount: str = "amount"
    text: str = "reference"
    currency: str | None = "currency"
    transaction_id: str | None = None
    default_currency: str | None = None
    date_format: str = "%Y-%m-%d"
    decimal_comma: bool = False
    delimiter: str = ","

    def __attrs_post_init__(self) -> None:
        if self.currency is None and self.default_currency is None:
            raise ValidationError(
                "default_currency", None, "give a currency column or a default currency"
            )
        if self.default_currency is not None:
            validate_currency(self.default_currency)


@attrs.frozen
class StatementLine:
    """One booking on the statement.

    Attributes:
        row: Its row number in the file (the header is row 1).
        line_id: A stable id: the bank's transaction id, or a digest of the
            line and how often the same line came before it in the file.
        booked_on: The booking date.
        amount: The amount; negative for money going out.
        text: The purpose text.
    """

    row: int
    line_id: str
    booked_on: date
    amount: Money
    text: str


def read_statement(
    text: str, statement_format: StatementFormat | None = None
) -> list[StatementLine]:
    """Read a bank's CSV export.

    Raises:
        ValidationError: A missing column, or a row whose date, amount or
            currency cannot be read (the field names the row and column).
    """
    layout = statement_format or StatementFormat()
    if not isinstance(text, str):
        raise ValidationError("statement", text, "give the CSV as text")
    reader = csv.DictReader(io.StringIO(text), delimiter=layout.delimiter)
    wanted = [layout.booked_on, layout.amount, layout.text]
    wanted += [column for column in (layout.currency, layout.transaction_id) if column]
    missing = [column for column in wanted if column not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError("statement", reader.fieldnames, f"missing columns: {missing}")
    lines = []
    seen: Counter[str] = Counter()
    for row_number, row in enumerate(reader, start=2):
        booked_on = _date(row, layout, row_number)
        currency = row[layout.currency] if layout.currency else layout.default_currency
        try:
            amount = Money(_decimal(row[layout.amount], layout.decimal_comma), str(currency))
        except (ValueError, InvalidOperation):
            raise ValidationError(
                f"row {row_number}, {layout.amount}",
                row[layout.amount],
                f"not an amount in {currency}",
            ) from None
        purpose = (row[layout.text] or "").strip()
        if layout.transaction_id:
            line_id = f"id:{row[layout.transaction_id]}"
        else:
            content = f"{booked_on}|{amount.amount}|{amount.currency}|{purpose}"
            seen[content] += 1
            digest = hashlib.sha256(f"{content}|{seen[content]}".encode()).hexdigest()
            line_id = f"sha256:{digest[:32]}"
        lines.append(StatementLine(row_number, line_id, booked_on, amount, purpose))
    return lines


def _date(row: dict[str, str], layout: StatementFormat, row_number: int) -> date:
    value = row[layout.booked_on]
    try:
        return datetime.strptime(value.strip(), layout.date_format).date()  # noqa: DTZ007 - a date
    except (ValueError, AttributeError):
        raise ValidationError(
            f"row {row_number}, {layout.booked_on}", value, f"not a date like {layout.date_format}"
        ) from None


def _decimal(value: str, decimal_comma: bool) -> Decimal:
    cleaned = (value or "").strip().replace(" ", "")
    if decimal_comma:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    return Decimal(cleaned)


@attrs.frozen
class StatementMatch:
    """A statement line matched to a payment, and what was booked.

    Attributes:
        line: The statement line.
        payment_id: The payment its reference named.
        order_id: The order that payment is for.
        booked: What was booked on the payment (at most what it still awaited).
        outstanding: What the payment still awaits after this line.
        excess: What came in beyond what was awaited: to pay back or to credit.
    """

    line: StatementLine
    payment_id: str
    order_id: str
    booked: Money
    outstanding: Money
    excess: Money

    @property
    def outcome(self) -> str:
        """``paid``, ``underpaid`` or ``overpaid``."""
        if self.excess.amount:
            return "overpaid"
        return "underpaid" if self.outstanding.amount else "paid"


@attrs.frozen
class StatementReconciliation:
    """What importing a statement did.

    Attributes:
        matched: Lines booked on the payment their reference named.
        unmatched: Incoming lines naming no payment that waits for money (no
            reference, a mistyped one, or one of a payment already closed).
        already_imported: Lines booked by an earlier import; nothing was done again.
        outgoing: Lines of money going out; not orderkit's business.
    """

    matched: tuple[StatementMatch, ...]
    unmatched: tuple[StatementLine, ...]
    already_imported: tuple[StatementLine, ...]
    outgoing: tuple[StatementLine, ...]

    @property
    def paid(self) -> tuple[StatementMatch, ...]:
        """Matches that paid their payment in full, exactly."""
        return tuple(m for m in self.matched if m.outcome == "paid")

    @property
    def underpaid(self) -> tuple[StatementMatch, ...]:
        """Matches after which the payment still awaits money."""
        return tuple(m for m in self.matched if m.outcome == "underpaid")

    @property
    def overpaid(self) -> tuple[StatementMatch, ...]:
        """Matches that brought more than was awaited."""
        return tuple(m for m in self.matched if m.outcome == "overpaid")

    def render(self) -> str:
        """A short text for the clerk."""
        out = [
            f"paid: {len(self.paid)}, underpaid: {len(self.underpaid)}, "
            f"overpaid: {len(self.overpaid)}, unmatched: {len(self.unmatched)}, "
            f"already imported: {len(self.already_imported)}"
        ]
        for match in self.underpaid:
            out.append(
                f"  row {match.line.row}: payment {match.payment_id} short by {match.outstanding}"
            )
        for match in self.overpaid:
            out.append(f"  row {match.line.row}: payment {match.payment_id} over by {match.excess}")
        for line in self.unmatched:
            out.append(f"  row {line.row}: {line.amount} '{line.text}' matches no payment")
        return "\n".join(out)
