"""``orderkit report``: the shop's reports in a terminal, as a table, CSV or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import ExitStack
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from orderkit.adapters.duckdb import DuckDbLedger
from orderkit.reports.breakdowns import DIMENSIONS, MEASURES
from orderkit.reports.forecast import forecast_table
from orderkit.reports.service import ReportService
from orderkit.reports.table import ReportTable
from orderkit.shop import Shop

__all__ = ["add_report_command", "run_report"]

_PLURALS = {
    "products": "product",
    "brands": "brand",
    "categories": "category",
    "customers": "customer",
    "orders": "order",
    "countries": "country",
    "billing-countries": "billing_country",
    "channels": "channel",
    "sellers": "seller",
    "currencies": "currency",
    "landing-pages": "landing_page",
    "referrers": "referrer",
    "campaigns": "campaign",
    "hours": "hour",
    "days": "day",
    "weeks": "week",
    "months": "month",
    "weekdays": "weekday",
}

_FILTERS = (
    "channel",
    "country",
    "billing_country",
    "seller",
    "currency",
    "customer",
    "product",
    "status",
    "warehouse",
)


def _dimension(text: str) -> str:
    name = _PLURALS.get(text, text).replace("-", "_")
    if name in DIMENSIONS or name.startswith(("attribute:", "product:")):
        return name
    raise argparse.ArgumentTypeError(
        f"{text!r} is no report dimension; give one of {', '.join(sorted(_PLURALS))}, "
        "attribute:NAME or product:NAME"
    )


def _measure(text: str) -> str:
    name = text.replace("-", "_")
    if name not in MEASURES:
        choices = ", ".join(measure.replace("_", "-") for measure in MEASURES)
        raise argparse.ArgumentTypeError(f"{text!r} is no measure; give one of {choices}")
    return name


def _filter(text: str) -> tuple[str, str]:
    name, _, value = text.partition("=")
    name = name.replace("-", "_")
    if name not in _FILTERS or not value:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give NAME=VALUE with NAME one of {', '.join(_FILTERS)}"
        )
    return name, value


def add_report_command(commands: Any) -> None:
    """Add ``report`` and its subcommands to the ``orderkit`` parser's commands."""
    report = commands.add_parser(
        "report",
        help="print a report of a shop: top-N, breakdowns, sales figures, the ledger",
        description="Reports of the shop at --url, read from its sales ledger.",
    )
    kinds = report.add_subparsers(dest="report", metavar="REPORT", required=True)

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--url", required=True, help="the shop's store: sqlite:///shop.db")
        parser.add_argument(
            "--period",
            help="2026-10, 2026-W40, 2026-Q4, 2026, 2026-10-05, or A/B: from the start "
            "of A up to the start of B (2026-10/2026-12 is October and November)",
        )
        parser.add_argument("--tz", help="the time zone of the days (the shop's: UTC)")
        parser.add_argument(
            "--filter",
            action="append",
            type=_filter,
            default=[],
            metavar="NAME=VALUE",
            help="keep only these sales; repeatable: " + ", ".join(_FILTERS),
        )
        parser.add_argument(
            "--format",
            choices=("table", "csv", "json"),
            default="table",
            help="output format (table)",
        )
        parser.add_argument("--locale", default="en_US", help="locale of a table (en_US)")

    def engines(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--engine",
            choices=("auto", "python", "duckdb"),
            default="auto",
            help="what sums the ledger: the store (auto), Python, or a DuckDB copy "
            "(the duckdb extra)",
        )
        parser.add_argument(
            "--duckdb-file",
            type=Path,
            help="keep the DuckDB copy in this file; each run copies only new rows",
        )

    for name, text in (("top", "the top N of a dimension"), ("breakdown", "every row")):
        parser = kinds.add_parser(name, help=text, description=f"Sales figures: {text}.")
        parser.add_argument(
            "dimension",
            type=_dimension,
            help="products, brands, categories, "
            "customers, orders, countries, channels, sellers, days, weeks, "
            "months, weekdays, hours, attribute:NAME, product:NAME...",
        )
        parser.add_argument(
            "--by", type=_measure, default="net_sales", help="what to rank by (net-sales)"
        )
        parser.add_argument(
            "--n",
            type=int,
            default=10 if name == "top" else None,
            help="how many rows per currency",
        )
        parser.add_argument(
            "--compare",
            choices=("previous", "last-year"),
            help="add the change against this period",
        )
        common(parser)
        engines(parser)
    sales = kinds.add_parser(
        "sales",
        help="the headline sales figures",
        description="Gross, discounts, returns, net, shipping, taxes, "
        "total sales and averages per currency.",
    )
    common(sales)
    engines(sales)
    _add_kpi_reports(kinds)
    dashboard = kinds.add_parser(
        "dashboard",
        help="write a static HTML dashboard",
        description="Write the headline figures, trends and top-N as one HTML file with "
        "inline SVG charts, readable on a phone, needing no network to view.",
    )
    dashboard.add_argument("--url", required=True, help="the shop's store: sqlite:///shop.db")
    dashboard.add_argument("--out", required=True, type=Path, help="the HTML file to write")
    dashboard.add_argument("--period", help="as for the other reports (the last 30 days)")
    dashboard.add_argument("--tz", help="the time zone of the days (the shop's: UTC)")
    dashboard.add_argument("--locale", default="en_US", help="locale of the figures (en_US)")
    dashboard.add_argument("--n", type=int, default=10, help="rows of each top-N (10)")
    ledger = kinds.add_parser(
        "ledger",
        help="every ledger row of the period",
        description="The sales ledger rows, streamed as CSV (also for "
        "--format table) or JSON lines, or written to a Parquet file with --parquet.",
    )
    common(ledger)
    ledger.add_argument(
        "--parquet", type=Path, help="write a Parquet file here instead (the parquet extra)"
    )


