"""Running the report calculators over a shop's stored orders."""

from __future__ import annotations

from orderkit.core.access import reads
from orderkit.core.context import ServiceContext
from orderkit.reports.ports import ReportsUnitOfWork
from orderkit.reports.summary import SalesSummary, summarise_sales

__all__ = ["ReportService"]


class ReportService:
    """``shop.reports``: reports over the shop's orders."""

    def __init__(self, context: ServiceContext[ReportsUnitOfWork]) -> None:
        self._context = context

    @reads("reports.read")
    def summary(self) -> SalesSummary:
        """Return the :class:`~orderkit.reports.SalesSummary` of every order placed."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return summarise_sales(uow.orders.list())
