"""Claims: a parcel lost or damaged, a wrong item; the customer is made whole at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from orderkit.core.access import reads, writes
from orderkit.core.checks import parse_enum, require_code, require_text
from orderkit.core.context import ServiceContext, retried
from orderkit.core.money import Money
from orderkit.errors import InvalidQuantity, ValidationError
from orderkit.fulfillment.ports import LEFT_STOCK
from orderkit.lifecycle.ports import OrderRef, load_order
from orderkit.returns.claims import CarrierClaim, Claim, ClaimKind, ClaimRemedy
from orderkit.returns.events import CarrierClaimSettled, ClaimFiled
from orderkit.returns.linked import (
    LinkedOrders,
    ReturnMoney,
    ShipmentMaker,
    parse_units,
    place_linked_order,
    worth,
)
from orderkit.returns.ports import ReturnsUnitOfWork

__all__ = ["ClaimService"]


class ClaimService:
    """File claims on shipments and settle them; ``shop.returns`` hands its claim calls here.

    Args:
        context: The shop's shared parts.
        orders: Places replacement orders.
        money: Refunds claimed units.
        shipping: Makes the replacements' shipments.
    """

    def __init__(
        self,
        context: ServiceContext[ReturnsUnitOfWork],
        orders: LinkedOrders,
        money: ReturnMoney,
        shipping: ShipmentMaker,
    ) -> None:
        self._context = context
        self._orders = orders
        self._money = money
        self._shipping = shipping

    @writes("returns.claim")
    def file_claim(
        self,
        shipment_id: str,
        kind: ClaimKind | str,
        *,
        units: Mapping[str, int] | None = None,
        remedy: ClaimRemedy | str = ClaimRemedy.REPLACE,
        note: str | None = None,
        carrier_amount: Money | None = None,
        actor: str = "system",
    ) -> Claim:
        """Make the customer whole for a parcel lost or damaged, or the wrong item sent.

        ``replace`` places a linked order for the units at no charge, reserves
        their stock and makes its shipments in the same go; ``refund`` pays
        them back by lines. Nothing waits for anything to come back. When the
        shipment went with a carrier, a claim against it is recorded for
        ``carrier_amount`` (by default what the units cost).

        Raises:
            ShipmentNotFound: No such shipment.
            ValidationError, InvalidQuantity: It has not left the warehouse,
                or more units than it carried (less those claimed before).
            InsufficientStock: No warehouse can replace the units; nothing
                is recorded.
        """
        shipment_id = require_code(shipment_id, "shipment_id")
        claim_kind = parse_enum(ClaimKind, kind, "kind")
        chosen = parse_enum(ClaimRemedy, remedy, "remedy")
        asked = None if units is None else parse_units(units, "units")
        note = None if note is None else require_text(note, "note", 1000)
        if carrier_amount is not None and (
            not isinstance(carrier_amount, Money) or carrier_amount.amount < 0
        ):
            raise ValidationError("carrier_amount", carrier_amount, "give a Money >= 0")
        actor = require_text(actor, "actor")
        claim = self._open_claim(
            shipment_id, claim_kind, chosen, asked, note, carrier_amount, actor
        )
        if claim.replacement_order_id is not None:
            self._shipping.create_shipments(claim.replacement_order_id, actor=actor)
        if chosen is ClaimRemedy.REFUND and claim.refund_id is None:
            refund = self._money.refund_order(
                claim.order_id,
                key=f"claim:{claim.id}",
                lines=claim.unit_map,
                reason=f"claim {claim.id}: {claim_kind.value}",
            )
            claim = self._claim_refunded(claim.id, refund.id)
        return claim

    @retried
    def _open_claim(
        self,
        shipment_id: str,
        kind: ClaimKind,
        remedy: ClaimRemedy,
        asked: dict[str, int] | None,
        note: str | None,
        carrier_amount: Money | None,
        actor: str,
    ) -> Claim:
        context = self._context
        with context.store.unit_of_work() as uow:
            shipment = uow.shipments.get(shipment_id)
            if shipment.state not in LEFT_STOCK:
                raise ValidationError("shipment_id", shipment_id, "it has not left the warehouse")
            order = uow.orders.get(shipment.order_id)
            claimed: Counter[str] = Counter()
            for earlier in uow.claims.for_order(order.number):
                if earlier.shipment_id == shipment.id:
                    claimed.update(earlier.unit_map)
            carried = shipment.units
            units = (
                asked
                if asked is not None
                else {sku: quantity - claimed[sku] for sku, quantity in carried.items()}
            )
            units = {sku: quantity for sku, quantity in units.items() if quantity}
            for sku, quantity in units.items():
                left = carried.get(sku, 0) - claimed[sku]
                if quantity > left:
                    raise InvalidQuantity(
                        f"units[{sku}]", quantity, f"the shipment has {max(left, 0)} unclaimed"
                    )
            if not units:
                raise ValidationError("units", asked, "every unit of the shipment is claimed")
            value_of_units = worth(order, units)
            claim = Claim(
                id=context.ids.new(),
                order_id=order.id,
                order_number=order.number,
                shipment_id=shipment.id,
                kind=kind,
                remedy=remedy,
                units=tuple(units.items()),
                filed_at=context.clock.now(),
                note=note,
                carrier_claim=None
                if shipment.carrier is None
                else CarrierClaim(
                    carrier=shipment.carrier,
                    tracking_number=shipment.tracking_number,
                    amount=carrier_amount if carrier_amount is not None else value_of_units,
                ),
            )
            if remedy is ClaimRemedy.REPLACE:
                linked = place_linked_order(
                    self._orders,
                    uow,
                    order,
                    units,
                    free=True,
                    tags=("replacement",),
                    attributes={"replaces": str(order.number), "claim": claim.id},
                    actor=actor,
                )
                claim.replacement_order_id = linked.id
                claim.settled = True
            context.record(
                uow,
                ClaimFiled,
                aggregate_id=claim.id,
                order_number=order.number,
                shipment_id=shipment.id,
                kind=kind.value,
                remedy=remedy.value,
                units=claim.units,
            )
            uow.claims.add(claim)
            uow.commit()
        return claim

    @retried
    def _claim_refunded(self, claim_id: str, refund_id: str) -> Claim:
        with self._context.store.unit_of_work() as uow:
            claim = uow.claims.get(claim_id)
            claim.refund_id, claim.settled = refund_id, True
            uow.claims.save(claim)
            uow.commit()
        return claim

    @writes("returns.claim")
    @retried
    def settle_carrier_claim(
        self,
        claim_id: str,
        *,
        paid: Money | None,
        reference: str | None = None,
        note: str | None = None,
    ) -> Claim:
        """Record the carrier's answer to a claim: what it paid, or ``paid=None`` for denied.

        Raises:
            ClaimNotFound: No such claim.
            ValidationError: The claim has no carrier claim, or it was answered already.
        """
        claim_id = require_code(claim_id, "claim_id")
        if paid is not None and (not isinstance(paid, Money) or paid.amount < 0):
            raise ValidationError("paid", paid, "give a Money >= 0, or None for denied")
        reference = None if reference is None else require_text(reference, "reference", 120)
        note = None if note is None else require_text(note, "note", 500)
        with self._context.store.unit_of_work() as uow:
            claim = uow.claims.get(claim_id)
            filed = claim.carrier_claim
            if filed is None or filed.state != "filed":
                raise ValidationError("claim_id", claim_id, "has no carrier claim waiting")
            state = "denied" if paid is None else "paid"
            claim.carrier_claim = CarrierClaim(
                carrier=filed.carrier,
                tracking_number=filed.tracking_number,
                amount=filed.amount,
                state=state,
                reference=reference,
                paid=paid,
                note=note,
            )
            self._context.record(
                uow,
                CarrierClaimSettled,
                aggregate_id=claim.id,
                carrier=filed.carrier,
                state=state,
                paid=paid,
            )
            uow.claims.save(claim)
            uow.commit()
        return claim

    @reads("returns.read")
    def claims(self, order: OrderRef) -> list[Claim]:
        """An order's claims, oldest first.

        Raises:
            OrderNotFound: No such order.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.claims.for_order(load_order(uow, order).number)
