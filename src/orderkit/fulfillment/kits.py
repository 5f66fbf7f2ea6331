"""Kits in shipments: an order line of a kit ships as the components its reservation holds.

A kit's reservation holds its components; its shipment line names the kit,
in whole kits. These helpers turn one into the other. Lines of single SKUs
are served first from what is held, kits from what is left, so a component
ordered on its own and inside a kit is never counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from orderkit.catalog.ports import CatalogUnitOfWork

__all__ = ["Parts", "expand", "parts_of", "whole_sets"]

Parts = Mapping[str, tuple[tuple[str, int], ...]]
"""Per order SKU, the ``(component, units per kit)`` pairs it ships as (itself once if no kit)."""


def parts_of(uow: CatalogUnitOfWork, skus: Iterable[str]) -> dict[str, tuple[tuple[str, int], ...]]:
    """What each SKU ships as: its components when it is a kit, itself once otherwise."""
    wanted = sorted(set(skus))
    components = uow.products.components(wanted)
    return {sku: tuple(components.get(sku) or ((sku, 1),)) for sku in wanted}


def expand(units: Mapping[str, int], parts: Parts) -> dict[str, int]:
    """The component units that ``units`` of order SKUs are made of."""
    expanded: dict[str, int] = {}
    for sku, quantity in units.items():
        for part, each in parts[sku]:
            expanded[part] = expanded.get(part, 0) + each * quantity
    return expanded


def whole_sets(held: Mapping[str, int], wanted: Mapping[str, int], parts: Parts) -> dict[str, int]:
    """How many of each wanted order SKU ``held`` components make, at most as many as wanted.

    Single SKUs are served first, kits from what is left, in SKU order.
    """
    left = dict(held)
    made: dict[str, int] = {}
    for sku in sorted(wanted, key=lambda sku: (parts[sku] != ((sku, 1),), sku)):
        sets = min(left.get(part, 0) // each for part, each in parts[sku])
        sets = max(min(sets, wanted[sku]), 0)
        if sets:
            made[sku] = sets
            for part, each in parts[sku]:
                left[part] -= each * sets
    return made
