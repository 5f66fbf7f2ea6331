r"""Record keys as bytes that sort as the keys do, for backends that order bytes (SQL, LMDB).

Each part is a tag byte and a body: an int is ``0x01`` and eight big-endian
bytes offset by 2**63; a string is ``0x02``, its UTF-8 bytes with ``0x00``
written as ``0x00 0xFF``, and ``0x00 0x01`` to end it. Bytes then compare as
the tuples do, a key's prefix is a byte prefix of it, and every key under a
prefix sorts below ``prefix + b"\xff"``.
"""

from __future__ import annotations

from orderkit.core.records import Key
from orderkit.errors import StorageError

__all__ = ["decode_key", "encode_key", "prefix_end"]

_INT, _STR = 0x01, 0x02
_OFFSET = 2**63


def encode_key(key: Key) -> bytes:
    """The bytes of ``key``, ordered as keys are.

    Raises:
        StorageError: A part is neither an int in 64 bits nor a string.

    Examples:
        >>> encode_key((1,)) < encode_key((2,)) < encode_key((10,))
        True
        >>> encode_key(("a",)) < encode_key(("a", 0)) < encode_key(("ab",))
        True
    """
    encoded = []
    for part in key:
        if isinstance(part, str):
            text = part.encode("utf-8")
            if b"\x00" in text:
                text = text.replace(b"\x00", b"\x00\xff")
            encoded.append(b"\x02" + text + b"\x00\x01")
        elif isinstance(part, int) and not isinstance(part, bool):
            if not -_OFFSET <= part < _OFFSET:
                raise StorageError(f"a record key's int must fit in 64 bits, not {part}")
            encoded.append(b"\x01" + (part + _OFFSET).to_bytes(8, "big"))
        else:
            raise StorageError(f"a record key holds ints and strings, not {part!r}")
    return b"".join(encoded)


def decode_key(encoded: bytes) -> Key:
    """The key whose bytes these are (see :func:`encode_key`)."""
    parts: list[str | int] = []
    position, size = 0, len(encoded)
    while position < size:
        tag = encoded[position]
        position += 1
        if tag == _INT:
            parts.append(int.from_bytes(encoded[position : position + 8], "big") - _OFFSET)
            position += 8
            continue
        # Inside a string every zero byte is escaped (00 FF), so the first 00 01 ends it.
        end = encoded.index(b"\x00\x01", position)
        text = encoded[position:end]
        if b"\x00" in text:
            text = text.replace(b"\x00\xff", b"\x00")
        parts.append(text.decode("utf-8"))
        position = end + 2
    return tuple(parts)


def prefix_end(prefix: bytes) -> bytes:
    """The smallest bytes above every key under ``prefix``."""
    return prefix + b"\xff"
