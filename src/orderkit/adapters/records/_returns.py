"""Returns, claims, feedback and follow-ups as records, kept in every store's records."""

from __future__ import annotations

from orderkit.adapters.records._tables import VersionedRecords, moment
from orderkit.errors import ClaimNotFound, NotFound, ReturnNotFound
from orderkit.returns.claims import Claim
from orderkit.returns.follow_up import Feedback, FollowUp, feedback_id, follow_up_id
from orderkit.returns.rma import ReturnRequest

__all__ = ["RecordClaims", "RecordFeedback", "RecordFollowUps", "RecordReturns"]


class RecordReturns(VersionedRecords[ReturnRequest]):
    """Returns under their id, indexed by order number and by parcel tracking number."""

    TABLE, KIND, LABEL = "returns", ReturnRequest, "return"
    NOT_FOUND = ReturnNotFound
    INDEXES = {
        "order": lambda r: [(r.order_number,)],
        "tracking": lambda r: [(parcel.tracking_number,) for parcel in r.parcels],
        "requested": lambda r: [(moment(r.requested_at),)],
    }

    def for_order(self, order_number: int) -> list[ReturnRequest]:
        """The returns of an order, oldest first."""
        found = self._table.by("order", (order_number,))
        return sorted(found, key=lambda request: (request.requested_at, request.id))

    def for_orders(self, first: int, last: int) -> list[ReturnRequest]:
        """The returns of the orders numbered ``first`` to ``last``: by order, oldest first."""
        found = self._table.between("order", first, last)
        return sorted(found, key=lambda r: (r.order_number, r.requested_at, r.id))

    def by_tracking_number(self, tracking_number: str) -> ReturnRequest | None:
        """The return with a parcel of this tracking number, or ``None``."""
        found = self._table.by("tracking", (tracking_number,))
        return found[0] if found else None

    def all(self) -> list[ReturnRequest]:
        """Every return, oldest first."""
        return self._table.by("requested")


class RecordClaims(VersionedRecords[Claim]):
    """Claims under their id, indexed by order number."""

    TABLE, KIND, LABEL = "claims", Claim, "claim"
    NOT_FOUND = ClaimNotFound
    INDEXES = {"order": lambda c: [(c.order_number,)]}

    def for_order(self, order_number: int) -> list[Claim]:
        """The claims of an order, oldest first."""
        found = self._table.by("order", (order_number,))
        return sorted(found, key=lambda claim: (claim.filed_at, claim.id))


class _FeedbackNotFound(NotFound):
    kind = "feedback"
    key_name = "id"


class _FollowUpNotFound(NotFound):
    kind = "follow-up"
    key_name = "id"


class RecordFeedback(VersionedRecords[Feedback]):
    """One feedback per order, under ``feedback-<number>``."""

    TABLE, KIND, LABEL = "feedback", Feedback, "feedback"
    NOT_FOUND = _FeedbackNotFound

    def find(self, order_number: int) -> Feedback | None:
        """The order's feedback, or ``None``."""
        try:
            return self._table.get(feedback_id(order_number))
        except NotFound:
            return None


class RecordFollowUps(VersionedRecords[FollowUp]):
    """One follow-up per order; the unsent ones are filed by when they fall due."""

    TABLE, KIND, LABEL = "follow_ups", FollowUp, "follow-up"
    NOT_FOUND = _FollowUpNotFound
    INDEXES = {"unsent": lambda f: [] if f.sent_at is not None else [(moment(f.due_at),)]}

    def find(self, order_number: int) -> FollowUp | None:
        """The order's follow-up, or ``None``."""
        try:
            return self._table.get(follow_up_id(order_number))
        except NotFound:
            return None

    def unsent(self) -> list[FollowUp]:
        """The follow-ups not announced yet, soonest due first."""
        return self._table.by("unsent")
