"""Payments: the payment aggregate, the gateway port, idempotency and payment events.

Several payments may pay one order; each goes through a
:class:`PaymentGateway` and keeps every exchange with it. Idempotency keys make
every gateway request happen once, however often it is retried. A
:class:`VerificationPipeline` of checks (see :mod:`orderkit.payments.checks`)
decides before authorisation and before capture.
"""

from orderkit._moved import forward_to
from orderkit.payments.bank_statement import (
    StatementFormat,
    StatementLine,
    StatementMatch,
    StatementReconciliation,
    read_statement,
)
from orderkit.payments.creditor_reference import creditor_reference, is_creditor_reference
from orderkit.payments.events import (
    PaymentAuthorised,
    PaymentCaptured,
    PaymentExpired,
    PaymentFailed,
    PaymentRefunded,
    PaymentVoided,
    RefundIssued,
)
from orderkit.payments.gateway import (
    GatewayNotification,
    GatewayOutcome,
    GatewayResult,
    GatewayTimeout,
    PaymentGateway,
)
from orderkit.payments.idempotency import request_fingerprint
from orderkit.payments.methods import PaymentMethod
from orderkit.payments.payment import GatewayExchange, Payment, PaymentState, PendingOperation
from orderkit.payments.reconciliation import PaymentReconciliation
from orderkit.payments.refunds import (
    CreditNoteIssuer,
    Refund,
    RefundDestination,
    RefundLine,
    RefundPart,
    RefundRepository,
    RefundState,
    line_refund,
    spread_over_payments,
)
from orderkit.payments.repository import IdempotencyKeys, IdempotencyRecord, PaymentRepository
from orderkit.payments.verification import (
    CheckOutcome,
    CheckResult,
    PaymentCheck,
    PaymentSignals,
    Verdict,
    VerificationContext,
    VerificationDecision,
    VerificationPipeline,
    VerificationStage,
)
from orderkit.payments.webhooks import WebhookSigner

__all__ = [
    "CheckOutcome",
    "CheckResult",
    "CreditNoteIssuer",
    "GatewayExchange",
    "GatewayNotification",
    "GatewayOutcome",
    "GatewayResult",
    "GatewayTimeout",
    "IdempotencyKeys",
    "IdempotencyRecord",
    "Payment",
    "PaymentAuthorised",
    "PaymentCaptured",
    "PaymentCheck",
    "PaymentExpired",
    "PaymentFailed",
    "PaymentGateway",
    "PaymentMethod",
    "PaymentReconciliation",
    "PaymentRefunded",
    "PaymentRepository",
    "PaymentSignals",
    "PaymentState",
    "PaymentVoided",
    "PendingOperation",
    "Refund",
    "RefundDestination",
    "RefundIssued",
    "RefundLine",
    "RefundPart",
    "RefundRepository",
    "RefundState",
    "StatementFormat",
    "StatementLine",
    "StatementMatch",
    "StatementReconciliation",
    "Verdict",
    "VerificationContext",
    "VerificationDecision",
    "VerificationPipeline",
    "VerificationStage",
    "WebhookSigner",
    "creditor_reference",
    "is_creditor_reference",
    "line_refund",
    "read_statement",
    "request_fingerprint",
    "spread_over_payments",
]

_MOVED_TO_STORE_CREDIT = frozenset(
    {"CreditAccount", "CreditAccountRepository", "CreditEntry", "CreditEntryKind", "CreditKind"}
)
_forward_store_credit = forward_to("orderkit.store_credit", old=__name__)


def __getattr__(name: str) -> object:
    if name in _MOVED_TO_STORE_CREDIT:
        return _forward_store_credit(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
