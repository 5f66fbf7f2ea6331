"""Postal code formats of the countries whose format is fixed and well known.

A small table the project owns (from the postal administrations' published
formats), not guesswork: a country not listed here takes any postal code, or
none. Codes are compared upper-case with single spaces, as carriers print them.
"""

from __future__ import annotations

import re

from orderkit.errors import ValidationError

__all__ = ["POSTAL_CODE_FORMATS", "normalise_postal_code"]

POSTAL_CODE_FORMATS: dict[str, tuple[str, str]] = {
    "AT": (r"[0-9]{4}", "4 digits, like 1010"),
    "AU": (r"[0-9]{4}", "4 digits, like 2000"),
    "BE": (r"[0-9]{4}", "4 digits, like 1000"),
    "BG": (r"[0-9]{4}", "4 digits, like 1000"),
    "BR": (r"[0-9]{5}-?[0-9]{3}", "8 digits, like 01310-100"),
    "CA": (r"[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]", "like K1A 0B1"),
    "CH": (r"[0-9]{4}", "4 digits, like 8001"),
    "CZ": (r"[0-9]{3} ?[0-9]{2}", "5 digits, like 110 00"),
    "DE": (r"[0-9]{5}", "5 digits, like 10115"),
    "DK": (r"[0-9]{4}", "4 digits, like 1050"),
    "EE": (r"[0-9]{5}", "5 digits, like 10111"),
    "ES": (r"[0-9]{5}", "5 digits, like 28001"),
    "FI": (r"[0-9]{5}", "5 digits, like 00100"),
    "FR": (r"[0-9]{5}", "5 digits, like 75001"),
    "GB": (
        r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}|GIR ?0AA",
        "like SW1A 1AA",
    ),
    "GR": (r"[0-9]{3} ?[0-9]{2}", "5 digits, like 105 57"),
    "HR": (r"[0-9]{5}", "5 digits, like 10000"),
    "HU": (r"[0-9]{4}", "4 digits, like 1051"),
    "IN": (r"[0-9]{6}", "6 digits, like 110001"),
    "IT": (r"[0-9]{5}", "5 digits, like 00118"),
    "JP": (r"[0-9]{3}-?[0-9]{4}", "7 digits, like 100-0001"),
    "LT": (r"(?:LT-)?[0-9]{5}", "5 digits, like LT-01100"),
    "LU": (r"(?:L-)?[0-9]{4}", "4 digits, like L-1111"),
    "LV": (r"(?:LV-)?[0-9]{4}", "4 digits, like LV-1050"),
    "MX": (r"[0-9]{5}", "5 digits, like 06600"),
    "NL": (r"[0-9]{4} ?[A-Z]{2}", "4 digits and 2 letters, like 1012 AB"),
    "NO": (r"[0-9]{4}", "4 digits, like 0150"),
    "NZ": (r"[0-9]{4}", "4 digits, like 6011"),
    "PL": (r"[0-9]{2}-?[0-9]{3}", "like 00-950"),
    "PT": (r"[0-9]{4}-?[0-9]{3}", "like 1000-001"),
    "RO": (r"[0-9]{6}", "6 digits, like 010011"),
    "SE": (r"[0-9]{3} ?[0-9]{2}", "5 digits, like 111 22"),
    "SI": (r"(?:SI-)?[0-9]{4}", "4 digits, like 1000"),
    "SK": (r"[0-9]{3} ?[0-9]{2}", "5 digits, like 811 01"),
    "US": (r"[0-9]{5}(?:-[0-9]{4})?", "a ZIP code, like 10001 or 10001-1234"),
}
"""Country code to (pattern, example) for the postal codes it accepts."""

_COMPILED = {country: re.compile(pattern) for country, (pattern, _) in POSTAL_CODE_FORMATS.items()}


def normalise_postal_code(code: str, country: str, field: str = "postal_code") -> str:
    """The postal code upper-case with single spaces, checked where the country's format is known.

    Raises:
        ValidationError: The code does not fit the country's format.

    Examples:
        >>> normalise_postal_code("sw1a  1aa", "GB")
        'SW1A 1AA'
        >>> normalise_postal_code("ABC", "DE")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        orderkit.errors.ValidationError: postal_code='ABC': is not a DE postal code (5 digits, ...)
    """
    normalised = " ".join(code.upper().split())
    pattern = _COMPILED.get(country)
    if pattern is not None and not pattern.fullmatch(normalised):
        example = POSTAL_CODE_FORMATS[country][1]
        raise ValidationError(field, code, f"is not a {country} postal code ({example})")
    return normalised
