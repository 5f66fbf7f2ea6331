"""The declaration of returns: its events."""

from __future__ import annotations

from orderkit.core.capability import Capability
from orderkit.returns.events import (
    CarrierClaimSettled,
    ClaimFiled,
    FeedbackGiven,
    FollowUpDue,
    ReturnInspected,
    ReturnMoved,
    ReturnReceived,
    ReturnRequested,
    ReturnResolved,
)

__all__ = ["CAPABILITY"]

CAPABILITY = Capability(
    name="returns",
    events=(
        ReturnRequested,
        ReturnMoved,
        ReturnReceived,
        ReturnInspected,
        ReturnResolved,
        ClaimFiled,
        CarrierClaimSettled,
        FeedbackGiven,
        FollowUpDue,
    ),
)
"""What returns bring to a shop."""
