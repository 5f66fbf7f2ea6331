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
    encoded = bytearray()
    for part in key:
        if isinstance(part, bool) or not isinstance(part, int | str):
            raise StorageError(f"a record key holds ints and strings, not {part!r}")
        if isinstance(part, int):
            if not -_OFFSET <= part < _OFFSET:
                raise StorageError(f"a record key's int must fit in 64 bits, not {part}")
            encoded.append(_INT)
            encoded += (part + _OFFSET).to_bytes(8, "big")
        else:
            encoded.append(_STR)
            encoded += part.encode("utf-8").replace(b"\x00", b"\x00\xff")
            encoded += b"\x00\x01"
    return bytes(encoded)


def decode_key(encoded: bytes) -> Key:
    """The key whose bytes these are (see :func:`encode_key`)."""
    parts: list[str | int] = []
    position = 0
    while position < len(encoded):
        tag = encoded[position]
        position += 1
        if tag == _INT:
            parts.append(int.from_bytes(encoded[position : position + 8], "big") - _OFFSET)
            position += 8
            continue
        text = bytearray()
        while encoded[position : position + 2] != b"\x00\x01":
            if encoded[position : position + 2] == b"\x00\xff":
                text.append(0)
                position += 2
            else:
                text.append(encoded[position])
                position += 1
        parts.append(text.decode("utf-8"))
        position += 2
    return tuple(parts)


def prefix_end(prefix: bytes) -> bytes:
    """The smallest bytes above every key under ``prefix``."""
    return prefix + b"\xff"
