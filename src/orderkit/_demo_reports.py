"""The demo's closing reports: the headline figures read from the sales ledger."""

from __future__ import annotations

from datetime import date, timedelta

from orderkit.reports.periods import Period
from orderkit.shop import Shop

__all__ = ["sales_reports"]


def sales_reports(shop: Shop, first: date, last: date, locale: str) -> str:
    """Headline sales, operations KPIs, top products and countries, weekly sales of the period."""
    period = Period.days(first, last + timedelta(days=1))
    tables = (
        shop.reports.sales_table(period),
        shop.reports.operations(period).to_table(),
        shop.reports.top("product", period=period, n=3),
        shop.reports.top("country", period=period, n=3),
        shop.reports.breakdown("week", period=period, currency="EUR"),
    )
    return "\n\n".join(table.render(locale) for table in tables)
