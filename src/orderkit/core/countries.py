"""ISO 3166-1 alpha-2 country codes, as data orderkit owns, with names from babel."""

from __future__ import annotations

from orderkit.errors import InvalidCountry

__all__ = ["COUNTRY_CODES", "country_code", "country_name", "validate_country"]

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
        elif isinstance(code, str) and len(code) <= 60:
            try:
                named = country_code(code)
            except InvalidCountry:
                pass
            else:
                hint = f" (did you mean {named!r}? orderkit.country_code({code!r}) finds it)"
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


_ALIASES = {
    "USA": "US",
    "U.S.A.": "US",
    "U.S.": "US",
    "UNITED STATES OF AMERICA": "US",
    "AMERICA": "US",
    "UK": "GB",
    "U.K.": "GB",
    "GREAT BRITAIN": "GB",
    "BRITAIN": "GB",
    "ENGLAND": "GB",
    "SCOTLAND": "GB",
    "WALES": "GB",
    "NORTHERN IRELAND": "GB",
    "HOLLAND": "NL",
    "THE NETHERLANDS": "NL",
    "CZECH REPUBLIC": "CZ",
    "RUSSIAN FEDERATION": "RU",
    "KOREA": "KR",
    "REPUBLIC OF KOREA": "KR",
    "IVORY COAST": "CI",
    "MACEDONIA": "MK",
    "SWAZILAND": "SZ",
    "BURMA": "MM",
    "VATICAN": "VA",
    "UAE": "AE",
}
"""Names people write that CLDR does not list: former names, short forms, constituent countries."""


def country_code(name: str, locale: str = "en") -> str:
    """Return the ISO 3166-1 alpha-2 code of a country named in English or in ``locale``.

    Case, accents and surrounding spaces do not matter; an alpha-2 or alpha-3
    code is taken too (``"de"``, ``"DEU"``), and a few common names CLDR does
    not list (``"USA"``, ``"UK"``, ``"Holland"``).

    Raises:
        InvalidCountry: No country has that name.

    Examples:
        >>> country_code("Germany"), country_code("USA"), country_code("Deutschland", "de")
        ('DE', 'US', 'DE')
        >>> country_code("côte d'ivoire")
        'CI'
    """
    if not isinstance(name, str) or not name.strip():
        raise InvalidCountry("name", name, "give a country's name or code")
    wanted = _folded(name)
    upper = name.strip().upper()
    if upper in COUNTRY_CODES:
        return upper
    if upper in _ALIASES:
        return _ALIASES[upper]
    from babel import Locale

    for language in dict.fromkeys((locale, "en")):
        territories = Locale.parse(language).territories
        for code, territory in territories.items():
            if code in COUNTRY_CODES and _folded(territory) == wanted:
                return str(code)
    alpha3 = _alpha3()
    if upper in alpha3:
        return alpha3[upper]
    raise InvalidCountry("name", name, "no country has this name; give its ISO 3166-1 code")


def _folded(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("&", "and").split())


def _alpha3() -> dict[str, str]:
    """ISO 3166-1 alpha-3 codes to alpha-2, from CLDR's territory aliases."""
    from babel.core import get_global

    aliases = get_global("territory_aliases")
    return {
        alias: target[0]
        for alias, target in aliases.items()
        if len(alias) == 3 and alias.isalpha() and target and target[0] in COUNTRY_CODES
    }
