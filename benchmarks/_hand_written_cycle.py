"""The order cycle written by hand: the transactions orderkit makes, in plain DB-API SQL.

One order of three lines goes place → confirm → authorise → capture →
start_picking → pack → ship → deliver in ten transactions (authorising and
capturing each take two: one before the card gateway is asked, one after),
writing the rows orderkit writes to the same tables: the order row with its
JSON document and history, the outbox events, the stock levels and their
ledger rows, the reservation, the payment with its idempotency keys. Each
transaction reads what it needs (the order's row under a lock, its document
decoded, changed and encoded again), as a careful hand-written shop would;
nothing is kept in Python between transactions. It calls the same sandbox
card gateway as the orderkit side.

The code speaks DB-API with ``?`` parameters; :class:`Flavour` says how one
database differs (parameters, BEGIN, row locks, times).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

import orderkit as ok
from orderkit.adapters.gateways.sandbox_cards import TestCardGateway

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ISO = T0.isoformat()
CARD = "4242424242424242"


@attrs.frozen
class Flavour:
    """What differs between SQLite and PostgreSQL for the hand-written side."""

    begin: str
    lock: str
    parameter: str
    time: Callable[[datetime], Any]


SQLITE = Flavour("BEGIN IMMEDIATE", "", "?", lambda at: at.isoformat(timespec="microseconds"))
POSTGRES = Flavour("BEGIN", " FOR UPDATE", "%s", lambda at: at)


def _money(amount: Decimal) -> dict[str, str]:
    return {"amount": f"{amount:.2f}", "currency": "EUR"}


class HandWrittenShop:
    """The cycle's transactions on one DB-API connection in autocommit mode.

    Args:
        connection: ``sqlite3`` (``isolation_level=None``) or psycopg (``autocommit=True``)
            on a database holding orderkit's tables, its products, stock and customer.
        flavour: :data:`SQLITE` or :data:`POSTGRES`.
        gateway: The card gateway both sides call.
    """

    def __init__(self, connection: Any, flavour: Flavour, gateway: TestCardGateway) -> None:
        self.db = connection
        self.flavour = flavour
        self.cards = gateway
        self.statements = 0
        self._serial = itertools.count(1)
        self._sql: dict[str, str] = {}

    # -- plumbing -----------------------------------------------------------------

    def _id(self) -> str:
        return f"H{next(self._serial):025d}"

    def run(self, query: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement (``?`` parameters) and return its cursor."""
        sql = self._sql.get(query)
        if sql is None:
            sql = self._sql[query] = query.replace("?", self.flavour.parameter)
        self.statements += 1
        return self.db.execute(sql, params)

    def _begin(self) -> None:
        self.run(self.flavour.begin)

    def _commit(self) -> None:
        self.run("COMMIT")

    def _event(self, kind: str, aggregate: str, aggregate_id: str, **payload: Any) -> None:
        event_id = self._id()
        body = {"event_id": event_id, "occurred_at": ISO, "aggregate_id": aggregate_id, **payload}
        self.run(
            "INSERT INTO outbox (event_id, event_type, aggregate_type, aggregate_id, "
            "occurred_at, payload) VALUES (?, ?, ?, ?, ?, ?)",
            (event_id, kind, aggregate, aggregate_id, self.flavour.time(T0), json.dumps(body)),
        )

    def _load(self, number: int) -> dict[str, Any]:
        row = self.run(
            f"SELECT document FROM orders WHERE number = ?{self.flavour.lock}", (number,)
        ).fetchone()
        document = row[0]
        return document if isinstance(document, dict) else json.loads(document)

    def _move(self, order: dict[str, Any], command: str, to: str, actor: str) -> None:
        order["history"].append(
            {
                "from": order["state"],
                "to": to,
                "command": command,
                "actor": actor,
                "reason": None,
                "at": ISO,
            }
        )
        self._event(
            "OrderTransitioned",
            "order",
            order["id"],
            number=order["number"],
            command=command,
            from_state=order["state"],
            to_state=to,
            actor=actor,
            reason=None,
        )
        order["state"] = to

    def _save(self, order: dict[str, Any], payment: str, fulfilment: str) -> None:
        version = order["version"]
        order["version"] = version + 1
        changed = self.run(
            "UPDATE orders SET state = ?, version = ?, payment_status = ?, "
            "fulfilment_status = ?, history_length = ?, document = ? "
            "WHERE id = ? AND version = ?",
            (
                order["state"],
                version + 1,
                payment,
                fulfilment,
                len(order["history"]),
                json.dumps(order),
                order["id"],
                version,
            ),
        ).rowcount
        if changed != 1:
            raise RuntimeError("concurrent change")

    def _stock(self, order: dict[str, Any], kind: str, on_hand: int, reserved: int) -> None:
        for line in order["lines"]:
            quantity = line["quantity"]
            changed = self.run(
                "UPDATE stock_levels SET on_hand = on_hand + ?, reserved = reserved + ? "
                "WHERE sku = ? AND warehouse = 'BER' AND reserved + ? <= on_hand + ?",
                (
                    on_hand * quantity,
                    reserved * quantity,
                    line["sku"],
                    reserved * quantity,
                    on_hand * quantity,
                ),
            ).rowcount
            if changed != 1:
                raise RuntimeError("out of stock")
            self.run(
                "INSERT INTO stock_movements (sku, warehouse, kind, on_hand_delta, "
                "reserved_delta, backordered_delta, document, reason, occurred_at) "
                "VALUES (?, 'BER', ?, ?, ?, 0, ?, NULL, ?)",
                (
                    line["sku"],
                    kind,
                    on_hand * quantity,
                    reserved * quantity,
                    f"order:{order['number']}",
                    self.flavour.time(T0),
                ),
            )

    # -- the cycle ----------------------------------------------------------------

    def place(self, email: str, lines: Sequence[tuple[str, int]]) -> int:
        """Place an order; return its number."""
        self._begin()
        customer = self.run("SELECT id FROM customers WHERE email = ?", (email,)).fetchone()[0]
        skus = [sku for sku, _ in lines]
        marks = ", ".join("?" for _ in skus)
        prices = {
            sku: (name, Decimal(price) / 100)
            for sku, name, price in self.run(
                f"SELECT sku, name, price_minor FROM products WHERE sku IN ({marks})", skus
            )
        }
        number = self.run(
            "INSERT INTO sequences (name, value) VALUES ('order', 1) ON CONFLICT (name) "
            "DO UPDATE SET value = sequences.value + 1 RETURNING value"
        ).fetchone()[0]
        order_id = self._id()
        total = sum((prices[sku][1] * quantity for sku, quantity in lines), Decimal(0))
        zero = _money(Decimal(0))
        address = {
            "name": "A",
            "line1": "Str 1",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
            "line2": None,
            "region": None,
            "phone": None,
            "coordinates": None,
        }
        document = {
            "id": order_id,
            "number": number,
            "channel": "web",
            "customer_id": customer,
            "currency": "EUR",
            "lines": [
                {
                    "sku": sku,
                    "name": prices[sku][0],
                    "quantity": quantity,
                    "unit_price": _money(prices[sku][1]),
                    "discount": zero,
                    "tax_rate": "0",
                    **dict.fromkeys(("reserved", "picked", "packed", "shipped", "delivered"), 0),
                    "returned": 0,
                    "cancelled": 0,
                }
                for sku, quantity in lines
            ],
            "ship_to": address,
            "placed_at": ISO,
            "bill_to": None,
            "order_discount": zero,
            "shipping": zero,
            "prices_include_tax": False,
            "tax_rounding": "per_line",
            "payment_method": None,
            "priority": 100,
            "tags": [],
            "attributes": {},
            "state": "placed",
            "history": [],
            "authorised": zero,
            "captured": zero,
            "refunded": zero,
            "expires_at": None,
            "version": 1,
        }
        self._event(
            "OrderPlaced",
            "order",
            order_id,
            number=number,
            customer_id=customer,
            channel="web",
            grand_total=_money(total),
        )
        self.run(
            "INSERT INTO orders (id, number, state, channel, customer_id, currency, "
            "grand_total_minor, ship_country, placed_at, payment_status, fulfilment_status, "
            "history_length, tags, expires_at, version, document) "
            "VALUES (?, ?, 'placed', 'web', ?, 'EUR', ?, 'DE', ?, 'unpaid', 'unfulfilled', "
            "0, '', NULL, 1, ?)",
            (
                order_id,
                number,
                customer,
                int(total * 100),
                self.flavour.time(T0),
                json.dumps(document),
            ),
        )
        # The sales ledger: the order, and each line sold, in one statement.
        booked = int(T0.timestamp())
        ledger_rows = [("", "order", 1, 0)] + [
            (sku, "sale", quantity, int(prices[sku][1] * quantity * 100)) for sku, quantity in lines
        ]
        row = "(?, ?, ?, ?, ?, ?, 'EUR', ?, ?, 'web', ?, 'DE', 'DE', NULL, '{}', ?)"
        values = ", ".join(row for _ in ledger_rows)
        params: list[Any] = []
        for sku, kind, units, amount in ledger_rows:
            params += [order_id, number, sku, kind, units, amount]
            params += [booked, booked, customer, order_id]
        self.run(
            "INSERT INTO sales_ledger (order_id, order_number, sku, kind, units, amount_minor, "
            "currency, booked_at, placed_at, channel, customer_id, ship_country, bill_country, "
            f"seller, attributes, batch) VALUES {values}",
            params,
        )
        self._commit()
        return int(number)

    def confirm(self, number: int) -> None:
        """Confirm: reserve every line in the one warehouse, then wait for payment."""
        self._begin()
        order = self._load(number)
        if order["state"] != "placed":
            raise RuntimeError("not placed")
        self._move(order, "confirm", "confirmed", "system")
        self._stock(order, "reserve", 0, +1)
        reservation_id = self._id()
        lines = [
            {"sku": line["sku"], "warehouse": "BER", "quantity": line["quantity"], "backordered": 0}
            for line in order["lines"]
        ]
        body = {
            "id": reservation_id,
            "document": f"order:{number}",
            "lines": lines,
            "created_at": ISO,
            "expires_at": None,
            "priority": 100,
            "status": "active",
            "version": 1,
        }
        self.run(
            "INSERT INTO reservations (id, document, status, priority, created_at, backordered, "
            "expires_at, version, body) VALUES (?, ?, 'active', 100, ?, 0, NULL, 1, ?)",
            (reservation_id, f"order:{number}", self.flavour.time(T0), json.dumps(body)),
        )
        self._event(
            "StockReserved",
            "reservation",
            reservation_id,
            document=f"order:{number}",
            lines=[[line["sku"], "BER", line["quantity"]] for line in lines],
            backordered=0,
        )
        self._move(order, "await_payment", "awaiting_payment", "system:orders")
        self._save(order, "unpaid", "unfulfilled")
        self._commit()

    def authorise(self, number: int, key: str) -> str:
        """Authorise the order's total on the test card; return the payment id."""
        self._begin()
        order = self._load(number)
        total = sum(
            (Decimal(line["unit_price"]["amount"]) * line["quantity"] for line in order["lines"]),
            Decimal(0),
        )
        payment_id = self._id()
        self.run(
            "INSERT INTO idempotency_keys (key, operation, fingerprint, payment_id, created_at) "
            "VALUES (?, 'authorise', ?, ?, ?)",
            (key, _fingerprint(key, total), payment_id, self.flavour.time(T0)),
        )
        zero = _money(Decimal(0))
        payment = {
            "id": payment_id,
            "order_id": order["id"],
            "method": "card",
            "gateway": "test_cards",
            "key": key,
            "amount": _money(total),
            "created_at": ISO,
            "state": "pending",
            "reference": None,
            "authorised": zero,
            "captured": zero,
            "refunded": zero,
            "released": zero,
            "authorised_until": None,
            "action_url": None,
            "pending": [],
            "exchanges": [],
            "signals": {"email": None, "ip": None, "card_fingerprint": None},
            "decisions": [],
            "overpayment_allowed": False,
            "version": 1,
        }
        self.run(
            "INSERT INTO payments (id, order_id, state, gateway, reference, created_at, "
            "authorised_until, version, body) VALUES (?, ?, 'pending', 'test_cards', NULL, ?, "
            "NULL, 1, ?)",
            (payment_id, order["id"], self.flavour.time(T0), json.dumps(payment)),
        )
        self._commit()
        amount = ok.Money(total, "EUR")
        result = self.cards.authorise(amount, CARD, key=key, metadata={})
        self._begin()
        payment = self._payment(payment_id)
        until = T0 + timedelta(days=7)
        payment.update(
            state="authorised",
            reference=result.reference,
            authorised=_money(total),
            authorised_until=until.isoformat(),
        )
        payment["exchanges"].append(_exchange("authorise", key, total, result.reference))
        self._event(
            "PaymentAuthorised", "payment", payment_id, order_id=order["id"], amount=_money(total)
        )
        order = self._load(number)
        order["authorised"] = _money(total)
        self._move(order, "secure_payment", "ready_to_fulfil", "system:payments")
        self._save(order, "authorised", "unfulfilled")
        self._save_payment(payment, "authorised", result.reference, until)
        self._commit()
        return payment_id

    def capture(self, number: int, payment_id: str, key: str) -> None:
        """Capture the whole authorisation."""
        self._begin()
        payment = self._payment(payment_id)
        self.run(
            "INSERT INTO idempotency_keys (key, operation, fingerprint, payment_id, created_at) "
            "VALUES (?, 'capture', ?, ?, ?)",
            (key, _fingerprint(key, payment["amount"]), payment_id, self.flavour.time(T0)),
        )
        total = Decimal(payment["authorised"]["amount"])
        payment["pending"].append({"operation": "capture", "key": key, "amount": _money(total)})
        until = T0 + timedelta(days=7)
        self._save_payment(payment, "authorised", payment["reference"], until)
        self._commit()
        result = self.cards.capture(
            payment["reference"], ok.Money(total, "EUR"), key=key, final=False
        )
        self._begin()
        payment = self._payment(payment_id)
        payment["pending"] = []
        payment["captured"] = _money(total)
        payment["exchanges"].append(_exchange("capture", key, total, result.reference))
        self._event(
            "PaymentCaptured",
            "payment",
            payment_id,
            order_id=payment["order_id"],
            amount=_money(total),
            final=False,
        )
        order = self._load(number)
        order["captured"] = _money(total)
        self._save(order, "paid", "unfulfilled")
        self._save_payment(payment, "captured", payment["reference"], until)
        self._commit()

    def step(self, number: int, command: str) -> None:
        """start_picking, pack, ship or deliver; shipping takes the reserved stock away."""
        target, fulfilment, counters = _STEPS[command]
        self._begin()
        order = self._load(number)
        self._move(order, command, target, "system")
        for line in order["lines"]:
            for counter in counters:
                line[counter] = line["quantity"]
            if command == "ship":
                line["reserved"] = 0
        if command == "ship":
            row = self.run(
                f"SELECT id, body FROM reservations WHERE document = ?{self.flavour.lock}",
                (f"order:{number}",),
            ).fetchone()
            body = row[1] if isinstance(row[1], dict) else json.loads(row[1])
            self._stock(order, "commit", -1, -1)
            body.update(status="committed", version=2)
            self.run(
                "UPDATE reservations SET status = 'committed', version = 2, body = ? "
                "WHERE id = ? AND version = 1",
                (json.dumps(body), row[0]),
            )
            self._event("ReservationCommitted", "reservation", row[0], document=f"order:{number}")
        self._save(order, "paid", fulfilment)
        self._commit()

    def _payment(self, payment_id: str) -> dict[str, Any]:
        row = self.run(
            f"SELECT body FROM payments WHERE id = ?{self.flavour.lock}", (payment_id,)
        ).fetchone()
        return row[0] if isinstance(row[0], dict) else json.loads(row[0])

    def _save_payment(
        self, payment: dict[str, Any], state: str, reference: str, until: datetime
    ) -> None:
        version = payment["version"]
        payment.update(state=state, version=version + 1)
        changed = self.run(
            "UPDATE payments SET state = ?, reference = ?, authorised_until = ?, version = ?, "
            "body = ? WHERE id = ? AND version = ?",
            (
                state,
                reference,
                self.flavour.time(until),
                version + 1,
                json.dumps(payment),
                payment["id"],
                version,
            ),
        ).rowcount
        if changed != 1:
            raise RuntimeError("concurrent change")

    def cycle(self, serial: int, lines: Sequence[tuple[str, int]]) -> None:
        """One order from placement to delivery."""
        number = self.place("a@example.com", lines)
        self.confirm(number)
        payment = self.authorise(number, f"h-auth-{serial}")
        self.capture(number, payment, f"h-capture-{serial}")
        for command in ("start_picking", "pack", "ship", "deliver"):
            self.step(number, command)


_STEPS = {
    "start_picking": ("picking", "unfulfilled", ()),
    "pack": ("packed", "packed", ("picked", "packed")),
    "ship": ("shipped", "shipped", ("shipped",)),
    "deliver": ("delivered", "delivered", ("delivered",)),
}


def _exchange(operation: str, key: str, amount: Decimal, reference: str | None) -> dict[str, Any]:
    return {
        "operation": operation,
        "key": key,
        "amount": _money(amount),
        "outcome": "approved",
        "reference": reference,
        "code": None,
        "message": None,
        "at": ISO,
        "checks": {},
    }


def _fingerprint(key: str, amount: object) -> str:
    return hashlib.sha256(json.dumps([key, str(amount)]).encode()).hexdigest()
