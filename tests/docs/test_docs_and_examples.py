"""Every Python block in the docs and every example runs as written."""

from __future__ import annotations

import os
import re
import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").rglob("*.md"))
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
# Examples that need a database server: they get a fresh PostgreSQL schema's URL.
ON_POSTGRES = {"scaling_out.py"}
README = ROOT / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


def test_there_is_something_to_run() -> None:
    assert sum(len(python_blocks(page)) for page in PAGES) >= 15
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_doc_page_code_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for number, block in enumerate(python_blocks(page), start=1):
        code = compile(block, f"{page.name} block {number}", "exec")
        exec(code, namespace)


def test_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (block,) = python_blocks(README)
    exec(compile(block, "README.md", "exec"), {"__name__": "__readme__"})
    assert (tmp_path / "shop.db").exists()


@pytest.mark.parametrize(
    "example",
    [
        pytest.param(path, marks=pytest.mark.postgres) if path.name in ON_POSTGRES else path
        for path in EXAMPLES
    ],
    ids=lambda p: p.name,
)
def test_example_runs(
    example: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    monkeypatch.chdir(tmp_path)
    arguments = [str(example)]
    if example.name in ON_POSTGRES:
        arguments.append(request.getfixturevalue("postgres_url"))
    monkeypatch.setattr(sys, "argv", arguments)
    runpy.run_path(str(example), run_name="__main__")
    assert capsys.readouterr().out.strip()
    assert os.listdir(tmp_path) == []


def test_the_lifecycle_page_shows_the_generated_workflow() -> None:
    from orderkit.lifecycle import default_order_workflow

    page = (ROOT / "docs/explanation/lifecycle.md").read_text(encoding="utf-8")
    (diagram,) = re.findall(r"^```mermaid\n(.*?)^```", page, re.S | re.M)
    assert diagram == default_order_workflow().to_mermaid(), (
        "regenerate the diagram: orderkit workflow --format mermaid"
    )
