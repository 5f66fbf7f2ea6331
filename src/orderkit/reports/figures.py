"""The sales figures, defined once: what every report and engine means by them.

The definitions follow Shopify's sales reports (gross sales, discounts,
returns, net sales, shipping, taxes, total sales); see the reports reference
in the docs for each one in words.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from orderkit.core.money import Money
from orderkit.reports.aggregation import GroupSums
from orderkit.reports.ledger import SaleKind

__all__ = ["SalesFigures", "ratio"]


def ratio(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part / whole`` to four decimal places, or ``None`` when ``whole`` is zero."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


@attrs.frozen(slots=True, kw_only=True)
class SalesFigures:
    """The sales of a period (or of one group in it) in one currency.

    ``gross_sales - discounts - returns == net_sales`` and
    ``net_sales + shipping + tax_charged == total_sales``, to the cent.

    Attributes:
        currency: The currency of every amount.
        orders: Orders placed; with goods only (a product breakdown or a SKU
            filter), orders with a sale of those goods.
        gross_sales: Units ordered times their unit price, before discounts,
            returns and cancellations, without shipping (and without tax when
            prices exclude it).
        discounts: Line and order discounts on the units ordered.
        returns: The value after discounts of units returned or cancelled in
            the period, whenever they were sold.
        cancellations: The part of ``returns`` that was cancelled before shipping.
        net_sales: ``gross_sales - discounts - returns``.
        shipping: Shipping charged (less shipping given back when an order is
            cancelled whole).
        taxes: All tax on the sales: charged on top and contained in prices.
        tax_charged: The part of ``taxes`` added on top of prices that exclude it.
        total_sales: ``net_sales + shipping + tax_charged``: what customers owe.
        refunds: Money paid back in the period, whatever for.
        units_ordered: Units ordered.
        units_returned: Units returned.
        units_cancelled: Units cancelled.
        units: Units kept: ordered less returned and cancelled.
        cost_of_goods: The cost of the units kept, when every one of them has
            a cost in this currency (with goods only); otherwise ``None``.
    """

    currency: str
    orders: int
    gross_sales: Money
    discounts: Money
    returns: Money
    cancellations: Money
    net_sales: Money
    shipping: Money
    taxes: Money
    tax_charged: Money
    total_sales: Money
    refunds: Money
    units_ordered: int
    units_returned: int
    units_cancelled: int
    units: int
    cost_of_goods: Money | None = None

    @classmethod
    def of(cls, sums: GroupSums, currency: str, *, costed: bool = False) -> SalesFigures:
        """The figures of ``sums`` in ``currency``.

        Args:
            sums: What an engine summed.
            currency: Their currency.
            costed: The sums carry the cost of goods (a query with goods only).
        """

        def money(units: int) -> Money:
            return Money.from_minor(units, currency)

        amount = sums.amount
        gross = amount(SaleKind.SALE)
        discounts = -amount(SaleKind.DISCOUNT)
        cancellations = -amount(SaleKind.CANCELLATION)
        returns = -amount(SaleKind.RETURN) + cancellations
        net = gross - discounts - returns
        shipping = amount(SaleKind.SHIPPING)
        charged = amount(SaleKind.TAX)
        taxes = charged + amount(SaleKind.TAX_INCLUDED)
        returned = -sums.unit(SaleKind.RETURN)
        cancelled = -sums.unit(SaleKind.CANCELLATION)
        ordered = sums.unit(SaleKind.SALE)
        return cls(
            currency=currency,
            orders=sums.orders,
            gross_sales=money(gross),
            discounts=money(discounts),
            returns=money(returns),
            cancellations=money(cancellations),
            net_sales=money(net),
            shipping=money(shipping),
            taxes=money(taxes),
            tax_charged=money(charged),
            total_sales=money(net + shipping + charged),
            refunds=money(-amount(SaleKind.REFUND)),
            units_ordered=ordered,
            units_returned=returned,
            units_cancelled=cancelled,
            units=ordered - returned - cancelled,
            cost_of_goods=money(sums.cost) if costed and not sums.uncosted_units else None,
        )

    @property
    def margin(self) -> Money | None:
        """``net_sales - cost_of_goods``, when the cost is known."""
        if self.cost_of_goods is None:
            return None
        return self.net_sales - self.cost_of_goods

    @property
    def margin_rate(self) -> Decimal | None:
        """``margin / net_sales``, when both are known and sales are not zero."""
        margin = self.margin
        return None if margin is None else ratio(margin.amount, self.net_sales.amount)

    @property
    def average_order_value(self) -> Money | None:
        """Net sales per order, rounded half-up to the minor unit; ``None`` with no orders."""
        if not self.orders:
            return None
        return Money.rounded(self.net_sales.amount / self.orders, self.currency)

    @property
    def average_order_value_before_returns(self) -> Money | None:
        """``(gross_sales - discounts) / orders``, the other common definition."""
        if not self.orders:
            return None
        spent = self.gross_sales - self.discounts
        return Money.rounded(spent.amount / self.orders, self.currency)

    @property
    def units_per_order(self) -> Decimal | None:
        """Units ordered per order (four decimal places); ``None`` with no orders."""
        return ratio(self.units_ordered, self.orders)

    @property
    def return_rate(self) -> Decimal | None:
        """Units returned per unit ordered; ``None`` when nothing was ordered."""
        return ratio(self.units_returned, self.units_ordered)

    def measure(self, name: str) -> Money | Decimal | int | None:
        """The figure or derived value called ``name`` (``"net_sales"``, ``"margin"``...)."""
        value: Money | Decimal | int | None = getattr(self, name)
        return value
