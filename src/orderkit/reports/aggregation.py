"""Summing ledger rows: what to select and group by, the sums, and the pure-Python engine.

Every engine (this one, the SQL push-down, DuckDB) answers a :class:`SalesQuery`
with :class:`SalesTotals`: per group and currency, the units and amount of
each :class:`~orderkit.reports.ledger.SaleKind`, the orders, and the cost of
goods where products know their cost. Figures are worked out from the totals
in :mod:`orderkit.reports.figures`, once, whatever engine summed them.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import datetime

import attrs

from orderkit.catalog.ports import Product
from orderkit.reports.ledger import ORDER_LEVEL, SaleKind, SaleRow

__all__ = [
    "ATTRIBUTE",
    "GOODS_KINDS",
    "LOCAL_DAY",
    "LOCAL_HOUR",
    "NET_SALES_KINDS",
    "ORDER_GROUPS",
    "PRODUCT_ATTRIBUTE",
    "PRODUCT_GROUPS",
    "PROMISED",
    "TIME_GROUPS",
    "CustomerSums",
    "GroupSums",
    "GroupValue",
    "OrderSums",
    "ProductFacts",
    "SalesQuery",
    "SalesTotals",
    "customers_of",
    "product_facts",
    "select_rows",
    "sum_customers",
    "sum_orders",
    "sum_rows",
]

LOCAL_DAY = "local_day"
"""The grouping by local day: days since 1970-01-01 in the query's time zone."""

LOCAL_HOUR = "local_hour"
"""The grouping by local hour: hours since 1970-01-01 00:00 on the query's wall clock."""

TIME_GROUPS = {LOCAL_DAY: 86_400, LOCAL_HOUR: 3_600}
"""The time groupings and their length in seconds of local time."""

ATTRIBUTE = "attribute:"
"""Prefix of a grouping by an order attribute (``attribute:campaign``)."""

PRODUCT_ATTRIBUTE = "product:"
"""Prefix of a grouping by a product attribute (``product:colour``)."""

ORDER_GROUPS = frozenset(
    {"order", "customer", "ship_country", "bill_country", "channel", "seller", "currency"}
    | set(TIME_GROUPS)
)
"""Groupings by what rows carry of their order (plus ``attribute:<name>``)."""

PRODUCT_GROUPS = frozenset({"sku", "brand", "category"})
"""Groupings by product (plus ``product:<name>``): only rows of a SKU count."""

GOODS_KINDS = (SaleKind.SALE, SaleKind.CANCELLATION, SaleKind.RETURN)
"""The kinds whose units move goods: their sum is the units kept."""

NET_SALES_KINDS = (SaleKind.SALE, SaleKind.DISCOUNT, SaleKind.CANCELLATION, SaleKind.RETURN)
"""The kinds whose amounts add up to net sales."""

PROMISED = ("reserve", "backorder")
"""The stock movements that promise an order's units from a warehouse (the warehouse filter)."""

GroupValue = str | int | None | tuple[str | int | None, int]
"""What identifies a group: a SKU, a country, an order number, a local day...

With :attr:`SalesQuery.by_placed_day`, a pair of that and the day the order
was placed (days since the epoch, UTC).
"""


def _values(value: object) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(str(item) for item in value)  # type: ignore[attr-defined]


