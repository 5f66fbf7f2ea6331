"""Bundled payment gateways that behave like real providers, for tests, demos and development."""

from orderkit.adapters.gateways.bank_transfer import BankTransferGateway
from orderkit.adapters.gateways.cash_on_delivery import CashOnDeliveryGateway
from orderkit.adapters.gateways.sandbox_cards import TestCardGateway
from orderkit.adapters.gateways.store_credit import StoreCreditGateway

__all__ = [
    "BankTransferGateway",
    "CashOnDeliveryGateway",
    "StoreCreditGateway",
    "TestCardGateway",
]
