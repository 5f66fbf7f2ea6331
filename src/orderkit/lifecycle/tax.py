"""Tax: the port that says which rate applies, and the two calculators orderkit ships.

A :class:`TaxCalculator` answers one question — the rate for a SKU shipped
to an address — and says whether catalog prices already include tax. The
arithmetic (allocating discounts and shipping, rounding per line or per
order) is orderkit's own, in :mod:`orderkit.lifecycle.pricing`, so every
calculator rounds the same way.

Examples:
    >>> from orderkit.core.addresses import Address
    >>> table = TaxRateTable({"DE": "0.19", "US-CA": "0.0725"}, default="0")
    >>> berlin = Address(name="A", line1="Hauptstr. 1", city="Berlin",
    ...                  postal_code="10115", country="DE")
    >>> table.rate("TEE-M", berlin)
    Decimal('0.19')
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Protocol, runtime_checkable

from orderkit.core.addresses import Address
from orderkit.errors import ValidationError

__all__ = ["NoTax", "TaxCalculator", "TaxRateTable", "TaxRounding"]


class TaxRounding(enum.StrEnum):
    """Where tax is rounded to the currency's minor unit.

    ``PER_LINE`` rounds each line's tax and adds the rounded amounts (what a
    receipt that prints tax per line shows). ``PER_ORDER`` adds the exact
    amounts, rounds the sum once, and spreads it over the lines by largest
    remainder. The two can differ by a cent or more on the same order.
    """

    PER_LINE = "per_line"
    PER_ORDER = "per_order"


@runtime_checkable
class TaxCalculator(Protocol):
    """Protocol: the tax rate that applies to a SKU shipped to an address."""

    @property
    def prices_include_tax(self) -> bool:
        """Whether prices are stated with tax included (gross), as in most of Europe."""
        ...

    def rate(self, sku: str, ship_to: Address) -> Decimal:
        """The rate as a fraction (``Decimal("0.19")`` for 19 %); zero for none."""
        ...


class NoTax:
    """A calculator that charges no tax: every rate is zero, prices are net."""

    @property
    def prices_include_tax(self) -> bool:
        """Always ``False``."""
        return False

    def rate(self, sku: str, ship_to: Address) -> Decimal:
        """Always zero."""
        return Decimal(0)

    def __repr__(self) -> str:
        return "NoTax()"


def _rate(value: object, field: str) -> Decimal:
    if isinstance(value, bool | float) or not isinstance(value, str | int | Decimal):
        raise ValidationError(field, value, "give the rate as a decimal string such as '0.19'")
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise ValidationError(field, value, "not a decimal number") from None
    if not rate.is_finite() or not 0 <= rate < 1:
        raise ValidationError(field, value, "a rate is a fraction from 0 up to (not including) 1")
    return rate


class TaxRateTable:
    """Rates per country or per country and region, with per-SKU exceptions.

    Keys are ISO country codes (``"DE"``) or a country and region joined by a
    dash (``"US-CA"``); the most specific key that matches the ship-to
    address wins, then ``default``.

    Args:
        rates: Rate per ``"CC"`` or ``"CC-REGION"``, as decimal strings.
        default: The rate where no key matches.
        prices_include_tax: Whether prices are gross (tax included).
        sku_rates: Rate per (SKU, key) for reduced rates (books, food), as
            ``{"BOOK-1": {"DE": "0.07"}}``.

    Raises:
        ValidationError: A rate is not a fraction in [0, 1).
    """

    def __init__(
        self,
        rates: Mapping[str, str | int | Decimal],
        *,
        default: str | int | Decimal = 0,
        prices_include_tax: bool = False,
        sku_rates: Mapping[str, Mapping[str, str | int | Decimal]] | None = None,
    ) -> None:
        if not isinstance(rates, Mapping):
            raise ValidationError("rates", rates, "give a mapping of country code to rate")
        if not isinstance(prices_include_tax, bool):
            raise ValidationError("prices_include_tax", prices_include_tax, "must be a bool")
        self._rates = {key.upper(): _rate(v, f"rates[{key}]") for key, v in rates.items()}
        self._default = _rate(default, "default")
        self._sku_rates = {
            sku: {key.upper(): _rate(v, f"sku_rates[{sku}][{key}]") for key, v in table.items()}
            for sku, table in (sku_rates or {}).items()
        }
        self._prices_include_tax = prices_include_tax

    @property
    def prices_include_tax(self) -> bool:
        """Whether prices are gross."""
        return self._prices_include_tax

    def rate(self, sku: str, ship_to: Address) -> Decimal:
        """The rate for ``sku`` shipped to ``ship_to``: SKU exception, region, country, default."""
        keys = [ship_to.country]
        if ship_to.region:
            keys.insert(0, f"{ship_to.country}-{ship_to.region.upper()}")
        exceptions = self._sku_rates.get(sku, {})
        for table in (exceptions, self._rates):
            for key in keys:
                if key in table:
                    return table[key]
        return self._default

    def __repr__(self) -> str:
        return (
            f"TaxRateTable({len(self._rates)} rates, prices_include_tax={self._prices_include_tax})"
        )
