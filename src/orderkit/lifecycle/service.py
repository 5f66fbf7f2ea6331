"""Use cases of orders: place, move through the workflow, edit, cancel, find.

Every method is one unit of work: it loads the order, changes it, saves it
with a version check and writes its events, all or nothing. A method given
an :class:`~orderkit.lifecycle.Order` object (rather than an id or number)
also checks that nobody saved the order since that object was loaded, and
raises :class:`~orderkit.errors.ConcurrencyConflict` if somebody did.
"""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

import attrs

from orderkit.core.access import commands, reads, system_actor, writes
from orderkit.core.addresses import Address
from orderkit.core.checks import (
    parse_enum,
    require_code,
    require_instance,
    require_limit,
    require_text,
)
from orderkit.core.context import ServiceContext, retried
from orderkit.core.money import Money
from orderkit.core.notebook import html_block
from orderkit.core.quantity import validate_quantity
from orderkit.customers.ports import resolve_customer
from orderkit.errors import (
    ConcurrencyConflict,
    CurrencyMismatch,
    InvalidTransition,
    PermissionDenied,
    ProductNotFound,
    TransitionRefused,
    ValidationError,
)
from orderkit.lifecycle import order_input as given
from orderkit.lifecycle.events import OrderEdited, OrderPlaced, OrderTransitioned
from orderkit.lifecycle.order import Order, OrderLine
from orderkit.lifecycle.order_input import LineRequest
from orderkit.lifecycle.order_workflow import HoldReason, OrderState
from orderkit.lifecycle.policy import OrderPolicy
from orderkit.lifecycle.ports import (
    OrderRef,
    OrdersUnitOfWork,
    PickupStock,
    ReturnsStock,
    StockCoupling,
    load_order,
)
from orderkit.lifecycle.status import FulfilmentStatus, PaymentStatus
from orderkit.lifecycle.workflow import Authorize, HistoryEntry

__all__ = ["OrderPage", "OrderService"]

_STOCK_RELEASED_IN = frozenset({OrderState.CANCELLED, OrderState.EXPIRED})

_Change = Callable[[OrdersUnitOfWork, Order], None]

ORDERS_ACTOR = system_actor("orders")
"""Who takes the order's own next steps (awaiting payment, ready to fulfil after a confirmation)."""

EDIT_PERMISSION = "orders.edit"
"""The permission :meth:`OrderService.edit` needs when the shop has an ``authorize`` hook."""


@attrs.frozen
class OrderPage:
    """One page of :meth:`OrderService.find`.

    Attributes:
        orders: The orders, newest first.
        next_cursor: Pass as ``cursor`` for the next page; ``None`` on the last.
    """

    orders: tuple[Order, ...]
    next_cursor: int | None

    def _repr_html_(self) -> str:
        """The page as a notebook shows it: one row per order."""
        return html_block(
            f"{len(self.orders)} orders" + ("" if self.next_cursor is None else ", more follow"),
            [("next cursor", self.next_cursor)],
            ("Number", "Placed", "Customer", "State", "Payment", "Fulfilment", "Items", "Total"),
            [
                (
                    o.number,
                    o.placed_at.isoformat(),
                    o.customer_id,
                    o.state,
                    o.payment_status.value,
                    o.fulfilment_status.value,
                    o.item_count,
                    o.grand_total,
                )
                for o in self.orders
            ],
        )


