"""The city courier of the "Write a carrier adapter" how-to keeps the whole carrier contract."""

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "write-a-carrier.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _page_namespace() -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": "write_a_carrier"}
    adapter, contract = BLOCK.findall(PAGE.read_text())[:2]
    for number, block in enumerate((adapter, contract), start=1):
        exec(compile(block, f"{PAGE.name} block {number}", "exec"), namespace)
    return namespace


TestCityCourier = _page_namespace()["TestCityCourier"]
