"""Signed webhooks: HMAC-SHA256 over the timestamp and the raw body, with secret rotation.

The signature header reads ``t=1767225600,v1=5f2b...`` — the signing time in
Unix seconds and one ``v1`` signature per secret the sender signs with. The
signed text is ``"{t}."`` followed by the raw body, byte for byte, as it
arrived: parse the JSON only after verifying.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import attrs

from orderkit.errors import ConfigurationError, WebhookRejected

__all__ = ["WebhookSigner"]


def _secrets(value: Sequence[str | bytes]) -> tuple[bytes, ...]:
    if isinstance(value, str | bytes) or not value:
        raise ConfigurationError("secrets", value, "give a non-empty list of secrets")
    secrets = tuple(s.encode() if isinstance(s, str) else s for s in value)
    if not all(isinstance(s, bytes) and len(s) >= 16 for s in secrets):
        raise ConfigurationError("secrets", "...", "every secret needs at least 16 bytes")
    return secrets


@attrs.frozen
class WebhookSigner:
    """Signs and verifies webhooks with one or more shared secrets.

    During a rotation give the new secret first and the old ones after it:
    signatures carry the first secret's, and verification accepts any.

    Attributes:
        secrets: The shared secrets, the current one first.
        tolerance: How far the signing time may be from now, either way.

    Examples:
        >>> signer = WebhookSigner(["whsec_0123456789abcdef"])
        >>> now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        >>> header = signer.sign(b'{"id": "evt_1"}', now)
        >>> signer.verify(header, b'{"id": "evt_1"}', now) == now
        True
    """

    secrets: tuple[bytes, ...] = attrs.field(converter=_secrets)
    tolerance: timedelta = attrs.field(default=timedelta(minutes=5))

    def sign(self, body: bytes, at: datetime) -> str:
        """Return the signature header for ``body`` sent at ``at``."""
        stamp = int(at.timestamp())
        return f"t={stamp},v1={self._digest(self.secrets[0], stamp, body)}"

    def verify(self, header: str, body: bytes, now: datetime) -> datetime:
        """Check a webhook's signature and age; return when it was signed.

        Raises:
            WebhookRejected: The header is missing or malformed, no signature
                matches any secret, or the signing time is outside the tolerance.
        """
        if not isinstance(header, str) or not isinstance(body, bytes):
            raise WebhookRejected("give the signature header as text and the body as bytes")
        stamp: int | None = None
        signatures: list[str] = []
        for part in header.split(","):
            name, _, value = part.strip().partition("=")
            if name == "t" and value.isdigit():
                stamp = int(value)
            elif name == "v1" and value:
                signatures.append(value)
        if stamp is None or not signatures:
            raise WebhookRejected("the signature header needs t=<seconds> and v1=<signature>")
        expected = [self._digest(secret, stamp, body) for secret in self.secrets]
        # Compare every pair in constant time, and never stop early.
        matched = False
        for signature in signatures:
            for digest in expected:
                matched |= hmac.compare_digest(signature, digest)
        if not matched:
            raise WebhookRejected("no signature matches")
        signed_at = datetime.fromtimestamp(stamp, UTC)
        if abs(now - signed_at) > self.tolerance:
            raise WebhookRejected(f"signed at {signed_at:%Y-%m-%d %H:%M:%S}Z: too old or too new")
        return signed_at

    @staticmethod
    def _digest(secret: bytes, stamp: int, body: bytes) -> str:
        return hmac.new(secret, f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
