"""Payments: methods, and the request fingerprints that make gateway calls idempotent.

Gateways, payment aggregates and verification hooks build on this with the
payments issue.
"""

from orderkit.payments.idempotency import request_fingerprint
from orderkit.payments.methods import PaymentMethod

__all__ = ["PaymentMethod", "request_fingerprint"]
