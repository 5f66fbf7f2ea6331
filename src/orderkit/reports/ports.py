"""What reports need from a store."""

from __future__ import annotations

from typing import Protocol

from orderkit.core.ports import UnitOfWorkBase
from orderkit.lifecycle.ports import OrderRepository

__all__ = ["ReportsUnitOfWork"]


class ReportsUnitOfWork(UnitOfWorkBase, Protocol):
    """Protocol: a unit of work with the orders that reports read."""

    @property
    def orders(self) -> OrderRepository:
        """The orders of this transaction."""
        ...
