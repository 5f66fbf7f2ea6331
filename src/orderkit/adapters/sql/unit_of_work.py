"""A unit of work over one SQL transaction."""

from __future__ import annotations

import contextlib

import cattrs

from orderkit.adapters._decoded import DecodedCache, DecodedView
from orderkit.adapters._lazy import LazyRepositories
from orderkit.adapters.records._returns import (
    RecordClaims,
    RecordFeedback,
    RecordFollowUps,
    RecordReturns,
)
from orderkit.adapters.sql.base import SqlRepository
from orderkit.adapters.sql.fulfilment import SqlShipments
from orderkit.adapters.sql.inventory import (
    SqlPurchaseOrders,
    SqlReservations,
    SqlStock,
    SqlStockPolicies,
    SqlWarehouses,
)
from orderkit.adapters.sql.payments import SqlIdempotencyKeys, SqlPayments, SqlRefunds
from orderkit.adapters.sql.records import SqlRecords
from orderkit.adapters.sql.repositories import (
    SqlCustomers,
    SqlOrders,
    SqlOutbox,
    SqlProducts,
    SqlSequences,
)
from orderkit.adapters.sql.sales import SqlSalesLedger
from orderkit.adapters.sql.session import SqlSession
from orderkit.adapters.sql.store_credit import SqlCreditAccounts
from orderkit.errors import ConnectionLost, StorageError, StorageUnavailable

__all__ = ["SqlUnitOfWork"]

_REPOSITORIES: dict[str, type[SqlRepository]] = {
    "products": SqlProducts,
    "customers": SqlCustomers,
    "orders": SqlOrders,
    "outbox": SqlOutbox,
    "sequences": SqlSequences,
    "warehouses": SqlWarehouses,
    "stock": SqlStock,
    "reservations": SqlReservations,
    "stock_policies": SqlStockPolicies,
    "purchase_orders": SqlPurchaseOrders,
    "payments": SqlPayments,
    "idempotency_keys": SqlIdempotencyKeys,
    "credit_accounts": SqlCreditAccounts,
    "refunds": SqlRefunds,
    "sales": SqlSalesLedger,
    "shipments": SqlShipments,
}

_ON_RECORDS = {
    "returns": RecordReturns,
    "claims": RecordClaims,
    "feedback": RecordFeedback,
    "follow_ups": RecordFollowUps,
}
"""Repositories kept in the ``records`` table rather than tables of their own."""


class SqlUnitOfWork(LazyRepositories):
    """Repositories sharing one transaction; see :class:`orderkit.storage.UnitOfWork`.

    The store begins the transaction and ends it if the caller did not.
    Aggregates it reads or saves reach the store's decoded cache when it
    commits (a read-only one: when it ends), never when it rolls back.
    """

    products: SqlProducts
    customers: SqlCustomers
    orders: SqlOrders
    outbox: SqlOutbox
    sequences: SqlSequences
    warehouses: SqlWarehouses
    stock: SqlStock
    reservations: SqlReservations
    stock_policies: SqlStockPolicies
    purchase_orders: SqlPurchaseOrders
    payments: SqlPayments
    idempotency_keys: SqlIdempotencyKeys
    credit_accounts: SqlCreditAccounts
    refunds: SqlRefunds
    sales: SqlSalesLedger
    shipments: SqlShipments
    returns: RecordReturns
    claims: RecordClaims
    feedback: RecordFeedback
    follow_ups: RecordFollowUps

    def __init__(
        self,
        session: SqlSession,
        converter: cattrs.Converter,
        cache: DecodedCache | None = None,
    ) -> None:
        self._session = session
        self._converter = converter
        self._decoded = DecodedView(cache if cache is not None else DecodedCache(0))
        self.active = True
        self._records: SqlRecords | None = None

    def _repository(self, name: str) -> object | None:
        kind = _REPOSITORIES.get(name)
        if kind is not None:
            return kind(self._session, self._converter, self._decoded)
        on_records = _ON_RECORDS.get(name)
        if on_records is not None:
            return on_records(self.records, self._converter, self._decoded)
        return None

    @property
    def records(self) -> SqlRecords:
        """The records of this transaction (the tables of a host's own capabilities)."""
        if self._records is None:
            self._records = SqlRecords(self._session)
        return self._records

    def commit(self) -> None:
        """Commit the transaction."""
        self._end()
        try:
            self._session.commit()
            self._decoded.publish()
        except self._session.dialect.driver_error as exc:
            self._rollback_quietly()
            translated = self._session.dialect.translate(exc)
            if isinstance(translated, ConnectionLost):
                # Unlike a break before it, this one leaves the outcome unknown.
                raise StorageUnavailable(
                    f"the connection broke during the commit, which may or may not "
                    f"have happened: {exc}"
                ) from exc
            self._session.raise_translated(exc)

    def rollback(self) -> None:
        """Roll the transaction back."""
        self._end()
        if self._session.readonly:
            self._decoded.publish()  # it read committed rows only
        else:
            self._decoded.discard()
        try:
            self._session.connection.rollback()
        except self._session.dialect.driver_error as exc:
            self._session.raise_translated(exc)

    def _end(self) -> None:
        if not self.active:
            raise StorageError("this unit of work has already ended")
        self.active = False

    def _rollback_quietly(self) -> None:
        # The commit's own error is the one to report; a failed rollback after
        # it adds nothing the caller can act on.
        with contextlib.suppress(self._session.dialect.driver_error):
            self._session.connection.rollback()
