"""Run orderkit's benchmarks: ``python benchmarks/run.py [NAME ...]``.

Each benchmark module ``bench_NAME.py`` has a ``run()`` that yields one dict per
measurement; this prints each as one JSON object per line with the keys
``name``, ``value``, ``unit`` and, for side-by-side comparisons, ``baseline``
and ``ratio`` (orderkit / baseline; above 1 means orderkit is faster when the
unit is a rate).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(path.stem.removeprefix("bench_") for path in HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of {available()}")
    args = parser.parse_args(argv)
    names = args.names or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; available: {available()}")
    sys.path.insert(0, str(HERE))
    for name in names:
        module = importlib.import_module(f"bench_{name}")
        for measurement in module.run():
            print(json.dumps(measurement), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
