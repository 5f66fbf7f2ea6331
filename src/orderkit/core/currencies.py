"""ISO 4217 currency codes and their minor units, as data orderkit owns.

The exponent is how many decimal places an amount in that currency has in
ISO 4217 (JPY 0, EUR 2, KWD 3). CLDR, which babel uses for display, rounds some
currencies differently (for example IQD shows no decimals although ISO gives it
three); amounts are stored and computed with the ISO exponent and only
*displayed* with CLDR's digits.

Funds codes used in everyday pricing (CLF, UYI, UYW, ...) are included; precious
metals, special drawing rights and testing codes (XAU, XDR, XTS, XXX ...) are not,
because no order is priced in them.
"""

from __future__ import annotations

from types import MappingProxyType

from orderkit.errors import UnknownCurrency

__all__ = ["CURRENCY_EXPONENTS", "currency_exponent", "validate_currency"]

_ZERO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"
_FOUR_DECIMALS = "CLF UYW"
_TWO_DECIMALS = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD
BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP
ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR
JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU
MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR
RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS
TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG
"""


def _table() -> dict[str, int]:
    table: dict[str, int] = {}
    for codes, exponent in (
        (_ZERO_DECIMALS, 0),
        (_TWO_DECIMALS, 2),
        (_THREE_DECIMALS, 3),
        (_FOUR_DECIMALS, 4),
    ):
        for code in codes.split():
            table[code] = exponent
    return table


CURRENCY_EXPONENTS: MappingProxyType[str, int] = MappingProxyType(_table())
"""Active ISO 4217 codes mapped to their minor-unit exponent."""


def validate_currency(code: object, field: str = "currency") -> str:
    """Return ``code`` if it is an active ISO 4217 currency code.

    Args:
        code: The value to check; it must be an upper-case three-letter code.
        field: The argument name to report in the error.

    Raises:
        UnknownCurrency: ``code`` is not a string naming an active ISO 4217 currency.
    """
    if not isinstance(code, str) or code not in CURRENCY_EXPONENTS:
        hint = ""
        if isinstance(code, str) and code.upper() in CURRENCY_EXPONENTS:
            hint = f" (did you mean {code.upper()!r}?)"
        raise UnknownCurrency(field, code, f"not an active ISO 4217 currency code{hint}")
    return code


def currency_exponent(code: str) -> int:
    """Return the number of decimal places ISO 4217 gives the currency ``code``.

    Raises:
        UnknownCurrency: ``code`` is not an active ISO 4217 code.
    """
    return CURRENCY_EXPONENTS[validate_currency(code)]
