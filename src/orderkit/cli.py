"""The ``orderkit`` command: ``orderkit demo``, ``orderkit report`` and ``orderkit workflow``."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from orderkit._report_cli import add_report_command, run_report
from orderkit._version import __version__
from orderkit.demo import run_demo
from orderkit.errors import OrderkitError
from orderkit.lifecycle.order_workflow import default_order_workflow

__all__ = ["main"]


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orderkit", description="orderkit: an order management system you import."
    )
    parser.add_argument("--version", action="version", version=f"orderkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="run a simulated shop on SQLite and print its reports",
        description="Create a shop (SQLite by default) with a sample catalog, warehouses "
        "and customers; "
        "place orders, reserve and ship their stock, reorder from suppliers; print the "
        "sales and inventory report. The same seed gives the same output.",
    )
    target = demo.add_mutually_exclusive_group()
    target.add_argument(
        "--db",
        type=Path,
        help="the SQLite file to create (must not exist; a temporary file by default)",
    )
    target.add_argument(
        "--url",
        help="run on this store instead, e.g. an empty PostgreSQL database: "
        "postgresql://user:password@host/database",
    )
    demo.add_argument("--orders", type=_positive, default=2000, help="orders to place (2000)")
    demo.add_argument("--seed", type=int, default=42, help="random seed (42)")
    demo.add_argument("--locale", default="en_US", help="locale for amounts (en_US)")
    demo.add_argument(
        "--dashboard", type=Path, help="also write the period's HTML dashboard to this file"
    )
    workflow = commands.add_parser(
        "workflow",
        help="print the default order workflow as a diagram",
        description="Print the default order workflow as a Mermaid state diagram or a "
        "Graphviz DOT graph (render DOT with: orderkit workflow --format dot | dot -Tsvg).",
    )
    workflow.add_argument(
        "--format", choices=("mermaid", "dot"), default="mermaid", help="diagram format (mermaid)"
    )
    add_report_command(commands)
    return parser


class _Progress:
    """Progress on stderr: a live counter on a terminal, a few lines otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._live = stream.isatty()
        self._next_mark = 0

    def __call__(self, done: int, total: int) -> None:
        if self._live:
            if done == total or done % 50 == 0:
                end = "\n" if done == total else ""
                self._stream.write(f"\rplacing orders: {done:,}/{total:,}{end}")
                self._stream.flush()
        elif done * 4 >= self._next_mark * total:
            self._stream.write(f"placing orders: {done:,}/{total:,}\n")
            self._next_mark += 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``orderkit`` command; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "workflow":
        workflow = default_order_workflow()
        print(workflow.to_mermaid() if args.format == "mermaid" else workflow.to_dot(), end="")
        return 0
    if args.command == "report":
        try:
            run_report(args)
        except OrderkitError as exc:
            print(f"orderkit: error: {exc}", file=sys.stderr)
            return 1
        return 0
    try:
        if args.url is not None:
            report = run_demo(
                args.url, args.orders, args.seed, args.locale, _Progress(sys.stderr), args.dashboard
            )
        elif args.db is None:
            with tempfile.TemporaryDirectory(prefix="orderkit-demo-") as folder:
                report = run_demo(
                    Path(folder) / "demo.db",
                    args.orders,
                    args.seed,
                    args.locale,
                    _Progress(sys.stderr),
                    args.dashboard,
                )
        else:
            if args.db.exists():
                parser.error(f"--db {args.db} exists already; name a new file")
            report = run_demo(
                args.db, args.orders, args.seed, args.locale, _Progress(sys.stderr), args.dashboard
            )
    except OrderkitError as exc:
        print(f"orderkit: error: {exc}", file=sys.stderr)
        return 1
    print(report)
    return 0
