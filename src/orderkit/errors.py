"""Every error orderkit raises, in one tree.

Catch :class:`OrderkitError` to handle anything the library refuses; catch a
branch to handle one kind of problem. Every error carries the data that caused
it as attributes, so a caller can react without parsing the message::

    OrderkitError
    ├── ValidationError              field, value, reason
    │   ├── InvalidQuantity
    │   ├── InvalidAmount
    │   ├── UnknownCurrency
    │   ├── CurrencyMismatch         + left, right
    │   ├── InvalidCountry
    │   └── InvalidTime
    ├── NotFound                     kind, key
    │   ├── ProductNotFound
    │   ├── CustomerNotFound
    │   ├── OrderNotFound
    │   ├── WarehouseNotFound
    │   ├── ReservationNotFound
    │   ├── PurchaseOrderNotFound
    │   ├── PaymentNotFound
    │   ├── RefundNotFound
    │   ├── CreditAccountNotFound
    │   ├── ShipmentNotFound
    │   ├── ReturnNotFound
    │   └── ClaimNotFound
    ├── Conflict
    │   ├── AlreadyExists            kind, key
    │   ├── ConcurrencyConflict      kind, key, expected_version
    │   ├── IdempotencyConflict      key, operation
    │   ├── ReservationNotActive     reservation_id, status
    │   └── PurchaseOrderClosed      purchase_order_id, status
    ├── InvalidTransition            order_id, state, command, allowed
    │   └── TransitionRefused        + reasons
    ├── ShipmentStateError           shipment_id, state, command, allowed
    ├── ReturnStateError             return_id, state, command, allowed
    ├── InsufficientStock            sku, warehouse, requested, available
    ├── PaymentError                 order_id, reason
    │   ├── PaymentDeclined          + payment_id, code
    │   ├── PaymentUnderReview       + payment_id, reasons
    │   └── BalanceExceeded          + operation, requested, balance
    ├── WebhookRejected              reason
    ├── CarrierError                 carrier, reason
    │   └── CarrierUnavailable
    ├── PermissionDenied             actor, permission
    ├── StorageError                 (always chained from the backend error)
    │   ├── StorageUnavailable
    │   │   └── ConnectionLost
    │   ├── StorageBusy
    │   │   └── TransactionConflict
    │   ├── StorageIntegrityError
    │   └── SchemaVersionError       found, supported
    └── ConfigurationError           setting, value, reason
        ├── UnsupportedStore
        └── InvalidWorkflow          problems

Errors raised by a storage backend (``sqlite3``, ``psycopg``) never escape
unwrapped: adapters translate them into a :class:`StorageError` subclass and
chain the original (``raise StorageBusy(...) from exc``).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AlreadyExists",
    "BalanceExceeded",
    "CarrierError",
    "CarrierUnavailable",
    "ClaimNotFound",
    "ConcurrencyConflict",
    "ConfigurationError",
    "Conflict",
    "ConnectionLost",
    "CreditAccountNotFound",
    "CurrencyMismatch",
    "CustomerNotFound",
    "IdempotencyConflict",
    "InsufficientStock",
    "InvalidAmount",
    "InvalidCountry",
    "InvalidQuantity",
    "InvalidTime",
    "InvalidTransition",
    "InvalidWorkflow",
    "NotFound",
    "OrderNotFound",
    "OrderkitError",
    "PaymentDeclined",
    "PaymentError",
    "PaymentNotFound",
    "PaymentUnderReview",
    "PermissionDenied",
    "ProductNotFound",
    "PurchaseOrderClosed",
    "PurchaseOrderNotFound",
    "RefundNotFound",
    "ReservationNotActive",
    "ReservationNotFound",
    "ReturnNotFound",
    "ReturnStateError",
    "SchemaVersionError",
    "ShipmentNotFound",
    "ShipmentStateError",
    "StorageBusy",
    "StorageError",
    "StorageIntegrityError",
    "StorageUnavailable",
    "TransactionConflict",
    "TransitionRefused",
    "UnknownCurrency",
    "UnsupportedStore",
    "ValidationError",
    "WarehouseNotFound",
    "WebhookRejected",
]


class OrderkitError(Exception):
    """The root of every error orderkit raises on purpose."""


class ValidationError(OrderkitError, ValueError):
    """An input was refused before anything changed.

    Attributes:
        field: The name of the argument or attribute that was wrong.
        value: The value that was given.
        reason: What is wrong with it and what is allowed instead.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}={value!r}: {reason}")


class InvalidQuantity(ValidationError):
    """A quantity was not a positive whole number within the allowed range."""


class InvalidAmount(ValidationError):
    """A money amount was not an exact decimal within the currency's precision."""


class UnknownCurrency(ValidationError):
    """A currency code is not an active ISO 4217 code."""


