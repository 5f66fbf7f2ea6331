"""Bundled payment gateways that behave like real providers, for tests, demos and development."""

from orderkit.adapters.gateways.test_cards import TestCardGateway

__all__ = ["TestCardGateway"]
