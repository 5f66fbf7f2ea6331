"""Bank transfers: references to pay under, and the bank's statement booked once.

Run it with ``python examples/bank_transfers.py``.
"""

from datetime import UTC, datetime

import orderkit as ok
from orderkit.adapters.gateways import BankTransferGateway

HOME = ok.Address(name="Ana", line1="Hauptstr. 1", city="Berlin", postal_code="10115", country="DE")


def main() -> None:
    bank = BankTransferGateway("IBAN DE89 3704 0044 0532 0130 00", "Example Shop GmbH")
    shop = ok.Shop.open(clock=ok.ManualClock(datetime(2026, 3, 2, tzinfo=UTC)), gateways=[bank])
    shop.catalog.add(ok.Product(sku="CHAIR", name="Chair", price=ok.Money("120.00", "EUR")))
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", HOME))
    shop.inventory.receive("CHAIR", "BER", 20)
    shop.customers.register("ana@example.com", "Ana", addresses=[HOME])

    references = []
    for units in (1, 2, 3):
        order = shop.orders.place("ana@example.com", [("CHAIR", units)])
        order = shop.orders.confirm(order.id, actor="order-desk")
        payment = shop.payments.authorise(
            order.id,
            order.grand_total,
            "transfer",
            key=f"order-{order.number}",
            method="bank_transfer",
        )
        references.append(str(payment.reference))
        print(f"order {order.number} ({order.grand_total}): pay under {payment.reference}")

    # The customer of the first order paid exactly, the second one too little
    # (spaces and lower case in the reference), the third one twice over.
    statement = "\n".join(
        [
            "date,amount,currency,reference",
            f"2026-03-03,120.00,EUR,{references[0]}",
            f"2026-03-03,200.00,EUR,chairs {references[1][:8].lower()} {references[1][8:]}",
            f"2026-03-04,720.00,EUR,{references[2]}",
            "2026-03-04,-9.90,EUR,account fee",
            "2026-03-04,35.00,EUR,refund from a supplier",
        ]
    )
    print(shop.payments.import_statement(statement + "\n").render())
    again = shop.payments.import_statement(statement + "\n")
    print(f"imported again: {len(again.already_imported)} lines already booked, nothing more")

    for number in (1, 2, 3):
        order = shop.orders.get(number)
        print(f"order {number}: {order.state}, {order.payment_status}, captured {order.captured}")
    shop.close()


if __name__ == "__main__":
    main()