@attrs.frozen(kw_only=True)
class SalesQuery:
    """Which rows to sum and how to group them.

    Attributes:
        start: Rows booked at or after this instant (``None``: from the first).
        end: Rows booked before this instant (``None``: to the last).
        group: ``None`` for one group per currency, a name of
            :data:`ORDER_GROUPS` or :data:`PRODUCT_GROUPS`, ``attribute:<name>``
            or ``product:<name>``.
        changes: For the time groupings: the instants (seconds since the
            epoch, ascending) at which the time zone's offset from UTC changes
            within the period.
        offsets: The offsets in seconds: ``offsets[0]`` before
            ``changes[0]``, ``offsets[i]`` from ``changes[i - 1]`` on; one
            offset (UTC's 0 by default) when nothing changes.
        by_placed_day: Also group by the UTC day the order was placed, so
            amounts can be converted at that day's exchange rate.
        channels, ship_countries, bill_countries, sellers, currencies,
        customers, skus: Keep only rows with one of these values (``None``:
            any). Filtering by SKU leaves out the rows of whole orders.
        states: Keep only rows of orders that are now in one of these
            lifecycle states (``None``: any). Unlike the filters above this
            reads the orders, not the rows: an order's state changes after
            its rows are booked.
        warehouses: Keep only the sales promised from one of these
            warehouses (``None``: any): a SKU's rows when the stock ledger
            shows its units reserved or backordered there for the order
            (:data:`PROMISED`), an order's own rows (its count, shipping,
            refunds) when any of its units were. A line promised from two
            warehouses counts in each.
    """

    start: datetime | None = None
    end: datetime | None = None
    group: str | None = None
    changes: tuple[int, ...] = ()
    offsets: tuple[int, ...] = (0,)
    by_placed_day: bool = False
    channels: frozenset[str] | None = attrs.field(default=None, converter=_values)
    ship_countries: frozenset[str] | None = attrs.field(default=None, converter=_values)
    bill_countries: frozenset[str] | None = attrs.field(default=None, converter=_values)
    sellers: frozenset[str] | None = attrs.field(default=None, converter=_values)
    currencies: frozenset[str] | None = attrs.field(default=None, converter=_values)
    customers: frozenset[str] | None = attrs.field(default=None, converter=_values)
    skus: frozenset[str] | None = attrs.field(default=None, converter=_values)
    states: frozenset[str] | None = attrs.field(default=None, converter=_values)
    warehouses: frozenset[str] | None = attrs.field(default=None, converter=_values)

    @property
    def by_product(self) -> bool:
        """Whether it groups by product (and so sums only rows of a SKU, with their cost)."""
        group = self.group
        return group is not None and (
            group in PRODUCT_GROUPS or group.startswith(PRODUCT_ATTRIBUTE)
        )

    def local_time(self, epoch: int) -> int:
        """``epoch`` (seconds since the epoch, UTC) as seconds on the local wall clock."""
        return epoch + self.offsets[bisect.bisect_right(self.changes, epoch)]

    @property
    def goods_only(self) -> bool:
        """Whether only rows of a SKU count: grouping by product or filtering by SKU.

        Orders are then those with a sale of the selected goods, and the cost
        of goods is summed.
        """
        return self.by_product or self.skus is not None

    @property
    def filters(self) -> dict[str, frozenset[str]]:
        """The row filters given, by the :class:`~orderkit.reports.ledger.SaleRow` field."""
        given = {
            "channel": self.channels,
            "ship_country": self.ship_countries,
            "bill_country": self.bill_countries,
            "seller": self.sellers,
            "currency": self.currencies,
            "customer_id": self.customers,
            "sku": self.skus,
        }
        return {name: values for name, values in given.items() if values is not None}


@attrs.define(slots=True)
class GroupSums:
    """What the rows of one group in one currency add up to.

    Attributes:
        units: Units per kind.
        amounts: Amounts per kind, in the currency's minor unit.
        orders: Orders: those placed (order rows), or with goods only (see
            :attr:`SalesQuery.goods_only`) those with a sale of the goods.
        cost: The cost of the units kept, for units whose product has a cost
            in this currency (minor units; with goods only).
        uncosted_units: Units kept whose product has no cost in this currency.
    """

    units: dict[SaleKind, int] = attrs.field(factory=dict)
    amounts: dict[SaleKind, int] = attrs.field(factory=dict)
    orders: int = 0
    cost: int = 0
    uncosted_units: int = 0

    def add(self, kind: SaleKind, units: int, amount: int) -> None:
        """Count a row (or a database's sum of rows) of ``kind``."""
        self.units[kind] = self.units.get(kind, 0) + units
        self.amounts[kind] = self.amounts.get(kind, 0) + amount

    def unit(self, kind: SaleKind) -> int:
        """The units of ``kind`` (0 if none)."""
        return self.units.get(kind, 0)

    def amount(self, kind: SaleKind) -> int:
        """The amount of ``kind`` in minor units (0 if none)."""
        return self.amounts.get(kind, 0)

    def canonical(self) -> tuple[object, ...]:
        """A comparable form without zero entries, for checking engines agree."""
        return (
            sorted((k.value, v) for k, v in self.units.items() if v),
            sorted((k.value, v) for k, v in self.amounts.items() if v),
            self.orders,
            self.cost,
            self.uncosted_units,
        )


SalesTotals = dict[tuple[GroupValue, str], GroupSums]
"""``(group, currency) -> sums``; with no grouping, the group is ``None``."""


@attrs.frozen(slots=True)
class ProductFacts:
    """What grouping by product reads of a product.

    Attributes:
        brand: The brand, if any.
        category: The category, if any.
        attributes: Its attributes.
        cost: Its unit cost in minor units, if known.
        cost_currency: The currency of ``cost``.
    """

    brand: str | None
    category: str | None
    attributes: Mapping[str, str]
    cost: int | None
    cost_currency: str | None


