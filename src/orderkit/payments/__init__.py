"""Payments: the payment aggregate, the gateway port, idempotency and payment events.

Several payments may pay one order; each goes through a
:class:`PaymentGateway` and keeps every exchange with it. Idempotency keys make
every gateway request happen once, however often it is retried.
"""

from orderkit.payments.events import (
    PaymentAuthorised,
    PaymentCaptured,
    PaymentExpired,
    PaymentFailed,
    PaymentRefunded,
    PaymentVoided,
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
from orderkit.payments.repository import IdempotencyKeys, IdempotencyRecord, PaymentRepository
from orderkit.payments.webhooks import WebhookSigner

__all__ = [
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
    "PaymentExpired",
    "PaymentFailed",
    "PaymentGateway",
    "PaymentMethod",
    "PaymentReconciliation",
    "PaymentRefunded",
    "PaymentRepository",
    "PaymentState",
    "PaymentVoided",
    "PendingOperation",
    "WebhookSigner",
    "request_fingerprint",
]