class CurrencyMismatch(ValidationError):
    """Two amounts in different currencies met in one calculation.

    Attributes:
        left: The currency of the first operand.
        right: The currency of the second operand.
    """

    def __init__(self, field: str, left: str, right: str) -> None:
        self.left = left
        self.right = right
        super().__init__(field, right, f"expected currency {left}, got {right}")


class InvalidCountry(ValidationError):
    """A country code is not an ISO 3166-1 alpha-2 code."""


class InvalidTime(ValidationError):
    """A datetime was naive (no timezone) or otherwise unusable."""


class NotFound(OrderkitError, LookupError):
    """Something asked for by key does not exist.

    Attributes:
        kind: What was looked for (``"product"``, ``"order"`` ...).
        key: The key that was not found.
        field: Where the key was given (``"lines[1].sku"``), when a call
            names many; ``None`` otherwise.
    """

    kind = "record"
    key_name = "key"
    """What the key is called for this kind (``"SKU"``, ``"id"``, ``"code"``)."""

    def __init__(self, key: object, kind: str | None = None, *, field: str | None = None) -> None:
        if kind is not None:
            self.kind = kind
        self.key = key
        self.field = field
        name = self.key_name
        if name == "id or number" and isinstance(key, int):
            name = "number"
        elif name == "id or number":
            name = "id"
        elif name == "id or email":
            name = "email" if isinstance(key, str) and "@" in key else "id"
        where = "" if field is None else f" ({field})"
        super().__init__(f"no {self.kind} with {name} {key!r}{where}")


class ProductNotFound(NotFound):
    """No product has this SKU."""

    kind = "product"
    key_name = "SKU"


class CustomerNotFound(NotFound):
    """No customer has this id or email."""

    kind = "customer"
    key_name = "id or email"


class OrderNotFound(NotFound):
    """No order has this id or number."""

    kind = "order"
    key_name = "id or number"


class WarehouseNotFound(NotFound):
    """No warehouse has this code."""

    kind = "warehouse"
    key_name = "code"


class ReservationNotFound(NotFound):
    """No reservation has this id."""

    kind = "reservation"
    key_name = "id"


class PurchaseOrderNotFound(NotFound):
    """No purchase order has this id."""

    kind = "purchase order"
    key_name = "id"


class PaymentNotFound(NotFound):
    """No payment has this id."""

    kind = "payment"
    key_name = "id"


class RefundNotFound(NotFound):
    """No refund has this id."""

    kind = "refund"
    key_name = "id"


class CreditAccountNotFound(NotFound):
    """No gift card or store-credit account has this code."""

    kind = "credit account"
    key_name = "code"


class ShipmentNotFound(NotFound):
    """No shipment has this id."""

    kind = "shipment"
    key_name = "id"


class ReturnNotFound(NotFound):
    """No return has this id."""

    kind = "return"
    key_name = "id"


class ClaimNotFound(NotFound):
    """No claim has this id."""

    kind = "claim"
    key_name = "id"


class Conflict(OrderkitError):
    """The change contradicts what is already stored."""


class AlreadyExists(Conflict):
    """A record with the same key is already stored.

    Attributes:
        kind: What kind of record (``"product"``, ``"customer"`` ...).
        key: The duplicate key.
    """

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"a {kind} with key {key!r} already exists")


class ConcurrencyConflict(Conflict):
    """Someone else changed the aggregate since it was loaded.

    Load it again, re-apply the change and retry.

    Attributes:
        kind: The aggregate type.
        key: The aggregate's id.
        expected_version: The version the caller loaded.
    """

    def __init__(self, kind: str, key: object, expected_version: int) -> None:
        self.kind = kind
        self.key = key
        self.expected_version = expected_version
        super().__init__(
            f"{kind} {key!r} was changed by someone else since version {expected_version}; "
            "load it again and retry"
        )


class IdempotencyConflict(Conflict):
    """An idempotency key was used before for a different request.

    A retry must repeat the request exactly; a new request needs a new key.

    Attributes:
        key: The idempotency key.
        operation: What the key was first used for.
    """

    def __init__(self, key: str, operation: str) -> None:
        self.key = key
        self.operation = operation
        super().__init__(
            f"idempotency key {key!r} was used for another {operation} request; "
            "use a new key for a new request"
        )


class ReservationNotActive(Conflict):
    """The reservation was already released, expired or committed.

    Attributes:
        reservation_id: The reservation.
        status: Its current status.
    """

    def __init__(self, reservation_id: str, status: str) -> None:
        self.reservation_id = reservation_id
        self.status = status
        super().__init__(f"reservation {reservation_id} is {status}, not active")


