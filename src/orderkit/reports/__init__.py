"""Report calculators: pure functions over orders, and the results they return."""

from orderkit.reports.summary import SalesSummary, summarise_sales

__all__ = ["SalesSummary", "summarise_sales"]
