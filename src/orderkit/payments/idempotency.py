"""Idempotency keys: fingerprints of requests, and claiming a key once for one request.

Every request that must happen once (an authorisation, a capture, a refund
of an order, a statement line) claims its key with :func:`claim_request` in the
unit of work that records it: the first claim wins, a retry of the same request
finds the first claim, and a key reused for another request is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal

from orderkit.core.money import Money
from orderkit.errors import IdempotencyConflict, ValidationError
from orderkit.payments.repository import IdempotencyKeys, IdempotencyRecord

__all__ = ["check_same", "claim_request", "request_fingerprint"]


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


def check_same(existing: IdempotencyRecord, record: IdempotencyRecord) -> None:
    """Refuse a key used before for another request.

    Raises:
        IdempotencyConflict: The operation or the fingerprint differs.
    """
    if existing.operation != record.operation or existing.fingerprint != record.fingerprint:
        raise IdempotencyConflict(existing.key, existing.operation)


def claim_request(keys: IdempotencyKeys, record: IdempotencyRecord) -> IdempotencyRecord | None:
    """Claim ``record.key`` for the request ``record`` describes, inside the caller's unit of work.

    Returns:
        ``None`` when the claim is new (go ahead), or the earlier claim of the
        same request (a retry: answer with what it led to).

    Raises:
        IdempotencyConflict: The key was claimed for another request.
    """
    existing = keys.claim(record)
    if existing is not None:
        check_same(existing, record)
    return existing
