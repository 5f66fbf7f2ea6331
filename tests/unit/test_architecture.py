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


SERVICE_HELPERS = {"order_stock", "order_payments", "verifier", "stock_keeping"}
"""Service-level modules whose names do not end in ``service`` (they use units of work)."""


def is_service_level(module: str) -> bool:
    name = module.rsplit(".", 1)[-1]
    return name == "service" or name.endswith("_service") or name in SERVICE_HELPERS


def test_domain_modules_import_no_service_context_or_storage() -> None:
    """What the contracts cannot say: in a capability, the domain stays below its services."""
    import grimp

    graph = grimp.build_graph("orderkit", cache_dir=None)
    capability_modules = {
        module
        for module in graph.modules
        if module.count(".") == 2 and module.split(".")[1] in CAPABILITIES
    }
    services = {module for module in capability_modules if is_service_level(module)}
    forbidden = services | {"orderkit.core.context", "orderkit.core.outbox", "orderkit.storage"}
    domain = (
        capability_modules
        - services
        - {module for module in capability_modules if module.endswith((".ports", ".capability"))}
    )
    offences = {
        module: sorted(graph.find_modules_directly_imported_by(module) & forbidden)
        for module in sorted(domain)
    }
    assert {module: found for module, found in offences.items() if found} == {}
    assert len(domain) > 30  # the rule looks at real modules


def test_every_module_that_opens_units_of_work_is_named_as_a_service() -> None:
    """A module that takes the service context is a service: named so, the rule above sees it."""
    import grimp

    graph = grimp.build_graph("orderkit", cache_dir=None)
    takes_context = {
        module
        for module in graph.find_modules_that_directly_import("orderkit.core.context")
        if module.count(".") == 2 and module.split(".")[1] in CAPABILITIES
    }
    assert {module for module in takes_context if not is_service_level(module)} == set()
