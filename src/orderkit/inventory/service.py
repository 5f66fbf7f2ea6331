"""Use cases of inventory: warehouses, stock policies, stock movements and availability."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from orderkit.core.access import reads, writes
from orderkit.core.checks import non_negative_int, require_code, require_instance, require_text
from orderkit.core.context import ServiceContext, retried
from orderkit.core.quantity import validate_quantity
from orderkit.errors import StorageIntegrityError, ValidationError
from orderkit.inventory.ledger import MovementKind, StockMovement, replay
from orderkit.inventory.policies import StockPolicy
from orderkit.inventory.ports import InventoryUnitOfWork
from orderkit.inventory.stock import StockLevel
from orderkit.inventory.stock_keeping import apply_movement
from orderkit.inventory.warehouses import Warehouse

__all__ = ["InventoryService"]

_DOCUMENTS = {
    MovementKind.RECEIVE: "receipt",
    MovementKind.RETURN: "return",
    MovementKind.WRITE_OFF: "write-off",
}


class InventoryService:
    """``shop.inventory``: warehouses, stock movements and availability.

    Every change is one unit of work that applies ledger movements through a
    conditional update, so stock is never oversold however many processes
    write at once, and levels always equal a replay of the ledger. Reserving
    stock is :class:`~orderkit.inventory.reservation_service.ReservationService`'s job.

    Args:
        context: The shop's store, clock, ids and codec.
        channel_buffers: Units held back per channel from available-to-promise
            (for example ``{"marketplace": 2}``).
    """

    def __init__(
        self,
        context: ServiceContext[InventoryUnitOfWork],
        *,
        channel_buffers: Mapping[str, int] | None = None,
    ) -> None:
        self._context = context
        buffers = dict(channel_buffers or {})
        for channel, units in buffers.items():
            require_code(channel, "channel_buffers")
            non_negative_int(units, f"channel_buffers[{channel!r}]")
        self.channel_buffers = buffers

    # Warehouses ---------------------------------------------------------------

    @writes("inventory.warehouses")
    @retried
    def add_warehouse(self, warehouse: Warehouse) -> Warehouse:
        """Add a warehouse.

        Raises:
            ValidationError: ``warehouse`` is not a Warehouse.
            AlreadyExists: The code is taken.
        """
        require_instance(warehouse, Warehouse, "warehouse")
        with self._context.store.unit_of_work() as uow:
            uow.warehouses.add(warehouse)
            uow.commit()
        return warehouse

    @writes("inventory.warehouses")
    @retried
    def update_warehouse(self, warehouse: Warehouse) -> Warehouse:
        """Replace a warehouse's settings (priority, countries served, active ...).

        Raises:
            WarehouseNotFound: No warehouse has the code.
        """
        require_instance(warehouse, Warehouse, "warehouse")
        with self._context.store.unit_of_work() as uow:
            uow.warehouses.replace(warehouse)
            uow.commit()
        return warehouse

    @reads("inventory.read")
    def warehouses(self) -> list[Warehouse]:
        """Return every warehouse by priority, then code."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.warehouses.list()

    @writes("inventory.bins")
    @retried
    def set_bin(self, sku: str, warehouse: str, bin_location: str | None) -> None:
        """Record the bin a SKU is shelved in, for pick lists (``None`` forgets it).

        Raises:
            ProductNotFound, WarehouseNotFound: Unknown SKU or warehouse.
            ValidationError: ``bin_location`` is not a code such as ``"A-03-2"``.
        """
        if bin_location is not None:
            require_code(bin_location, "bin_location")
        with self._context.store.unit_of_work() as uow:
            self._check_known(uow, sku, warehouse)
            uow.stock.set_bin(sku, warehouse, bin_location)
            uow.commit()

    @reads("inventory.read")
    def bins(self, warehouse: str) -> dict[str, str]:
        """Return the bin of every shelved SKU in ``warehouse``.

        Raises:
            WarehouseNotFound: Unknown warehouse.
        """
        warehouse = require_code(warehouse, "warehouse")
        with self._context.store.unit_of_work(readonly=True) as uow:
            uow.warehouses.get(warehouse)
            return uow.stock.bins(warehouse)

    @writes("inventory.policies")
    @retried
    def set_policy(self, policy: StockPolicy) -> StockPolicy:
        """Set a SKU's stock policy (backorders, preorders, supplier, replenishment).

        Raises:
            ProductNotFound: The SKU is not in the catalog.
        """
        require_instance(policy, StockPolicy, "policy")
        with self._context.store.unit_of_work() as uow:
            uow.products.get(policy.sku)
            uow.stock_policies.put(policy)
            uow.commit()
        return policy

    @reads("inventory.read")
    def policy(self, sku: str) -> StockPolicy:
        """Return the SKU's stock policy (defaults when none was set)."""
        sku = require_code(sku, "sku")
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.stock_policies.get(sku) or StockPolicy(sku=sku)

    # Movements ----------------------------------------------------------------

    @writes("inventory.receive")
    def receive(
        self, sku: str, warehouse: str, quantity: int, *, document: str | None = None
    ) -> StockLevel:
        """Put ``quantity`` arrived units on hand, then serve waiting backorders.

        Without ``document`` the movement is filed under a new ``"receipt:<id>"``.

        Raises:
            ProductNotFound, WarehouseNotFound: Unknown SKU or warehouse.
            InvalidQuantity: ``quantity`` is not a positive int.
        """
        return self._move(MovementKind.RECEIVE, sku, warehouse, quantity, document=document)

    @writes("inventory.restock")
    def restock(self, sku: str, warehouse: str, quantity: int, *, document: str) -> StockLevel:
        """Put returned units back on the shelf (``document`` names the return).

        Raises:
            ValidationError: ``document`` is missing or empty: a return is named.
        """
        document = require_text(document, "document", 120)
        return self._move(MovementKind.RETURN, sku, warehouse, quantity, document=document)

    @writes("inventory.write_off")
    def write_off(self, sku: str, warehouse: str, quantity: int, *, reason: str) -> StockLevel:
        """Remove damaged, expired or lost units; reserved units cannot be written off.

        Raises:
            ValidationError: No reason, or fewer unreserved units than ``quantity``.
        """
        return self._move(MovementKind.WRITE_OFF, sku, warehouse, quantity, reason=reason)

    @writes("inventory.adjust")
    @retried
    def adjust(self, sku: str, warehouse: str, difference: int, *, reason: str) -> StockLevel:
        """Correct on-hand units by a signed ``difference``, with a reason.

        Raises:
            ValidationError: ``difference`` is zero, or it would take away reserved units.
        """
        with self._context.store.unit_of_work() as uow:
            self._check_known(uow, sku, warehouse)
            movement = StockMovement.correction(
                MovementKind.ADJUST,
                sku,
                warehouse,
                difference,
                occurred_at=self._context.clock.now(),
                reason=require_text(reason, "reason"),
                document=self._document("adjustment"),
            )
            level = apply_movement(self._context, uow, movement)
            uow.commit()
        return level

    @writes("inventory.count")
    @retried
    def count(
        self, sku: str, warehouse: str, counted: int, *, document: str | None = None
    ) -> StockLevel:
        """Post a cycle count: the difference to the recorded on-hand units becomes a movement.

        Returns:
            The level after the count (unchanged when the count matched).

        Raises:
            ValidationError: ``counted`` is negative, or below the reserved units
                (release reservations first).
        """
        counted = non_negative_int(counted, "counted")
        with self._context.store.unit_of_work() as uow:
            self._check_known(uow, sku, warehouse)
            level = uow.stock.level(sku, warehouse)
            difference = counted - level.on_hand
            if difference:
                movement = StockMovement.correction(
                    MovementKind.COUNT,
                    sku,
                    warehouse,
                    difference,
                    occurred_at=self._context.clock.now(),
                    reason="cycle count",
                    document=document or self._document("count"),
                )
                level = apply_movement(self._context, uow, movement)
            uow.commit()
        return level

    @writes("inventory.transfer")
    @retried
    def transfer(
        self, sku: str, source: str, destination: str, quantity: int
    ) -> tuple[StockLevel, StockLevel]:
        """Move unreserved units from one warehouse to another in one unit of work.

        Returns:
            The levels of the source and the destination afterwards.

        Raises:
            ValidationError: The warehouses are the same, or the source lacks
                unreserved units.
        """
        if source == destination:
            raise ValidationError("destination", destination, "must differ from the source")
        quantity = validate_quantity(quantity)
        context = self._context
        with context.store.unit_of_work() as uow:
            self._check_known(uow, sku, source)
            uow.warehouses.get(destination)
            now = context.clock.now()
            document = f"transfer:{context.ids.new()}"
            leaving = apply_movement(
                context,
                uow,
                StockMovement.of(
                    MovementKind.TRANSFER_OUT,
                    sku,
                    source,
                    quantity,
                    occurred_at=now,
                    document=document,
                ),
            )
            arriving = apply_movement(
                context,
                uow,
                StockMovement.of(
                    MovementKind.TRANSFER_IN,
                    sku,
                    destination,
                    quantity,
                    occurred_at=now,
                    document=document,
                ),
            )
            uow.commit()
        return leaving, arriving

    @retried
    def _move(
        self,
        kind: MovementKind,
        sku: str,
        warehouse: str,
        quantity: int,
        *,
        document: str | None = None,
        reason: str | None = None,
    ) -> StockLevel:
        with self._context.store.unit_of_work() as uow:
            self._check_known(uow, sku, warehouse)
            movement = StockMovement.of(
                kind,
                sku,
                warehouse,
                quantity,
                occurred_at=self._context.clock.now(),
                document=document or self._document(_DOCUMENTS[kind]),
                reason=reason,
            )
            level = apply_movement(self._context, uow, movement)
            uow.commit()
        return level

    def _document(self, kind: str) -> str:
        # Every movement names the document behind it; a manual one gets its own.
        return f"{kind}:{self._context.ids.new()}"

    def _check_known(self, uow: InventoryUnitOfWork, sku: str, warehouse: str) -> None:
        product = uow.products.get(require_code(sku, "sku"))
        if product.is_kit:
            raise ValidationError("sku", sku, "is a kit; stock is kept for its components")
        uow.warehouses.get(require_code(warehouse, "warehouse"))

    # Reading ------------------------------------------------------------------------

    @reads("inventory.read")
    def level(self, sku: str, warehouse: str) -> StockLevel:
        """Return the stock level, with ``incoming`` from open purchase orders."""
        sku, warehouse = require_code(sku, "sku"), require_code(warehouse, "warehouse")
        with self._context.store.unit_of_work(readonly=True) as uow:
            return self._with_incoming(uow, [uow.stock.level(sku, warehouse)])[0]

    @reads("inventory.read")
    def levels(self, *, sku: str | None = None, warehouse: str | None = None) -> list[StockLevel]:
        """Return the recorded levels, with ``incoming``, by SKU then warehouse."""
        sku = None if sku is None else require_code(sku, "sku")
        warehouse = None if warehouse is None else require_code(warehouse, "warehouse")
        with self._context.store.unit_of_work(readonly=True) as uow:
            return self._with_incoming(uow, uow.stock.levels(sku=sku, warehouse=warehouse))

    @staticmethod
    def _with_incoming(uow: InventoryUnitOfWork, levels: Iterable[StockLevel]) -> list[StockLevel]:
        open_orders = uow.purchase_orders.open()
        result = []
        for level in levels:
            incoming = sum(
                po.outstanding(level.sku) for po in open_orders if po.warehouse == level.warehouse
            )
            result.append(attrs.evolve(level, incoming=incoming) if incoming else level)
        return result

    @reads("inventory.read")
    def available(self, sku: str, *, channel: str | None = None) -> int:
        """Available-to-promise across active warehouses, less the channel's buffer.

        For a kit, the number of complete kits its components allow.
        """
        if channel is not None:
            channel = require_code(channel, "channel")
        with self._context.store.unit_of_work(readonly=True) as uow:
            product = uow.products.get(require_code(sku, "sku"))
            active = {w.code for w in uow.warehouses.list() if w.active}
            parts = product.components or ((sku, 1),)
            kits = min(
                sum(lv.available for lv in uow.stock.levels(sku=part) if lv.warehouse in active)
                // each
                for part, each in parts
            )
        buffer = self.channel_buffers.get(channel, 0) if channel is not None else 0
        return max(kits - buffer, 0)

    @reads("inventory.read")
    def ledger(
        self, *, sku: str | None = None, warehouse: str | None = None
    ) -> list[StockMovement]:
        """Return the movement ledger, oldest first, optionally filtered."""
        sku = None if sku is None else require_code(sku, "sku")
        warehouse = None if warehouse is None else require_code(warehouse, "warehouse")
        with self._context.store.unit_of_work(readonly=True) as uow:
            return list(uow.stock.movements(sku=sku, warehouse=warehouse))

    @reads("inventory.read")
    def verify_ledger(self) -> bool:
        """Check that every stored level equals a replay of the ledger.

        Raises:
            StorageIntegrityError: A level and its replay differ (names the first).
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            stored = {(lv.sku, lv.warehouse): lv for lv in uow.stock.levels()}
            rebuilt = replay(uow.stock.movements())
        for key in sorted(set(stored) | set(rebuilt)):
            if stored.get(key) != rebuilt.get(key):
                raise StorageIntegrityError(
                    f"{key[0]} in {key[1]}: stored {stored.get(key)}, "
                    f"ledger says {rebuilt.get(key)}"
                )
        return True
