"""ShopSettings: every setting of a shop, declared once with its default and its meaning."""

from __future__ import annotations

import random
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from orderkit.core.capability import Capability
from orderkit.core.clock import Clock, SystemClock
from orderkit.core.events import DomainEvent
from orderkit.core.ids import IdGenerator, IdSource
from orderkit.core.retry import RetryPolicy
from orderkit.errors import ConfigurationError, ValidationError
from orderkit.fulfillment.carriers import Carrier
from orderkit.fulfillment.promises import ShippingCalendar
from orderkit.inventory.routing import RoutingStrategy
from orderkit.lifecycle.policy import OrderPolicy
from orderkit.lifecycle.workflow import Authorize
from orderkit.payments.gateway import PaymentGateway
from orderkit.payments.refunds import CreditNoteIssuer
from orderkit.payments.verification import VerificationPipeline
from orderkit.reports.exchange import ExchangeRates
from orderkit.reports.periods import time_zone
from orderkit.returns.policy import ReturnPolicy

__all__ = ["ShopSettings"]


def _must_have(method: str, what: str) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not callable(getattr(value, method, None)):
            raise ConfigurationError(attribute.name, value, f"must be {what}")

    return check


def _must_be(kind: type, what: str) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, kind):
            raise ConfigurationError(attribute.name, value, f"must be {what}")

    return check


