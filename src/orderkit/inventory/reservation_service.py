"""Use cases of stock reservations: reserve for orders and carts, release, ship, expire."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from orderkit.core.access import reads, writes
from orderkit.core.addresses import Address
from orderkit.core.checks import non_negative_int, require_code, require_instance, require_text
from orderkit.core.context import ServiceContext, retried
from orderkit.core.quantity import validate_quantity
from orderkit.errors import InsufficientStock, ValidationError
from orderkit.inventory.allocation import StockPlan, plan_stock, split_shortfall
from orderkit.inventory.events import (
    ReservationCommitted,
    ReservationExpired,
    ReservationReleased,
    StockMoved,
    StockReserved,
)
from orderkit.inventory.ledger import MovementKind, StockMovement
from orderkit.inventory.policies import StockPolicy
from orderkit.inventory.ports import InventoryUnitOfWork
from orderkit.inventory.reservations import (
    Reservation,
    ReservationLine,
    ReservationStatus,
    summed_lines,
)
from orderkit.inventory.routing import (
    ByPriority,
    RoutingPlan,
    RoutingRequest,
    RoutingStrategy,
    route,
)
from orderkit.inventory.stock import StockLevel
from orderkit.inventory.stock_keeping import apply_movement, serve_backorders

__all__ = ["ReservationRequest", "ReservationService"]


@attrs.frozen
class ReservationRequest:
    """One reservation to make in :meth:`InventoryService.reserve_many`.

    Attributes:
        document: What the stock is for (``"order:O1"``).
        lines: ``(sku, quantity)`` pairs.
        ship_to: The destination, for routing.
        warehouse: Reserve from this warehouse only, instead of routing.
        priority: Lower is served first when backorders are allocated.
    """

    document: str
    lines: Sequence[tuple[str, int]]
    ship_to: Address | None = None
    warehouse: str | None = None
    priority: int = 100


class ReservationService:
    """``shop.reservations``: stock held for orders and carts, never oversold.

    A reservation is all or nothing across its lines. Lines are applied in a
    fixed (SKU, warehouse) order through the store's conditional update, so
    any number of processes can reserve the same SKUs at once without
    overselling or deadlocking.

    Args:
        context: The shop's store, clock, ids and codec.
        routing: The default routing strategy (:class:`~orderkit.inventory.ByPriority`).
    """

    def __init__(
        self,
        context: ServiceContext[InventoryUnitOfWork],
        *,
        routing: RoutingStrategy | None = None,
    ) -> None:
        self._context = context
        self.routing: RoutingStrategy = routing if routing is not None else ByPriority()

    @writes("reservations.reserve")
    @retried
    def reserve(
        self,
        document: str,
        lines: Sequence[tuple[str, int]],
        *,
        ship_to: Address | None = None,
        warehouse: str | None = None,
        expires_in: timedelta | None = None,
        priority: int = 100,
        strategy: RoutingStrategy | None = None,
    ) -> Reservation:
        """Reserve stock for a document, all lines or none.

        Lines of the same SKU are summed; kits are expanded into their
        components. Without ``warehouse``, the routing strategy chooses the
        warehouses (splitting only when it must). Units beyond stock are
        backordered when the SKU's policy allows it, otherwise nothing is
        reserved and :class:`~orderkit.errors.InsufficientStock` is raised.

        Args:
            document: What the stock is for (``"order:O1"``, ``"cart:K9"``).
            lines: ``(sku, quantity)`` pairs.
            ship_to: The destination; routing uses its country and coordinates.
            warehouse: Reserve from this warehouse only.
            expires_in: Release automatically after this long (carts, unpaid orders).
            priority: Lower is served first when backorders are allocated.
            strategy: Override the shop's routing strategy for this reservation.

        Raises:
            InsufficientStock: A line cannot be covered and may not be backordered.
            ProductNotFound, WarehouseNotFound: Unknown SKU or warehouse.
            ValidationError, InvalidQuantity: Malformed input.
        """
        request = ReservationRequest(document, lines, ship_to, warehouse, priority)
        wanted = self._check_request(request)
        ttl = self._check_ttl(expires_in)
        with self._context.store.unit_of_work() as uow:
            reservation = self._reserve(uow, request, wanted, ttl, strategy or self.routing)
            uow.commit()
        return reservation

    @writes("reservations.reserve")
    @retried
    def reserve_many(
        self, requests: Sequence[ReservationRequest], *, expires_in: timedelta | None = None
    ) -> list[Reservation]:
        """Make many reservations in one unit of work: all of them or none.

        This is the fast path for imports and batch jobs: one transaction and
        one commit for the whole batch.

        Raises:
            InsufficientStock: One of the requests cannot be covered (nothing is reserved).
        """
        if not isinstance(requests, Sequence) or not requests:
            raise ValidationError("requests", requests, "give a non-empty list")
        checked = [
            (
                request,
                self._check_request(require_instance(request, ReservationRequest, "requests")),
            )
            for request in requests
        ]
        ttl = self._check_ttl(expires_in)
        with self._context.store.unit_of_work() as uow:
            made = [
                self._reserve(uow, request, wanted, ttl, self.routing)
                for request, wanted in checked
            ]
            uow.commit()
        return made

    def reserve_within(
        self,
        uow: InventoryUnitOfWork,
        request: ReservationRequest,
        *,
        expires_in: timedelta | None = None,
    ) -> Reservation:
        """Reserve inside a unit of work the caller owns (and commits).

        Other use cases call this to hold stock in their own transaction:
        :class:`~orderkit.lifecycle.service.OrderService` reserves an order's
        lines in the same unit of work that confirms it.

        Raises:
            InsufficientStock: A line cannot be covered and may not be backordered.
        """
        wanted = self._check_request(require_instance(request, ReservationRequest, "request"))
        return self._reserve(uow, request, wanted, self._check_ttl(expires_in), self.routing)

    def end_within(
        self, uow: InventoryUnitOfWork, document: str, *, commit: bool = False
    ) -> list[Reservation]:
        """Release (or, with ``commit``, ship) every active reservation of ``document``.

        Runs inside the caller's unit of work; returns the reservations it ended.

        Raises:
            ValidationError: ``commit`` while some units are still backordered.
        """
        status = ReservationStatus.COMMITTED if commit else ReservationStatus.RELEASED
        return [
            self._finish(uow, reservation, status)
            for reservation in uow.reservations.for_document(document)
            if reservation.status is ReservationStatus.ACTIVE
        ]

    def ship_within(
        self,
        uow: InventoryUnitOfWork,
        document: str,
        warehouse: str,
        units: Mapping[str, int],
        *,
        shipment: str,
    ) -> None:
        """Ship some of the units ``document`` holds in one warehouse; the rest stay held.

        Runs inside the caller's unit of work. Each unit leaves stock through
        the ledger as a ``commit`` movement naming ``shipment`` (the shipment's
        document, ``"shipment:S1"``); a reservation with nothing left to hold
        is committed.

        Raises:
            ValidationError: ``document`` holds fewer of a SKU in ``warehouse``
                (nothing is shipped then: the caller's unit of work rolls back).
        """
        now = self._context.clock.now()
        active = [
            reservation
            for reservation in uow.reservations.for_document(document)
            if reservation.status is ReservationStatus.ACTIVE
        ]
        for sku, wanted in sorted(units.items()):
            left = validate_quantity(wanted, f"units[{sku}]")
            for reservation in active:
                take = min(left, reservation.held(sku, warehouse))
                if take:
                    reservation.ship(sku, warehouse, take)
                    left -= take
            if left:
                raise ValidationError(
                    f"units[{sku}]", wanted, f"{document} holds {wanted - left} in {warehouse}"
                )
            apply_movement(
                self._context,
                uow,
                StockMovement.of(
                    MovementKind.COMMIT, sku, warehouse, wanted, occurred_at=now, document=shipment
                ),
            )
        for reservation in active:
            uow.reservations.save(reservation)
            if reservation.status is ReservationStatus.COMMITTED:
                self._context.record(
                    uow,
                    ReservationCommitted,
                    aggregate_id=reservation.id,
                    document=reservation.document,
                )

    def top_up_within(
        self,
        uow: InventoryUnitOfWork,
        document: str,
        lines: Sequence[tuple[str, int]],
        *,
        ship_to: Address | None,
        priority: int,
    ) -> int:
        """Reserve more units for ``document`` inside the caller's unit of work.

        The usual routing and backorder rules apply (a short pick re-allocates
        this way). Nothing is reserved when no warehouse can cover the lines
        and the products may not be backordered.

        Returns:
            The units now held or backordered for ``document`` by this call.
        """
        request = ReservationRequest(document, lines, ship_to=ship_to, priority=priority)
        try:
            reservation = self.reserve_within(uow, request)
        except InsufficientStock:
            return 0
        return reservation.quantity + reservation.backordered

    def hand_over_within(
        self,
        uow: InventoryUnitOfWork,
        sku: str,
        warehouse: str,
        quantity: int,
        *,
        from_document: str,
        to_document: str,
    ) -> None:
        """Record in the ledger that held units now wait for another document.

        A ``release`` under ``from_document`` and a ``reserve`` under
        ``to_document`` of the same units: the level does not change (no
        waiting backorder can take them in between), and the ledger says which
        document the units are set aside for (an order's units, picked for
        a shipment).
        """
        now = self._context.clock.now()
        quantity = validate_quantity(quantity)
        for kind, document in (
            (MovementKind.RELEASE, from_document),
            (MovementKind.RESERVE, to_document),
        ):
            apply_movement(
                self._context,
                uow,
                StockMovement.of(
                    kind, sku, warehouse, quantity, occurred_at=now, document=document
                ),
            )

    def give_back_within(
        self,
        uow: InventoryUnitOfWork,
        document: str,
        warehouse: str,
        sku: str,
        quantity: int,
        *,
        missing: str,
    ) -> int:
        """Stop holding ``quantity`` units a picker could not find, and book them as missing.

        Runs inside the caller's unit of work. The units are released from
        ``document``'s reservations in ``warehouse``, then taken off on-hand
        stock with an ``adjust`` movement naming ``missing`` as its document
        (only as far as no other reservation loses its units: the rest is
        left for a stock count to settle).

        Returns:
            The units taken off on-hand stock.

        Raises:
            ValidationError: ``document`` holds fewer of ``sku`` in ``warehouse``.
        """
        now = self._context.clock.now()
        left = validate_quantity(quantity)
        for reservation in uow.reservations.for_document(document):
            if reservation.status is not ReservationStatus.ACTIVE or not left:
                continue
            take = min(left, reservation.held(sku, warehouse))
            if take:
                reservation.give_back(sku, warehouse, take)
                uow.reservations.save(reservation)
                left -= take
        if left:
            raise ValidationError(
                "quantity", quantity, f"{document} holds {quantity - left} of {sku} in {warehouse}"
            )
        level = apply_movement(
            self._context,
            uow,
            StockMovement.of(
                MovementKind.RELEASE, sku, warehouse, quantity, occurred_at=now, document=document
            ),
        )
        lost = min(quantity, level.available)
        if lost:
            apply_movement(
                self._context,
                uow,
                StockMovement.correction(
                    MovementKind.ADJUST,
                    sku,
                    warehouse,
                    -lost,
                    occurred_at=now,
                    reason="not found when picking",
                    document=missing,
                ),
            )
        return lost

    def restock_within(
        self,
        uow: InventoryUnitOfWork,
        document: str,
        units: Mapping[str, int],
        *,
        return_document: str,
    ) -> dict[str, int]:
        """Put returned units back in the warehouses ``document``'s reservations shipped them from.

        Runs inside the caller's unit of work: each unit goes back through the
        ledger as a ``return`` movement naming ``return_document``, never more
        per warehouse than left it (returns already booked count). Kits come
        back as their components.

        Returns:
            The units that did not leave through a reservation of ``document``
            and so were not put back, by SKU (empty when all were).
        """
        return self.take_back_within(uow, document, units, return_document=return_document)

    def take_back_within(
        self,
        uow: InventoryUnitOfWork,
        document: str,
        units: Mapping[str, int],
        *,
        return_document: str,
        damaged: bool = False,
        set_aside_in: str | None = None,
    ) -> dict[str, int]:
        """Book returned units into the ledger: sellable, or damaged and out of sale.

        Sellable units are restocked as :meth:`restock_within` says. Damaged
        units come back with a ``return`` movement and leave again with a
        ``write_off`` in the same warehouse, both naming ``return_document``,
        so the ledger shows them and available stock never counts them; with
        ``set_aside_in`` they come back into that warehouse instead (a
        location the shop keeps out of sale) and stay there. Neither serves a
        waiting backorder.

        Returns:
            The units not booked because they never left through a
            reservation of ``document``, by SKU.

        Raises:
            WarehouseNotFound: ``set_aside_in`` is no warehouse.
        """
        if set_aside_in is not None:
            uow.warehouses.get(set_aside_in)
        shipped: dict[tuple[str, str], int] = {}
        for reservation in uow.reservations.for_document(document):
            for place, left_stock in reservation.shipped_from().items():
                shipped[place] = shipped.get(place, 0) + left_stock
        wanted = self._expand_kits(uow, summed_lines(units.items())) if units else []
        left: dict[str, int] = {}
        now = self._context.clock.now()
        for sku, quantity in wanted:
            for place in sorted(p for p in shipped if p[0] == sku):
                if not quantity:
                    break
                back = sum(
                    movement.on_hand_delta
                    for movement in uow.stock.movements(sku=sku, warehouse=place[1])
                    if movement.kind is MovementKind.RETURN and movement.document == return_document
                )
                take = min(quantity, shipped[place] - back)
                if take > 0:
                    self._book_return(
                        uow, sku, place[1], take, return_document, now, damaged, set_aside_in
                    )
                    quantity -= take
            if quantity:
                left[sku] = quantity
        return left

    def _book_return(
        self,
        uow: InventoryUnitOfWork,
        sku: str,
        warehouse: str,
        quantity: int,
        document: str,
        now: datetime,
        damaged: bool,
        set_aside_in: str | None,
    ) -> None:
        if not damaged:
            movement = StockMovement.of(
                MovementKind.RETURN, sku, warehouse, quantity, occurred_at=now, document=document
            )
            apply_movement(self._context, uow, movement)
            return
        into = set_aside_in or warehouse
        moves = [MovementKind.RETURN]
        if set_aside_in is None:
            moves.append(MovementKind.WRITE_OFF)
        for kind in moves:
            movement = StockMovement.of(
                kind,
                sku,
                into,
                quantity,
                occurred_at=now,
                document=document,
                reason="returned damaged",
            )
            level = uow.stock.apply(movement)
            self._context.record(
                uow,
                StockMoved,
                aggregate_id=f"{sku}@{into}",
                kind=kind.value,
                on_hand_delta=movement.on_hand_delta,
                on_hand=level.on_hand,
                available=level.available,
                document=document,
            )

    @staticmethod
    def _check_request(request: ReservationRequest) -> list[tuple[str, int]]:
        """Validate a request before any unit of work opens; return its summed lines."""
        require_text(request.document, "document", 120)
        if request.ship_to is not None:
            require_instance(request.ship_to, Address, "ship_to")
        if request.warehouse is not None:
            require_code(request.warehouse, "warehouse")
        non_negative_int(request.priority, "priority")
        return summed_lines(request.lines)

    @staticmethod
    def _check_ttl(expires_in: timedelta | None) -> timedelta | None:
        if expires_in is not None and (
            not isinstance(expires_in, timedelta) or expires_in <= timedelta(0)
        ):
            raise ValidationError("expires_in", expires_in, "must be a positive timedelta")
        return expires_in

    def _reserve(
        self,
        uow: InventoryUnitOfWork,
        request: ReservationRequest,
        summed: list[tuple[str, int]],
        ttl: timedelta | None,
        strategy: RoutingStrategy,
    ) -> Reservation:
        context = self._context
        now = context.clock.now()
        wanted = self._expand_kits(uow, summed)
        pinned = self._pinned(uow, request)
        if pinned is not None:
            plan = self._reserve_at(uow, request, wanted, pinned, now)
        else:
            plan = self._plan(uow, request, wanted, strategy, now)
            for sku, warehouse in plan.places:
                self._hold(uow, request, sku, warehouse, plan.held.get((sku, warehouse), 0), now)
                waiting = plan.waiting.get((sku, warehouse), 0)
                self._backorder(uow, request, sku, warehouse, waiting, now)
        reservation_lines = [
            ReservationLine(
                sku,
                warehouse,
                plan.held.get((sku, warehouse), 0),
                plan.waiting.get((sku, warehouse), 0),
            )
            for sku, warehouse in plan.places
        ]
        reservation = Reservation(
            id=context.ids.new(),
            document=request.document,
            lines=reservation_lines,
            created_at=now,
            expires_at=None if ttl is None else now + ttl,
            priority=request.priority,
        )
        uow.reservations.add(reservation)
        context.record(
            uow,
            StockReserved,
            aggregate_id=reservation.id,
            document=reservation.document,
            lines=tuple((ln.sku, ln.warehouse, ln.quantity) for ln in reservation.lines),
            backordered=reservation.backordered,
        )
        return reservation

    @staticmethod
    def _pinned(uow: InventoryUnitOfWork, request: ReservationRequest) -> str | None:
        """The warehouse a request is pinned to, if it can serve it: nothing to route."""
        if request.warehouse is None:
            return None
        warehouse = uow.warehouses.get(request.warehouse)
        country = request.ship_to.country if request.ship_to else None
        if not warehouse.active or (country is not None and not warehouse.ships_to(country)):
            return None  # the planned path explains the refusal
        return warehouse.code

    def _reserve_at(
        self,
        uow: InventoryUnitOfWork,
        request: ReservationRequest,
        wanted: list[tuple[str, int]],
        warehouse: str,
        now: datetime,
    ) -> StockPlan:
        """Reserve in one warehouse: write first, and read the level only when refused.

        The conditional update is the availability check, so the common case
        needs no read; a refusal changed nothing, and the level read then
        decides what to hold and what to backorder (or refuses the request,
        and the unit of work rolls back what earlier lines held).
        """
        held: dict[tuple[str, str], int] = {}
        waiting: dict[tuple[str, str], int] = {}
        for sku, quantity in wanted:
            place = (sku, warehouse)
            try:
                self._hold(uow, request, sku, warehouse, quantity, now)
            except InsufficientStock:
                pass  # refused, and nothing changed: read the level and decide below
            else:
                held[place] = quantity
                continue
            available = uow.stock.level(sku, warehouse).available
            policy = uow.stock_policies.get(sku) or StockPolicy(sku=sku)
            hold, wait = split_shortfall(sku, warehouse, quantity, available, policy, now)
            self._hold(uow, request, sku, warehouse, hold, now)
            self._backorder(uow, request, sku, warehouse, wait, now)
            held[place], waiting[place] = hold, wait
        return StockPlan({k: v for k, v in held.items() if v}, waiting)

    @staticmethod
    def _hold(
        uow: InventoryUnitOfWork,
        request: ReservationRequest,
        sku: str,
        warehouse: str,
        quantity: int,
        now: datetime,
    ) -> None:
        if quantity:
            uow.stock.apply(
                StockMovement.of(
                    MovementKind.RESERVE,
                    sku,
                    warehouse,
                    quantity,
                    occurred_at=now,
                    document=request.document,
                )
            )

    @staticmethod
    def _backorder(
        uow: InventoryUnitOfWork,
        request: ReservationRequest,
        sku: str,
        warehouse: str,
        quantity: int,
        now: datetime,
    ) -> None:
        if quantity:
            policy = uow.stock_policies.get(sku) or StockPolicy(sku=sku)
            uow.stock.apply(
                StockMovement.of(
                    MovementKind.BACKORDER,
                    sku,
                    warehouse,
                    quantity,
                    occurred_at=now,
                    document=request.document,
                ),
                backorder_limit=policy.backorder_limit_at(now),
            )

    @staticmethod
    def _expand_kits(
        uow: InventoryUnitOfWork, lines: list[tuple[str, int]]
    ) -> list[tuple[str, int]]:
        components = uow.products.components([sku for sku, _ in lines])
        if not any(components.values()):
            return lines
        expanded: list[tuple[str, int]] = []
        for sku, quantity in lines:
            parts = components[sku] or ((sku, 1),)
            expanded.extend((part, each * quantity) for part, each in parts)
        return summed_lines(expanded)

    def _plan(
        self,
        uow: InventoryUnitOfWork,
        request: ReservationRequest,
        wanted: list[tuple[str, int]],
        strategy: RoutingStrategy,
        now: datetime,
    ) -> StockPlan:
        """Read what the decision needs, and let :func:`plan_stock` decide."""
        if request.warehouse is not None:
            candidates = [uow.warehouses.get(request.warehouse)]
        else:
            candidates = uow.warehouses.list()
        available = {
            (sku, level.warehouse): level.available
            for sku, _ in wanted
            for level in uow.stock.levels(sku=sku)
        }
        return plan_stock(
            wanted,
            candidates=candidates,
            available=available,
            country=request.ship_to.country if request.ship_to else None,
            coordinates=request.ship_to.coordinates if request.ship_to else None,
            strategy=strategy,
            now=now,
            policy_of=lambda sku: uow.stock_policies.get(sku) or StockPolicy(sku=sku),
            expecting=lambda sku: {
                order.warehouse for order in uow.purchase_orders.open() if order.outstanding(sku)
            },
            warehouse=request.warehouse,
        )

    @reads("reservations.read")
    def plan(
        self,
        lines: Sequence[tuple[str, int]],
        *,
        ship_to: Address | None = None,
        strategy: RoutingStrategy | None = None,
    ) -> RoutingPlan:
        """Show where ``lines`` would be reserved now, and why, without reserving anything.

        Raises:
            InsufficientStock: The stock the warehouses hold together is short.
        """
        wanted = summed_lines(lines)
        with self._context.store.unit_of_work(readonly=True) as uow:
            wanted = self._expand_kits(uow, wanted)
            available = {
                (sku, level.warehouse): level.available
                for sku, _ in wanted
                for level in uow.stock.levels(sku=sku)
            }
            warehouses = uow.warehouses.list()
        request = RoutingRequest(
            tuple(wanted),
            ship_to.country if ship_to else None,
            ship_to.coordinates if ship_to else None,
        )
        return route(request, warehouses, available, strategy or self.routing)

    @writes("reservations.release")
    def release(self, reservation_id: str) -> Reservation:
        """Give a reservation's units back (cancel, edit); backorders are withdrawn.

        Raises:
            ReservationNotFound: No such reservation.
            ReservationNotActive: It was already released, expired or committed.
        """
        return self._end(require_code(reservation_id, "reservation_id"), ReservationStatus.RELEASED)

    @writes("reservations.commit")
    def commit(self, reservation_id: str) -> Reservation:
        """Record that the reserved units shipped: they leave on-hand stock.

        Raises:
            ReservationNotActive: It is not active.
            ValidationError: Some of its units are still backordered.
        """
        return self._end(
            require_code(reservation_id, "reservation_id"), ReservationStatus.COMMITTED
        )

    @writes("reservations.release")
    @retried
    def release_document(self, document: str) -> list[Reservation]:
        """Release every active reservation of ``document`` (an order being cancelled)."""
        document = require_text(document, "document", 120)
        with self._context.store.unit_of_work() as uow:
            ended = self.end_within(uow, document)
            uow.commit()
        return ended

    @writes("reservations.expire")
    @retried
    def sweep_expired(self, limit: int = 100) -> int:
        """Release up to ``limit`` reservations whose time ran out; return how many."""
        non_negative_int(limit, "limit")
        with self._context.store.unit_of_work() as uow:
            due = uow.reservations.expired(self._context.clock.now(), limit)
            for reservation in due:
                self._finish(uow, reservation, ReservationStatus.EXPIRED)
            uow.commit()
        return len(due)

    @reads("reservations.read")
    def get(self, reservation_id: str) -> Reservation:
        """Return a reservation.

        Raises:
            ReservationNotFound: No such reservation.
        """
        reservation_id = require_code(reservation_id, "reservation_id")
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.reservations.get(reservation_id)

    @reads("reservations.read")
    def for_document(self, document: str) -> list[Reservation]:
        """Return the reservations made for ``document``."""
        document = require_text(document, "document", 120)
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.reservations.for_document(document)

    @retried
    def _end(self, reservation_id: str, status: ReservationStatus) -> Reservation:
        with self._context.store.unit_of_work() as uow:
            reservation = self._finish(uow, uow.reservations.get(reservation_id), status)
            uow.commit()
        return reservation

    def _finish(
        self, uow: InventoryUnitOfWork, reservation: Reservation, status: ReservationStatus
    ) -> Reservation:
        now = self._context.clock.now()
        if status is ReservationStatus.COMMITTED:
            reservation.commit()
        elif status is ReservationStatus.EXPIRED:
            reservation.expire(now)
        else:
            reservation.release()
        # Every unit of this reservation is settled and the reservation saved
        # before freed stock goes to waiting backorders: otherwise its own
        # backorder, still stored as active, could be served with its own units.
        freed: dict[tuple[str, str], StockLevel] = {}
        for line in reservation.lines:
            movements = []
            if line.quantity:
                kind = (
                    MovementKind.COMMIT
                    if status is ReservationStatus.COMMITTED
                    else MovementKind.RELEASE
                )
                movements.append((kind, line.quantity))
            if line.backordered:
                movements.append((MovementKind.CANCEL_BACKORDER, line.backordered))
            key = (line.sku, line.warehouse)
            for kind, quantity in movements:
                level = uow.stock.apply(
                    StockMovement.of(
                        kind,
                        line.sku,
                        line.warehouse,
                        quantity,
                        occurred_at=now,
                        document=reservation.document,
                    )
                )
                if kind is MovementKind.RELEASE or key in freed:
                    freed[key] = level
        uow.reservations.save(reservation)
        for (sku, warehouse), level in freed.items():
            serve_backorders(self._context, uow, sku, warehouse, level)
        event = {
            ReservationStatus.RELEASED: ReservationReleased,
            ReservationStatus.EXPIRED: ReservationExpired,
            ReservationStatus.COMMITTED: ReservationCommitted,
        }[status]
        self._context.record(uow, event, aggregate_id=reservation.id, document=reservation.document)
        return reservation
