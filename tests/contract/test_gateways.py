from datetime import datetime

from orderkit.adapters.gateways import TestCardGateway
from orderkit.payments import PaymentGateway
from orderkit.testing.gateway_contract import GatewayContract


class TestTheTestCardGateway(GatewayContract):
    approved_source = "4242424242424242"
    declined_source = "4000000000000002"

    def make_gateway(self) -> PaymentGateway:
        return TestCardGateway()

    def make_notification(
        self, gateway: PaymentGateway, key: str, at: datetime
    ) -> tuple[str, bytes]:
        assert isinstance(gateway, TestCardGateway)
        return gateway.notification(key, at)
