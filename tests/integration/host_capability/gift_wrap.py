"""A toy capability a host adds without editing orderkit: gift wrapping, with its own event.

Its event carries a type of its own (`Ribbon`, stored as "colour/width"), so the
capability declares a converter hook; the shop carries its events through the
outbox once the capability is among its settings.
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import cattrs

from orderkit.core.capability import Capability
from orderkit.core.context import ServiceContext, retried
from orderkit.core.events import DomainEvent
from orderkit.core.ports import UnitOfWorkBase


@attrs.frozen
class Ribbon:
    colour: str
    width_mm: int


@attrs.frozen(kw_only=True)
class GiftWrapped(DomainEvent):
    aggregate_type: ClassVar[str] = "order"

    order_number: int
    ribbon: Ribbon


def _ribbon_hooks(converter: cattrs.Converter) -> None:
    converter.register_unstructure_hook(Ribbon, lambda r: f"{r.colour}/{r.width_mm}")

    def structure(value: object, _: type) -> Ribbon:
        colour, width = str(value).split("/")
        return Ribbon(colour, int(width))

    converter.register_structure_hook(Ribbon, structure)


CAPABILITY = Capability(name="gift_wrap", events=(GiftWrapped,), converter_hooks=(_ribbon_hooks,))


class GiftWrapService:
    def __init__(self, context: ServiceContext[UnitOfWorkBase]) -> None:
        self._context = context

    @retried
    def wrap(self, order_number: int, ribbon: Ribbon) -> None:
        with self._context.store.unit_of_work() as uow:
            self._context.record(
                uow,
                GiftWrapped,
                aggregate_id=str(order_number),
                order_number=order_number,
                ribbon=ribbon,
            )
            uow.commit()
