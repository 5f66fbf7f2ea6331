"""The EchoPay gateway of the "Write a gateway" how-to keeps the whole gateway contract."""

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "write-a-gateway.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _page_namespace() -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": "write_a_gateway"}
    first, contract = BLOCK.findall(PAGE.read_text())[:2]
    for number, block in enumerate((first, contract), start=1):
        exec(compile(block, f"{PAGE.name} block {number}", "exec"), namespace)
    return namespace


TestEchoPay = _page_namespace()["TestEchoPay"]


def test_the_how_to_names_its_timeouts_so_none_of_its_checks_is_skipped() -> None:
    assert TestEchoPay.timeout_before_source  # type: ignore[attr-defined]
    assert TestEchoPay.timeout_after_source  # type: ignore[attr-defined]
