"""A toy capability a host adds without editing orderkit: gift wrapping.

It has a value of its own (`Ribbon`, stored as "colour/width", so it declares
a converter hook), an event, and a repository of wrapped orders kept in the
store's records. Its unit-of-work port names the repository; the shop makes
it on every unit of work once the capability is among its settings.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

import attrs
import cattrs

from orderkit.core.capability import Capability
from orderkit.core.context import ServiceContext, retried
from orderkit.core.events import DomainEvent
from orderkit.core.ports import UnitOfWorkBase
from orderkit.core.records import RecordTransaction
from orderkit.errors import ValidationError


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


@attrs.frozen
class Wrapping:
    order_number: int
    ribbon: Ribbon
    note: str = ""


class GiftWraps:
    """Wrappings under their order number, in the table "gift_wraps"."""

    def __init__(self, records: RecordTransaction, converter: cattrs.Converter) -> None:
        self._records = records
        self._converter = converter

    def add(self, wrapping: Wrapping) -> None:
        key = (wrapping.order_number,)
        if self._records.get("gift_wraps", key) is not None:
            raise ValidationError("order_number", wrapping.order_number, "is wrapped already")
        self._records.put("gift_wraps", key, self._converter.unstructure(wrapping))

    def get(self, order_number: int) -> Wrapping | None:
        record = self._records.get("gift_wraps", (order_number,))
        return None if record is None else self._converter.structure(record, Wrapping)

    def all(self) -> list[Wrapping]:
        return [
            self._converter.structure(record, Wrapping)
            for _, record in self._records.scan("gift_wraps")
        ]


class GiftWrapUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def gift_wraps(self) -> GiftWraps: ...


CAPABILITY = Capability(
    name="gift_wrap",
    events=(GiftWrapped,),
    converter_hooks=(_ribbon_hooks,),
    repositories={"gift_wraps": GiftWraps},
)


class GiftWrapService:
    def __init__(self, context: ServiceContext[GiftWrapUnitOfWork]) -> None:
        self._context = context

    @retried
    def wrap(self, order_number: int, ribbon: Ribbon, note: str = "") -> None:
        with self._context.store.unit_of_work() as uow:
            uow.gift_wraps.add(Wrapping(order_number, ribbon, note))
            self._context.record(
                uow,
                GiftWrapped,
                aggregate_id=str(order_number),
                order_number=order_number,
                ribbon=ribbon,
            )
            uow.commit()

    def wrapping(self, order_number: int) -> Wrapping | None:
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.gift_wraps.get(order_number)
