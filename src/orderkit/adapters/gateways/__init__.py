"""Bundled payment gateways that behave like real providers, for tests, demos and development."""

from orderkit.adapters.gateways.bank_transfer import BankTransferGateway
from orderkit.adapters.gateways.cash_on_delivery import CashOnDeliveryGateway
from orderkit.adapters.gateways.test_cards import TestCardGateway

__all__ = ["BankTransferGateway", "CashOnDeliveryGateway", "TestCardGateway"]
