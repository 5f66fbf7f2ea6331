"""The shop's payment gateways by name, and which one is the default."""

from __future__ import annotations

from collections.abc import Iterable

from orderkit.core.checks import require_text
from orderkit.errors import ConfigurationError, ValidationError
from orderkit.payments.gateway import PaymentGateway

__all__ = ["GatewayRegistry"]


class GatewayRegistry:
    """The gateways payments can go through, by their ``name``.

    Args:
        gateways: The host's gateways; the first is the default, used when a
            call names none.
        builtin: Gateways the shop always has (``store_credit``); one of
            ``gateways`` with the same name replaces it. Never the default.

    Raises:
        ConfigurationError: Something that is not a gateway, or two gateways
            with one name.
    """

    def __init__(
        self, gateways: Iterable[PaymentGateway], builtin: Iterable[PaymentGateway] = ()
    ) -> None:
        given = list(gateways)
        self._default: str | None = getattr(given[0], "name", None) if given else None
        names = {getattr(gateway, "name", None) for gateway in given}
        given += [gateway for gateway in builtin if gateway.name not in names]
        self._gateways: dict[str, PaymentGateway] = {}
        for gateway in given:
            if not isinstance(gateway, PaymentGateway):
                raise ConfigurationError("gateways", gateway, "must implement PaymentGateway")
            if gateway.name in self._gateways:
                raise ConfigurationError("gateways", gateway.name, "two gateways share the name")
            self._gateways[gateway.name] = gateway

    def named(self, name: str | None) -> tuple[str, PaymentGateway]:
        """The gateway called ``name`` (the default for ``None``), with its name.

        Raises:
            ConfigurationError: ``None`` and the shop has no default gateway.
            ValidationError: The shop has no gateway of that name.
        """
        if name is None:
            if self._default is None:
                raise ConfigurationError(
                    "gateways",
                    sorted(self._gateways),
                    "the shop has no default payment gateway; pass Shop(gateways=[...]) "
                    "or name one",
                )
            name = self._default
        name = require_text(name, "gateway")
        if name not in self._gateways:
            raise ValidationError("gateway", name, f"known gateways: {sorted(self._gateways)}")
        return name, self._gateways[name]
