"""The contract every payment gateway adapter must keep, as a pytest suite.

A gateway author subclasses :class:`GatewayContract` in a test module, says
how to build the adapter (against the provider's sandbox) and which payment
sources it approves and declines::

    from orderkit.testing.gateway_contract import GatewayContract

    class TestMyGateway(GatewayContract):
        approved_source = "tok_visa"
        declined_source = "tok_chargeDeclined"

        def make_gateway(self):
            return MyGateway(api_key=os.environ["SANDBOX_KEY"])

        def make_notification(self, gateway, key, at):
            return sandbox_webhook_about(key, at)   # (signature header, raw body)

The checks cover what orderkit relies on: approvals, declines with a reason,
one answer per idempotency key (also when the key comes back with other
parameters), captures and refunds that stay within their bounds, in parts
and in currencies with 0, 2 and 3 decimals, voids, timeouts before and after
the provider acted that ``status()`` sorts out, and signed webhooks. A
sandbox that cannot simulate a timeout leaves ``timeout_before_source`` and
``timeout_after_source`` at ``None``; those two checks are then skipped,
saying so.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from orderkit.core.money import Money
from orderkit.errors import WebhookRejected
from orderkit.payments.gateway import (
    GatewayOutcome,
    GatewayResult,
    GatewayTimeout,
    PaymentGateway,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

__all__ = ["GatewayContract"]


class GatewayContract:
    """The behaviour orderkit relies on; subclass and implement :meth:`make_gateway`."""

    approved_source: str = ""
    """A payment source the provider approves."""
    declined_source: str = ""
    """A payment source the provider declines."""
    currency: str = "EUR"
    currencies: tuple[str, ...] = ("EUR", "JPY", "KWD")
    """Currencies the sandbox takes; JPY has no decimals, KWD three."""
    timeout_before_source: str | None = None
    """A source whose request times out before the provider acts (``GatewayTimeout``)."""
    timeout_after_source: str | None = None
    """A source whose authorisation the provider makes, then its answer is lost."""
    sends_notifications: bool = True
    """False for a gateway without webhooks: then every notification must be rejected."""

    def make_gateway(self) -> PaymentGateway:
        """Return the adapter under test. Subclasses must implement this."""
        raise NotImplementedError("implement make_gateway() to return your PaymentGateway")

    def make_notification(
        self, gateway: PaymentGateway, key: str, at: datetime
    ) -> tuple[str, bytes]:
        """Return the webhook the provider sends at ``at`` about request ``key``.

        A signature header and the raw body, as the provider's sandbox (or its
        test secret) produces them. Subclasses must implement this.
        """
        raise NotImplementedError("implement make_notification() to return a signed webhook")

    def source_in(self, gateway: PaymentGateway, currency: str) -> str:
        """A source the provider approves in ``currency``; ``approved_source`` by default."""
        return self.approved_source

    @pytest.fixture
    def gateway(self) -> PaymentGateway:
        """The adapter under test."""
        return self.make_gateway()

    def money(self, amount: str) -> Money:
        """``amount`` in the contract's currency."""
        return Money(amount, self.currency)

    @staticmethod
    def key() -> str:
        """A fresh idempotency key."""
        return f"contract-{uuid.uuid4().hex}"

    def authorised(self, gateway: PaymentGateway, amount: str = "40.00") -> GatewayResult:
        """An approved authorisation of ``amount``."""
        result = gateway.authorise(
            self.money(amount), self.approved_source, key=self.key(), metadata={}
        )
        assert result.outcome is GatewayOutcome.APPROVED, result
        assert result.reference, "an approved authorisation names its reference"
        return result

    def test_it_has_a_name(self, gateway: PaymentGateway) -> None:
        """The name orderkit files payments under."""
        assert isinstance(gateway.name, str)
        assert gateway.name

    def test_an_approved_authorisation_says_how_much(self, gateway: PaymentGateway) -> None:
        """Approved answers carry the reference and the authorised amount."""
        result = self.authorised(gateway)
        assert result.amount in (None, self.money("40.00"))

    def test_a_declined_source_is_declined_with_a_reason(self, gateway: PaymentGateway) -> None:
        """A refusal is an answer, not an exception, and it says why."""
        result = gateway.authorise(
            self.money("40.00"), self.declined_source, key=self.key(), metadata={}
        )
        assert result.outcome is GatewayOutcome.DECLINED
        assert result.code

    def test_a_repeated_key_is_the_same_request(self, gateway: PaymentGateway) -> None:
        """The same key gets the same answer and never a second charge."""
        key = self.key()
        first = gateway.authorise(self.money("40.00"), self.approved_source, key=key, metadata={})
        again = gateway.authorise(self.money("40.00"), self.approved_source, key=key, metadata={})
        assert (again.outcome, again.reference) == (first.outcome, first.reference)
        assert gateway.status(key).reference == first.reference

    def test_captures_stay_within_the_authorisation(self, gateway: PaymentGateway) -> None:
        """Partial captures add up to the authorisation and no further."""
        reference = self.authorised(gateway).reference
        assert reference is not None
        part = gateway.capture(reference, self.money("25.00"), key=self.key(), final=False)
        assert part.outcome is GatewayOutcome.APPROVED
        over = gateway.capture(reference, self.money("15.01"), key=self.key(), final=False)
        assert over.outcome is GatewayOutcome.DECLINED
        rest = gateway.capture(reference, self.money("15.00"), key=self.key(), final=True)
        assert rest.outcome is GatewayOutcome.APPROVED

    def test_a_final_capture_gives_back_the_rest(self, gateway: PaymentGateway) -> None:
        """Nothing can be captured after a final capture."""
        reference = self.authorised(gateway).reference
        assert reference is not None
        final = gateway.capture(reference, self.money("10.00"), key=self.key(), final=True)
        assert final.outcome is GatewayOutcome.APPROVED
        more = gateway.capture(reference, self.money("1.00"), key=self.key(), final=False)
        assert more.outcome is GatewayOutcome.DECLINED

    def test_refunds_stay_within_what_was_captured(self, gateway: PaymentGateway) -> None:
        """Refunds add up to the captured amount and no further."""
        reference = self.authorised(gateway).reference
        assert reference is not None
        gateway.capture(reference, self.money("30.00"), key=self.key(), final=True)
        first = gateway.refund(reference, self.money("20.00"), key=self.key())
        assert first.outcome is GatewayOutcome.APPROVED
        over = gateway.refund(reference, self.money("10.01"), key=self.key())
        assert over.outcome is GatewayOutcome.DECLINED

    def test_a_void_gives_back_the_authorisation(self, gateway: PaymentGateway) -> None:
        """After a void nothing can be captured."""
        reference = self.authorised(gateway).reference
        assert reference is not None
        assert gateway.void(reference, key=self.key()).outcome is GatewayOutcome.APPROVED
        after = gateway.capture(reference, self.money("1.00"), key=self.key(), final=False)
        assert after.outcome is GatewayOutcome.DECLINED

    def test_a_key_sent_again_with_other_parameters_never_charges_again(
        self, gateway: PaymentGateway
    ) -> None:
        """A reused key is refused or answered as the first request; nothing more is held."""
        key = self.key()
        first = gateway.authorise(self.money("40.00"), self.approved_source, key=key, metadata={})
        assert first.outcome is GatewayOutcome.APPROVED
        assert first.reference is not None
        changed = gateway.authorise(self.money("95.00"), self.approved_source, key=key, metadata={})
        if changed.outcome is GatewayOutcome.APPROVED:
            assert changed.reference == first.reference
            assert changed.amount in (None, self.money("40.00"))
        else:
            assert changed.outcome in {GatewayOutcome.DECLINED, GatewayOutcome.ERROR}
            assert changed.code
        over = gateway.capture(first.reference, self.money("40.01"), key=self.key(), final=False)
        assert over.outcome is GatewayOutcome.DECLINED

    def test_partial_captures_add_up_to_the_whole_authorisation(
        self, gateway: PaymentGateway
    ) -> None:
        """Four captures of a quarter take all of it; a cent more is declined."""
        reference = self.authorised(gateway).reference
        assert reference is not None
        for part in range(4):
            result = gateway.capture(
                reference, self.money("10.00"), key=self.key(), final=part == 3
            )
            assert result.outcome is GatewayOutcome.APPROVED, (part, result)
        more = gateway.capture(reference, self.money("0.01"), key=self.key(), final=False)
        assert more.outcome is GatewayOutcome.DECLINED

    def test_a_refund_of_more_than_was_captured_is_declined(self, gateway: PaymentGateway) -> None:
        """Only what was captured can be refunded, however much was authorised."""
        reference = self.authorised(gateway).reference
        assert reference is not None
        gateway.capture(reference, self.money("30.00"), key=self.key(), final=False)
        over = gateway.refund(reference, self.money("30.01"), key=self.key())
        assert over.outcome is GatewayOutcome.DECLINED
        whole = gateway.refund(reference, self.money("30.00"), key=self.key())
        assert whole.outcome is GatewayOutcome.APPROVED

    @pytest.mark.parametrize(
        ("currency", "authorised", "part", "rest", "too_much"),
        [
            ("JPY", "1234", "1000", "234", "1"),
            ("KWD", "12.345", "10.005", "2.340", "0.001"),
            ("EUR", "19.99", "9.99", "10.00", "0.01"),
        ],
    )
    def test_amounts_keep_every_decimal_of_their_currency(
        self,
        gateway: PaymentGateway,
        currency: str,
        authorised: str,
        part: str,
        rest: str,
        too_much: str,
    ) -> None:
        """No decimal is lost or invented: JPY has none, KWD three."""
        if currency not in self.currencies:
            pytest.skip(f"the sandbox takes no {currency} (currencies)")
        result = gateway.authorise(
            Money(authorised, currency),
            self.source_in(gateway, currency),
            key=self.key(),
            metadata={},
        )
        assert result.outcome is GatewayOutcome.APPROVED, result
        assert result.amount in (None, Money(authorised, currency))
        assert result.reference is not None
        first = gateway.capture(
            result.reference, Money(part, currency), key=self.key(), final=False
        )
        assert first.outcome is GatewayOutcome.APPROVED, first
        over = gateway.capture(
            result.reference,
            Money(rest, currency) + Money(too_much, currency),
            key=self.key(),
            final=False,
        )
        assert over.outcome is GatewayOutcome.DECLINED, over
        last = gateway.capture(result.reference, Money(rest, currency), key=self.key(), final=True)
        assert last.outcome is GatewayOutcome.APPROVED, last

    def test_a_timeout_before_the_provider_acted_leaves_nothing(
        self, gateway: PaymentGateway
    ) -> None:
        """GatewayTimeout names the request; status() then finds no such request."""
        if self.timeout_before_source is None:
            pytest.skip("the sandbox names no source that times out before acting")
        key = self.key()
        with pytest.raises(GatewayTimeout) as lost:
            gateway.authorise(self.money("40.00"), self.timeout_before_source, key=key, metadata={})
        assert (lost.value.operation, lost.value.key) == ("authorise", key)
        assert gateway.status(key).outcome is GatewayOutcome.NOT_FOUND

    def test_a_timeout_after_the_provider_acted_is_found_by_status(
        self, gateway: PaymentGateway
    ) -> None:
        """The answer lost on the way back is there to ask for, and a retry gets it too."""
        if self.timeout_after_source is None:
            pytest.skip("the sandbox names no source that times out after acting")
        key = self.key()
        with pytest.raises(GatewayTimeout) as lost:
            gateway.authorise(self.money("40.00"), self.timeout_after_source, key=key, metadata={})
        assert (lost.value.operation, lost.value.key) == ("authorise", key)
        found = gateway.status(key)
        assert found.outcome is GatewayOutcome.APPROVED
        assert found.reference is not None
        retried = gateway.authorise(
            self.money("40.00"), self.timeout_after_source, key=key, metadata={}
        )
        assert (retried.outcome, retried.reference) == (GatewayOutcome.APPROVED, found.reference)
        taken = gateway.capture(found.reference, self.money("40.00"), key=self.key(), final=True)
        assert taken.outcome is GatewayOutcome.APPROVED

    def test_an_unknown_key_is_not_found(self, gateway: PaymentGateway) -> None:
        """status() of a request the provider never saw says so."""
        assert gateway.status(self.key()).outcome is GatewayOutcome.NOT_FOUND

    def test_a_notification_is_verified_and_read(self, gateway: PaymentGateway) -> None:
        """A signed webhook names its event and the request it is about."""
        if not self.sends_notifications:
            with pytest.raises(WebhookRejected):
                gateway.parse_notification("t=1,v1=00", b'{"id": "evt_1"}', T0)
            return
        key = self.key()
        gateway.authorise(self.money("40.00"), self.approved_source, key=key, metadata={})
        signature, body = self.make_notification(gateway, key, T0)
        notice = gateway.parse_notification(signature, body, T0)
        assert (notice.key, notice.result.outcome) == (key, GatewayOutcome.APPROVED)
        assert notice.event_id

    def test_a_tampered_or_stale_notification_is_rejected(self, gateway: PaymentGateway) -> None:
        """A changed body, a forged signature or an old timestamp is refused."""
        if not self.sends_notifications:
            with pytest.raises(WebhookRejected):
                gateway.parse_notification("", b"", T0)
            return
        key = self.key()
        gateway.authorise(self.money("40.00"), self.approved_source, key=key, metadata={})
        signature, body = self.make_notification(gateway, key, T0)
        with pytest.raises(WebhookRejected):
            gateway.parse_notification(signature, body.replace(b"approved", b"declined"), T0)
        with pytest.raises(WebhookRejected):
            gateway.parse_notification(signature[:-4] + "0000", body, T0)
        with pytest.raises(WebhookRejected):
            gateway.parse_notification("", body, T0)
        with pytest.raises(WebhookRejected):
            gateway.parse_notification(signature, body, T0 + timedelta(days=1))