class OrderService:
    """``shop.orders``: placing orders and moving them through their workflow.

    Args:
        context: The shop's store, clock, ids and codec.
        policy: Workflow, tax, auto-confirmation, expiry and stock settings.
        stock: What to do with stock on confirm, cancel, edit and ship;
            ``None`` leaves stock alone.
        authorize: ``authorize(actor, permission)``; when given, every command
            checks the permission its transition names.

    Attributes:
        policy: The :class:`~orderkit.lifecycle.OrderPolicy` in force.
        stock: The :class:`~orderkit.inventory.order_stock.StockCoupling`, or ``None``.
    """

    def __init__(
        self,
        context: ServiceContext[OrdersUnitOfWork],
        *,
        policy: OrderPolicy | None = None,
        stock: StockCoupling | None = None,
        authorize: Authorize | None = None,
    ) -> None:
        self._context = context
        self.policy = policy if policy is not None else OrderPolicy()
        self.stock = stock if self.policy.reserve_stock else None
        self._authorize = authorize if authorize is not None else context.access.authorize

    # -- placing -------------------------------------------------------------------

    @writes("orders.place")
    @retried
    def place(
        self,
        customer: str,
        lines: Sequence[LineRequest],
        *,
        channel: str = "web",
        ship_to: Address | None = None,
        bill_to: Address | None = None,
        shipping: Money | None = None,
        discount: Money | None = None,
        line_discounts: Mapping[str, Money] | None = None,
        payment_method: str | None = None,
        priority: int = 100,
        tags: Sequence[str] = (),
        attributes: Mapping[str, str] | None = None,
        pickup_point: str | None = None,
        seller: str | None = None,
        actor: str = "customer",
    ) -> Order:
        """Place an order at the catalog's current prices; emits ``OrderPlaced``.

        Orders from a channel in ``policy.auto_confirm_channels``, or that
        ``policy.auto_confirm_rule`` approves, are confirmed in the same unit of
        work (and reserve their stock there).

        Args:
            customer: The customer's email or id.
            lines: ``(sku, quantity)`` pairs; repeated SKUs are summed into one line.
            channel: Where the order came from (``"web"``, ``"marketplace"``,
                ``"pos"``, ``"phone"`` or a name of the host's).
            ship_to: The delivery address; the customer's first address by default.
            bill_to: The billing address; the delivery address by default.
            shipping: The shipping fee in the order's currency; zero by default.
            discount: An order-level discount, spread over the lines.
            line_discounts: A discount per SKU for its whole line.
            payment_method: How the customer pays (``"card"``, ``"cash_on_delivery"``...).
            priority: Lower is served first; 100 by default.
            tags: Labels for finding the order later.
            attributes: Free-form strings (landing page, referrer, campaign).
            pickup_point: A warehouse or store flagged as pickup point where the
                customer collects the order: it ships to its address (tax is
                worked out there) and its stock is held there.
            seller: The sales rep credited with the order; the customer's
                account manager by default.
            actor: Who placed it, for the history of an auto-confirmed order.

        Returns:
            The stored order, with its sequential ``number``.

        Raises:
            ValidationError: A line, quantity, discount or address is malformed,
                there is no address to ship to, or ``pickup_point`` is no
                pickup point (or comes with another ``ship_to``).
            CustomerNotFound: Nobody has that email or id.
            ProductNotFound: A SKU is not in the catalog.
            CurrencyMismatch: The products or amounts are in different currencies.
            InsufficientStock: An auto-confirmed order's stock is short.
        """
        requested = given.requested_lines(lines)
        actor, _ = given.who(actor)
        channel = require_code(channel, "channel")
        for name, address in (("ship_to", ship_to), ("bill_to", bill_to)):
            if address is not None:
                require_instance(address, Address, name)
        shipping = given.optional_money(shipping, "shipping")
        discount = given.optional_money(discount, "discount")
        discounts = given.line_discounts(line_discounts)
        unknown = set(discounts) - {sku for sku, _ in requested}
        if unknown:
            raise ValidationError("line_discounts", sorted(unknown), "no line has these SKUs")
        if not isinstance(customer, str):
            raise ValidationError("customer", customer, "give the customer's email or id")
        context = self._context
        if pickup_point is not None:
            pickup_point = require_code(pickup_point, "pickup_point")
        if seller is not None:
            seller = require_code(seller, "seller")
        with context.store.unit_of_work() as uow:
            order = self._place(
                uow,
                customer,
                requested,
                channel=channel,
                ship_to=ship_to,
                bill_to=bill_to,
                shipping=shipping,
                discount=discount,
                discounts=discounts,
                payment_method=payment_method,
                priority=priority,
                tags=tags,
                attributes=attributes,
                pickup_point=pickup_point,
                seller=seller,
                actor=actor,
            )
            uow.commit()
        return order

    def place_within(
        self,
        uow: OrdersUnitOfWork,
        customer: str,
        lines: Sequence[LineRequest],
        *,
        channel: str,
        ship_to: Address,
        line_discounts: Mapping[str, Money] | None = None,
        payment_method: str | None = None,
        tags: Sequence[str] = (),
        attributes: Mapping[str, str] | None = None,
        actor: str,
    ) -> Order:
        """Place an order inside a unit of work the caller owns, as :meth:`place` does.

        Other use cases place linked orders through this (an exchange, a
        replacement) in the same transaction that records the link, so a
        retried call never places two. The caller commits.

        Raises:
            The errors of :meth:`place`.
        """
        return self._place(
            uow,
            customer,
            given.requested_lines(lines),
            channel=require_code(channel, "channel"),
            ship_to=require_instance(ship_to, Address, "ship_to"),
            bill_to=None,
            shipping=None,
            discount=None,
            discounts=given.line_discounts(line_discounts),
            payment_method=payment_method,
            priority=100,
            tags=tags,
            attributes=attributes,
            pickup_point=None,
            seller=None,
            actor=actor,
        )

    def _place(
        self,
        uow: OrdersUnitOfWork,
        customer: str,
        requested: builtins.list[LineRequest],
        *,
        channel: str,
        ship_to: Address | None,
        bill_to: Address | None,
        shipping: Money | None,
        discount: Money | None,
        discounts: Mapping[str, Money],
        payment_method: str | None,
        priority: int,
        tags: Sequence[str],
        attributes: Mapping[str, str] | None,
        pickup_point: str | None,
        seller: str | None,
        actor: str,
    ) -> Order:
        context = self._context
        buyer = resolve_customer(uow, customer)
        if pickup_point is not None:
            ship_to = self._pickup_address(uow, pickup_point, ship_to)
        destination = ship_to or (buyer.addresses[0] if buyer.addresses else None)
        if destination is None:
            raise ValidationError("ship_to", None, "the customer has no address; pass ship_to")
        order_lines = self._price(uow, requested, destination, discounts)
        currency = order_lines[0].unit_price.currency
        now = context.clock.now()
        order = Order(
            id=context.ids.new(),
            number=uow.sequences.next("order"),
            channel=channel,
            customer_id=buyer.id,
            currency=currency,
            lines=order_lines,
            ship_to=destination,
            bill_to=bill_to,
            placed_at=now,
            shipping=shipping if shipping is not None else Money.zero(currency),
            order_discount=discount if discount is not None else Money.zero(currency),
            prices_include_tax=self.policy.tax.prices_include_tax,
            tax_rounding=self.policy.tax_rounding,
            payment_method=payment_method,
            priority=priority,
            tags=tags,
            attributes=attributes if attributes is not None else {},
            pickup_point=pickup_point,
            seller=seller if seller is not None else buyer.account_manager,
            state=self.policy.workflow.initial,
            expires_at=self._expiry(self.policy.workflow.initial, now),
        )
        context.record(
            uow,
            OrderPlaced,
            aggregate_id=order.id,
            number=order.number,
            customer_id=buyer.id,
            channel=channel,
            grand_total=order.grand_total,
        )
        rule = self.policy.auto_confirm_rule
        # Auto-confirmation is the shop's policy, not the placing actor's
        # decision, so it needs no permission of theirs.
        if channel in self.policy.auto_confirm_channels:
            self._confirm(uow, order, actor, f"auto-confirmed: {channel} orders", checked=False)
        elif rule is not None and (why := rule(order)) is not None:
            self._confirm(uow, order, "auto-confirm-rule", why, checked=False)
        uow.orders.add(order)
        return order

    def _pickup_address(
        self, uow: OrdersUnitOfWork, pickup_point: str, ship_to: Address | None
    ) -> Address:
        """The pickup point's address, which an order collected there ships to."""
        if not isinstance(self.stock, PickupStock):
            raise ValidationError(
                "pickup_point", pickup_point, "the shop's stock knows no pickup points"
            )
        address = self.stock.pickup_address(uow, pickup_point)
        if ship_to is not None and ship_to != address:
            raise ValidationError(
                "ship_to", ship_to, f"an order collected at {pickup_point} ships to it"
            )
        return address

    def _price(
        self,
        uow: OrdersUnitOfWork,
        requested: list[LineRequest],
        ship_to: Address,
        discounts: Mapping[str, Money],
        keep: Mapping[str, OrderLine] | None = None,
    ) -> list[OrderLine]:
        """Lines at catalog prices (or at the price of ``keep``'s line for that SKU)."""
        order_lines: builtins.list[OrderLine] = []
        for index, (sku, quantity) in enumerate(requested):
            kept = (keep or {}).get(sku)
            if kept is not None:
                name, price = kept.name, kept.unit_price
                discount = discounts.get(sku, kept.discount)
            else:
                try:
                    product = uow.products.get(sku)
                except ProductNotFound as missing:
                    raise ProductNotFound(sku, field=f"lines[{index}].sku") from missing
                name, price = product.name, product.price
                discount = discounts.get(sku, Money.zero(price.currency))
            if order_lines and price.currency != order_lines[0].unit_price.currency:
                raise CurrencyMismatch("lines", order_lines[0].unit_price.currency, price.currency)
            rate = self.policy.tax.rate(sku, ship_to)
            order_lines.append(
                OrderLine(sku, name, quantity, price, discount=discount, tax_rate=rate)
            )
        return order_lines

    # -- moving through the workflow --------------------------------------------------------

    @commands()
    def apply(
        self, order: OrderRef, command: str, *, actor: str = "system", reason: str | None = None
    ) -> Order:
        """Run any workflow command (``"pack"``, ``"ship"``, a host's own) on an order.

        Stock follows the state: entering ``confirmed`` reserves it, entering
        ``cancelled`` or ``expired`` releases it, entering ``shipped`` ships it.

        Raises:
            OrderNotFound: No such order.
            ConcurrencyConflict: ``order`` is an object someone else saved since.
            InvalidTransition: The command is not allowed in the order's state.
            TransitionRefused: A guard refused (``reasons`` says why).
            PermissionDenied: The actor lacks the transition's permission.
        """
        require_code(command, "command")
        actor, reason = given.who(actor, reason)
        return self._change(
            order, lambda uow, loaded: self._fire(uow, loaded, command, actor, reason)
        )

    @commands()
    def confirm(
        self, order: OrderRef, *, actor: str = "system", reason: str | None = None
    ) -> Order:
        """Confirm an order: reserve its stock, then move it on to payment or fulfilment.

        After ``confirm``, the order goes to ``ready_to_fulfil`` when its
        payment is secured (or due on delivery), otherwise to ``awaiting_payment``.

        Raises:
            InsufficientStock: The stock is short and may not be backordered; nothing changes.
            InvalidTransition, TransitionRefused, PermissionDenied: See :meth:`apply`.
        """
        actor, reason = given.who(actor, reason)
        return self._change(order, lambda uow, loaded: self._confirm(uow, loaded, actor, reason))

    def _confirm(
        self,
        uow: OrdersUnitOfWork,
        order: Order,
        actor: str,
        reason: str | None,
        *,
        checked: bool = True,
    ) -> None:
        self._fire(uow, order, "confirm", actor, reason, checked=checked)
        workflow = self.policy.workflow
        now = self._context.clock.now()
        for follow_up in ("mark_ready", "await_payment"):
            if follow_up in workflow.allowed(order.state) and not workflow.refusals(
                order, follow_up, at=now, actor=ORDERS_ACTOR
            ):
                # The library's own next step: the hook may refuse it, which
                # leaves the order confirmed.
                with contextlib.suppress(PermissionDenied):
                    self._fire(uow, order, follow_up, ORDERS_ACTOR, None)
                return

    @commands()
    def hold(
        self,
        order: OrderRef,
        reason: HoldReason | str,
        *,
        note: str | None = None,
        actor: str = "system",
    ) -> Order:
        """Put an order on hold for a review; :meth:`release` returns it to where it was.

        Args:
            order: The order.
            reason: A :class:`~orderkit.lifecycle.HoldReason` (fraud review,
                payment review, address check, manual).
            note: Details, recorded with the reason.
            actor: Who holds it.

        Raises:
            ValidationError: ``reason`` is not a hold reason.
            InvalidTransition, PermissionDenied: See :meth:`apply`.
        """
        why = parse_enum(HoldReason, reason, "reason").value
        if note is not None:
            # The note travels inside the recorded reason: it gets the room
            # the reason leaves it, and its own name when it does not fit.
            why = f"{why}: {require_text(note, 'note', 500 - len(why) - 2)}"
        return self.apply(order, "hold", actor=actor, reason=why)

    @commands()
    def release(
        self, order: OrderRef, *, actor: str = "system", reason: str | None = None
    ) -> Order:
        """Release a hold: the order returns to the state the hold interrupted."""
        return self.apply(order, "release", actor=actor, reason=reason)

    @commands()
    def cancel(
        self,
        order: OrderRef,
        *,
        lines: Mapping[str, int] | None = None,
        reason: str | None = None,
        actor: str = "system",
    ) -> Order:
        """Cancel a whole order, or some units of some lines.

        Cancelling every open unit cancels the order. Refused once anything
        has shipped. Stock held for cancelled units is released (and the rest
        reserved again); totals are re-priced.

        Args:
            order: The order.
            lines: ``{sku: units}`` to cancel; the whole order when ``None``.
            reason: Why, for the history.
            actor: Who cancels.

        Raises:
            InvalidTransition: The order's state allows no cancellation.
            TransitionRefused: Units have shipped.
            InvalidQuantity: More units than a line has open.
            ValidationError: An unknown SKU.
        """
        if lines is None:
            return self.apply(order, "cancel", actor=actor, reason=reason)
        actor, reason = given.who(actor, reason)
        if not isinstance(lines, Mapping) or not lines:
            raise ValidationError("lines", lines, "give {sku: units to cancel}")
        wanted = {
            require_code(sku, "lines"): validate_quantity(q, f"lines[{sku}]")
            for sku, q in lines.items()
        }
        return self._change(
            order, lambda uow, loaded: self._cancel_units(uow, loaded, wanted, reason, actor)
        )

    def _cancel_units(
        self,
        uow: OrdersUnitOfWork,
        order: Order,
        wanted: dict[str, int],
        reason: str | None,
        actor: str,
    ) -> None:
        # Cancelling some units follows the rules of cancelling all of them:
        # the same states, the same guards, the same permission.
        workflow = self.policy.workflow
        self._check_permission(actor, self._permission_of(order, "cancel"))
        allowed = workflow.allowed(order.state)
        if "cancel" not in allowed:
            raise _not_allowed(order, "cancel", allowed)
        now = self._context.clock.now()
        refusals = workflow.refusals(order, "cancel", at=now, actor=actor)
        if refusals:
            raise TransitionRefused(order.id, order.state, "cancel", allowed, refusals)
        order.cancel_units(wanted)
        if not order.item_count:
            self._fire(uow, order, "cancel", actor, reason)
            return
        self._rereserve(uow, order)
        changes = tuple(f"{sku} cancelled {units}" for sku, units in wanted.items())
        self._context.record(
            uow,
            OrderEdited,
            aggregate_id=order.id,
            number=order.number,
            changes=changes,
            grand_total=order.grand_total,
            actor=actor,
        )

    @writes("orders.expire")
    def expire_due(self, *, limit: int = 100) -> list[Order]:
        """Expire up to ``limit`` orders whose confirmation or payment time ran out.

        Each is its own unit of work, so one conflict does not stop the sweep.
        Returns the orders expired.
        """
        now = self._context.clock.now()
        require_limit(limit)
        with self._context.store.unit_of_work(readonly=True) as uow:
            candidates = uow.orders.expiring(now, limit)
        expired: builtins.list[Order] = []
        for order in candidates:
            try:
                expired.append(self.apply(order, "expire", reason="time ran out"))
            except ConcurrencyConflict:
                continue
        return expired

    # -- editing ----------------------------------------------------------------------------

    @commands()
    def edit(
        self,
        order: OrderRef,
        *,
        add: Sequence[LineRequest] = (),
        remove: Sequence[str] = (),
        quantities: Mapping[str, int] | None = None,
        line_discounts: Mapping[str, Money] | None = None,
        ship_to: Address | None = None,
        bill_to: Address | None = None,
        reprice: bool = False,
        actor: str = "system",
    ) -> Order:
        """Change lines or addresses before fulfilment starts; emits ``OrderEdited``.

        New lines are priced from the catalog; kept lines keep their price
        unless ``reprice`` (then every line takes today's catalog price). Tax
        rates follow the (new) delivery address. If the order holds stock, it
        is released and reserved again for the new lines through
        ``shop.orders.stock`` (the re-reservation hook) — all in one unit of work.

        Raises:
            InvalidTransition: The order is past ``policy.editable_states``.
            PermissionDenied: The shop checks permissions and the actor lacks
                ``orders.edit``.
            ValidationError: Nothing to change, an unknown SKU, no lines left.
            InsufficientStock: The new lines cannot be reserved; nothing changes.
        """
        actor, _ = given.who(actor)
        added = given.requested_lines(add, "add") if add else []
        if isinstance(remove, str) or not isinstance(remove, Sequence | set | frozenset):
            raise ValidationError("remove", remove, "give a list of SKUs")
        if quantities is not None and not isinstance(quantities, Mapping):
            raise ValidationError("quantities", quantities, "give {sku: quantity}")
        removed = [require_code(sku, "remove") for sku in remove]
        changed = {
            require_code(sku, "quantities"): validate_quantity(q, f"quantities[{sku}]")
            for sku, q in (quantities or {}).items()
        }
        discounts = given.line_discounts(line_discounts)
        for name, address in (("ship_to", ship_to), ("bill_to", bill_to)):
            if address is not None:
                require_instance(address, Address, name)
        if not (added or removed or changed or discounts or ship_to or bill_to or reprice):
            raise ValidationError("edit", None, "nothing to change")

        def change(uow: OrdersUnitOfWork, loaded: Order) -> None:
            self._edit(
                uow, loaded, added, removed, changed, discounts, ship_to, bill_to, reprice, actor
            )

        return self._change(order, change)

    def _edit(
        self,
        uow: OrdersUnitOfWork,
        order: Order,
        added: list[LineRequest],
        removed: list[str],
        changed: dict[str, int],
        discounts: dict[str, Money],
        ship_to: Address | None,
        bill_to: Address | None,
        reprice: bool,
        actor: str,
    ) -> None:
        self._check_permission(actor, EDIT_PERMISSION)
        if order.state not in self.policy.editable_states or any(
            line.picked for line in order.lines
        ):
            raise _not_allowed(order, "edit", self.policy.workflow.allowed(order.state))
        current = {line.sku: line for line in order.lines if line.open_quantity}
        for sku in [*removed, *changed, *discounts]:
            if sku not in current and sku not in dict(added):
                raise ValidationError("sku", sku, f"order {order.number} has no open line for it")
        wanted = {sku: line.open_quantity for sku, line in current.items()}
        notes: builtins.list[str] = []
        for sku in removed:
            wanted.pop(sku, None)
            notes.append(f"{sku} removed")
        for sku, quantity in changed.items():
            notes.append(f"{sku} {wanted.get(sku, 0)} -> {quantity}")
            wanted[sku] = quantity
        for sku, quantity in added:
            notes.append(f"{sku} +{quantity}")
            wanted[sku] = wanted.get(sku, 0) + quantity
        if not wanted:
            raise ValidationError(
                "lines", None, "an edit may not remove every line; cancel instead"
            )
        if ship_to is not None and order.pickup_point is not None and ship_to != order.ship_to:
            raise ValidationError(
                "ship_to", ship_to, f"the order is collected at {order.pickup_point}"
            )
        destination = ship_to or order.ship_to
        keep = {} if reprice else current
        lines = self._price(uow, list(wanted.items()), destination, discounts, keep)
        if ship_to is not None:
            notes.append("delivery address changed")
        if bill_to is not None:
            notes.append("billing address changed")
        if reprice:
            notes.append("repriced at catalog prices")
        order.lines = tuple(lines)
        order.ship_to = destination
        if bill_to is not None:
            order.bill_to = bill_to
        _ = order.priced_lines  # re-price now: a discount that no longer fits fails here
        self._rereserve(uow, order)
        self._context.record(
            uow,
            OrderEdited,
            aggregate_id=order.id,
            number=order.number,
            changes=tuple(notes),
            grand_total=order.grand_total,
            actor=actor,
        )

    # -- reading ---------------------------------------------------------------------------

    @reads("orders.read")
    def get(self, order: str | int) -> Order:
        """Return an order by id, or by number when given an ``int``.

        Raises:
            OrderNotFound: No such order.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return load_order(uow, order)

    @reads("orders.read")
    def history(self, order: str | int) -> tuple[HistoryEntry, ...]:
        """Every transition of an order, oldest first."""
        return tuple(self.get(order).history)

    @reads("orders.read")
    def available(self, order: str | int, *, actor: str = "system") -> tuple[str, ...]:
        """The commands an order's guards allow now: what a back office would offer.

        Commands that need a reason (a hold) are offered on the understanding
        that the reason will be given when the command is issued.
        """
        loaded = self.get(order)
        now = self._context.clock.now()
        return self.policy.workflow.available(
            loaded, at=now, actor=actor, reason="(given when issued)"
        )

    @reads("orders.read")
    def find(
        self,
        *,
        state: str | Sequence[str] | None = None,
        payment_status: PaymentStatus | str | None = None,
        fulfilment_status: FulfilmentStatus | str | None = None,
        channel: str | None = None,
        customer: str | None = None,
        placed_from: datetime | None = None,
        placed_until: datetime | None = None,
        tag: str | None = None,
        limit: int = 50,
        cursor: int | None = None,
    ) -> OrderPage:
        """Find orders, newest first, one page at a time.

        Args:
            state: A state or several.
            payment_status: A :class:`~orderkit.lifecycle.PaymentStatus`.
            fulfilment_status: A :class:`~orderkit.lifecycle.FulfilmentStatus`.
            channel: The sales channel.
            customer: The customer's email or id.
            placed_from: Placed at or after (aware).
            placed_until: Placed before (aware).
            tag: Carries this tag.
            limit: Page size, 1 to 500.
            cursor: ``next_cursor`` of the previous page.

        Raises:
            ValidationError: An unknown state or status, a naive time, a bad limit.
            CustomerNotFound: ``customer`` names nobody.
        """
        query = given.order_query(
            self.policy.workflow.states,
            state=state,
            payment_status=payment_status,
            fulfilment_status=fulfilment_status,
            channel=channel,
            placed_from=placed_from,
            placed_until=placed_until,
            tag=tag,
        )
        given.page_size(limit, cursor)
        with self._context.store.unit_of_work(readonly=True) as uow:
            if customer is not None:
                if not isinstance(customer, str):
                    raise ValidationError("customer", customer, "give an email or id")
                query = attrs.evolve(query, customer_id=resolve_customer(uow, customer).id)
            found = uow.orders.find(query, limit=limit + 1, before=cursor)
        more = len(found) > limit
        page = tuple(found[:limit])
        return OrderPage(page, page[-1].number if more else None)

    @reads("orders.read")
    def list(self) -> builtins.list[Order]:
        """Return every order by number."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return list(uow.orders.list())

    @reads("orders.read")
    def count(self) -> int:
        """Return how many orders were placed."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.orders.count()

    # -- the shared machinery ----------------------------------------------------------------

    @retried
    def _change(self, order: OrderRef, change: _Change) -> Order:
        """Load, change, save with a version check — one unit of work."""
        with self._context.store.unit_of_work() as uow:
            loaded = load_order(uow, order)
            if isinstance(order, Order) and order.version != loaded.version:
                raise ConcurrencyConflict("order", order.id, order.version)
            change(uow, loaded)
            uow.orders.save(loaded)
            uow.commit()
        return loaded

    def fire_within(
        self, uow: OrdersUnitOfWork, order: Order, command: str, *, actor: str, reason: str | None
    ) -> None:
        """Fire ``command`` on ``order`` inside a unit of work the caller owns (and saves).

        Other use cases let an order's state follow theirs through this: the
        payments service fires ``secure_payment`` when a payment covers an
        order that waits for one. History, event, stock and expiry follow as
        for :meth:`apply`. The caller acts on the system's behalf under a named
        system actor (``"system:payments"``), and the shop's ``authorize`` hook
        is asked for the transition's permission like for anyone else.

        Raises:
            InvalidTransition: The command is not allowed in the order's state.
            TransitionRefused: A guard refused.
            PermissionDenied: The hook refuses the actor the transition.
        """
        self._fire(uow, order, command, actor, reason)

    def _fire(
        self,
        uow: OrdersUnitOfWork,
        order: Order,
        command: str,
        actor: str,
        reason: str | None,
        *,
        checked: bool = True,
    ) -> None:
        """Fire one command, record it, and let stock and expiry follow the new state.

        The transition's event goes into the outbox before the stock events it
        causes, so subscribers see the cause first.
        """
        now = self._context.clock.now()
        if checked:
            self._check_permission(actor, self._permission_of(order, command))
        returned_before = {line.sku: line.returned for line in order.lines}
        entry = self.policy.workflow.fire(order, command, at=now, actor=actor, reason=reason)
        self._context.record(
            uow,
            OrderTransitioned,
            aggregate_id=order.id,
            number=order.number,
            command=entry.command,
            from_state=entry.from_state,
            to_state=entry.to_state,
            actor=entry.actor,
            reason=entry.reason,
        )
        stock = self.stock
        if stock is not None:
            if entry.to_state == OrderState.CONFIRMED and entry.from_state == OrderState.PLACED:
                stock.reserve(uow, order)
            elif entry.to_state in _STOCK_RELEASED_IN:
                stock.release(uow, order)
            elif entry.to_state == OrderState.SHIPPED:
                stock.ship(uow, order)
            returned = {
                line.sku: line.returned - returned_before.get(line.sku, 0)
                for line in order.lines
                if line.returned > returned_before.get(line.sku, 0)
            }
            if returned and isinstance(stock, ReturnsStock):
                stock.restock(uow, order, returned)
        order.expires_at = self._deadline(entry)

    def _deadline(self, entry: HistoryEntry) -> datetime | None:
        return self._expiry(entry.to_state, entry.at)

    def _expiry(self, state: str, since: datetime) -> datetime | None:
        """Entering ``placed`` or ``awaiting_payment`` starts a clock; other states stop it.

        Only where the workflow can ``expire`` an order: a host workflow
        without expiry never leaves an order waiting for a sweep that cannot act.
        """
        within = None
        if state == OrderState.PLACED:
            within = self.policy.confirm_within
        elif state == OrderState.AWAITING_PAYMENT:
            within = self.policy.pay_within
        if within is None or "expire" not in self.policy.workflow.allowed(state):
            return None
        return since + within

    def _permission_of(self, order: Order, command: str) -> str:
        """The permission ``command`` needs: its transition's from the order's state.

        Asked before the state is checked, so a refused actor learns nothing
        of the order: a command not allowed in this state asks the permission
        of its first transition, and one that names none ``orders.<command>``.
        """
        workflow = self.policy.workflow
        if command in workflow.allowed(order.state):
            permission = workflow.transition(order.state, command).permission
        else:
            permission = next(
                (t.permission for t in workflow.transitions if t.command == command), None
            )
        return permission or f"orders.{command}"

    def _check_permission(self, actor: str, permission: str | None) -> None:
        authorize = self._authorize
        if permission is not None and authorize is not None and not authorize(actor, permission):
            raise PermissionDenied(actor, permission)

    def _rereserve(self, uow: OrdersUnitOfWork, order: Order) -> None:
        """The re-reservation hook: give back what the order holds, reserve its lines anew."""
        if self.stock is not None and self.stock.release(uow, order):
            self.stock.reserve(uow, order)


def _not_allowed(order: Order, command: str, allowed: Sequence[str]) -> InvalidTransition:
    """The InvalidTransition for ``command`` on ``order``."""
    return InvalidTransition(order.id, order.state, command, allowed)
