"""Shop: one object that wires a store, a clock, ids and the services together."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from orderkit.adapters.urls import redact_url
from orderkit.clock import Clock, SystemClock
from orderkit.errors import ConfigurationError, UnsupportedStore
from orderkit.events import DomainEvent
from orderkit.ids import IdGenerator, IdSource
from orderkit.inventory.routing import RoutingStrategy
from orderkit.lifecycle.policy import OrderPolicy
from orderkit.lifecycle.workflow import Authorize
from orderkit.payments.gateway import PaymentGateway
from orderkit.payments.refunds import CreditNoteIssuer
from orderkit.payments.verification import VerificationPipeline
from orderkit.retry import RetryPolicy
from orderkit.serialization import BUILTIN_EVENTS, EventCodec
from orderkit.services.catalog import CatalogService
from orderkit.services.context import ServiceContext
from orderkit.services.customers import CustomerService
from orderkit.services.events import EventService
from orderkit.services.inventory import InventoryService
from orderkit.services.order_stock import ReservationCoupling
from orderkit.services.orders import OrderService
from orderkit.services.payments import PaymentService
from orderkit.services.purchasing import PurchasingService
from orderkit.services.reports import ReportService
from orderkit.services.reservations import ReservationService
from orderkit.services.store_credit import StoreCreditGateway, StoreCreditService
from orderkit.storage import Store

__all__ = ["Shop", "open_store"]


def open_store(url: str | None) -> Store:
    """Open the store a URL names.

    - ``None`` or ``"memory://"``: a new in-memory store.
    - ``"sqlite:///relative/shop.db"``, ``"sqlite:////absolute/shop.db"``,
      ``"sqlite:///~/shop.db"`` (in the home folder), ``"sqlite:///:memory:"``:
      an SQLite file, created if missing.
    - ``"postgresql://user:password@host:5432/database"`` (or ``postgres://``):
      a PostgreSQL database with a connection pool; needs the ``postgres`` extra
      (``pip install 'orderkit[postgres]'``). Any libpq parameter may follow
      in the query string (``?sslmode=require&application_name=shop``).

    Raises:
        UnsupportedStore: The URL's scheme is not one orderkit can open, or
            the ``postgres`` extra is not installed.
        StorageUnavailable: The database cannot be opened or reached.
    """
    if url is None or url == "memory://":
        from orderkit.adapters.memory import MemoryStore

        return MemoryStore()
    if not isinstance(url, str):
        raise UnsupportedStore("url", url, "give a store URL string such as 'sqlite:///shop.db'")
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        if parts.netloc:
            raise UnsupportedStore(
                "url", url, "write sqlite:///relative.db or sqlite:////absolute/path.db"
            )
        path = unquote(parts.path[1:]) if parts.path.startswith("/") else ""
        if not path:
            raise UnsupportedStore("url", url, "name the database file: sqlite:///shop.db")
        from orderkit.adapters.sqlite import SqliteStore

        return SqliteStore(path if path == ":memory:" else Path(path).expanduser())
    if parts.scheme in {"postgresql", "postgres"}:
        try:
            from orderkit.adapters.postgres import PostgresStore
        except ImportError as missing:
            raise UnsupportedStore(
                "url",
                redact_url(url),
                "the PostgreSQL store needs the postgres extra: pip install 'orderkit[postgres]'",
            ) from missing
        return PostgresStore(url)
    raise UnsupportedStore(
        "url",
        redact_url(url),
        "supported: memory://, sqlite:///path/to/shop.db and postgresql://user@host/db",
    )


class Shop:
    """A shop: the entry point to orderkit's services.

    Build one with :meth:`Shop.open` from a URL, or pass a ready
    :class:`~orderkit.storage.Store` (your own adapter, for instance).
    Nothing is read from the environment: clock, ids and store come in here.

    Args:
        store: Where everything is kept.
        clock: The source of time; the system clock by default.
        ids: The source of record ids; random, time-sortable ids by default.
        event_types: Host-defined event classes to carry through the outbox,
            in addition to orderkit's own.
        routing: How reservations choose warehouses; by priority by default.
        channel_buffers: Units held back from available-to-promise per channel.
        order_policy: Workflow, tax, auto-confirmation, expiry and stock
            settings for orders (:class:`~orderkit.lifecycle.OrderPolicy`).
        authorize: ``authorize(actor, permission) -> bool``; when given, every
            order command checks the permission its transition names.
        retry: How often a use case runs again when the database aborted it
            in a conflict with a concurrent one (PostgreSQL); see
            :class:`~orderkit.RetryPolicy`.
        gateways: The payment gateways payments go through (the first is the
            default), such as
            :class:`~orderkit.adapters.gateways.TestCardGateway`.
        verification: The checks payments pass before authorisation and
            before capture (:class:`~orderkit.VerificationPipeline`).
        credit_notes: ``credit_notes(order, refund) -> number`` issues a
            credit note for each refund that went through
            (:class:`~orderkit.payments.CreditNoteIssuer`).

    Attributes:
        catalog: Products (:class:`~orderkit.services.catalog.CatalogService`).
        customers: Customers (:class:`~orderkit.services.customers.CustomerService`).
        orders: Orders (:class:`~orderkit.services.orders.OrderService`).
        events: The outbox (:class:`~orderkit.services.events.EventService`).
        reports: Reports (:class:`~orderkit.services.reports.ReportService`).
        inventory: Warehouses, stock and availability
            (:class:`~orderkit.services.inventory.InventoryService`).
        reservations: Stock held for orders and carts
            (:class:`~orderkit.services.reservations.ReservationService`).
        purchasing: Purchase orders and replenishment
            (:class:`~orderkit.services.purchasing.PurchasingService`).
        payments: Payments through the gateways
            (:class:`~orderkit.services.payments.PaymentService`).
        store_credit: Gift cards and store credit
            (:class:`~orderkit.services.store_credit.StoreCreditService`); every
            shop can take payments with them through its ``store_credit`` gateway.

    Examples:
        >>> import orderkit as ok
        >>> shop = ok.Shop.open()                      # in memory
        >>> shop.catalog.add(ok.Product(sku="TEE-M", name="T-shirt M",
        ...                             price=ok.Money("19.90", "EUR"))).sku
        'TEE-M'
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock | None = None,
        ids: IdSource | None = None,
        event_types: Iterable[type[DomainEvent]] = (),
        routing: RoutingStrategy | None = None,
        channel_buffers: Mapping[str, int] | None = None,
        order_policy: OrderPolicy | None = None,
        authorize: Authorize | None = None,
        retry: RetryPolicy | None = None,
        gateways: Iterable[PaymentGateway] = (),
        verification: VerificationPipeline | None = None,
        credit_notes: CreditNoteIssuer | None = None,
    ) -> None:
        if not hasattr(store, "unit_of_work"):
            raise ConfigurationError("store", store, "must implement orderkit.storage.Store")
        clock = clock if clock is not None else SystemClock()
        if not isinstance(clock, Clock):
            raise ConfigurationError("clock", clock, "must have a now() method")
        ids = ids if ids is not None else IdGenerator(clock)
        if not isinstance(ids, IdSource):
            raise ConfigurationError("ids", ids, "must have a new() method")
        if order_policy is not None and not isinstance(order_policy, OrderPolicy):
            raise ConfigurationError("order_policy", order_policy, "must be an OrderPolicy")
        if authorize is not None and not callable(authorize):
            raise ConfigurationError("authorize", authorize, "must be callable(actor, permission)")
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise ConfigurationError("retry", retry, "must be a RetryPolicy")
        self.store = store
        self.clock = clock
        codec = EventCodec((*BUILTIN_EVENTS, *event_types))
        context = ServiceContext(
            store=store, clock=clock, ids=ids, codec=codec, retry=retry or RetryPolicy()
        )
        self.catalog = CatalogService(context)
        self.customers = CustomerService(context)
        self.events = EventService(context)
        self.reports = ReportService(context)
        self.inventory = InventoryService(context, channel_buffers=channel_buffers)
        self.reservations = ReservationService(context, routing=routing)
        self.orders = OrderService(
            context,
            policy=order_policy,
            stock=ReservationCoupling(self.reservations),
            authorize=authorize,
        )
        self.purchasing = PurchasingService(context)
        self.store_credit = StoreCreditService(context)
        self.payments = PaymentService(
            context,
            gateways,
            orders=self.orders,
            verification=verification,
            builtin=[StoreCreditGateway(context)],
            credit_notes=credit_notes,
        )

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        clock: Clock | None = None,
        seed: int | None = None,
        event_types: Iterable[type[DomainEvent]] = (),
        routing: RoutingStrategy | None = None,
        channel_buffers: Mapping[str, int] | None = None,
        order_policy: OrderPolicy | None = None,
        authorize: Authorize | None = None,
        retry: RetryPolicy | None = None,
        gateways: Iterable[PaymentGateway] = (),
        verification: VerificationPipeline | None = None,
        credit_notes: CreditNoteIssuer | None = None,
    ) -> Shop:
        """Open a shop on the store ``url`` names (see :func:`open_store`).

        Args:
            url: ``None`` for in memory, ``"sqlite:///shop.db"``, or
                ``"postgresql://user:password@host/database"``.
            clock: The source of time; the system clock by default.
            seed: Make record ids reproducible (for demos, tests and simulations).
            event_types: Host-defined event classes for the outbox.
            routing: How reservations choose warehouses; by priority by default.
            channel_buffers: Units held back from available-to-promise per channel.
            order_policy: How orders run (:class:`~orderkit.lifecycle.OrderPolicy`).
            authorize: ``authorize(actor, permission) -> bool`` for order commands.
            retry: How often a use case runs again after a database conflict.
            gateways: The payment gateways; the first is the default.
            verification: The checks payments pass (fraud rules).
            credit_notes: The documents hook called for each refund.

        Raises:
            UnsupportedStore: The URL names a backend orderkit cannot open.
            StorageUnavailable: The database cannot be opened.
            SchemaVersionError: The database was written by a newer orderkit.
        """
        store = open_store(url)
        clock = clock if clock is not None else SystemClock()
        ids = IdGenerator(clock, random.Random(seed)) if seed is not None else None
        return cls(
            store,
            clock=clock,
            ids=ids,
            event_types=event_types,
            routing=routing,
            channel_buffers=channel_buffers,
            order_policy=order_policy,
            authorize=authorize,
            retry=retry,
            gateways=gateways,
            verification=verification,
            credit_notes=credit_notes,
        )

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Shop:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Shop({self.store!r})"
