"""The sales summary: orders, units and revenue, per currency, channel and country."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import attrs

from orderkit.core.countries import country_name
from orderkit.core.money import Money
from orderkit.lifecycle.ports import Order

__all__ = ["SalesSummary", "summarise_sales"]


@attrs.frozen
class SalesSummary:
    """Totals over a set of orders.

    Revenue is kept per currency: amounts in different currencies are never
    added up without an exchange rate. An order whose every unit was
    cancelled (a cancelled or expired order) sold nothing and is left out.

    Attributes:
        orders: How many orders sold something.
        units: How many units across all lines.
        revenue: Grand totals summed per currency, by currency code.
        orders_by_channel: Order counts per channel, most first.
        orders_by_country: Order counts per ship-to country, most first.
        average_order_values: The mean grand total per currency, by currency code,
            rounded half-up to the minor unit.
    """

    orders: int
    units: int
    revenue: tuple[Money, ...]
    orders_by_channel: tuple[tuple[str, int], ...]
    orders_by_country: tuple[tuple[str, int], ...]
    average_order_values: tuple[Money, ...]

    def average_order_value(self, currency: str) -> Money | None:
        """Return the mean grand total of the orders in ``currency``, or ``None`` if none."""
        for average in self.average_order_values:
            if average.currency == currency:
                return average
        return None

    def render(self, locale: str = "en_US") -> str:
        """Return the summary as plain text, amounts formatted for ``locale``."""
        lines = [f"Orders: {self.orders:,}   Units: {self.units:,}", "Revenue:"]
        for money in self.revenue:
            average = self.average_order_value(money.currency)
            average_text = f"  (average order {average.format(locale)})" if average else ""
            lines.append(f"  {money.format(locale):>20}{average_text}")
        lines.append("Orders by channel:")
        lines.extend(f"  {name:<14}{count:>8,}" for name, count in self.orders_by_channel)
        lines.append("Top ship-to countries:")
        lines.extend(
            f"  {code} {country_name(code, locale):<20}{count:>8,}"
            for code, count in self.orders_by_country[:10]
        )
        return "\n".join(lines)


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def summarise_sales(orders: Iterable[Order]) -> SalesSummary:
    """Summarise ``orders`` (any iterable, consumed once).

    Examples:
        >>> summarise_sales([]).orders
        0
    """
    count = 0
    units = 0
    revenue: dict[str, Money] = {}
    per_currency: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    for order in orders:
        if not order.item_count:
            continue
        count += 1
        units += order.item_count
        total = order.grand_total
        revenue[order.currency] = revenue.get(order.currency, Money.zero(order.currency)) + total
        per_currency[order.currency] += 1
        channels[order.channel] += 1
        countries[order.ship_to.country] += 1
    return SalesSummary(
        orders=count,
        units=units,
        revenue=tuple(revenue[code] for code in sorted(revenue)),
        orders_by_channel=_ranked(channels),
        orders_by_country=_ranked(countries),
        average_order_values=tuple(
            Money.rounded(revenue[code].amount / per_currency[code], code)
            for code in sorted(revenue)
        ),
    )
