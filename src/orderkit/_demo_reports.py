"""The demo's closing reports: the headline figures read from the sales ledger."""

from __future__ import annotations

from datetime import date, timedelta

from orderkit.reports.periods import Period
from orderkit.reports.table import Column, ReportTable
from orderkit.shop import Shop

__all__ = ["sales_reports"]

_HEADLINE = (
    "orders",
    "gross_sales",
    "discounts",
    "returns",
    "net_sales",
    "shipping",
    "taxes",
    "total_sales",
    "refunds",
    "average_order_value",
)


def sales_reports(shop: Shop, first: date, last: date, locale: str) -> str:
    """The headline sales figures, top products and countries and weekly sales of the period."""
    period = Period.days(first, last + timedelta(days=1))
    figures = shop.reports.sales(period)
    headline = ReportTable(
        f"Sales from the sales ledger, {period}",
        (
            Column("currency", "Currency"),
            *(Column(name, name.replace("_", " ").capitalize()) for name in _HEADLINE),
        ),
        tuple(
            (currency, *(figure.measure(name) for name in _HEADLINE))
            for currency, figure in figures.items()
        ),
    )
    products = shop.reports.top("product", period=period, n=3)
    countries = shop.reports.top("country", period=period, n=3)
    weeks = shop.reports.breakdown("week", period=period, currency="EUR")
    return "\n\n".join(table.render(locale) for table in (headline, products, countries, weeks))