class PurchaseOrderClosed(Conflict):
    """The purchase order no longer accepts receipts.

    Attributes:
        purchase_order_id: The purchase order.
        status: Its current status.
    """

    def __init__(self, purchase_order_id: str, status: str) -> None:
        self.purchase_order_id = purchase_order_id
        self.status = status
        super().__init__(f"purchase order {purchase_order_id} is {status}; nothing more arrives")


class InvalidTransition(OrderkitError):
    """A workflow command is not allowed in the order's current state.

    Attributes:
        order_id: The order the command was for.
        state: The order's state when the command was refused.
        command: The command that was attempted.
        allowed: The commands allowed in that state.
    """

    def __init__(self, order_id: str, state: str, command: str, allowed: Sequence[str]) -> None:
        self.order_id = order_id
        self.state = state
        self.command = command
        self.allowed = tuple(allowed)
        allowed_text = ", ".join(self.allowed) or "none"
        super().__init__(
            f"order {order_id}: cannot {command} in state {state!r}; allowed now: {allowed_text}"
        )


class TransitionRefused(InvalidTransition):
    """The command is allowed in this state, but a guard refused it.

    Attributes:
        reasons: What the guards said, in order.
    """

    def __init__(
        self,
        order_id: str,
        state: str,
        command: str,
        allowed: Sequence[str],
        reasons: Sequence[str],
    ) -> None:
        super().__init__(order_id, state, command, allowed)
        self.reasons = tuple(reasons)
        self.args = (f"order {order_id}: cannot {command}: {'; '.join(self.reasons)}",)


class ShipmentStateError(OrderkitError):
    """A shipment cannot take this step in its current state.

    Attributes:
        shipment_id: The shipment.
        state: Its state when the step was refused.
        command: The step that was attempted (``"ship"``, ``"pick"`` ...).
        allowed: The states it may move to from here.
    """

    def __init__(self, shipment_id: str, state: str, command: str, allowed: Sequence[str]) -> None:
        self.shipment_id = shipment_id
        self.state = state
        self.command = command
        self.allowed = tuple(allowed)
        super().__init__(
            f"shipment {shipment_id}: cannot {command} in state {state!r}; "
            f"it may become: {', '.join(self.allowed) or 'nothing, it is final'}"
        )


class ReturnStateError(OrderkitError):
    """A return cannot take this step in its current state.

    Attributes:
        return_id: The return.
        state: Its state when the step was refused.
        command: The step that was attempted (``"approve"``, ``"receive"`` ...).
        allowed: The states it may move to from here.
    """

    def __init__(self, return_id: str, state: str, command: str, allowed: Sequence[str]) -> None:
        self.return_id = return_id
        self.state = state
        self.command = command
        self.allowed = tuple(allowed)
        super().__init__(
            f"return {return_id}: cannot {command} in state {state!r}; "
            f"it may become: {', '.join(self.allowed) or 'nothing, it is final'}"
        )


class InsufficientStock(OrderkitError):
    """Not enough stock is available to reserve or ship.

    Attributes:
        sku: The SKU that is short.
        warehouse: The warehouse code, or ``None`` when all warehouses were considered.
        requested: The quantity asked for.
        available: The quantity that was available.
        searched: The warehouses that were looked in, when several could
            serve (empty: none is active or ships there); ``None`` when not told.
    """

    def __init__(
        self,
        sku: str,
        warehouse: str | None,
        requested: int,
        available: int,
        *,
        searched: Sequence[str] | None = None,
    ) -> None:
        self.sku = sku
        self.warehouse = warehouse
        self.requested = requested
        self.available = available
        self.searched = None if searched is None else tuple(searched)
        if self.searched == ():
            message = f"{sku}: requested {requested}, but no warehouse is active and ships there"
        elif self.searched and not warehouse:
            places = ", ".join(self.searched)
            message = f"{sku}: requested {requested}, available {available} in {places}"
        else:
            where = f" in {warehouse}" if warehouse else ""
            message = f"{sku}{where}: requested {requested}, available {available}"
        super().__init__(message)


class PaymentError(OrderkitError):
    """A payment could not be taken, captured or refunded.

    Attributes:
        order_id: The order the payment belongs to.
        reason: What the gateway or the rules said.
    """

    def __init__(self, order_id: str, reason: str) -> None:
        self.order_id = order_id
        self.reason = reason
        super().__init__(f"order {order_id}: {reason}")


class BalanceExceeded(PaymentError):
    """A payment or a capture would take more than is open on the order.

    Nothing was sent to the gateway. A shop that takes more on purpose (a
    tip, a weight-priced line) authorises with ``allow_overpayment=True``.

    Attributes:
        operation: ``"authorise"`` or ``"capture"``.
        requested: The amount asked for (a Money).
        balance: What was open: the grand total less what the order's
            payments hold (for an authorisation) or have taken (for a capture).
    """

    def __init__(self, order_id: str, operation: str, requested: object, balance: object) -> None:
        self.operation = operation
        self.requested = requested
        self.balance = balance
        super().__init__(
            order_id,
            f"{operation} of {requested} asked, but {balance} is open on the order; "
            "pass allow_overpayment=True to take more on purpose",
        )