def _callable_or_none(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not callable(value):
        raise ConfigurationError(attribute.name, value, "must be callable(actor, permission)")


def _frozen_mapping(value: Mapping[str, int] | None) -> Mapping[str, int] | None:
    # Anything else is passed on for the inventory service to refuse by name.
    return MappingProxyType(dict(value)) if isinstance(value, Mapping) else value


def _calendars(value: object) -> Mapping[str, ShippingCalendar]:
    if not isinstance(value, Mapping) or not all(
        isinstance(code, str) and isinstance(calendar, ShippingCalendar)
        for code, calendar in value.items()
    ):
        raise ConfigurationError(
            "shipping_calendars", value, "give a mapping of warehouse codes to ShippingCalendars"
        )
    return MappingProxyType(dict(value))


def _boolean(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise ConfigurationError(attribute.name, value, "must be True or False")


def _seed(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigurationError(attribute.name, value, "must be an int")


def _time_zone(instance: object, attribute: Any, value: object) -> None:
    try:
        time_zone(value)
    except ValidationError:
        raise ConfigurationError(
            attribute.name, value, "must be an IANA time zone name such as 'Europe/Berlin'"
        ) from None


@attrs.frozen(kw_only=True)
class ShopSettings:
    """How a :class:`~orderkit.Shop` runs: every setting, its default and its meaning.

    ``Shop(store, **settings)`` and ``Shop.open(url, **settings)`` take the
    same names as keywords; build a ``ShopSettings`` to keep a configuration
    as a value, and :meth:`evolve` it for a variant.

    Attributes:
        clock: The source of time; the system clock by default.
        ids: The source of record ids; random, time-sortable ids by default.
        seed: Make the default ids reproducible (demos, tests, simulations);
            not together with ``ids``.
        event_types: Host-defined event classes to carry through the outbox,
            in addition to orderkit's own.
        capabilities: The host's own capabilities
            (:class:`~orderkit.core.capability.Capability`): their events are
            carried through the outbox and their types known to its converter.
        routing: How reservations choose warehouses; by priority by default.
        channel_buffers: Units held back from available-to-promise per channel.
        order_policy: Workflow, tax, auto-confirmation, expiry and stock
            settings for orders (:class:`~orderkit.OrderPolicy`).
        authorize: ``authorize(actor, permission) -> bool``; when given, it is
            asked before every read and write of every service (see
            :mod:`orderkit.core.access`), and order commands ask their
            transition's permission.
        retry: How often a use case runs again when the database aborted it in
            a conflict with a concurrent one (:class:`~orderkit.RetryPolicy`).
        gateways: The payment gateways payments go through (the first is the
            default), such as
            :class:`~orderkit.adapters.gateways.TestCardGateway`.
        carriers: The carriers shipments are quoted, labelled and tracked
            with (:class:`~orderkit.fulfillment.carriers.Carrier`), such as
            :class:`~orderkit.adapters.carriers.ZoneParcelCarrier`.
        shipping_calendars: Per warehouse code, when it works and how long an
            order takes to leave (:class:`~orderkit.fulfillment.ShippingCalendar`);
            shipments of those warehouses get their promised dates from it.
        return_policy: The shop's terms for returns
            (:class:`~orderkit.returns.ReturnPolicy`); 30 days, approved
            within the terms, refunded after inspection, by default.
        verification: The checks payments pass before authorisation and
            before capture (:class:`~orderkit.VerificationPipeline`).
        credit_notes: ``credit_notes(order, refund) -> number`` issues a credit
            note for each refund that went through
            (:class:`~orderkit.payments.CreditNoteIssuer`).
        allow_overpayment: Let payments take more than an order's open
            balance (tips, weight-priced lines) unless a call says otherwise;
            off by default, so an order is never charged beyond its total.
        exchange_rates: Where reports take exchange rates to convert into one
            currency (``in_currency=``), such as
            :func:`~orderkit.reports.exchange.ecb_rates` of the ECB's reference
            rates; without it reports keep currencies apart.
        time_zone: The IANA time zone the shop's days are counted in
            (``"Europe/Berlin"``): reports bucket days, weeks and months in it.
            ``"UTC"`` by default.

    Raises:
        ConfigurationError: A setting has a value it cannot take, naming it.

    Examples:
        >>> import orderkit as ok
        >>> settings = ok.ShopSettings(seed=7)
        >>> settings.evolve(seed=8).seed
        8
        >>> ok.ShopSettings(retry="often")
        Traceback (most recent call last):
        ...
        orderkit.errors.ConfigurationError: retry='often': must be a RetryPolicy
    """

    clock: Clock | None = attrs.field(default=None, validator=_must_have("now", "a Clock"))
    ids: IdSource | None = attrs.field(default=None, validator=_must_have("new", "an IdSource"))
    seed: int | None = attrs.field(default=None, validator=_seed)
    event_types: tuple[type[DomainEvent], ...] = attrs.field(default=(), converter=tuple)
    capabilities: tuple[Capability, ...] = attrs.field(default=(), converter=tuple)
    routing: RoutingStrategy | None = None
    channel_buffers: Mapping[str, int] | None = attrs.field(default=None, converter=_frozen_mapping)
    order_policy: OrderPolicy | None = attrs.field(
        default=None, validator=_must_be(OrderPolicy, "an OrderPolicy")
    )
    authorize: Authorize | None = attrs.field(default=None, validator=_callable_or_none)
    retry: RetryPolicy | None = attrs.field(
        default=None, validator=_must_be(RetryPolicy, "a RetryPolicy")
    )
    gateways: tuple[PaymentGateway, ...] = attrs.field(default=(), converter=tuple)
    carriers: tuple[Carrier, ...] = attrs.field(default=(), converter=tuple)
    shipping_calendars: Mapping[str, ShippingCalendar] = attrs.field(
        factory=dict, converter=_calendars
    )
    return_policy: ReturnPolicy = attrs.field(
        factory=ReturnPolicy, validator=_must_be(ReturnPolicy, "a ReturnPolicy")
    )
    verification: VerificationPipeline | None = None
    credit_notes: CreditNoteIssuer | None = None
    allow_overpayment: bool = attrs.field(default=False, validator=_boolean)
    time_zone: str = attrs.field(default="UTC", validator=_time_zone)
    exchange_rates: ExchangeRates | None = attrs.field(
        default=None, validator=_must_have("rate", "ExchangeRates")
    )

    def __attrs_post_init__(self) -> None:
        if self.ids is not None and self.seed is not None:
            raise ConfigurationError("seed", self.seed, "give either ids or a seed, not both")

    @classmethod
    def of(cls, settings: ShopSettings | None, options: Mapping[str, Any]) -> ShopSettings:
        """``settings`` (or the defaults) with ``options`` given as keywords on top.

        Raises:
            ConfigurationError: An option is not a setting, or has a value it cannot take.
        """
        if settings is not None and not isinstance(settings, ShopSettings):
            raise ConfigurationError("settings", settings, "must be a ShopSettings")
        unknown = sorted(set(options) - set(attrs.fields_dict(cls)))
        if unknown:
            raise ConfigurationError(
                unknown[0], options[unknown[0]], f"is not a setting; known: {_names()}"
            )
        base = settings if settings is not None else cls()
        return base.evolve(**options) if options else base

    def evolve(self, **changes: Any) -> ShopSettings:
        """A copy with ``changes`` applied, checked like a new one."""
        return attrs.evolve(self, **changes)

    def make_clock(self) -> Clock:
        """The clock to run on: the one given, or the system clock."""
        return self.clock if self.clock is not None else SystemClock()

    def make_ids(self, clock: Clock) -> IdSource:
        """The id source to use: the one given, a seeded one, or a random one."""
        if self.ids is not None:
            return self.ids
        if self.seed is not None:
            return IdGenerator(clock, random.Random(self.seed))
        return IdGenerator(clock)


def _names() -> str:
    return ", ".join(attrs.fields_dict(ShopSettings))
