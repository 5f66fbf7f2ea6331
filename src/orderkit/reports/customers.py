"""Customer analytics: who comes back, what customers are worth, and how cohorts hold up.

All of it is worked out from the orders in the sales ledger: an order
counts for its customer on the day it was placed, with its net sales so far
(less what was returned or cancelled since).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import attrs

from orderkit.core.money import Money
from orderkit.reports.aggregation import CustomerSums, customers_of
from orderkit.reports.figures import ratio
from orderkit.reports.table import Cell, Column, ReportTable

__all__ = [
    "CustomerOrder",
    "CustomerRates",
    "RfmScore",
    "cohort_table",
    "customer_rates",
    "rates_of_customers",
    "rfm_scores",
    "rfm_segment",
    "rfm_table",
]


@attrs.frozen(slots=True)
class CustomerOrder:
    """An order as customer analytics see it.

    Attributes:
        customer_id: Who placed it.
        order_id: The order.
        placed_at: When, in the report's time zone.
        currency: Its currency.
        net: Its net sales so far, in minor units.
    """

    customer_id: str
    order_id: str
    placed_at: datetime
    currency: str
    net: int


@attrs.frozen(slots=True, kw_only=True)
class CustomerRates:
    """How many of a period's customers came back.

    Attributes:
        customers: Customers who ordered in the period.
        new_customers: Of them, those whose first order ever was in the period.
        returning_customers: Of them, those who had ordered before the period.
        returning_customer_rate: ``returning_customers / customers`` (Shopify's
            definition).
        repeat_customers: Customers with two or more orders in the period.
        repeat_purchase_rate: ``repeat_customers / customers``.
        orders_per_customer: Orders in the period / customers (two decimals).
    """

    customers: int
    new_customers: int
    returning_customers: int
    returning_customer_rate: Decimal | None
    repeat_customers: int
    repeat_purchase_rate: Decimal | None
    orders_per_customer: Decimal | None

    def to_table(self, period: str = "") -> ReportTable:
        """The figures as a two-column table (rates as fractions)."""
        rows: tuple[tuple[Cell, ...], ...] = (
            ("customers", self.customers),
            ("new_customers", self.new_customers),
            ("returning_customers", self.returning_customers),
            ("returning_customer_rate", self.returning_customer_rate),
            ("repeat_customers", self.repeat_customers),
            ("repeat_purchase_rate", self.repeat_purchase_rate),
            # Text, so that a table does not show it as a percentage.
            ("orders_per_customer", _text(self.orders_per_customer)),
        )
        title = f"Customers, {period}" if period else "Customers"
        return ReportTable(
            title,
            (Column("figure", "Figure"), Column("value", "Value")),
            rows,
            ("Rates are fractions (shown as percentages).",),
        )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def customer_rates(
    orders: Iterable[CustomerOrder], start: datetime, end: datetime
) -> CustomerRates:
    """The rates of the period ``[start, end)``, from every order placed before ``end``."""
    placed = ((order.customer_id, order.placed_at) for order in orders)
    return rates_of_customers(customers_of(placed, start=start, end=end), start)


def rates_of_customers(customers: Iterable[CustomerSums], start: datetime) -> CustomerRates:
    """The rates of a period starting at ``start``, from each customer's sums over it.

    A customer of the period placed at least one order in it; a returning
    one had placed one before ``start``; a repeat one placed two or more in it.
    """
    count = returning = repeat = placed = 0
    for customer in customers:
        if not customer.orders:
            continue
        count += 1
        placed += customer.orders
        returning += customer.first_placed_at < start
        repeat += customer.orders >= 2
    return CustomerRates(
        customers=count,
        new_customers=count - returning,
        returning_customers=returning,
        returning_customer_rate=ratio(returning, count),
        repeat_customers=repeat,
        repeat_purchase_rate=ratio(repeat, count),
        orders_per_customer=(Decimal(placed / count).quantize(Decimal("0.01")) if count else None),
    )


def _quintile_scores(values: Mapping[str, float], *, higher_is_better: bool) -> dict[str, int]:
    """Scores 1 to 5 by rank: the best fifth gets 5 (ties share the better score)."""
    ordered = sorted(values.items(), key=lambda item: (item[1], item[0]))
    if higher_is_better:
        ordered.reverse()
    count = len(ordered)
    scores: dict[str, int] = {}
    previous: tuple[float, int] | None = None
    for index, (key, value) in enumerate(ordered):
        score = 5 - (index * 5) // count
        if previous is not None and previous[0] == value:
            score = previous[1]
        scores[key] = score
        previous = (value, score)
    return scores


_Rule = Callable[[int, int, int], bool]

_SEGMENTS: tuple[tuple[str, _Rule], ...] = (
    ("Champions", lambda r, f, m: r >= 4 and f >= 4 and m >= 4),
    ("Loyal", lambda r, f, m: r >= 3 and f >= 4),
    ("New", lambda r, f, m: r >= 4 and f <= 1),
    ("Promising", lambda r, f, m: r >= 4),
    ("At risk", lambda r, f, m: r <= 2 and f >= 3),
    ("Hibernating", lambda r, f, m: r <= 2),
)


def rfm_segment(recency: int, frequency: int, monetary: int) -> str:
    """The segment of an RFM score (each 1 to 5, 5 best).

    Champions (R, F and M at least 4), Loyal (R at least 3, F at least 4),
    New (R at least 4, F 1), Promising (other R at least 4), At risk (R at
    most 2, F at least 3), Hibernating (other R at most 2), and Needs
    attention for the rest.

    Examples:
        >>> rfm_segment(5, 5, 4), rfm_segment(5, 1, 1), rfm_segment(1, 4, 3)
        ('Champions', 'New', 'At risk')
    """
    for name, rule in _SEGMENTS:
        if rule(recency, frequency, monetary):
            return name
    return "Needs attention"


@attrs.frozen(slots=True, kw_only=True)
class RfmScore:
    """One customer's recency, frequency and monetary value, and their scores.

    Attributes:
        customer_id: The customer.
        recency_days: Days from their last order to the day of the report.
        frequency: Their orders.
        monetary: Their net sales (lifetime value so far) in ``currency``.
        recency_score, frequency_score, monetary_score: 1 to 5 (5 best), by
            fifths of the customers.
        segment: See :func:`rfm_segment`.
    """

    customer_id: str
    recency_days: int
    frequency: int
    monetary: Money
    recency_score: int
    frequency_score: int
    monetary_score: int
    segment: str


def rfm_scores(orders: Iterable[CustomerOrder], as_of: datetime, currency: str) -> list[RfmScore]:
    """RFM scores of every customer with orders in ``currency`` placed up to ``as_of``."""
    last: dict[str, datetime] = {}
    count: dict[str, int] = {}
    value: dict[str, int] = {}
    for order in orders:
        if order.currency != currency or order.placed_at > as_of:
            continue
        customer = order.customer_id
        if customer not in last or order.placed_at > last[customer]:
            last[customer] = order.placed_at
        count[customer] = count.get(customer, 0) + 1
        value[customer] = value.get(customer, 0) + order.net
    recency = {c: float((as_of.date() - at.date()).days) for c, at in last.items()}
    r = _quintile_scores(recency, higher_is_better=False)
    f = _quintile_scores({c: float(n) for c, n in count.items()}, higher_is_better=True)
    m = _quintile_scores({c: float(v) for c, v in value.items()}, higher_is_better=True)
    return [
        RfmScore(
            customer_id=customer,
            recency_days=int(recency[customer]),
            frequency=count[customer],
            monetary=Money.from_minor(value[customer], currency),
            recency_score=r[customer],
            frequency_score=f[customer],
            monetary_score=m[customer],
            segment=rfm_segment(r[customer], f[customer], m[customer]),
        )
        for customer in sorted(last, key=lambda c: (-value[c], c))
    ]


def rfm_table(scores: Sequence[RfmScore], as_of: datetime, currency: str) -> ReportTable:
    """RFM scores as a table, most valuable customers first."""
    return ReportTable(
        f"RFM scores in {currency} on {as_of:%Y-%m-%d}",
        (
            Column("customer", "Customer"),
            Column("recency_days", "Days since last order"),
            Column("frequency", "Orders"),
            Column("monetary", "Net sales"),
            Column("r", "R"),
            Column("f", "F"),
            Column("m", "M"),
            Column("segment", "Segment"),
        ),
        tuple(
            (
                s.customer_id,
                s.recency_days,
                s.frequency,
                s.monetary,
                s.recency_score,
                s.frequency_score,
                s.monetary_score,
                s.segment,
            )
            for s in scores
        ),
    )


def _month(day: date) -> date:
    return day.replace(day=1)


def _months_between(first: date, later: date) -> int:
    return (later.year - first.year) * 12 + later.month - first.month


def cohort_table(
    orders: Iterable[CustomerOrder], first_month: date, end_month: date
) -> ReportTable:
    """Retention by first-order month: the share of each cohort ordering 0, 1, 2... months on.

    A cohort is the customers whose first order fell in one month, from
    ``first_month`` up to, not including, ``end_month``.

    Month 0 is always 1 (everyone ordered in their first month). Later months
    a cohort has not reached yet are empty.
    """
    first: dict[str, date] = {}
    months: dict[str, set[int]] = {}
    placed = sorted(orders, key=lambda order: order.placed_at)
    for order in placed:
        day = order.placed_at.date()
        if _month(day) >= end_month:
            continue
        cohort = first.setdefault(order.customer_id, _month(day))
        months.setdefault(order.customer_id, set()).add(_months_between(cohort, day))
    span = max(_months_between(first_month, end_month), 1)
    cohorts: dict[date, list[str]] = {}
    for customer, cohort in first.items():
        if first_month <= cohort < end_month:
            cohorts.setdefault(cohort, []).append(customer)
    columns = [Column("cohort", "First order"), Column("customers", "Customers")]
    columns += [Column(f"month_{k}", f"Month {k}") for k in range(span)]
    rows: list[tuple[Cell, ...]] = []
    for cohort in sorted(cohorts):
        members = cohorts[cohort]
        reached = _months_between(cohort, end_month)
        cells: list[Cell] = [cohort, len(members)]
        for k in range(span):
            if k >= reached:
                cells.append(None)
                continue
            came = sum(1 for customer in members if k in months[customer])
            cells.append(ratio(came, len(members)))
        rows.append(tuple(cells))
    return ReportTable(
        f"Cohort retention by first-order month, {first_month:%Y-%m} to {end_month:%Y-%m}",
        tuple(columns),
        tuple(rows),
        ("Each month: the share of the cohort that ordered in it.",),
    )
