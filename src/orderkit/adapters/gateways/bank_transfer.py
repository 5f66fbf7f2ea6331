"""Bank transfer as a gateway: the customer pays later, under a reference the shop gives them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from orderkit.core.checks import require_text
from orderkit.core.money import Money
from orderkit.errors import WebhookRejected
from orderkit.payments.creditor_reference import creditor_reference
from orderkit.payments.gateway import GatewayNotification, GatewayOutcome, GatewayResult

__all__ = ["BankTransferGateway"]


class BankTransferGateway:
    """Payment by bank transfer: the order waits for the money to show on the shop's statement.

    An authorisation holds nothing and decides nothing: it answers *pending*
    with an ISO 11649 creditor reference (``RF..``) derived from the
    idempotency key, and instructions naming the shop's account. The customer
    transfers the amount quoting that reference; when the bank statement is
    imported (:meth:`~orderkit.payments.service.PaymentService.import_statement`)
    the money is matched to the payment by its reference and booked.

    It keeps no state: the same key always gives the same reference, in any
    process. Voids stop expecting the money; refunds are approved as an
    instruction to pay back by an outgoing transfer, which the shop's bank makes.

    Args:
        account: The shop's account, as customers should see it
            (``"IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX"``).
        beneficiary: The account holder's name.

    Examples:
        >>> from orderkit import Money
        >>> bank = BankTransferGateway("IBAN DE89 3704 0044 0532 0130 00", "Example Shop GmbH")
        >>> answer = bank.authorise(Money("40.00", "EUR"), "transfer", key="o-1", metadata={})
        >>> answer.outcome.value, answer.reference[:2]
        ('pending', 'RF')
    """

    name = "bank_transfer"

    def __init__(self, account: str, beneficiary: str) -> None:
        self.account = require_text(account, "account")
        self.beneficiary = require_text(beneficiary, "beneficiary")

    def instructions(self, amount: Money, reference: str) -> str:
        """What to tell the customer: amount, beneficiary, account and reference."""
        return (
            f"Transfer {amount} to {self.beneficiary}, {self.account}, "
            f"quoting the reference {reference}."
        )

    def authorise(
        self, amount: Money, source: str, *, key: str, metadata: Mapping[str, str]
    ) -> GatewayResult:
        """Give the reference to pay under; the payment waits for the money."""
        reference = creditor_reference(key)
        return GatewayResult(
            GatewayOutcome.PENDING,
            reference=reference,
            amount=amount,
            message=self.instructions(amount, reference),
        )

    def capture(self, reference: str, amount: Money, *, key: str, final: bool) -> GatewayResult:
        """Transfers are booked from the statement, not captured: always declined."""
        return GatewayResult(
            GatewayOutcome.DECLINED,
            reference,
            code="not_capturable",
            message="a transfer is booked when the bank statement shows it",
        )

    def void(self, reference: str, *, key: str) -> GatewayResult:
        """Stop expecting the money."""
        return GatewayResult(GatewayOutcome.APPROVED, reference)

    def refund(self, reference: str, amount: Money, *, key: str) -> GatewayResult:
        """Approve paying ``amount`` back by an outgoing transfer."""
        return GatewayResult(
            GatewayOutcome.APPROVED,
            reference,
            amount=amount,
            message=f"pay {amount} back by transfer, reference {reference}",
        )

    def status(self, key: str) -> GatewayResult:
        """A transfer request is always known and always pending at the bank's side."""
        return GatewayResult(GatewayOutcome.PENDING, reference=creditor_reference(key))

    def parse_notification(self, signature: str, body: bytes, now: datetime) -> GatewayNotification:
        """Banks send statements, not webhooks: every one is rejected."""
        raise WebhookRejected("bank transfers are matched from statements, not webhooks")