class PaymentDeclined(PaymentError):
    """The gateway refused the payment, capture or refund.

    Attributes:
        payment_id: The payment, with the refusal in its audit trail.
        code: The gateway's reason code (``insufficient_funds``), if it gave one.
    """

    def __init__(self, order_id: str, payment_id: str, code: str | None, reason: str) -> None:
        self.payment_id = payment_id
        self.code = code
        super().__init__(order_id, reason)


class PaymentUnderReview(PaymentError):
    """The verification checks want a person to look before the money is taken.

    The order is on hold for a fraud review; see
    :meth:`~orderkit.payments.service.PaymentService.approve_review`.

    Attributes:
        payment_id: The payment, with the decision among its ``decisions``.
        reasons: What the checks found.
    """

    def __init__(self, order_id: str, payment_id: str, reasons: tuple[str, ...]) -> None:
        self.payment_id = payment_id
        self.reasons = reasons
        super().__init__(order_id, "payment under review: " + ("; ".join(reasons) or "review"))


class WebhookRejected(OrderkitError):
    """A webhook failed verification: bad or missing signature, stale or malformed.

    Nothing was recorded. Answer the provider with an error status; it retries.

    Attributes:
        reason: What was wrong with it.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"webhook rejected: {reason}")


class CarrierError(OrderkitError):
    """A carrier refused a request: an address it does not serve, a parcel too heavy.

    Attributes:
        carrier: The carrier's code.
        reason: What the carrier said.
    """

    def __init__(self, carrier: str, reason: str) -> None:
        self.carrier = carrier
        self.reason = reason
        super().__init__(f"carrier {carrier}: {reason}")


class CarrierUnavailable(CarrierError):
    """A carrier did not answer in time, or answered with a server error; try again later."""


class PermissionDenied(OrderkitError):
    """The actor's roles do not grant the permission the operation needs.

    Attributes:
        actor: Who attempted the operation.
        permission: The permission that was missing.
    """

    def __init__(self, actor: str, permission: str) -> None:
        self.actor = actor
        self.permission = permission
        super().__init__(f"{actor} lacks the permission {permission!r}")


class StorageError(OrderkitError):
    """The storage backend failed; the original error is the ``__cause__``."""


class StorageUnavailable(StorageError):
    """The store cannot be opened or reached (missing file, not a database, server down)."""


class ConnectionLost(StorageUnavailable):
    """The connection to the database broke before the unit of work committed.

    The database rolls back what the unit of work did, so running it again is
    safe: orderkit's services do so on another connection (see
    :class:`~orderkit.RetryPolicy`). A connection that breaks during the commit
    itself raises :class:`StorageUnavailable` instead, because the commit may
    or may not have happened.
    """


class StorageBusy(StorageError):
    """The store stayed locked by other writers for longer than the busy timeout."""


class TransactionConflict(StorageBusy):
    """The database aborted a unit of work to let a concurrent one go on.

    PostgreSQL does this to break a deadlock or when it cannot serialise two
    transactions. Nothing of the aborted unit of work was kept, so running it
    again is safe: orderkit's services do so with backoff (see
    :class:`~orderkit.RetryPolicy`) and raise this only when every attempt
    met a conflict.
    """


class StorageIntegrityError(StorageError):
    """The backend refused a write that breaks one of its constraints."""


class SchemaVersionError(StorageError):
    """The database schema is newer than this version of orderkit understands.

    Attributes:
        found: The schema version in the database.
        supported: The newest version this orderkit knows.
    """

    def __init__(self, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"the database has schema version {found}, but this orderkit supports up to "
            f"{supported}; upgrade orderkit"
        )


class ConfigurationError(OrderkitError, ValueError):
    """A setting passed to orderkit cannot be used.

    Attributes:
        setting: The name of the setting.
        value: The value that was given.
        reason: What is wrong and what is allowed.
    """

    def __init__(self, setting: str, value: object, reason: str) -> None:
        self.setting = setting
        self.value = value
        self.reason = reason
        super().__init__(f"{setting}={value!r}: {reason}")


class UnsupportedStore(ConfigurationError):
    """The store URL names a backend orderkit cannot open (yet, or without an extra)."""


class InvalidWorkflow(ConfigurationError):
    """A workflow definition is inconsistent; nothing was built.

    Attributes:
        problems: Everything wrong with it, one sentence each.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("workflow", None, "; ".join(self.problems))
        self.args = ("invalid workflow: " + "; ".join(self.problems),)
