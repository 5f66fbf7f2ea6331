"""The declaration of payments: its events."""

from __future__ import annotations

from orderkit.core.capability import Capability
from orderkit.payments.events import (
    PaymentAuthorised,
    PaymentCaptured,
    PaymentExpired,
    PaymentFailed,
    PaymentRefunded,
    PaymentVoided,
    RefundIssued,
)

__all__ = ["CAPABILITY"]

CAPABILITY = Capability(
    name="payments",
    events=(
        PaymentAuthorised,
        PaymentCaptured,
        PaymentExpired,
        PaymentFailed,
        PaymentRefunded,
        PaymentVoided,
        RefundIssued,
    ),
)
"""What payments bring to a shop."""
