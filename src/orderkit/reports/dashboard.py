"""A static HTML dashboard: headline figures, trends and top-N as inline SVG, in one file.

The page needs no network and no script to show: charts are SVG drawn here,
styles are inline, and the layout folds into one column on a phone (a few
lines of script only mark the page as rendered, for tests). Every
figure shown carries ``data-kpi`` and ``data-value`` attributes with its
plain value, so a test (or a scraper) can read back exactly what the API
returned.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import attrs

from orderkit.core.money import Money
from orderkit.reports.figures import SalesFigures
from orderkit.reports.inventory_health import InventoryHealth
from orderkit.reports.operations import OperationsKpis
from orderkit.reports.table import ReportTable, cell_shown, cell_text

__all__ = ["DashboardData", "render_dashboard"]

_STYLE = """
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
margin:0;padding:16px;background:#f6f7f9;color:#1d2330}h1{font-size:1.4rem;margin:0 0 4px}
h2{font-size:1.05rem;margin:24px 0 8px}.muted{color:#5b6475;font-size:.85rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.card{background:#fff;border-radius:8px;padding:10px 12px;box-shadow:0 1px 2px #0001}
.card .label{font-size:.75rem;color:#5b6475}.card .value{font-size:1.15rem;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
.panel{background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 2px #0001;overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{padding:4px 6px;
border-bottom:1px solid #e4e7ec;text-align:left;white-space:nowrap}td.num{text-align:right}
svg{width:100%;height:auto;display:block}svg text{font-size:11px;fill:#3b4252}
"""


_SELF_CHECK = (
    "window.addEventListener('error',function(e){document.documentElement.dataset.errors="
    "(document.documentElement.dataset.errors||'')+e.message+';'});"
    "window.addEventListener('load',function(){var bad=0;"
    "document.querySelectorAll('svg').forEach(function(s){var b=s.getBoundingClientRect();"
    "if(!(b.width>0&&b.height>0))bad++;});"
    "document.documentElement.dataset.rendered=bad?'blank charts: '+bad:'yes';});"
)
"""Marks the page once shown: ``data-rendered="yes"`` when every chart has a size.

The page shows without it; a browser test reads the mark back.
"""


@attrs.frozen(kw_only=True)
class DashboardData:
    """What the dashboard shows, as the reports' API returned it.

    Attributes:
        title: The page title.
        period: The period, as text.
        generated_at: When the data was read.
        sales: The sales figures by currency.
        operations: The operations KPIs of the period.
        inventory: The inventory's health now.
        daily: Net sales per day, by currency: ``(day, amount)`` in order.
        top_products: The top products by net sales.
        top_countries: The top ship-to countries by net sales.
        channels: Sales by channel.
    """

    title: str
    period: str
    generated_at: datetime
    sales: Mapping[str, SalesFigures]
    operations: OperationsKpis
    inventory: InventoryHealth
    daily: Mapping[str, Sequence[tuple[date, Money]]]
    top_products: ReportTable
    top_countries: ReportTable
    channels: ReportTable


def _esc(value: object) -> str:
    return html.escape(str(value))


def _card(label: str, kpi: str, value: object, locale: str) -> str:
    return (
        f'<div class="card"><div class="label">{_esc(label)}</div>'
        f'<div class="value" data-kpi="{_esc(kpi)}" data-value="{_esc(cell_text(value))}">'
        f"{_esc(cell_shown(value, locale))}</div></div>"
    )


def _line_chart(points: Sequence[tuple[date, Money]], locale: str) -> str:
    """Net sales per day as a line, with the first and last day and the highest value."""
    width, height, pad = 600, 180, 28
    if not points:
        return '<svg viewBox="0 0 600 40" role="img"><text x="4" y="24">No sales</text></svg>'
    values = [float(money.amount) for _, money in points]
    top = max(max(values), 0.0) or 1.0
    low = min(min(values), 0.0)
    span = (top - low) or 1.0
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    coordinates = " ".join(
        f"{pad + index * step:.1f},{height - pad - (value - low) / span * (height - 2 * pad):.1f}"
        for index, value in enumerate(values)
    )
    highest = max(points, key=lambda point: point[1].amount)[1]
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="Net sales per day">'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#c9ced6"/>'
        f'<polyline fill="none" stroke="#3b5bdb" stroke-width="2" points="{coordinates}"/>'
        f'<text x="{pad}" y="{height - 8}">{_esc(points[0][0].isoformat())}</text>'
        f'<text x="{width - pad}" y="{height - 8}" text-anchor="end">'
        f"{_esc(points[-1][0].isoformat())}</text>"
        f'<text x="{pad}" y="14">max {_esc(highest.format(locale))}</text></svg>'
    )


def _bar_chart(labels: Sequence[str], values: Sequence[Money], locale: str) -> str:
    """Horizontal bars, one per row, longest for the largest value."""
    if not labels:
        return '<svg viewBox="0 0 600 40" role="img"><text x="4" y="24">Nothing yet</text></svg>'
    row, label_width, width = 24, 150, 600
    top = max((float(v.amount) for v in values), default=0.0) or 1.0
    bars = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = index * row
        length = max(float(value.amount), 0.0) / top * (width - label_width - 110)
        bars.append(
            f'<text x="0" y="{y + 16}">{_esc(label[:22])}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="16" rx="2" '
            'fill="#4c6ef5"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}">'
            f"{_esc(value.format(locale))}</text>"
        )
    return (
        f'<svg viewBox="0 0 {width} {len(labels) * row + 4}" role="img">' + "".join(bars) + "</svg>"
    )


def _table(table: ReportTable, columns: Sequence[str], kpi: str, locale: str) -> str:
    """Some columns of a report table; each cell names its row and column for readers."""
    names = table.names
    head = "".join(f"<th>{_esc(table.columns[names.index(name)].label)}</th>" for name in columns)
    body = []
    for number, row in enumerate(table.rows):
        cells = []
        for name in columns:
            value = row[names.index(name)]
            numeric = isinstance(value, Money | Decimal | int)
            cells.append(
                f'<td class="{"num" if numeric else "text"}" '
                f'data-kpi="{_esc(kpi)}.{number}.{_esc(name)}" '
                f'data-value="{_esc(cell_text(value))}">{_esc(cell_shown(value, locale))}</td>'
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _top(table: ReportTable, dimension: str, kpi: str, locale: str) -> str:
    """A bar chart per currency (amounts in different currencies share no scale), then the rows."""
    bars: dict[str, tuple[list[str], list[Money]]] = {}
    for label, value in zip(table.column(dimension), table.column("net_sales"), strict=True):
        if isinstance(value, Money):
            labels, values = bars.setdefault(value.currency, ([], []))
            labels.append(str(label))
            values.append(value)
    charts = "".join(_bar_chart(labels, values, locale) for labels, values in bars.values())
    columns = [dimension, "currency", "orders", "units", "net_sales"]
    return charts + _table(table, columns, kpi, locale)


def render_dashboard(data: DashboardData, locale: str = "en_US") -> str:
    """The dashboard as one self-contained HTML page."""
    cards = []
    for currency, figures in data.sales.items():
        cards += [
            _card(f"Net sales {currency}", f"net_sales.{currency}", figures.net_sales, locale),
            _card(f"Orders {currency}", f"orders.{currency}", figures.orders, locale),
            _card(
                f"Average order {currency}",
                f"average_order_value.{currency}",
                figures.average_order_value,
                locale,
            ),
            _card(f"Returns {currency}", f"returns.{currency}", figures.returns, locale),
        ]
    kpis = data.operations
    cards += [
        _card("Cancellation rate", "cancellation_rate", kpis.cancellation_rate, locale),
        _card("On-time delivery", "on_time_delivery_rate", kpis.on_time_delivery_rate, locale),
        _card("Perfect orders", "perfect_order_rate", kpis.perfect_order_rate, locale),
        _card("Return rate", "return_rate", kpis.return_rate, locale),
        _card("Fill rate", "fill_rate", kpis.fill_rate, locale),
        _card("Split shipments", "split_shipment_rate", kpis.split_shipment_rate, locale),
    ]
    for currency, value in data.inventory.stock_value.items():
        cards.append(_card(f"Stock at cost {currency}", f"stock_value.{currency}", value, locale))
    cards.append(
        _card("Stocked out (selling)", "stocked_out", len(data.inventory.stocked_out), locale)
    )
    trends = "".join(
        f'<div class="panel"><h2>Net sales per day, {_esc(currency)}</h2>'
        f"{_line_chart(points, locale)}</div>"
        for currency, points in data.daily.items()
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(data.title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{_esc(data.title)}</h1>"
        f'<div class="muted">{_esc(data.period)} · read {_esc(data.generated_at.isoformat())}'
        " · figures from the sales ledger</div>"
        f'<h2>Headline</h2><div class="cards">{"".join(cards)}</div>'
        f'<h2>Trends</h2><div class="grid">{trends}</div>'
        '<h2>Top</h2><div class="grid">'
        f'<div class="panel"><h2>Products</h2>'
        f"{_top(data.top_products, 'product', 'top_products', locale)}</div>"
        f'<div class="panel"><h2>Countries</h2>'
        f"{_top(data.top_countries, 'country', 'top_countries', locale)}</div>"
        f'<div class="panel"><h2>Channels</h2>'
        f"{_top(data.channels, 'channel', 'channels', locale)}</div>"
        f"</div><script>{_SELF_CHECK}</script></body></html>"
    )
