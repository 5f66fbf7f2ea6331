"""Orders through their lifecycle: tax, review holds, edits, partial cancels, expiry, finding.

Run it with ``python examples/order_lifecycle.py``.
"""

from datetime import UTC, datetime, timedelta

import orderkit as ok
from orderkit.errors import InvalidTransition
from orderkit.lifecycle import OrderPolicy, TaxRateTable, TaxRounding


def main() -> None:
    clock = ok.ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    policy = OrderPolicy(
        tax=TaxRateTable(
            {"DE": "0.19", "FR": "0.20"},
            sku_rates={"BOOK": {"DE": "0.07"}},
            prices_include_tax=True,
        ),
        tax_rounding=TaxRounding.PER_ORDER,
        auto_confirm_channels={"pos"},
        pay_within=timedelta(days=3),
    )
    shop = ok.Shop.open(clock=clock, seed=11, order_policy=policy)
    berlin = ok.Address(
        name="Ana", line1="Hauptstr. 1", city="Berlin", postal_code="10115", country="DE"
    )
    lyon = ok.Address(
        name="Léa", line1="1 Rue Neuve", city="Lyon", postal_code="69001", country="FR"
    )
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", berlin))
    shop.catalog.add_many(
        [
            ok.Product(sku="TEE", name="T-shirt", price=ok.Money("19.90", "EUR")),
            ok.Product(sku="BOOK", name="Cookbook", price=ok.Money("24.00", "EUR")),
            ok.Product(sku="MUG", name="Mug", price=ok.Money("7.50", "EUR")),
        ]
    )
    for sku in ("TEE", "BOOK", "MUG"):
        shop.inventory.receive(sku, "BER", 20, document="opening")
    shop.customers.register("ana@example.com", "Ana", addresses=[berlin])
    shop.customers.register("lea@example.com", "Léa", addresses=[lyon])

    # A web order with a voucher and shipping, paid by card: confirmed, then it waits for money.
    web = shop.orders.place(
        "ana@example.com",
        [("TEE", 2), ("BOOK", 1)],
        shipping=ok.Money("4.90", "EUR"),
        discount=ok.Money("5.00", "EUR"),
        payment_method="card",
        tags=["newsletter"],
        attributes={"landing_page": "/spring-sale"},
    )
    print(f"order {web.number}: {web.grand_total}, of which tax {web.tax_total}")
    for priced in web.priced_lines:
        print(
            f"  {priced.line.sku:5} net {priced.net}  shipping share {priced.shipping}  "
            f"tax {priced.tax} at {priced.line.tax_rate:.0%}"
        )
    clock.advance(timedelta(minutes=20))
    web = shop.orders.confirm(web.id, actor="clerk-ana")
    print(f"  confirmed -> {web.state}; stock reserved: {[ln.reserved for ln in web.lines]}")

    # A risk rule flags it; the review clears it and it returns where it was.
    shop.orders.hold(web.id, "fraud_review", note="new card, first order", actor="risk-rules")
    clock.advance(timedelta(hours=2))
    web = shop.orders.release(web.id, actor="risk-team", reason="card verified")
    web = shop.orders.apply(web.id, "mark_paid", actor="payments")
    print(f"  after review and payment: {web.state}, {web.payment_status}")

    # The customer adds a mug before picking starts; the order is re-priced and re-reserved.
    web = shop.orders.edit(web.id, add=[("MUG", 1)])
    print(f"  edited: {len(web.lines)} lines, now {web.grand_total} ({web.payment_status})")
    for command in ("start_picking", "pack", "ship", "deliver"):
        clock.advance(timedelta(hours=3))
        web = shop.orders.apply(web.id, command, actor="warehouse")
    try:
        shop.orders.cancel(web.id)
    except InvalidTransition as refused:
        print(f"  cancel refused once delivered; allowed now: {refused.allowed}")

    # A point-of-sale order is confirmed as it is placed.
    till = shop.orders.place("lea@example.com", [("MUG", 3)], channel="pos", actor="till-1")
    print(f"order {till.number} from the till: {till.state} ({till.history[0].reason})")
    till = shop.orders.cancel(till.id, lines={"MUG": 1}, reason="one was chipped")
    till = shop.orders.apply(till.id, "mark_paid", actor="till-1")
    print(f"  one mug cancelled: {till.item_count} left, {till.grand_total}, {till.state}")

    # An unpaid bank transfer lapses after three days and gives its stock back.
    transfer = shop.orders.place("lea@example.com", [("TEE", 5)], payment_method="bank_transfer")
    shop.orders.confirm(transfer.id)
    clock.advance(timedelta(days=4))
    lapsed = shop.orders.expire_due()
    print(f"expired after four days: {[order.number for order in lapsed]}")
    print(f"T-shirts reserved now: {shop.inventory.level('TEE', 'BER').reserved}")

    print("\nhistory of order", web.number)
    for entry in shop.orders.history(web.id):
        why = f" ({entry.reason})" if entry.reason else ""
        print(
            f"  {entry.at:%d %b %H:%M} {entry.from_state:>16} -> {entry.to_state:<16} "
            f"{entry.command} by {entry.actor}{why}"
        )
    page = shop.orders.find(state=["delivered", "expired"], limit=10)
    print("delivered or expired:", [(o.number, o.state) for o in page.orders])
    print("tagged 'newsletter':", [o.number for o in shop.orders.find(tag="newsletter").orders])
    shop.close()


if __name__ == "__main__":
    main()
