"""Money done right: exact amounts, ISO minor units, splits that always add up."""

from decimal import Decimal

import orderkit as ok


def main() -> None:
    basket = ok.Money("100.00", "EUR")
    # A 10.00 discount spread over three lines in proportion to their prices.
    line_prices = [Decimal("59.90"), Decimal("25.10"), Decimal("15.00")]
    shares = ok.Money("10.00", "EUR").allocate(line_prices)
    print("discount per line:", [str(share) for share in shares])
    assert sum(shares) == ok.Money("10.00", "EUR")

    print("19% VAT on", basket, "is", basket * Decimal("0.19"))
    print("KWD has", ok.currency_exponent("KWD"), "decimals:", ok.Money("1.5", "KWD"))
    print("JPY has none:", ok.Money(1500, "JPY").format("ja_JP"))

    for locale in ("en_US", "de_DE", "fr_CH", "ja_JP"):
        print(f"{locale:>6}: {ok.Money('1234567.891', 'KWD').format(locale)}")

    try:
        ok.Money(0.1, "EUR")  # type: ignore[arg-type]
    except ok.errors.InvalidAmount as error:
        print("refused:", error)


if __name__ == "__main__":
    main()
