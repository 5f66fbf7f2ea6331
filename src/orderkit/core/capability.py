"""Capability: what one capability package contributes to a shop, declared in one place.

Each package (``orderkit.payments``, ``orderkit.inventory``, a host's own)
declares a :class:`Capability` in its ``capability`` module: the events it
records, how its types are stored, and (for a host's own capability) the
repositories it keeps in the store's records. The converter, the event codec
and the units of work are built from the declarations
(:mod:`orderkit.capabilities`, ``ShopSettings.capabilities``), so adding a
capability never edits a central list of events, hooks, tables or repositories.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import attrs
import cattrs

from orderkit.core.events import DomainEvent
from orderkit.core.records import RecordTransaction
from orderkit.core.serialization import ConverterHook

__all__ = ["Capability", "RepositoryFactory"]

RepositoryFactory = Callable[[RecordTransaction, cattrs.Converter], object]
"""Makes a repository on a unit of work's records, with the shop's converter."""


def _frozen(value: Mapping[str, RepositoryFactory]) -> Mapping[str, RepositoryFactory]:
    return MappingProxyType(dict(value))


@attrs.frozen
class Capability:
    """What one capability package brings to a shop.

    Attributes:
        name: The package's short name (``"payments"``).
        events: The event classes it records in the outbox.
        converter_hooks: Teach the shop's converter the types it stores that
            the core cannot structure alone.
        repositories: For a host's own capability: its repositories by the
            name its unit-of-work port gives them, each made on the unit of
            work's records (:class:`~orderkit.core.records.RecordTransaction`),
            so they commit and roll back with everything else, on every store.
    """

    name: str
    events: tuple[type[DomainEvent], ...] = ()
    converter_hooks: tuple[ConverterHook, ...] = ()
    repositories: Mapping[str, RepositoryFactory] = attrs.field(
        factory=dict, converter=_frozen, hash=False
    )
