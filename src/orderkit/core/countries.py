"""ISO 3166-1 alpha-2 country codes, as data orderkit owns, with names from babel."""

from __future__ import annotations

from orderkit.errors import InvalidCountry

__all__ = ["COUNTRY_CODES", "country_name", "validate_country"]

_ALPHA_2 = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM
BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX
CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG
GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR
IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV
LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE
NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF
WS YE YT ZA ZM ZW
"""

COUNTRY_CODES: frozenset[str] = frozenset(_ALPHA_2.split())
"""The 249 officially assigned ISO 3166-1 alpha-2 codes.

CLDR (and so babel) also knows codes that ISO 3166 only reserves, such as
``XK`` or ``EU``; they are not accepted as a shipping country.
"""


def validate_country(code: object, field: str = "country") -> str:
    """Return ``code`` if it is an assigned ISO 3166-1 alpha-2 code.

    Args:
        code: The value to check, upper-case (``"DE"``, ``"JP"``).
        field: The argument name to report in the error.

    Raises:
        InvalidCountry: ``code`` is not an assigned alpha-2 code.
    """
    if not isinstance(code, str) or code not in COUNTRY_CODES:
        hint = ""
        if isinstance(code, str) and code.upper() in COUNTRY_CODES:
            hint = f" (did you mean {code.upper()!r}?)"
        raise InvalidCountry(field, code, f"not an ISO 3166-1 alpha-2 country code{hint}")
    return code


def country_name(code: str, locale: str = "en") -> str:
    """Return the country's name in ``locale``, from CLDR through babel.

    Examples:
        >>> country_name("DE", "fr")
        'Allemagne'
    """
    from babel import Locale

    validate_country(code, "code")
    return str(Locale.parse(locale).territories[code])
