"""Fingerprints of gateway requests, so a retried call can be told from a different one."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal

from orderkit.core.money import Money
from orderkit.errors import ValidationError

__all__ = ["request_fingerprint"]


def _canonical(value: object) -> object:
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    raise ValidationError("params", value, "fingerprints take str, int, bool, Decimal and Money")


def request_fingerprint(operation: str, params: Mapping[str, object]) -> str:
    """Return a stable SHA-256 fingerprint of a gateway request.

    Two calls with the same idempotency key must have the same fingerprint;
    a different one means the caller reused a key for another request.
    Key order does not matter; floats are refused.

    Examples:
        >>> a = request_fingerprint("capture", {"amount": Money("5.00", "EUR"), "order": "A1"})
        >>> b = request_fingerprint("capture", {"order": "A1", "amount": Money("5", "EUR")})
        >>> a == b
        True
    """
    body = json.dumps(
        {"operation": operation, "params": _canonical(params)},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()
