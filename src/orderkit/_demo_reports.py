"""The demo's closing reports: the headline figures read from the sales ledger."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from orderkit.reports.periods import Period
from orderkit.shop import Shop

__all__ = ["sales_reports", "write_dashboard"]


def _period(first: date, last: date) -> Period:
    return Period.days(first, last + timedelta(days=1))


def sales_reports(shop: Shop, first: date, last: date, locale: str) -> str:
    """Headline sales, operations KPIs, top products and countries, weekly sales of the period."""
    period = _period(first, last)
    tables = (
        shop.reports.sales_table(period),
        shop.reports.operations(period).to_table(),
        shop.reports.top("product", period=period, n=3),
        shop.reports.top("country", period=period, n=3),
        shop.reports.breakdown("week", period=period, currency="EUR"),
    )
    return "\n\n".join(table.render(locale) for table in tables)


def write_dashboard(shop: Shop, first: date, last: date, locale: str, path: Path) -> None:
    """Write the HTML dashboard of the period to ``path``."""
    page = shop.reports.dashboard(_period(first, last), locale=locale, title="orderkit demo shop")
    path.write_text(page, encoding="utf-8")
