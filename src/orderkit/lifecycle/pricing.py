"""Order pricing: discounts and shipping spread over lines, tax rounded as configured.

Everything is done in integer minor units or exact decimals, so the lines
always add up to the order's totals to the cent:

1. each line's base is its gross (unit price x open quantity) less its own
   discount;
2. the order-level discount is allocated across lines in proportion to the
   bases, by largest remainder;
3. the shipping fee is allocated the same way over what is left, so shipping
   is taxed at the rates of the goods it carries;
4. tax is computed on (base - order discount share + shipping share) at the
   line's rate, on top of the price or out of it when prices include tax, and
   rounded per line or once per order (:class:`~orderkit.lifecycle.TaxRounding`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import attrs

from orderkit.core.money import Money
from orderkit.errors import ValidationError
from orderkit.lifecycle.tax import TaxRounding

__all__ = ["PricedShares", "price_shares"]


@attrs.frozen
class PricedShares:
    """What pricing adds to one line.

    Attributes:
        order_discount: The line's share of the order-level discount.
        shipping: The line's share of the shipping fee.
        tax: The line's tax, rounded.
    """

    order_discount: Money
    shipping: Money
    tax: Money


def _weights(bases: Sequence[int], fallback: Sequence[int]) -> list[int]:
    if any(bases):
        return list(bases)
    if any(fallback):
        return list(fallback)
    return [1] * len(bases)


def price_shares(
    bases: Sequence[Money],
    quantities: Sequence[int],
    rates: Sequence[Decimal],
    *,
    order_discount: Money,
    shipping: Money,
    prices_include_tax: bool,
    rounding: TaxRounding,
) -> list[PricedShares]:
    """Allocate the order discount and shipping over lines and compute their tax.

    Args:
        bases: Each line's gross less its own discount, all in one currency.
        quantities: Each line's open quantity; weights when every base is zero.
        rates: Each line's tax rate as a fraction.
        order_discount: The order-level discount to spread.
        shipping: The shipping fee to spread.
        prices_include_tax: Whether the amounts already contain the tax.
        rounding: Round each line's tax, or the order's once.

    Raises:
        ValidationError: No lines, or the order discount exceeds the bases.
    """
    if not bases:
        raise ValidationError("lines", bases, "an order needs at least one line")
    currency = order_discount.currency
    total_base = Money.sum(bases, currency)
    if order_discount > total_base:
        raise ValidationError(
            "order_discount", order_discount, f"exceeds the discounted goods total {total_base}"
        )
    base_units = [base.minor_units for base in bases]
    discounts = order_discount.allocate(_weights(base_units, quantities))
    after_discount = [
        units - share.minor_units for units, share in zip(base_units, discounts, strict=True)
    ]
    shipping_shares = shipping.allocate(_weights(after_discount, quantities))
    scale = Decimal(1).scaleb(-order_discount.exponent)
    exact: list[Decimal] = []
    for units, ship, rate in zip(after_discount, shipping_shares, rates, strict=True):
        taxable = (units + ship.minor_units) * scale
        exact.append(taxable * rate / (1 + rate) if prices_include_tax else taxable * rate)
    if rounding is TaxRounding.PER_LINE:
        taxes = [Money.rounded(amount, currency, ROUND_HALF_UP) for amount in exact]
    else:
        taxes = _spread_rounded_total(exact, currency, scale)
    return [
        PricedShares(discount, ship, tax)
        for discount, ship, tax in zip(discounts, shipping_shares, taxes, strict=True)
    ]


def _spread_rounded_total(exact: Sequence[Decimal], currency: str, scale: Decimal) -> list[Money]:
    """Round the sum once, then give each line its floor plus the units left, largest first."""
    total_units = int((sum(exact, Decimal(0)) / scale).quantize(Decimal(1), ROUND_HALF_UP))
    minor = [amount / scale for amount in exact]
    floors = [int(value.quantize(Decimal(1), ROUND_FLOOR)) for value in minor]
    leftover = total_units - sum(floors)
    order = sorted(range(len(minor)), key=lambda i: (-(minor[i] - floors[i]), i))
    for index in order[:leftover]:
        floors[index] += 1
    return [Money.from_minor(units, currency) for units in floors]
