from datetime import UTC, datetime, timedelta

import pytest

from orderkit.adapters.gateways import TestCardGateway
from orderkit.errors import ConfigurationError, WebhookRejected
from orderkit.payments import WebhookSigner

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BODY = b'{"id": "evt_1", "key": "k", "outcome": "approved"}'


def test_a_signature_verifies_within_the_tolerance_either_way() -> None:
    signer = WebhookSigner(["whsec_0123456789abcdef"], tolerance=timedelta(minutes=5))
    header = signer.sign(BODY, NOW)
    assert header.startswith(f"t={int(NOW.timestamp())},v1=")
    for offset in (timedelta(0), timedelta(minutes=5), -timedelta(minutes=5)):
        assert signer.verify(header, BODY, NOW + offset) == NOW
    for offset in (timedelta(minutes=5, seconds=1), -timedelta(minutes=5, seconds=1)):
        with pytest.raises(WebhookRejected, match="too old or too new"):
            signer.verify(header, BODY, NOW + offset)


@pytest.mark.parametrize(
    "header",
    ["", "v1=abc", "t=abc,v1=abc", f"t={int(NOW.timestamp())}", "t=1;v1=2", "nonsense"],
)
def test_a_malformed_header_is_rejected(header: str) -> None:
    with pytest.raises(WebhookRejected):
        WebhookSigner(["whsec_0123456789abcdef"]).verify(header, BODY, NOW)


def test_any_current_secret_and_any_signature_in_the_header_counts() -> None:
    old = WebhookSigner(["whsec_old_0123456789"])
    new = WebhookSigner(["whsec_new_0123456789"])
    rotating = WebhookSigner(["whsec_new_0123456789", "whsec_old_0123456789"])
    assert rotating.verify(old.sign(BODY, NOW), BODY, NOW) == NOW
    assert rotating.verify(new.sign(BODY, NOW), BODY, NOW) == NOW
    with pytest.raises(WebhookRejected, match="no signature matches"):
        new.verify(old.sign(BODY, NOW), BODY, NOW)  # the old secret was dropped
    both = f"{old.sign(BODY, NOW)},v1={new.sign(BODY, NOW).split('v1=')[1]}"
    assert new.verify(both, BODY, NOW) == NOW  # a sender signing with two secrets


def test_a_changed_body_or_time_breaks_the_signature() -> None:
    signer = WebhookSigner(["whsec_0123456789abcdef"])
    header = signer.sign(BODY, NOW)
    with pytest.raises(WebhookRejected):
        signer.verify(header, BODY + b" ", NOW)
    moved = header.replace(f"t={int(NOW.timestamp())}", f"t={int(NOW.timestamp()) + 1}")
    with pytest.raises(WebhookRejected):
        signer.verify(moved, BODY, NOW)
    with pytest.raises(WebhookRejected):
        signer.verify(header, BODY.decode(), NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize("secrets", [[], "whsec_0123456789abcdef", ["short"]])
def test_secrets_must_be_a_list_of_long_enough_secrets(secrets: object) -> None:
    with pytest.raises(ConfigurationError):
        WebhookSigner(secrets)  # type: ignore[arg-type]


def test_a_signed_body_that_is_not_a_notification_is_rejected() -> None:
    gateway = TestCardGateway()
    garbage = b'{"hello": "world"}'
    with pytest.raises(WebhookRejected, match="not a notification"):
        gateway.parse_notification(gateway.webhooks.sign(garbage, NOW), garbage, NOW)
