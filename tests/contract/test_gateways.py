from datetime import datetime

import orderkit as ok
from orderkit.adapters.gateways import TestCardGateway
from orderkit.payments import PaymentGateway
from orderkit.testing.gateway_contract import GatewayContract


class TestTheTestCardGateway(GatewayContract):
    approved_source = "4242424242424242"
    declined_source = "4000000000000002"
    timeout_before_source = "4000000000000341"
    timeout_after_source = "4000000000000259"

    def make_gateway(self) -> PaymentGateway:
        return TestCardGateway()

    def make_notification(
        self, gateway: PaymentGateway, key: str, at: datetime
    ) -> tuple[str, bytes]:
        assert isinstance(gateway, TestCardGateway)
        return gateway.notification(key, at)


class TestTheStoreCreditGateway(GatewayContract):
    approved_source = "GIFT-CONTRACT"
    declined_source = "NO-SUCH-CARD"
    sends_notifications = False

    def make_gateway(self) -> PaymentGateway:
        shop = ok.Shop.open()
        shop.store_credit.issue(self.approved_source, ok.Money("100000.00", "EUR"), key="load")
        for currency in ("JPY", "KWD"):
            account = f"GIFT-{currency}"
            shop.store_credit.issue(account, ok.Money("100000", currency), key=f"load-{currency}")
        return shop.payments.gateway("store_credit")

    def source_in(self, gateway: PaymentGateway, currency: str) -> str:
        return self.approved_source if currency == "EUR" else f"GIFT-{currency}"  # one per currency
