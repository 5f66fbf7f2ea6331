"""The HTML dashboard renders in a real headless Chromium and shows what the API returns."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import orderkit as ok
from orderkit.cli import main
from tests.integration.test_reports import delivered, open_shop
from tests.postgres import in_ci

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("ORDERKIT_ARTIFACTS", ROOT / "build" / "artifacts"))
HOW_TO_GET = "install Debian's chromium package (.ci/run does it): apt-get install chromium"


def chromium() -> str:
    """Debian's Chromium; skipped without it, except under CI, where that fails."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if in_ci():
            pytest.fail(f"no Chromium for the browser test: {HOW_TO_GET}")
        pytest.skip(f"no Chromium: {HOW_TO_GET}")
    return found


def browse(browser: str, page: Path, *extra: str) -> str:
    result = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--virtual-time-budget=5000",
            *extra,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def shown(dom: str) -> dict[str, str]:
    """Every ``data-kpi`` of the rendered page and its ``data-value``."""
    pairs = re.findall(r'data-kpi="([^"]+)" data-value="([^"]*)"', dom)
    return {html.unescape(kpi): html.unescape(value) for kpi, value in pairs}


def test_the_dashboard_renders_on_a_phone_with_the_apis_numbers(tmp_path: Path) -> None:
    browser = chromium()
    clock = ok.ManualClock(datetime(2026, 10, 2, 9, 0, tzinfo=UTC))
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with open_shop(url, clock) as shop:
        for day in range(20):
            order = shop.orders.place(
                "ana@example.com" if day % 2 else "bo@example.com",
                [("TEE", 1 + day % 3), ("MUG", 1)],
                channel="web" if day % 4 else "pos",
            )
            if day % 3 == 0:
                delivered(shop, order)
            if day == 7:
                shop.orders.place("bo@example.com", [("US-TEE", 2)])
            clock.advance(timedelta(days=1, hours=2))
        sales = shop.reports.sales("2026-10")
        kpis = shop.reports.operations("2026-10")
        top = shop.reports.top("product", period="2026-10", n=10)
    page = tmp_path / "report.html"
    assert (
        main(["report", "dashboard", "--url", url, "--out", str(page), "--period", "2026-10"]) == 0
    )

    dom = browse(browser, page, "--dump-dom")
    assert 'data-rendered="yes"' in dom, "a chart drew nothing"
    assert "data-errors" not in dom
    values = shown(dom)
    for currency, figures in sales.items():
        assert Decimal(values[f"net_sales.{currency}"]) == figures.net_sales.amount
        assert int(values[f"orders.{currency}"]) == figures.orders
    assert Decimal(values["cancellation_rate"]) == kpis.cancellation_rate
    assert Decimal(values["perfect_order_rate"]) == kpis.perfect_order_rate
    for number, record in enumerate(top.to_records()):
        assert values[f"top_products.{number}.product"] == record["product"]
        assert Decimal(values[f"top_products.{number}.net_sales"]) == record["net_sales"]
    text = page.read_text(encoding="utf-8")
    assert "http://" not in text
    assert "https://" not in text  # nothing to fetch: it opens offline

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "dashboard-phone.png"
    screenshot.unlink(missing_ok=True)
    browse(browser, page, f"--screenshot={screenshot}", "--window-size=390,2400")
    assert screenshot.stat().st_size > 10_000  # a page, not a blank
