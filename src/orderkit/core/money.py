"""Money: an exact decimal amount in one ISO 4217 currency."""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

import attrs

from orderkit.core.currencies import CURRENCY_EXPONENTS, validate_currency
from orderkit.errors import CurrencyMismatch, InvalidAmount, ValidationError

__all__ = ["Money"]

# Exact arithmetic needs more digits than the default 28 for large amounts in
# 4-decimal currencies; a private context keeps the caller's context untouched.
_CONTEXT = decimal.Context(prec=38, rounding=ROUND_HALF_UP, traps=[decimal.InvalidOperation])
_MAX_ABS = Decimal(10) ** 18
_QUANTA = {exponent: Decimal(1).scaleb(-exponent) for exponent in set(CURRENCY_EXPONENTS.values())}
_quantize = _CONTEXT.quantize
_scaleb = _CONTEXT.scaleb


_NUMERAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""What an amount given as text may look like: ASCII digits, a point, a sign, an exponent."""


def _to_decimal(value: object, field: str) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        # Decimal() also reads full-width and other Unicode digits and strips
        # white space; an amount is taken as written, in ASCII, or not at all.
        if not _NUMERAL.fullmatch(value):
            raise InvalidAmount(
                field, value, "write it with ASCII digits and a point, like '19.90', and no spaces"
            )
        number = Decimal(value)
    elif isinstance(value, bool | float):
        raise InvalidAmount(
            field, value, "use a Decimal, an int or a numeric string, never a float or a bool"
        )
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        raise InvalidAmount(field, value, "use a Decimal, an int or a numeric string")
    if not number.is_finite():
        raise InvalidAmount(field, value, "must be a finite number")
    return number


@attrs.define(frozen=True, slots=True, init=False, repr=False, order=False)
class Money:
    """An exact amount of money in one currency.

    The amount is a :class:`~decimal.Decimal` quantised to the currency's ISO 4217
    minor unit: ``Money("19.9", "EUR").amount == Decimal("19.90")``. An amount with
    more decimals than the currency has is refused rather than rounded behind the
    caller's back; use :meth:`Money.rounded` to round on purpose.

    Amounts in different currencies never mix: adding or comparing them raises
    :class:`~orderkit.errors.CurrencyMismatch`. Equality across currencies is
    simply ``False``.

    Args:
        amount: A ``Decimal``, ``int`` or numeric string. ``float`` is refused.
        currency: An active ISO 4217 code such as ``"EUR"`` or ``"JPY"``.

    Raises:
        InvalidAmount: The amount is a float, not a number, not finite, too large,
            or has more decimals than the currency allows.
        UnknownCurrency: The currency is not an active ISO 4217 code.

    Examples:
        >>> Money("19.90", "EUR") * 3
        Money('59.70', 'EUR')
        >>> [str(part) for part in Money("10.00", "EUR").allocate([1, 1, 1])]
        ['3.34 EUR', '3.33 EUR', '3.33 EUR']
    """

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        known = CURRENCY_EXPONENTS.get(currency) if isinstance(currency, str) else None
        exponent = known if known is not None else CURRENCY_EXPONENTS[validate_currency(currency)]
        number = _to_decimal(amount, "amount")
        try:
            quantised = _quantize(number, _QUANTA[exponent])
        except decimal.InvalidOperation:
            raise InvalidAmount("amount", amount, "is too large") from None
        if quantised != number:
            raise InvalidAmount(
                "amount",
                amount,
                f"{currency} has {exponent} decimal places; round explicitly with Money.rounded()",
            )
        if not -_MAX_ABS < quantised < _MAX_ABS:
            raise InvalidAmount("amount", amount, "must be below 10**18 in absolute value")
        _set_amount(self, quantised)
        _set_currency(self, currency)

    @classmethod
    def _exact(cls, amount: Decimal, currency: str) -> Money:
        # Internal fast path for results that are already quantised and validated.
        money = _new(cls)
        _set_amount(money, amount)
        _set_currency(money, currency)
        return money

    @classmethod
    def rounded(
        cls, amount: Decimal | int | str, currency: str, rounding: str = ROUND_HALF_UP
    ) -> Money:
        """Build Money from an amount with any number of decimals, rounding it.

        Args:
            amount: A ``Decimal``, ``int`` or numeric string.
            currency: An active ISO 4217 code.
            rounding: A :mod:`decimal` rounding mode; half-up by default.

        Examples:
            >>> Money.rounded("19.995", "EUR")
            Money('20.00', 'EUR')
        """
        validate_currency(currency)
        number = _to_decimal(amount, "amount")
        exponent = CURRENCY_EXPONENTS[currency]
        quantised = number.quantize(_QUANTA[exponent], rounding=rounding, context=_CONTEXT)
        _check_range(quantised, amount)
        return cls._exact(quantised, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return zero in ``currency``."""
        return cls(0, currency)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        """Build Money from an integer count of minor units (cents for EUR).

        Examples:
            >>> Money.from_minor(1990, "EUR")
            Money('19.90', 'EUR')
        """
        if isinstance(units, bool) or not isinstance(units, int):
            raise InvalidAmount("units", units, "minor units must be an int")
        known = CURRENCY_EXPONENTS.get(currency) if isinstance(currency, str) else None
        exponent = known if known is not None else CURRENCY_EXPONENTS[validate_currency(currency)]
        # Whole minor units scaled down are quantised already: no need to check.
        amount = Decimal(units).scaleb(-exponent, context=_CONTEXT)
        if not -_MAX_ABS < amount < _MAX_ABS:
            raise InvalidAmount("units", units, "must be below 10**18 in absolute value")
        return cls._exact(amount, currency)

    @classmethod
    def sum(cls, amounts: Iterable[Money], currency: str) -> Money:
        """Add up ``amounts``, all in ``currency``; an empty iterable gives zero.

        Raises:
            CurrencyMismatch: One of the amounts is in another currency.
        """
        validate_currency(currency)
        total = Decimal(0)
        for money in amounts:
            if not isinstance(money, Money):
                raise InvalidAmount("amounts", money, "every item must be Money")
            if money.currency != currency:
                raise CurrencyMismatch("addition", currency, money.currency)
            total += money.amount
        return cls(total, currency)

    @property
    def minor_units(self) -> int:
        """The amount as a whole number of minor units (1990 for 19.90 EUR)."""
        return int(_scaleb(self.amount, CURRENCY_EXPONENTS[self.currency]))

    @property
    def exponent(self) -> int:
        """How many decimal places the currency has in ISO 4217."""
        return CURRENCY_EXPONENTS[self.currency]

    def _same_currency(self, other: Money, operation: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(operation, self.currency, other.currency)

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "addition")
        result = self.amount + other.amount
        _check_range(result, result)
        return Money._exact(result, self.currency)

    def __radd__(self, other: object) -> Money:
        # Lets the builtin sum() start from 0; any other left operand is refused.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "subtraction")
        result = self.amount - other.amount
        _check_range(result, result)
        return Money._exact(result, self.currency)

    def __neg__(self) -> Money:
        return Money._exact(-self.amount, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money._exact(abs(self.amount), self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, Money):
            raise ValidationError("factor", factor, "money cannot be multiplied by money")
        if not isinstance(factor, int | Decimal):
            return NotImplemented
        return self.multiply(factor)

    __rmul__ = __mul__

    def multiply(self, factor: Decimal | int, rounding: str = ROUND_HALF_UP) -> Money:
        """Multiply by an ``int`` or ``Decimal`` and round to the minor unit.

        Args:
            factor: The multiplier; ``float`` is refused.
            rounding: A :mod:`decimal` rounding mode; half-up by default.

        Raises:
            InvalidAmount: ``factor`` is a float, bool or not finite.
        """
        number = _to_decimal(factor, "factor")
        product = _CONTEXT.multiply(self.amount, number)
        quantum = _QUANTA[CURRENCY_EXPONENTS[self.currency]]
        if rounding == ROUND_HALF_UP:
            result = _quantize(product, quantum)  # the private context rounds half-up
        else:
            result = product.quantize(quantum, rounding=rounding, context=_CONTEXT)
        _check_range(result, product)
        return Money._exact(result, self.currency)

    def allocate(self, ratios: Sequence[Decimal | int]) -> list[Money]:
        """Split the amount in proportion to ``ratios``; the parts sum to the whole.

        Uses the largest-remainder method in minor units: each part gets the
        floor of its exact share, and the units left over go one each to the
        parts with the largest remainders. Ties go to the earlier part, so the
        result is deterministic. Negative amounts split the same way with the
        sign kept.

        Args:
            ratios: Non-negative ints or Decimals, at least one above zero.

        Raises:
            ValidationError: ``ratios`` is empty, has a negative, float or bool
                entry, or is all zeros.

        Examples:
            >>> [p.amount for p in Money("100.00", "EUR").allocate([1, 2])]
            [Decimal('33.33'), Decimal('66.67')]
        """
        weights = _validate_ratios(ratios)
        total_weight = sum(weights)
        units = self.minor_units
        sign = -1 if units < 0 else 1
        units = abs(units)
        # Exact integer arithmetic: weights are scaled to integers first.
        shares = [units * weight // total_weight for weight in weights]
        remainders = [units * weight % total_weight for weight in weights]
        leftover = units - sum(shares)
        order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
        for index in order[:leftover]:
            shares[index] += 1
        exponent = CURRENCY_EXPONENTS[self.currency]
        currency = self.currency
        return [
            Money._exact(_scaleb(Decimal(sign * share), -exponent), currency) for share in shares
        ]

    def split(self, parts: int) -> list[Money]:
        """Split into ``parts`` equal amounts that sum to the whole (earlier parts get the extra).

        Raises:
            ValidationError: ``parts`` is not a positive int.
        """
        if isinstance(parts, bool) or not isinstance(parts, int) or parts < 1:
            raise ValidationError("parts", parts, "must be a positive int")
        return self.allocate([1] * parts)

    def format(self, locale: str = "en_US") -> str:
        r"""Format for display in ``locale`` (for example ``"de_DE"``) through babel.

        Display uses CLDR's digits for the currency, which for a few currencies
        differ from ISO 4217.

        Examples:
            >>> Money("1234.5", "EUR").format("de_DE")
            '1.234,50\xa0€'
        """
        from babel.numbers import format_currency

        return str(format_currency(self.amount, self.currency, locale=locale))

    def _compare(self, other: object, operation: str) -> Decimal:
        if not isinstance(other, Money):
            raise TypeError(f"cannot compare Money with {type(other).__name__}")
        self._same_currency(other, operation)
        return other.amount

    def __lt__(self, other: object) -> bool:
        return self.amount < self._compare(other, "comparison")

    def __le__(self, other: object) -> bool:
        return self.amount <= self._compare(other, "comparison")

    def __gt__(self, other: object) -> bool:
        return self.amount > self._compare(other, "comparison")

    def __ge__(self, other: object) -> bool:
        return self.amount >= self._compare(other, "comparison")

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency!r})"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def _check_range(amount: Decimal, given: object) -> None:
    if abs(amount) >= _MAX_ABS:
        raise InvalidAmount("amount", given, "must be below 10**18 in absolute value")


def _validate_ratios(ratios: Sequence[Decimal | int]) -> list[int]:
    if not isinstance(ratios, Sequence) or isinstance(ratios, str) or not ratios:
        raise ValidationError("ratios", ratios, "give a non-empty list of ints or Decimals")
    whole = [value for value in ratios if type(value) is int and value >= 0]
    if len(whole) == len(ratios) and sum(whole) > 0:
        return whole  # the common case: whole-number weights need no scaling
    numbers = [_ratio(value) for value in ratios]
    if sum(numbers) <= 0:
        raise ValidationError("ratios", list(ratios), "at least one ratio must be above zero")
    # Scale Decimal ratios to integers so the split is exact.
    scale = max(max(-int(n.as_tuple().exponent), 0) for n in numbers)
    return [int(n.scaleb(scale, context=_CONTEXT)) for n in numbers]


def _ratio(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValidationError("ratios", value, "each ratio must be an int or a Decimal")
    number = Decimal(value)
    if not number.is_finite() or number < 0:
        raise ValidationError("ratios", value, "each ratio must be a finite number >= 0")
    return number


_new = object.__new__
_set_amount = Money.__dict__["amount"].__set__
_set_currency = Money.__dict__["currency"].__set__
