"""Reports: the sales ledger, the figures defined on it, and the engines that sum it.

- :mod:`~orderkit.reports.ledger`: the rows booked whenever an order changes.
- :mod:`~orderkit.reports.figures`: gross, discounts, returns, net, shipping,
  taxes, total sales and the averages, defined once.
- :mod:`~orderkit.reports.aggregation`: what a report asks an engine to sum,
  and the pure-Python engine; the SQL stores sum in the database.
- :mod:`~orderkit.reports.booking`: the store wrapper that books the ledger.
- :mod:`~orderkit.reports.periods`: periods and time buckets in a time zone.
- :mod:`~orderkit.reports.breakdowns`: dimensions, measures, ranking.
- :mod:`~orderkit.reports.table`: the table a report returns, and ledger exports.
- :mod:`~orderkit.reports.exchange`: exchange rates and conversion.
- :mod:`~orderkit.reports.operations`, :mod:`~orderkit.reports.inventory_health`,
  :mod:`~orderkit.reports.customers`, :mod:`~orderkit.reports.forecast`: the
  KPI, stock, customer and demand calculators.
- :mod:`~orderkit.reports.dashboard`: the static HTML dashboard.
- :mod:`~orderkit.reports.service` (``shop.reports``) and
  :mod:`~orderkit.reports.analytics_service`: the use cases.
"""

from orderkit.reports.aggregation import (
    CustomerSums,
    GroupSums,
    OrderSums,
    SalesQuery,
    SalesTotals,
    sum_customers,
    sum_orders,
    sum_rows,
)
from orderkit.reports.figures import SalesFigures
from orderkit.reports.ledger import SaleKind, SaleRow, position_of, rows_for_change
from orderkit.reports.periods import Period
from orderkit.reports.ports import OrderAggregation, SalesAggregation, SalesLedger
from orderkit.reports.summary import SalesSummary, summarise_sales
from orderkit.reports.table import Column, ReportTable

__all__ = [
    "Column",
    "CustomerSums",
    "GroupSums",
    "OrderAggregation",
    "OrderSums",
    "Period",
    "ReportTable",
    "SaleKind",
    "SaleRow",
    "SalesAggregation",
    "SalesFigures",
    "SalesLedger",
    "SalesQuery",
    "SalesSummary",
    "SalesTotals",
    "position_of",
    "rows_for_change",
    "sum_customers",
    "sum_orders",
    "sum_rows",
    "summarise_sales",
]
