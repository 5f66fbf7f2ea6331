"""Shop: one object that wires a store, a clock, ids and the services together."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import attrs

from orderkit.adapters.gateways.store_credit import StoreCreditGateway
from orderkit.adapters.urls import redact_url
from orderkit.capabilities import BUILTIN_EVENTS, BUNDLED, EventCodec, events_of, make_converter
from orderkit.catalog.service import CatalogService
from orderkit.core.access import AccessPolicy
from orderkit.core.checks import require_text
from orderkit.core.context import ServiceContext
from orderkit.core.outbox import EventService
from orderkit.core.retry import RetryPolicy
from orderkit.customers.service import CustomerService
from orderkit.errors import ConfigurationError, UnsupportedStore
from orderkit.fulfillment.service import FulfilmentService
from orderkit.hosting import HostedStore
from orderkit.inventory.order_stock import ReservationCoupling
from orderkit.inventory.purchasing_service import PurchasingService
from orderkit.inventory.reservation_service import ReservationService
from orderkit.inventory.service import InventoryService
from orderkit.lifecycle.policy import OrderPolicy
from orderkit.lifecycle.service import OrderService
from orderkit.payments.service import PaymentService
from orderkit.reports.booking import BookingStore
from orderkit.reports.service import ReportService
from orderkit.returns.service import ReturnsService
from orderkit.settings import ShopSettings
from orderkit.storage import Store, UnitOfWork
from orderkit.store_credit.service import StoreCreditService

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
        settings: How the shop runs (:class:`~orderkit.ShopSettings`).
        **options: Any setting of :class:`~orderkit.ShopSettings` as a keyword
            (``clock=``, ``gateways=``, ...), on top of ``settings``.

    Raises:
        ConfigurationError: The store is not a store, or a setting is unknown
            or has a value it cannot take.

    Attributes:
        settings: The settings the shop runs with.
        context: The store, clock, ids, event codec and retry policy the
            services share; a host's own capability builds its services on it.
        catalog: Products (:class:`~orderkit.catalog.service.CatalogService`).
        customers: Customers (:class:`~orderkit.customers.service.CustomerService`).
        orders: Orders (:class:`~orderkit.lifecycle.service.OrderService`).
        events: The outbox (:class:`~orderkit.core.outbox.EventService`).
        reports: Reports (:class:`~orderkit.reports.service.ReportService`).
        inventory: Warehouses, stock and availability
            (:class:`~orderkit.inventory.service.InventoryService`).
        reservations: Stock held for orders and carts
            (:class:`~orderkit.inventory.reservation_service.ReservationService`).
        purchasing: Purchase orders and replenishment
            (:class:`~orderkit.inventory.purchasing_service.PurchasingService`).
        payments: Payments through the gateways
            (:class:`~orderkit.payments.service.PaymentService`).
        fulfilment: Shipments: pick, pack, ship, deliver
            (:class:`~orderkit.fulfillment.service.FulfilmentService`).
        returns: Returns, exchanges, claims and the follow-up after delivery
            (:class:`~orderkit.returns.service.ReturnsService`).
        store_credit: Gift cards and store credit
            (:class:`~orderkit.store_credit.service.StoreCreditService`); every
            shop can take payments with them through its ``store_credit`` gateway.

    Examples:
        >>> import orderkit as ok
        >>> shop = ok.Shop.open()                      # in memory
        >>> shop.catalog.add(ok.Product(sku="TEE-M", name="T-shirt M",
        ...                             price=ok.Money("19.90", "EUR"))).sku
        'TEE-M'
    """

    def __init__(
        self, store: Store, settings: ShopSettings | None = None, /, **options: Any
    ) -> None:
        if not hasattr(store, "unit_of_work"):
            raise ConfigurationError("store", store, "must implement orderkit.storage.Store")
        settings = ShopSettings.of(settings, options)
        clock = settings.make_clock()
        self.settings = settings
        self.store: Store = store
        self.clock = clock
        hosted = settings.capabilities
        converter = make_converter((*BUNDLED, *hosted))
        codec = EventCodec((*BUILTIN_EVENTS, *events_of(hosted), *settings.event_types), converter)
        ids = settings.make_ids(clock)
        store = BookingStore(store, clock.now, ids.new)
        if any(capability.repositories for capability in hosted):
            store = HostedStore(store, hosted, converter)
        self.context: ServiceContext[UnitOfWork] = ServiceContext(
            store=store,
            clock=clock,
            ids=ids,
            codec=codec,
            retry=settings.retry or RetryPolicy(),
            access=AccessPolicy(settings.authorize),
        )
        self._compose(self.context)

    def _compose(self, context: ServiceContext[UnitOfWork]) -> None:
        """Build every service on ``context``."""
        settings = self.settings

        self.catalog = CatalogService(context)
        self.customers = CustomerService(context)
        self.events = EventService(context)
        self.reports = ReportService(
            context,
            time_zone=settings.time_zone,
            perfect_orders=self._perfect_orders,
            exchange_rates=settings.exchange_rates,
            order_states=(settings.order_policy or OrderPolicy()).workflow.states,
        )
        self.inventory = InventoryService(context, channel_buffers=settings.channel_buffers)
        self.reservations = ReservationService(context, routing=settings.routing)
        self.orders = OrderService(
            context,
            policy=settings.order_policy,
            stock=ReservationCoupling(self.reservations),
            authorize=settings.authorize,
        )
        self.purchasing = PurchasingService(context)
        self.store_credit = StoreCreditService(context)
        self.fulfilment = FulfilmentService(
            context,
            orders=self.orders,
            stock=self.reservations,
            carriers=settings.carriers,
            calendars=settings.shipping_calendars,
            on_delivered=[self._schedule_follow_up],
            on_other_tracking=[self._track_returns],
        )
        self.payments = PaymentService(
            context,
            settings.gateways,
            orders=self.orders,
            verification=settings.verification,
            builtin=[StoreCreditGateway(context)],
            credit_notes=settings.credit_notes,
            allow_overpayment=settings.allow_overpayment,
        )
        self.returns = ReturnsService(
            context,
            policy=settings.return_policy,
            orders=self.orders,
            stock=self.reservations,
            money=self.payments,
            shipping=self.fulfilment,
            carriers=self.fulfilment.carriers,
        )

    def _perfect_orders(self, numbers: list[int]) -> list[Any]:
        """The reports' way to the returns service's perfect-order flags."""
        return self.returns.perfect_orders(numbers)

    def _track_returns(self, events: Any) -> None:
        """Fulfilment's hook for scans of no shipment: return parcels follow them."""
        self.returns.record_tracking(events)

    def _schedule_follow_up(self, uow: Any, order: Any, delivered_at: Any) -> None:
        """Fulfilment's delivery hook: the returns service schedules the order's follow-up."""
        self.returns.follow_up_within(uow, order, delivered_at)

    def acting_as(self, actor: str) -> Shop:
        """The same shop acting for ``actor``: every call that names nobody asks as them.

        The shop's ``authorize`` hook is asked with ``actor`` before each read
        and write, and the order history records them. The two shops share the
        store, clock, ids and settings; closing either closes the store.

        Raises:
            ValidationError: ``actor`` is not a non-empty text.

        Examples:
            >>> import orderkit as ok
            >>> grants = {"clerk-7": {"catalog.read"}}
            >>> shop = ok.Shop.open(authorize=lambda who, what: what in grants.get(who, ()))
            >>> shop.acting_as("clerk-7").catalog.list()
            []
            >>> shop.acting_as("clerk-7").catalog.add(
            ...     ok.Product(sku="A", name="A", price=ok.Money("1.00", "EUR")))
            Traceback (most recent call last):
            ...
            orderkit.errors.PermissionDenied: clerk-7 lacks the permission 'catalog.add'
        """
        acting = object.__new__(Shop)
        acting.settings = self.settings
        acting.store = self.store
        acting.clock = self.clock
        acting.context = attrs.evolve(self.context, actor=require_text(actor, "actor", 200))
        acting._compose(acting.context)
        return acting

    @classmethod
    def open(
        cls, url: str | None = None, settings: ShopSettings | None = None, /, **options: Any
    ) -> Shop:
        """Open a shop on the store ``url`` names (see :func:`open_store`).

        Args:
            url: ``None`` for in memory, ``"sqlite:///shop.db"``, or
                ``"postgresql://user:password@host/database"``.
            settings: How the shop runs (:class:`~orderkit.ShopSettings`).
            **options: Any setting of :class:`~orderkit.ShopSettings` as a
                keyword, on top of ``settings``.

        Raises:
            ConfigurationError: A setting is unknown or has a value it cannot take.
            UnsupportedStore: The URL names a backend orderkit cannot open.
            StorageUnavailable: The database cannot be opened.
            SchemaVersionError: The database was written by a newer orderkit.
        """
        settings = ShopSettings.of(settings, options)
        return cls(open_store(url), settings)

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Shop:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Shop({self.store!r})"