def product_facts(products: Iterable[Product]) -> dict[str, ProductFacts]:
    """The facts of each product, by SKU."""
    return {
        product.sku: ProductFacts(
            product.brand,
            product.category,
            product.attributes,
            None if product.cost is None else product.cost.minor_units,
            None if product.cost is None else product.cost.currency,
        )
        for product in products
    }


def _grouping(
    query: SalesQuery, products: Mapping[str, ProductFacts]
) -> Callable[[SaleRow], GroupValue]:
    """How to find a row's group, decided once per query."""
    group = query.group
    if group is None:
        return lambda row: None
    if group in TIME_GROUPS:
        size = TIME_GROUPS[group]
        changes, offsets = query.changes, query.offsets
        if not changes:
            offset = offsets[0]
            return lambda row: (int(row.booked_at.timestamp()) + offset) // size
        return lambda row: query.local_time(int(row.booked_at.timestamp())) // size
    if group == "order":
        return lambda row: row.order_number
    if group == "customer":
        return lambda row: row.customer_id
    if group.startswith(ATTRIBUTE):
        name = group[len(ATTRIBUTE) :]
        return lambda row: row.attributes.get(name)
    if group == "sku":
        return lambda row: row.sku
    if group in ORDER_GROUPS:
        field = group
        return lambda row: getattr(row, field)
    if group.startswith(PRODUCT_ATTRIBUTE):
        name = group[len(PRODUCT_ATTRIBUTE) :]
        values = {sku: facts.attributes.get(name) for sku, facts in products.items()}
    else:
        values = {sku: getattr(facts, group) for sku, facts in products.items()}
    return lambda row: values.get(row.sku)


def select_rows(
    rows: Iterable[SaleRow],
    query: SalesQuery,
    order_states: Mapping[str, str] | None = None,
    promised: Collection[tuple[int, str]] = (),
) -> Iterator[SaleRow]:
    """The rows ``query`` selects: in its period, through its filters, of goods if it asks.

    ``order_states`` (order id to its state now) resolves the query's
    ``states``: it needs to hold at least the orders in those states.
    ``promised`` holds the ``(order number, SKU)`` pairs promised from the
    query's warehouses.
    """
    start, end = query.start, query.end
    filters = tuple(query.filters.items())
    goods_only = query.goods_only
    states = query.states
    known = order_states or {}
    warehouses = query.warehouses is not None
    pairs = set(promised)
    numbers = {number for number, _ in pairs}
    for row in rows:
        if (start is not None and row.booked_at < start) or (
            end is not None and row.booked_at >= end
        ):
            continue
        if goods_only and row.sku == ORDER_LEVEL:
            continue
        if filters and any(getattr(row, name) not in values for name, values in filters):
            continue
        if states is not None and known.get(row.order_id) not in states:
            continue
        if warehouses and not (
            (row.order_number, row.sku) in pairs
            or (row.sku == ORDER_LEVEL and row.order_number in numbers)
        ):
            continue
        yield row


