"""Products: what a shop sells, one SKU each."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from orderkit.core.checks import (
    blank_to_none,
    code,
    instance_of,
    optional_instance_of,
    optional_text,
    require_code,
    stripped,
    text,
)
from orderkit.core.money import Money
from orderkit.core.quantity import validate_quantity
from orderkit.errors import CurrencyMismatch, ValidationError

__all__ = ["Dimensions", "Product"]


def _positive_mm(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(attribute.name, value, "must be a whole number of millimetres >= 1")


@attrs.frozen(slots=True)
class Dimensions:
    """The outer size of an item or parcel in whole millimetres.

    Examples:
        >>> Dimensions(300, 200, 100).volume_cm3
        6000
    """

    length_mm: int = attrs.field(validator=_positive_mm)
    width_mm: int = attrs.field(validator=_positive_mm)
    height_mm: int = attrs.field(validator=_positive_mm)

    @property
    def volume_cm3(self) -> int:
        """The volume in cubic centimetres, rounded up."""
        cubic_mm = self.length_mm * self.width_mm * self.height_mm
        return -(-cubic_mm // 1000)


def _attributes(value: object) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise ValidationError("attributes", value, "must be a mapping of str to str")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise ValidationError("attributes", value, "keys and values must be strings")
    return MappingProxyType(dict(value))


def _components(value: object) -> tuple[tuple[str, int], ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValidationError("components", value, "give a list of (sku, quantity) pairs")
    pairs = []
    for item in value:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise ValidationError("components", item, "each component is a (sku, quantity) pair")
        pairs.append(
            (require_code(item[0], "components"), validate_quantity(item[1], "components"))
        )
    if len({sku for sku, _ in pairs}) != len(pairs):
        raise ValidationError("components", value, "name each component SKU once")
    return tuple(pairs)


def _weight(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError("weight_g", value, "must be a whole number of grams >= 0")
    return value


@attrs.frozen(slots=True)
class Product:
    """A sellable product, identified by its SKU.

    Attributes:
        sku: Stock keeping unit: 1-64 letters, digits and ``. _ - /``.
        name: What customers see.
        price: The list price; its currency is the product's currency.
        brand: The brand, for reports and filters.
        category: The category, for reports and filters.
        cost: What one unit costs the shop, in the price's currency (for margins).
        weight_g: The shipping weight in grams.
        dimensions: The packed size, for parcel and dimensional weight.
        attributes: Free-form string attributes (colour, size, seller ...).
        components: For a kit or bundle, the ``(sku, quantity)`` of each component
            it consumes; stock is kept and reserved for the components, not the kit.

    Raises:
        ValidationError: A field is empty, of the wrong type or out of range.
        CurrencyMismatch: ``cost`` is in another currency than ``price``.

    Examples:
        >>> Product(sku="TEE-M", name="T-shirt M", price=Money("19.90", "EUR"),
        ...         brand="Acme", category="Apparel").price.currency
        'EUR'
    """

    sku: str = attrs.field(validator=code())
    name: str = attrs.field(converter=stripped, validator=text())
    price: Money = attrs.field(validator=instance_of(Money))
    brand: str | None = attrs.field(
        default=None, converter=blank_to_none, validator=optional_text()
    )
    category: str | None = attrs.field(
        default=None, converter=blank_to_none, validator=optional_text()
    )
    cost: Money | None = attrs.field(default=None, validator=optional_instance_of(Money))
    weight_g: int | None = attrs.field(default=None, converter=_weight)
    dimensions: Dimensions | None = attrs.field(
        default=None, validator=optional_instance_of(Dimensions)
    )
    attributes: Mapping[str, str] = attrs.field(factory=dict, converter=_attributes, hash=False)
    components: tuple[tuple[str, int], ...] = attrs.field(default=(), converter=_components)

    def __attrs_post_init__(self) -> None:
        if any(sku == self.sku for sku, _ in self.components):
            raise ValidationError("components", self.components, "a kit cannot contain itself")
        if self.price.amount < 0:
            raise ValidationError("price", self.price, "must not be negative")
        if self.cost is not None:
            if self.cost.currency != self.price.currency:
                raise CurrencyMismatch("cost", self.price.currency, self.cost.currency)
            if self.cost.amount < 0:
                raise ValidationError("cost", self.cost, "must not be negative")

    @property
    def currency(self) -> str:
        """The product's currency: that of its price."""
        return self.price.currency

    @property
    def is_kit(self) -> bool:
        """Whether the product is a kit or bundle made of component SKUs."""
        return bool(self.components)

    @property
    def margin(self) -> Money | None:
        """Price minus cost, or ``None`` when the cost is unknown."""
        return None if self.cost is None else self.price - self.cost
