"""Imports point downward: the domain never reaches for adapters, drivers or the system clock."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "orderkit"
DOMAIN = ["catalog", "customers", "lifecycle", "inventory", "payments", "fulfillment", "reports"]
CORE = [
    "money.py",
    "currencies.py",
    "countries.py",
    "quantity.py",
    "addresses.py",
    "events.py",
    "errors.py",
    "_checks.py",
    "ids.py",
    "storage.py",
]
FORBIDDEN = (
    "sqlite3",
    "psycopg",
    "orderkit.adapters",
    "orderkit.services",
    "orderkit.shop",
    "orderkit.cli",
    "orderkit.testing",
    "orderkit.clock",
)


def modules() -> list[Path]:
    files = [path for package in DOMAIN for path in (SRC / package).rglob("*.py")]
    return files + [SRC / name for name in CORE]


def imported_names(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_domain_and_core_modules_import_nothing_from_above_or_outside(path: Path) -> None:
    allowed_clock = path.name in {"ids.py"}  # ids need the Clock protocol only
    for name in imported_names(path):
        if allowed_clock and name == "orderkit.clock":
            continue
        assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_domain_and_core_modules_never_read_the_wall_clock(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for call in ("datetime.now(", "datetime.utcnow(", "time.time(", "date.today("):
        assert call not in source, f"{path.name} calls {call}"