def sum_rows(
    rows: Iterable[SaleRow],
    query: SalesQuery,
    products: Mapping[str, ProductFacts],
    order_states: Mapping[str, str] | None = None,
    promised: Collection[tuple[int, str]] = (),
) -> SalesTotals:
    """The pure-Python engine: sum ``rows`` as ``query`` asks.

    The rows need not be limited to the query's period; those outside it are
    skipped (:func:`select_rows`, which also says what ``order_states`` and
    ``promised`` are). ``products`` resolves groupings by product and their
    cost.
    """
    goods_only = query.goods_only
    group_of = _grouping(query, products)
    if query.by_placed_day:
        plain = group_of

        def group_of(row: SaleRow) -> GroupValue:
            value = plain(row)
            assert not isinstance(value, tuple)
            return (value, int(row.placed_at.timestamp()) // 86_400)

    order_kind, sale_kind = SaleKind.ORDER, SaleKind.SALE
    totals: SalesTotals = {}
    orders: dict[tuple[GroupValue, str], set[str]] = {}
    costs = {
        sku: (facts.cost, facts.cost_currency)
        for sku, facts in products.items()
        if facts.cost is not None
    }
    for row in select_rows(rows, query, order_states, promised):
        key = (group_of(row), row.currency)
        sums = totals.get(key)
        if sums is None:
            sums = totals[key] = GroupSums()
        kind = row.kind
        units, amounts = sums.units, sums.amounts
        units[kind] = units.get(kind, 0) + row.units
        amounts[kind] = amounts.get(kind, 0) + row.amount
        if not goods_only:
            if kind is order_kind:
                sums.orders += row.units
            continue
        if kind is sale_kind:
            found = orders.get(key)
            if found is None:
                found = orders[key] = set()
            found.add(row.order_id)
        if kind in GOODS_KINDS:
            cost = costs.get(row.sku)
            if cost is not None and cost[1] == row.currency:
                sums.cost += row.units * cost[0]
            else:
                sums.uncosted_units += row.units
    for key, ids in orders.items():
        totals[key].orders = len(ids)
    return totals


@attrs.frozen(slots=True)
class OrderSums:
    """What one order's ledger rows add up to: what customer and operations reports read.

    Attributes:
        order_id: The order.
        order_number: Its number.
        customer_id: Who placed it.
        currency: Its currency.
        placed_at: When it was placed (UTC, to the second).
        units: Units sold.
        cancelled: Units cancelled since (a positive count).
        net: Net sales (sales, discounts, cancellations and returns), minor units.
        refunded: Money paid back (a positive amount), minor units.
    """

    order_id: str
    order_number: int
    customer_id: str
    currency: str
    placed_at: datetime
    units: int
    cancelled: int
    net: int
    refunded: int


def sum_orders(
    rows: Iterable[SaleRow],
    *,
    placed_from: datetime | None = None,
    placed_until: datetime | None = None,
    booked_until: datetime | None = None,
) -> list[OrderSums]:
    """The pure-Python engine of :class:`OrderSums`, by order number.

    Only orders placed in ``[placed_from, placed_until)`` count, and of
    their rows only those booked before ``booked_until`` (``None``: no
    bound); an order whose own ``order`` row is not among them is left out.
    """
    placed: dict[str, SaleRow] = {}
    sums: dict[str, list[int]] = {}
    goods = set(NET_SALES_KINDS)
    for row in rows:
        if (
            (placed_from is not None and row.placed_at < placed_from)
            or (placed_until is not None and row.placed_at >= placed_until)
            or (booked_until is not None and row.booked_at >= booked_until)
        ):
            continue
        found = sums.get(row.order_id)
        if found is None:
            found = sums[row.order_id] = [0, 0, 0, 0]
        kind = row.kind
        if kind is SaleKind.ORDER:
            placed[row.order_id] = row
        elif kind is SaleKind.SALE:
            found[0] += row.units
        elif kind is SaleKind.CANCELLATION:
            found[1] -= row.units
        elif kind is SaleKind.REFUND:
            found[3] -= row.amount
        if kind in goods:
            found[2] += row.amount
    orders = [
        OrderSums(
            order_id,
            row.order_number,
            row.customer_id,
            row.currency,
            row.placed_at,
            *sums[order_id],
        )
        for order_id, row in placed.items()
    ]
    return sorted(orders, key=lambda order: order.order_number)


@attrs.frozen(slots=True)
class CustomerSums:
    """A customer's orders as the returning-customer figures count them.

    Attributes:
        customer_id: The customer.
        first_placed_at: When their first order ever (before the window's
            end) was placed.
        orders: How many orders they placed within the window.
    """

    customer_id: str
    first_placed_at: datetime
    orders: int


def sum_customers(rows: Iterable[SaleRow], *, start: datetime, end: datetime) -> list[CustomerSums]:
    """The pure-Python engine of :class:`CustomerSums`, by customer id.

    Every customer with an order placed before ``end``, counting the orders
    placed in ``[start, end)``; only the ledger's ``order`` rows are read.
    """
    placed = (
        (row.customer_id, row.placed_at)
        for row in rows
        if row.kind is SaleKind.ORDER and row.booked_at < end
    )
    return customers_of(placed, start=start, end=end)


def customers_of(
    placed: Iterable[tuple[str, datetime]], *, start: datetime, end: datetime
) -> list[CustomerSums]:
    """:class:`CustomerSums` from ``(customer id, placed at)`` of orders, by customer id.

    Orders placed at or after ``end`` are left out.
    """
    first: dict[str, datetime] = {}
    counted: dict[str, int] = {}
    for customer, at in placed:
        if at >= end:
            continue
        known = first.get(customer)
        if known is None or at < known:
            first[customer] = at
        if at >= start:
            counted[customer] = counted.get(customer, 0) + 1
    return [CustomerSums(c, first[c], counted.get(c, 0)) for c in sorted(first)]
