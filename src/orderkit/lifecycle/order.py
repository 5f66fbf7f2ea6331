"""The order aggregate, its lines and their per-stage unit counters."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from orderkit.core.addresses import Address
from orderkit.core.checks import (
    aware,
    code,
    instance_of,
    optional_code,
    parse_enum,
    require_aware,
    require_code,
    stripped,
    text,
)
from orderkit.core.currencies import validate_currency
from orderkit.core.money import Money
from orderkit.core.notebook import html_block
from orderkit.core.quantity import validate_quantity
from orderkit.errors import CurrencyMismatch, InvalidQuantity, ValidationError
from orderkit.lifecycle.pricing import PricedShares, price_shares
from orderkit.lifecycle.status import (
    FulfilmentStatus,
    PaymentStatus,
    fulfilment_status,
    payment_status,
)
from orderkit.lifecycle.tax import TaxRounding
from orderkit.lifecycle.workflow import HistoryEntry

__all__ = ["LineStage", "Order", "OrderLine", "PricedLine"]


class LineStage(enum.StrEnum):
    """A per-line counter, in the order units move through them."""

    RESERVED = "reserved"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    RETURNED = "returned"


# Each stage may count at most what the stage before it counted.
_BEFORE: dict[LineStage, LineStage | None] = {
    LineStage.RESERVED: None,
    LineStage.PICKED: None,
    LineStage.PACKED: LineStage.PICKED,
    LineStage.SHIPPED: LineStage.PACKED,
    LineStage.DELIVERED: LineStage.SHIPPED,
    LineStage.RETURNED: LineStage.DELIVERED,
}


# The same rule by attribute name, for the checks that run on every line made.
_STAGE_LIMITS = tuple(
    (stage.value, None if before is None else before.value) for stage, before in _BEFORE.items()
)


def _counter(instance: object, attribute: Any, value: object) -> None:
    if type(value) is int and value >= 0:  # the common case, decided by one comparison
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidQuantity(attribute.name, value, "must be an int >= 0")


def _zero_in_price_currency(line: OrderLine) -> Money:
    return Money.zero(line.unit_price.currency)


def _rate(value: object) -> Decimal:
    if isinstance(value, bool | float) or not isinstance(value, int | str | Decimal):
        raise ValidationError("tax_rate", value, "give a decimal such as Decimal('0.19')")
    rate = Decimal(value)
    if not rate.is_finite() or not 0 <= rate < 1:
        raise ValidationError("tax_rate", value, "must be a fraction from 0 up to 1")
    return rate


@attrs.frozen(slots=True)
class OrderLine:
    """One SKU on an order: what was ordered at what price, and how far its units got.

    Attributes:
        sku: The product's SKU.
        name: The product's name at the time of ordering.
        quantity: How many units were ordered; a positive int.
        unit_price: The price of one unit (gross when the order's prices include tax).
        discount: The discount on this line for its whole ordered quantity.
        tax_rate: The tax rate that applied when the order was priced.
        reserved: Units holding stock.
        picked: Units picked from the shelf.
        packed: Units packed.
        shipped: Units handed to a carrier.
        delivered: Units delivered.
        returned: Units returned.
        cancelled: Units cancelled; the rest (``open_quantity``) are charged.

    Raises:
        InvalidQuantity: ``quantity`` or a counter is not a valid count.
        ValidationError: A negative price, a discount above the line's gross,
            counters out of order (more packed than picked, ...).
    """

    sku: str = attrs.field(validator=code())
    name: str = attrs.field(converter=stripped, validator=text())
    quantity: int = attrs.field(converter=validate_quantity)
    unit_price: Money = attrs.field(validator=instance_of(Money))
    discount: Money = attrs.field(
        default=attrs.Factory(_zero_in_price_currency, takes_self=True),
        validator=instance_of(Money),
    )
    tax_rate: Decimal = attrs.field(default=Decimal(0), converter=_rate)
    reserved: int = attrs.field(default=0, validator=_counter)
    picked: int = attrs.field(default=0, validator=_counter)
    packed: int = attrs.field(default=0, validator=_counter)
    shipped: int = attrs.field(default=0, validator=_counter)
    delivered: int = attrs.field(default=0, validator=_counter)
    returned: int = attrs.field(default=0, validator=_counter)
    cancelled: int = attrs.field(default=0, validator=_counter)

    def __attrs_post_init__(self) -> None:
        if self.unit_price.amount < 0:
            raise ValidationError("unit_price", self.unit_price, "must not be negative")
        if self.discount.currency != self.unit_price.currency:
            raise CurrencyMismatch("discount", self.unit_price.currency, self.discount.currency)
        if self.discount.amount and (
            self.discount.amount < 0 or self.discount > self.unit_price * self.quantity
        ):
            raise ValidationError(
                "discount", self.discount, "must be between zero and the line's gross"
            )
        self._check_counters()

    def _check_counters(self) -> None:
        if self.cancelled > self.quantity:
            raise InvalidQuantity("cancelled", self.cancelled, "exceeds the ordered quantity")
        open_units = self.quantity - self.cancelled
        for stage, before in _STAGE_LIMITS:
            limit = open_units if before is None else getattr(self, before)
            if getattr(self, stage) > limit:
                what = "open units" if before is None else f"{before} units"
                raise InvalidQuantity(stage, getattr(self, stage), f"exceeds the {limit} {what}")

    def counted(self, counts: Mapping[str, int]) -> OrderLine:
        """A copy of the line with some stage counters changed (``{"picked": 2}``).

        Only the counters are checked again: the prices are the ones this line
        was made with.

        Raises:
            InvalidQuantity: A counter that is not an int >= 0, or that breaks
                the order of the stages.
            ValidationError: A name that is not a stage counter, or ``counts``
                is not a mapping.
        """
        if not isinstance(counts, Mapping):
            raise ValidationError("counts", counts, "give a mapping of stage names to counts")
        for name, value in counts.items():
            if name not in _COUNTERS:
                raise ValidationError("counts", name, f"is not one of {sorted(_COUNTERS)}")
            _counter(self, _COUNTERS[name], value)
        line: OrderLine = object.__new__(OrderLine)
        for name in _LINE_FIELDS:
            object.__setattr__(line, name, counts.get(name, getattr(self, name)))
        line._check_counters()
        return line

    @property
    def open_quantity(self) -> int:
        """Units ordered and not cancelled: what the customer is charged for."""
        return self.quantity - self.cancelled

    @property
    def gross(self) -> Money:
        """Unit price times open quantity, before any discount."""
        return self.unit_price * self.open_quantity

    @property
    def line_discount(self) -> Money:
        """The line's own discount, scaled down to the open quantity by largest remainder."""
        if not self.cancelled or not self.discount:
            return self.discount
        if not self.open_quantity:
            return Money.zero(self.discount.currency)
        return self.discount.allocate([self.open_quantity, self.cancelled])[0]

    def count(self, stage: LineStage | str) -> int:
        """The counter for ``stage``."""
        value: int = getattr(self, parse_enum(LineStage, stage, "stage").value)
        return value


@attrs.frozen(slots=True)
class PricedLine:
    """A line with its share of the order's discount and shipping, and its tax.

    Attributes:
        line: The order line.
        order_discount: Its share of the order-level discount.
        shipping: Its share of the shipping fee.
        tax: Its tax (included in ``total`` only when prices exclude tax).
        total: What this line costs the customer, shipping share and tax included.
    """

    line: OrderLine
    order_discount: Money
    shipping: Money
    tax: Money
    total: Money

    @property
    def net(self) -> Money:
        """Gross less both discounts (still containing tax when prices include it)."""
        return self.line.gross - self.line.line_discount - self.order_discount


def _lines(value: object) -> tuple[OrderLine, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise ValidationError("lines", value, "an order needs at least one line")
    seen: set[str] = set()
    for line in value:
        if not isinstance(line, OrderLine):
            raise ValidationError("lines", line, "must be an OrderLine")
        if line.sku in seen:
            raise ValidationError("lines", line.sku, "each SKU may appear on one line only")
        seen.add(line.sku)
    return tuple(value)


def _tags(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("tags", value, "give a list of tags")
    return tuple(sorted({require_code(tag, "tags").lower() for tag in value}))


def _attributes(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValidationError("attributes", value, "give a mapping of names to strings")
    for key, item in value.items():
        require_code(key, "attributes")
        if not isinstance(item, str) or len(item) > 2000:
            raise ValidationError(f"attributes[{key}]", item, "must be a string (<= 2000 chars)")
    return dict(value)


def _history(value: object) -> list[HistoryEntry]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("history", value, "give a sequence of HistoryEntry")
    entries = list(value)
    for entry in entries:
        if not isinstance(entry, HistoryEntry):
            raise ValidationError("history", entry, "must be a HistoryEntry")
    return entries


def _priority(instance: object, attribute: Any, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
        raise ValidationError("priority", value, "must be an int from 0 (first) to 1000")


def _money_default(order: Order) -> Money:
    return Money.zero(order.currency)


def _in_order_currency() -> Any:
    return attrs.Factory(_money_default, takes_self=True)


def _rounding(value: object) -> TaxRounding:
    return parse_enum(TaxRounding, value, "tax_rounding")


_LINE_FIELDS = tuple(field.name for field in attrs.fields(OrderLine))
_COUNTERS = {
    field.name: field
    for field in attrs.fields(OrderLine)
    if field.name in {stage.value for stage in LineStage}
}


@attrs.define(slots=True, kw_only=True)
class Order:
    """An order: who bought what at which price, through which channel, and how far it got.

    The order is an aggregate: it is loaded, changed through its methods and
    saved as a whole, and its ``version`` lets the store refuse a save that
    would overwrite someone else's change. Its ``state`` moves only through a
    :class:`~orderkit.lifecycle.Workflow`, which appends to ``history``.

    Totals are derived from the lines, never stored apart from them:
    ``subtotal - discount_total + shipping (+ tax_total when prices exclude
    tax) == grand_total``, and the line totals add up to ``grand_total``.

    Attributes:
        id: The record id.
        number: The shop's sequential, human-friendly order number.
        channel: Where it was placed (``"web"``, ``"marketplace"``, ``"pos"``,
            ``"phone"``, or a name of the host's).
        customer_id: The customer's id.
        currency: The order's currency; every amount is in it.
        lines: The ordered SKUs, one line per SKU.
        ship_to: The delivery address.
        placed_at: When it was placed (timezone-aware).
        bill_to: The billing address; the delivery address when ``None``.
        order_discount: A discount on the whole order, spread over the lines.
        shipping: The shipping fee, spread over the lines.
        prices_include_tax: Whether prices are gross (tax included).
        tax_rounding: Round tax per line or once per order.
        payment_method: How the customer pays (``"card"``, ``"cash_on_delivery"``...).
        priority: Lower is served first (backorders, picking); 100 by default.
        tags: Labels for finding orders (``"vip"``, ``"gift"``), lower-case, sorted.
        pickup_point: The warehouse or store the customer collects from, when
            they do; ``ship_to`` is then its address.
        attributes: Free-form strings (landing page, referrer, campaign).
        seller: The sales rep credited with the order, if any.
        state: The lifecycle state.
        history: Every transition so far, oldest first; append-only (the
            workflow appends, and stores refuse a save that shortens it).
        authorised: Amount authorised by payments.
        captured: Amount captured (paid).
        refunded: Amount refunded.
        expires_at: When an unconfirmed or unpaid order lapses; ``None`` for never.
        version: The stored version, managed by the store (0 = never saved).

    Raises:
        ValidationError: No lines, a repeated SKU, or a malformed field.
        CurrencyMismatch: An amount is in another currency.
    """

    id: str = attrs.field(validator=code())
    number: int = attrs.field()
    channel: str = attrs.field(validator=code())
    customer_id: str = attrs.field(validator=code())
    currency: str = attrs.field(converter=validate_currency)
    lines: tuple[OrderLine, ...] = attrs.field(converter=_lines)
    ship_to: Address = attrs.field(validator=instance_of(Address))
    placed_at: datetime = attrs.field(validator=aware())
    bill_to: Address | None = attrs.field(default=None)
    order_discount: Money = attrs.field(default=_in_order_currency(), validator=instance_of(Money))
    shipping: Money = attrs.field(default=_in_order_currency(), validator=instance_of(Money))
    prices_include_tax: bool = attrs.field(default=False)
    tax_rounding: TaxRounding = attrs.field(default=TaxRounding.PER_LINE, converter=_rounding)
    payment_method: str | None = attrs.field(default=None)
    priority: int = attrs.field(default=100, validator=_priority)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags)
    pickup_point: str | None = attrs.field(default=None, validator=optional_code())
    attributes: dict[str, str] = attrs.field(factory=dict, converter=_attributes)
    seller: str | None = attrs.field(default=None, validator=optional_code())
    state: str = attrs.field(default="placed", validator=code())
    history: list[HistoryEntry] = attrs.field(factory=list, converter=_history)
    authorised: Money = attrs.field(default=_in_order_currency(), validator=instance_of(Money))
    captured: Money = attrs.field(default=_in_order_currency(), validator=instance_of(Money))
    refunded: Money = attrs.field(default=_in_order_currency(), validator=instance_of(Money))
    expires_at: datetime | None = attrs.field(default=None)
    version: int = attrs.field(default=0)
    _priced: tuple[Any, tuple[PricedLine, ...], Money] | None = attrs.field(
        init=False, default=None, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        if isinstance(self.number, bool) or not isinstance(self.number, int) or self.number < 1:
            raise ValidationError("number", self.number, "must be an int >= 1")
        for line in self.lines:
            for field, amount in (("lines", line.unit_price), ("lines", line.discount)):
                if amount.currency != self.currency:
                    raise CurrencyMismatch(field, self.currency, amount.currency)
        for name in ("order_discount", "shipping", "authorised", "captured", "refunded"):
            amount = getattr(self, name)
            if amount.currency != self.currency:
                raise CurrencyMismatch(name, self.currency, amount.currency)
            if amount.amount < 0:
                raise ValidationError(name, amount, "must not be negative")
        if self.bill_to is not None and not isinstance(self.bill_to, Address):
            raise ValidationError("bill_to", self.bill_to, "must be an Address")
        if not isinstance(self.prices_include_tax, bool):
            raise ValidationError("prices_include_tax", self.prices_include_tax, "must be a bool")
        if self.payment_method is not None:
            require_code(self.payment_method, "payment_method")
        if self.expires_at is not None:
            require_aware(self.expires_at, "expires_at")
        if self.order_discount and any(line.open_quantity for line in self.lines):
            self._check_discount(self.lines)

    # -- pricing ---------------------------------------------------------------

    @property
    def priced_lines(self) -> tuple[PricedLine, ...]:
        """Each line with its discount share, shipping share, tax and total."""
        return self._pricing()[1]

    def _pricing(self) -> tuple[Any, tuple[PricedLine, ...], Money]:
        """The priced lines and their grand total, computed once per set of prices."""
        key = (
            self.lines,
            self.order_discount,
            self.shipping,
            self.prices_include_tax,
            self.tax_rounding,
        )
        cached = self._priced
        # Every part of the key is immutable and replaced, never changed in
        # place, so the same objects mean the same prices.
        if cached is None or any(a is not b for a, b in zip(cached[0], key, strict=True)):
            priced = self._price()
            total = Money.sum((line.total for line in priced), self.currency)
            cached = self._priced = (key, priced, total)
        return cached

    def _price(self) -> tuple[PricedLine, ...]:
        # A fully cancelled order charges nothing: no shipping, no discount to spread.
        nothing_open = not any(line.open_quantity for line in self.lines)
        zero = Money.zero(self.currency)
        shares: list[PricedShares] = price_shares(
            [line.gross - line.line_discount for line in self.lines],
            [line.open_quantity for line in self.lines],
            [line.tax_rate for line in self.lines],
            order_discount=zero if nothing_open else self.order_discount,
            shipping=zero if nothing_open else self.shipping,
            prices_include_tax=self.prices_include_tax,
            rounding=self.tax_rounding,
        )
        priced = []
        for line, share in zip(self.lines, shares, strict=True):
            total = line.gross - line.line_discount - share.order_discount + share.shipping
            if not self.prices_include_tax:
                total = total + share.tax
            priced.append(PricedLine(line, share.order_discount, share.shipping, share.tax, total))
        return tuple(priced)

    @property
    def subtotal(self) -> Money:
        """The lines' gross amounts (unit price x open quantity), before discounts."""
        return Money.sum((line.gross for line in self.lines), self.currency)

    @property
    def discount_total(self) -> Money:
        """Line discounts plus the order discount (none once every unit is cancelled)."""
        line_discounts = Money.sum((line.line_discount for line in self.lines), self.currency)
        spread = Money.sum((priced.order_discount for priced in self.priced_lines), self.currency)
        return line_discounts + spread

    @property
    def shipping_total(self) -> Money:
        """The shipping charged: the fee, or nothing once every unit is cancelled."""
        return Money.sum((priced.shipping for priced in self.priced_lines), self.currency)

    @property
    def tax_total(self) -> Money:
        """The tax of all lines (shipping's share included)."""
        return Money.sum((priced.tax for priced in self.priced_lines), self.currency)

    @property
    def grand_total(self) -> Money:
        """What the customer pays: the sum of the line totals.

        Equals ``subtotal - discount_total + shipping_total``, plus
        ``tax_total`` when prices exclude tax.
        """
        return self._pricing()[2]

    @property
    def item_count(self) -> int:
        """How many units the order holds across its lines (cancelled ones excluded)."""
        return sum(line.open_quantity for line in self.lines)

    @property
    def billing_address(self) -> Address:
        """Where invoices go: ``bill_to``, or the delivery address."""
        return self.bill_to if self.bill_to is not None else self.ship_to

    # -- status ------------------------------------------------------------------

    @property
    def payment_status(self) -> PaymentStatus:
        """Derived from the authorised, captured and refunded amounts."""
        return payment_status(
            self.grand_total.minor_units,
            self.authorised.minor_units,
            self.captured.minor_units,
            self.refunded.minor_units,
            anything_due=self.item_count > 0,
        )

    @property
    def fulfilment_status(self) -> FulfilmentStatus:
        """Derived from the lines' counters."""
        return fulfilment_status(
            self.item_count,
            *(sum(getattr(line, name) for line in self.lines) for name in _PROGRESS),
        )

    @property
    def anything_shipped(self) -> bool:
        """Whether any unit has left the warehouse."""
        return any(line.shipped for line in self.lines)

    def line(self, sku: str) -> OrderLine:
        """The line for ``sku``.

        Raises:
            ValidationError: The order has no line for it.
        """
        for line in self.lines:
            if line.sku == sku:
                return line
        raise ValidationError("sku", sku, f"order {self.number} has no line for it")

    # -- changes -------------------------------------------------------------------

    def record(self, stage: LineStage | str, quantities: Mapping[str, int] | None = None) -> None:
        """Set a per-line counter: to the given quantities, or to every open unit.

        Counters only grow, and each stage counts at most what the stage
        before it counts (packed <= picked, shipped <= packed, ...): units
        recorded at a stage are counted at the stages before it too.

        Raises:
            ValidationError, InvalidQuantity: Unknown SKU, a counter that would
                shrink, or more units than the line has open. Nothing changes.
        """
        stage = parse_enum(LineStage, stage, "stage")
        targets = (
            {line.sku: line.open_quantity for line in self.lines}
            if quantities is None
            else {require_code(sku, "sku"): qty for sku, qty in quantities.items()}
        )
        changed = {line.sku: line for line in self.lines}
        for sku, quantity in targets.items():
            line = self.line(sku)
            if isinstance(quantity, bool) or not isinstance(quantity, int):
                raise InvalidQuantity(f"{stage.value}[{sku}]", quantity, "must be an int")
            if quantity < line.count(stage):
                raise InvalidQuantity(
                    f"{stage.value}[{sku}]", quantity, f"counters only grow ({line.count(stage)})"
                )
            updates = {stage.value: quantity}
            before = _BEFORE[stage]
            while before is not None:
                updates[before.value] = max(line.count(before), quantity)
                before = _BEFORE[before]
            changed[sku] = line.counted(updates)
        self._recount(tuple(changed[line.sku] for line in self.lines))

    def hold(self, reserved: Mapping[str, int]) -> None:
        """Set how many units of each line hold stock; lines not named hold none.

        Raises:
            ValidationError, InvalidQuantity: Not a mapping, an unknown SKU, or
                more than a line's open units. Nothing changes.
        """
        if not isinstance(reserved, Mapping):
            raise ValidationError("reserved", reserved, "give a mapping of SKUs to units")
        for sku in reserved:
            self.line(sku)
        self._recount(
            tuple(
                line
                if line.reserved == reserved.get(line.sku, 0)
                else line.counted({"reserved": reserved.get(line.sku, 0)})
                for line in self.lines
            )
        )

    def follow_shipments(self, counts: Mapping[str, Mapping[str, int]]) -> None:
        """Set lines' picked, packed, shipped and delivered counters from their shipments.

        ``counts`` maps SKUs to the units the order's shipments have reached
        at each stage (``{"TEE-M": {"picked": 2, "packed": 2, "shipped": 1}}``);
        stages not named keep their counter. Picked and packed units may drop
        (a shipment cancelled before it left); shipped and delivered units
        never do. Every unit is checked against the line: never more shipped
        than ordered minus cancelled.

        Raises:
            ValidationError, InvalidQuantity: An unknown SKU or stage, a
                counter that would shrink where it may not, or more units than
                the line has open. Nothing changes.
        """
        if not isinstance(counts, Mapping):
            raise ValidationError("counts", counts, "give a mapping of SKUs to stage counts")
        changed = {line.sku: line for line in self.lines}
        for sku, stages in counts.items():
            line = self.line(sku)
            if not isinstance(stages, Mapping) or not set(stages) <= _FOLLOWED:
                raise ValidationError(
                    f"counts[{sku}]", stages, f"give counts for {sorted(_FOLLOWED)} only"
                )
            counted = line.counted(stages)
            for stage in ("shipped", "delivered"):
                if getattr(counted, stage) < getattr(line, stage):
                    raise InvalidQuantity(
                        f"{stage}[{sku}]",
                        getattr(counted, stage),
                        f"{getattr(line, stage)} units are {stage} already",
                    )
            changed[sku] = counted
        self._recount(tuple(changed[line.sku] for line in self.lines))

    def take_back(self, units: Mapping[str, int]) -> None:
        """Count units as returned: accepted back from the customer after delivery.

        Raises:
            ValidationError, InvalidQuantity: An unknown SKU, a count that is
                not positive, or more units than were delivered and not yet
                returned. Nothing changes.
        """
        if not isinstance(units, Mapping):
            raise ValidationError("units", units, "give a mapping of SKUs to units")
        changed = {line.sku: line for line in self.lines}
        for sku, quantity in units.items():
            line = changed[self.line(sku).sku]
            quantity = validate_quantity(quantity, f"returned[{sku}]")
            if line.returned + quantity > line.delivered:
                left = line.delivered - line.returned
                raise InvalidQuantity(
                    f"returned[{sku}]", quantity, f"only {left} delivered units are not returned"
                )
            changed[sku] = line.counted({"returned": line.returned + quantity})
        self._recount(tuple(changed[line.sku] for line in self.lines))

    def _recount(self, lines: tuple[OrderLine, ...]) -> None:
        """Take ``lines`` that differ from the current ones in their counters only.

        Counters do not change prices: the priced lines carry over to the new
        lines instead of being computed again.
        """
        priced, old = self._priced, self.lines
        self.lines = lines
        if priced is not None and priced[0][0] is old:
            self._priced = (
                (lines, *priced[0][1:]),
                tuple(
                    PricedLine(line, was.order_discount, was.shipping, was.tax, was.total)
                    for line, was in zip(lines, priced[1], strict=True)
                ),
                priced[2],
            )

    def cancel_units(self, quantities: Mapping[str, int] | None = None) -> None:
        """Cancel units per SKU, or every open unit; totals are re-priced.

        Raises:
            ValidationError: Units have shipped, or an unknown SKU.
            InvalidQuantity: More than the open, unshipped units of a line.
        """
        if self.anything_shipped:
            raise ValidationError("lines", self.number, "units have shipped; return them instead")
        targets = (
            {line.sku: line.open_quantity for line in self.lines}
            if quantities is None
            else dict(quantities)
        )
        changed = {line.sku: line for line in self.lines}
        for sku, quantity in targets.items():
            line = self.line(sku)
            quantity = validate_quantity(quantity, f"cancel[{sku}]") if quantity else 0
            if quantity > line.open_quantity:
                raise InvalidQuantity(
                    f"cancel[{sku}]", quantity, f"only {line.open_quantity} open units"
                )
            left = line.open_quantity - quantity
            changed[sku] = attrs.evolve(
                line,
                cancelled=line.cancelled + quantity,
                reserved=min(line.reserved, left),
                picked=min(line.picked, left),
                packed=min(line.packed, left),
            )
        lines = tuple(changed[line.sku] for line in self.lines)
        if sum(line.open_quantity for line in lines) and self.order_discount:
            self._check_discount(lines)
        self.lines = lines

    def _check_discount(self, lines: tuple[OrderLine, ...]) -> None:
        goods = Money.sum((line.gross - line.line_discount for line in lines), self.currency)
        if self.order_discount > goods:
            raise ValidationError(
                "order_discount",
                self.order_discount,
                f"exceeds the goods after line discounts ({goods})",
            )

    def _repr_html_(self) -> str:
        """The order as a notebook shows it: its facts, lines and totals."""
        return html_block(
            f"Order {self.number}",
            [
                ("state", self.state),
                ("placed", self.placed_at.isoformat()),
                ("customer", self.customer_id),
                ("channel", self.channel),
                ("seller", self.seller),
                ("ship to", f"{self.ship_to.city}, {self.ship_to.country}"),
                ("payment", self.payment_status.value),
                ("fulfilment", self.fulfilment_status.value),
                ("subtotal", self.subtotal),
                ("discounts", self.discount_total),
                ("shipping", self.shipping_total),
                ("tax", self.tax_total),
                ("grand total", self.grand_total),
            ],
            ("SKU", "Name", "Quantity", "Cancelled", "Shipped", "Unit price", "Total"),
            [
                (
                    p.line.sku,
                    p.line.name,
                    p.line.quantity,
                    p.line.cancelled,
                    p.line.shipped,
                    p.line.unit_price,
                    p.total,
                )
                for p in self.priced_lines
            ],
        )

    @property
    def open_lines(self) -> list[tuple[str, int]]:
        """``(sku, open quantity)`` for lines with units still open: what to reserve."""
        return [(line.sku, line.open_quantity) for line in self.lines if line.open_quantity]


_FOLLOWED = frozenset({"picked", "packed", "shipped", "delivered"})
"""The counters shipments set on an order's lines."""

_PROGRESS = tuple(
    stage.value
    for stage in (
        LineStage.PICKED,
        LineStage.PACKED,
        LineStage.SHIPPED,
        LineStage.DELIVERED,
        LineStage.RETURNED,
    )
)
