"""Imports point downward; the import-linter contracts in pyproject.toml hold the layers.

`make test` runs `lint-imports`; these tests check what its contracts cannot
say: that the contracts cover every capability package, and that no module
below the composition reads the wall clock.
"""

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "orderkit"
NOT_CAPABILITIES = {"core", "adapters", "testing", "services", "__pycache__"}
CAPABILITIES = sorted(
    path.name
    for path in SRC.iterdir()
    if path.is_dir() and (path / "__init__.py").exists() and path.name not in NOT_CAPABILITIES
)


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return found


def test_every_capability_package_is_under_the_independence_contract() -> None:
    (independence,) = [c for c in contracts() if c["type"] == "independence"]
    assert sorted(independence["modules"]) == sorted(f"orderkit.{n}" for n in CAPABILITIES)


def test_every_capability_package_has_a_place_in_the_layers() -> None:
    (layers,) = [c for c in contracts() if c["type"] == "layers"]
    placed = {name.strip() for layer in layers["layers"] for name in str(layer).split("|")}
    assert set(CAPABILITIES) <= placed


def modules_below_the_composition() -> list[Path]:
    packages = [SRC / "core", *(SRC / name for name in CAPABILITIES)]
    return [path for package in packages for path in package.rglob("*.py")]


@pytest.mark.parametrize(
    "path", modules_below_the_composition(), ids=lambda p: str(p.relative_to(SRC))
)
def test_capabilities_and_the_core_never_read_the_wall_clock(path: Path) -> None:
    if path == SRC / "core" / "clock.py":
        return  # the system clock itself
    source = path.read_text(encoding="utf-8")
    for call in ("datetime.now(", "datetime.utcnow(", "time.time(", "date.today("):
        assert call not in source, f"{path.name} calls {call}"
