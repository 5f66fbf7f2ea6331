"""Returns: units coming back after delivery, exchanges, claims, and the follow-up.

``shop.returns`` (:class:`ReturnsService`) takes a return request
(:class:`ReturnRequest`, an RMA) for delivered units, decides it by the
shop's :class:`ReturnPolicy`, issues a return label, counts the units in
(in several parcels if need be), books each inspected unit into the stock
ledger (restocked, damaged, or refused), and resolves it with a refund of
its lines, store credit or an exchange. Claims (:class:`Claim`) make a
customer whole for a lost or damaged parcel or a wrong item. After
delivery, a follow-up falls due and feedback is kept; the perfect-order
flag says which orders went without a hitch.
"""

from orderkit.returns.claims import CarrierClaim, Claim, ClaimKind, ClaimRemedy
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
from orderkit.returns.follow_up import Feedback, FollowUp, PerfectOrder
from orderkit.returns.policy import (
    DEFAULT_REASONS,
    RefundTiming,
    ReturnDecision,
    ReturnPolicy,
    ReturnReason,
    ReturnVerdict,
)
from orderkit.returns.rma import (
    NEXT_STATES,
    ExchangeLine,
    InspectionOutcome,
    ReturnLine,
    ReturnParcel,
    ReturnRequest,
    ReturnResolution,
    ReturnState,
    ReturnStep,
    return_document,
)
from orderkit.returns.service import ReturnsService

__all__ = [
    "DEFAULT_REASONS",
    "NEXT_STATES",
    "CarrierClaim",
    "CarrierClaimSettled",
    "Claim",
    "ClaimFiled",
    "ClaimKind",
    "ClaimRemedy",
    "ExchangeLine",
    "Feedback",
    "FeedbackGiven",
    "FollowUp",
    "FollowUpDue",
    "InspectionOutcome",
    "PerfectOrder",
    "RefundTiming",
    "ReturnDecision",
    "ReturnInspected",
    "ReturnLine",
    "ReturnMoved",
    "ReturnParcel",
    "ReturnPolicy",
    "ReturnReason",
    "ReturnReceived",
    "ReturnRequest",
    "ReturnRequested",
    "ReturnResolution",
    "ReturnResolved",
    "ReturnState",
    "ReturnStep",
    "ReturnVerdict",
    "ReturnsService",
    "return_document",
]
