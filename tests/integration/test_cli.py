"""The orderkit command, run as a user runs it."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from orderkit import __version__
from orderkit.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orderkit", *args], capture_output=True, text=True, check=False
    )


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"orderkit {__version__}"
    helped = run("--help")
    assert helped.returncode == 0
    assert "demo" in helped.stdout


def test_demo_prints_a_summary_and_the_same_seed_gives_the_same_output(tmp_path: Path) -> None:
    first = run("demo", "--orders", "120", "--seed", "7", "--db", str(tmp_path / "a.db"))
    second = run("demo", "--orders", "120", "--seed", "7", "--db", str(tmp_path / "b.db"))
    assert first.returncode == 0, first.stderr
    assert re.search(r"^Orders: 1[01]\d\b", first.stdout, re.M)  # a till may lack stock
    assert "Order lifecycle:" in first.stdout
    assert "every history replays to its state: yes" in first.stdout
    assert "Revenue:" in first.stdout
    assert "Inventory:" in first.stdout
    assert "levels equal their replay: yes" in first.stdout
    assert "€" in first.stdout
    assert "$" in first.stdout
    assert first.stdout.replace("a.db", "b.db") == second.stdout
    assert "placing orders: 120/120" in first.stderr
    assert (tmp_path / "a.db").exists()
    other = run("demo", "--orders", "120", "--seed", "8")
    assert other.stdout != first.stdout


@pytest.mark.postgres
def test_the_demo_on_postgresql_reports_what_it_reports_on_sqlite(
    tmp_path: Path, postgres_url: str
) -> None:
    on_sqlite = run("demo", "--orders", "120", "--seed", "7", "--db", str(tmp_path / "a.db"))
    on_postgres = run("demo", "--orders", "120", "--seed", "7", "--url", postgres_url)
    assert on_postgres.returncode == 0, on_postgres.stderr
    assert "store postgresql://" in on_postgres.stdout
    assert on_postgres.stdout.splitlines()[1:] == on_sqlite.stdout.splitlines()[1:]
    again = run("demo", "--orders", "5", "--url", postgres_url)
    assert again.returncode == 1
    assert "the demo needs an empty store" in again.stderr


def test_demo_refuses_to_overwrite_a_database(tmp_path: Path) -> None:
    existing = tmp_path / "shop.db"
    existing.write_bytes(b"precious")
    result = run("demo", "--db", str(existing))
    assert result.returncode == 2
    assert "exists already" in result.stderr
    assert existing.read_bytes() == b"precious"


def test_demo_refuses_bad_numbers() -> None:
    result = run("demo", "--orders", "0")
    assert result.returncode == 2
    assert "at least 1" in result.stderr


def test_demo_reports_orderkit_errors_without_a_traceback(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    status = main(["demo", "--db", str(tmp_path / "missing" / "shop.db"), "--orders", "5"])
    assert status == 1
    err = capsys.readouterr().err
    assert "orderkit: error:" in err
    assert "Traceback" not in err


def test_no_command_prints_help(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([]) == 0
    assert "usage: orderkit" in capsys.readouterr().out


def test_workflow_prints_the_default_workflow_in_either_format() -> None:
    from orderkit.lifecycle import default_order_workflow

    mermaid = run("workflow", "--format", "mermaid")
    assert mermaid.returncode == 0, mermaid.stderr
    assert mermaid.stdout == default_order_workflow().to_mermaid()
    assert "placed --> confirmed : confirm" in mermaid.stdout
    assert run("workflow").stdout == mermaid.stdout  # mermaid is the default
    dot = run("workflow", "--format", "dot")
    assert dot.stdout.startswith("digraph workflow {")
    assert '"placed" -> "confirmed" [label="confirm"];' in dot.stdout
    wrong = run("workflow", "--format", "png")
    assert wrong.returncode == 2
    assert "invalid choice" in wrong.stderr
