"""Record keys as bytes: they come back as they went in, and sort as the tuples do."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderkit.adapters.records.keys import decode_key, encode_key, prefix_end
from orderkit.errors import StorageError

_PART = st.one_of(st.integers(-(2**63), 2**63 - 1), st.text())
_KEY = st.lists(_PART, max_size=4).map(tuple)


@given(_KEY)
def test_a_key_comes_back_as_it_went_in(key: tuple[str | int, ...]) -> None:
    assert decode_key(encode_key(key)) == key


@given(
    st.lists(st.one_of(st.integers(-5, 5), st.text(max_size=3)), min_size=1).map(tuple), st.data()
)
def test_keys_sort_as_their_bytes_do(first: tuple[str | int, ...], data: st.DataObject) -> None:
    # Within a table each position holds one type, so compare keys of the same shape.
    second = tuple(
        data.draw(st.integers(-5, 5) if isinstance(part, int) else st.text(max_size=3))
        for part in first
    )
    assert (first < second) == (encode_key(first) < encode_key(second))


@given(_KEY, _KEY)
def test_a_prefix_bounds_the_keys_under_it(
    prefix: tuple[str | int, ...], rest: tuple[str | int, ...]
) -> None:
    encoded = encode_key(prefix + rest)
    assert encode_key(prefix) <= encoded < prefix_end(encode_key(prefix))


def test_zero_characters_are_escaped() -> None:
    key = ("a\x00b", "\x00", "\x00\x01")
    assert decode_key(encode_key(key)) == key


@pytest.mark.parametrize("part", [True, 1.5, None, b"x", 2**63, -(2**63) - 1])
def test_other_parts_are_refused(part: object) -> None:
    with pytest.raises(StorageError):
        encode_key(("a", part))  # type: ignore[arg-type]
