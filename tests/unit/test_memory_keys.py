"""The memory store's chunked key order agrees with one sorted list, whatever the chunk size."""

from hypothesis import given
from hypothesis import strategies as st

from orderkit.adapters.memory._records import _SortedKeys

parts = st.integers(min_value=0, max_value=6)
keys = st.tuples(parts, parts, parts)
prefixes = st.one_of(st.just(()), st.tuples(parts), st.tuples(parts, parts))


class _TinyChunks(_SortedKeys):
    CHUNK = 2  # splits after five keys, so a few dozen keys make many chunks


@given(
    st.lists(st.tuples(st.booleans(), keys), max_size=80),
    prefixes,
    st.one_of(st.none(), keys),
    st.booleans(),
)
def test_spans_match_a_sorted_list(
    changes: list[tuple[bool, tuple[int, int, int]]],
    prefix: tuple[int, ...],
    before: tuple[int, int, int] | None,
    reverse: bool,
) -> None:
    chunked = _TinyChunks()
    reference: set[tuple[int, int, int]] = set()
    for add, key in changes:
        if add and key not in reference:
            chunked.add(key)
            reference.add(key)
        elif not add and key in reference:
            chunked.remove(key)
            reference.discard(key)
    expected = [
        key
        for key in sorted(reference, reverse=reverse)
        if key[: len(prefix)] == prefix and (before is None or key < before)
    ]
    assert list(chunked.span(prefix, before, reverse=reverse)) == expected
