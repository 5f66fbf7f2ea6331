"""What returns need from a store, from stock, from payments and from orders."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from orderkit.fulfillment.ports import FulfilmentUnitOfWork
from orderkit.inventory.ports import InventoryUnitOfWork
from orderkit.payments.ports import PaymentsUnitOfWork
from orderkit.returns.claims import Claim
from orderkit.returns.follow_up import Feedback, FollowUp, PerfectOrder
from orderkit.returns.rma import ReturnRequest, ReturnState

__all__ = [
    "ClaimRepository",
    "FeedbackRepository",
    "FollowUpRepository",
    "PerfectOrder",
    "ReturnRepository",
    "ReturnRequest",
    "ReturnState",
    "ReturnStock",
    "ReturnsUnitOfWork",
]


class ReturnRepository(Protocol):
    """Protocol: where returns are kept, saved with a version check."""

    def add(self, request: ReturnRequest) -> None:
        """Store a new return.

        Raises:
            AlreadyExists: A return with its id is stored.
        """
        ...

    def save(self, request: ReturnRequest) -> None:
        """Store a changed return over the version it was loaded at.

        Raises:
            ReturnNotFound: It was never added.
            ConcurrencyConflict: Another unit of work saved it since it was loaded.
        """
        ...

    def get(self, return_id: str) -> ReturnRequest:
        """The return with that id.

        Raises:
            ReturnNotFound: There is none.
        """
        ...

    def for_order(self, order_number: int) -> list[ReturnRequest]:
        """The returns of an order, oldest first."""
        ...

    def for_orders(self, first: int, last: int) -> list[ReturnRequest]:
        """The returns of the orders numbered ``first`` to ``last``, by order, oldest first."""
        ...

    def by_tracking_number(self, tracking_number: str) -> ReturnRequest | None:
        """The return with a parcel of this tracking number, or ``None``."""
        ...

    def all(self) -> list[ReturnRequest]:
        """Every return, oldest first."""
        ...


class ClaimRepository(Protocol):
    """Protocol: where claims are kept."""

    def add(self, claim: Claim) -> None:
        """Store a new claim."""
        ...

    def save(self, claim: Claim) -> None:
        """Store a changed claim over the version it was loaded at."""
        ...

    def get(self, claim_id: str) -> Claim:
        """The claim with that id.

        Raises:
            ClaimNotFound: There is none.
        """
        ...

    def for_order(self, order_number: int) -> list[Claim]:
        """The claims of an order, oldest first."""
        ...


class FeedbackRepository(Protocol):
    """Protocol: the feedback of orders, one record per order."""

    def add(self, feedback: Feedback) -> None:
        """Store an order's first feedback."""
        ...

    def save(self, feedback: Feedback) -> None:
        """Store a changed feedback over the version it was loaded at."""
        ...

    def find(self, order_number: int) -> Feedback | None:
        """The order's feedback, or ``None``."""
        ...


class FollowUpRepository(Protocol):
    """Protocol: the follow-ups after delivery, one per order."""

    def add(self, follow_up: FollowUp) -> None:
        """Store a new follow-up."""
        ...

    def save(self, follow_up: FollowUp) -> None:
        """Store a changed follow-up over the version it was loaded at."""
        ...

    def find(self, order_number: int) -> FollowUp | None:
        """The order's follow-up, or ``None``."""
        ...

    def unsent(self) -> list[FollowUp]:
        """The follow-ups not announced yet, soonest due first."""
        ...


class ReturnsUnitOfWork(FulfilmentUnitOfWork, PaymentsUnitOfWork, Protocol):
    """Protocol: a unit of work with returns, claims, feedback and what they touch."""

    @property
    def returns(self) -> ReturnRepository:
        """The returns of this transaction."""
        ...

    @property
    def claims(self) -> ClaimRepository:
        """The claims of this transaction."""
        ...

    @property
    def feedback(self) -> FeedbackRepository:
        """The feedback of this transaction."""
        ...

    @property
    def follow_ups(self) -> FollowUpRepository:
        """The follow-ups of this transaction."""
        ...


class ReturnStock(Protocol):
    """Protocol: how returned units go back into the ledger (the reservation service is one)."""

    def take_back_within(
        self,
        uow: InventoryUnitOfWork,
        document: str,
        units: Mapping[str, int],
        *,
        return_document: str,
        damaged: bool = False,
        set_aside_in: str | None = None,
    ) -> dict[str, int]:
        """Book returned units back, sellable or damaged; return those not booked."""
        ...
