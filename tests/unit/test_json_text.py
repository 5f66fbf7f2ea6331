"""Stored JSON reads and writes the same with the ``fast`` extra (orjson) as without it."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderkit.adapters.sql import dialect

orjson = pytest.importorskip("orjson", reason="the fast extra (orjson) is not installed")

documents = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text() | st.integers(min_value=0, max_value=99), inner, max_size=4)
    ),
    max_leaves=20,
).map(lambda value: {"value": value})


@given(documents)
def test_the_fast_codec_writes_and_reads_what_the_standard_library_does(
    document: dict[str, Any],
) -> None:
    fast = dialect.json_text(document)
    standard = _standard(document)
    assert fast == standard
    assert dialect.parse_json(fast) == dialect.parse_json(standard)


def _standard(document: dict[str, Any]) -> str:
    keep = dialect._orjson
    dialect._orjson = None
    try:
        return dialect.json_text(document)
    finally:
        dialect._orjson = keep


def test_malformed_text_is_refused_as_before() -> None:
    with pytest.raises(ValueError, match="Expecting"):
        dialect.parse_json("{not json")