def _add_kpi_reports(kinds: Any) -> None:
    """The reports beyond sales figures: operations, inventory, customers, forecasts."""

    def plain(name: str, text: str, *, period: bool) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = kinds.add_parser(name, help=text, description=text + ".")
        parser.add_argument("--url", required=True, help="the shop's store: sqlite:///shop.db")
        if period:
            parser.add_argument("--period", required=True, help="2026-10, 2026-Q4, 2026...")
        parser.add_argument("--tz", help="the time zone of the days (the shop's: UTC)")
        parser.add_argument(
            "--format", choices=("table", "csv", "json"), default="table", help="(table)"
        )
        parser.add_argument("--locale", default="en_US", help="locale of a table (en_US)")
        return parser

    plain("operations", "the operations KPIs of the orders placed in the period", period=True)
    inventory = plain(
        "inventory", "inventory health per SKU over the last --days days", period=False
    )
    inventory.add_argument("--days", type=int, default=90, help="the window (90)")
    inventory.add_argument(
        "--dead-after-days", type=int, default=90, help="dead stock after (90) days unsold"
    )
    inventory.add_argument(
        "--overstock-days", type=int, default=180, help="overstock above (180) days of cover"
    )
    plain("customers", "new, returning and repeat customers of the period", period=True)
    rfm = plain("rfm", "recency, frequency and monetary scores and segments", period=False)
    rfm.add_argument("--currency", required=True, help="orders in this currency count")
    plain("cohorts", "retention by month of the first order", period=True)
    forecasts = plain("forecasts", "daily and weekly demand forecasts per SKU", period=False)
    forecasts.add_argument(
        "--sku", action="append", dest="skus", help="only this SKU; repeatable (all sold)"
    )
    forecasts.add_argument("--history-days", type=int, default=120, help="history (120)")
    forecasts.add_argument("--horizon", type=int, default=28, help="days ahead (28)")
    forecasts.add_argument("--holdout", type=int, default=14, help="days held out (14)")


def _kpi_table(reports: ReportService, args: argparse.Namespace) -> ReportTable | None:
    """The table of a report beyond sales figures, or ``None`` for a sales report."""
    name = args.report
    if name == "operations":
        return reports.operations(args.period, tz=args.tz).to_table()
    if name == "inventory":
        health = reports.inventory_health(
            days=args.days,
            dead_after_days=args.dead_after_days,
            overstock_days=args.overstock_days,
        )
        return health.to_table()
    if name == "customers":
        return reports.customers(args.period, tz=args.tz).to_table(args.period)
    if name == "rfm":
        return reports.rfm(currency=args.currency, tz=args.tz)
    if name == "cohorts":
        return reports.cohorts(args.period, tz=args.tz)
    if name == "forecasts":
        found = reports.forecasts(
            args.skus,
            history_days=args.history_days,
            horizon=args.horizon,
            holdout=args.holdout,
            tz=args.tz,
        )
        return forecast_table(found)
    return None


def run_report(args: argparse.Namespace, out: TextIO | None = None) -> None:
    """Run the report ``args`` name and write it to ``out`` (standard output by default)."""
    out = sys.stdout if out is None else out
    filters = dict(getattr(args, "filter", []))
    with Shop.open(args.url) as shop:
        reports = shop.reports
        kpis = _kpi_table(reports, args)
        if kpis is not None:
            _write_table(kpis, args.format, args.locale, out)
            return
        if args.report == "dashboard":
            page = reports.dashboard(args.period, tz=args.tz, locale=args.locale, n=args.n)
            args.out.write_text(page, encoding="utf-8")
            out.write(f"wrote {args.out}\n")
            return
        if args.report == "ledger":
            if args.parquet is not None:
                count = reports.export_ledger(
                    args.parquet, args.period, tz=args.tz, format="parquet", **filters
                )
                out.write(f"wrote {count} rows to {args.parquet}\n")
                return
            fmt = "jsonl" if args.format == "json" else "csv"
            reports.export_ledger(out, args.period, tz=args.tz, format=fmt, **filters)
            return
        with ExitStack() as stack:
            engine: str | DuckDbLedger = args.engine
            if args.engine == "duckdb" or args.duckdb_file is not None:
                database = ":memory:" if args.duckdb_file is None else args.duckdb_file
                engine = stack.enter_context(DuckDbLedger.of_store(shop.store, database))
            if args.report == "sales":
                table = reports.sales_table(args.period, tz=args.tz, engine=engine, **filters)
            else:
                compare = None if args.compare is None else args.compare.replace("-", "_")
                table = reports.breakdown(
                    args.dimension,
                    period=args.period,
                    by=args.by,
                    n=args.n,
                    compare=compare,
                    tz=args.tz,
                    engine=engine,
                    **filters,
                )
        _write_table(table, args.format, args.locale, out)


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _write_table(table: ReportTable, fmt: str, locale: str, out: TextIO) -> None:
    if fmt == "csv":
        table.to_csv(out)
    elif fmt == "json":
        records = [{k: _json_value(v) for k, v in row.items()} for row in table.to_records()]
        json.dump({"title": table.title, "rows": records}, out, indent=2)
        out.write("\n")
    else:
        out.write(table.render(locale) + "\n")
