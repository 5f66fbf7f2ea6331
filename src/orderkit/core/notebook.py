"""How values show themselves in a notebook: small, escaped HTML tables."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["html_block"]


def _cell(value: object) -> str:
    return html.escape("-" if value is None else str(value))


def html_block(
    title: str,
    facts: Iterable[tuple[str, object]] = (),
    headings: Sequence[str] = (),
    rows: Iterable[Sequence[object]] = (),
) -> str:
    """A titled block of facts (label and value) and, when given, a table below them.

    Examples:
        >>> html_block("Order 7", [("state", "placed")]).count("<tr>")
        1
    """
    parts = [f'<div class="orderkit"><strong>{html.escape(title)}</strong>']
    fact_rows = "".join(
        f'<tr><th style="text-align:left">{_cell(label)}</th><td>{_cell(value)}</td></tr>'
        for label, value in facts
    )
    if fact_rows:
        parts.append(f"<table>{fact_rows}</table>")
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    if headings:
        head = "".join(f"<th>{_cell(h)}</th>" for h in headings)
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts.append("</div>")
    return "".join(parts)
