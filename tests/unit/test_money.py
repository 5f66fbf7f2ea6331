from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderkit.core.currencies import CURRENCY_EXPONENTS, currency_exponent
from orderkit.core.money import Money
from orderkit.errors import CurrencyMismatch, InvalidAmount, UnknownCurrency, ValidationError
from tests import strategies as s


def test_amount_is_quantised_to_the_iso_minor_unit() -> None:
    assert Money("19.9", "EUR").amount == Decimal("19.90")
    assert str(Money(5, "JPY").amount) == "5"
    assert str(Money("1.5", "KWD").amount) == "1.500"
    assert str(Money(Decimal("2"), "CLF").amount) == "2.0000"


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [
        ("JPY", 0),
        ("KRW", 0),
        ("EUR", 2),
        ("USD", 2),
        ("KWD", 3),
        ("BHD", 3),
        ("JOD", 3),
        ("OMR", 3),
        ("TND", 3),
        ("IQD", 3),
        ("CLF", 4),
    ],
)
def test_iso_exponents_are_the_projects_own_data(currency: str, exponent: int) -> None:
    assert currency_exponent(currency) == exponent


def test_iso_exponents_differ_from_cldr_display_digits_where_expected() -> None:
    from babel.numbers import get_currency_precision

    # CLDR shows IQD without decimals; ISO 4217 gives it three. We keep ISO.
    assert get_currency_precision("IQD") == 0
    assert Money("1.234", "IQD").amount == Decimal("1.234")


def test_every_code_is_three_upper_case_letters() -> None:
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in CURRENCY_EXPONENTS)
    assert len(CURRENCY_EXPONENTS) > 150


@pytest.mark.parametrize("bad", [19.9, 1.0, True, None, [1], "abc", "NaN", "Infinity"])
def test_non_exact_amounts_are_refused_with_the_field_named(bad: object) -> None:
    with pytest.raises(InvalidAmount) as error:
        Money(bad, "EUR")  # type: ignore[arg-type]
    assert error.value.field == "amount"
    assert error.value.value == bad


def test_too_many_decimals_are_refused_not_rounded() -> None:
    with pytest.raises(InvalidAmount, match=r"Money\.rounded"):
        Money("19.999", "EUR")
    with pytest.raises(InvalidAmount):
        Money("1.5", "JPY")
    assert Money.rounded("19.995", "EUR") == Money("20.00", "EUR")
    assert Money.rounded("0.125", "EUR", ROUND_HALF_EVEN) == Money("0.12", "EUR")


def test_absurd_amounts_are_refused() -> None:
    with pytest.raises(InvalidAmount):
        Money(10**18, "EUR")


@pytest.mark.parametrize("bad", ["eur", "EURO", "XXX", "XAU", "", 978, None])
def test_unknown_currencies_are_refused(bad: object) -> None:
    with pytest.raises(UnknownCurrency) as error:
        Money(1, bad)  # type: ignore[arg-type]
    assert error.value.field == "currency"


def test_lower_case_currency_hints_at_the_right_code() -> None:
    with pytest.raises(UnknownCurrency, match="did you mean 'EUR'"):
        Money(1, "eur")


def test_arithmetic() -> None:
    a, b = Money("10.50", "EUR"), Money("0.75", "EUR")
    assert a + b == Money("11.25", "EUR")
    assert a - b == Money("9.75", "EUR")
    assert -a == Money("-10.50", "EUR")
    assert abs(Money("-1", "EUR")) == Money("1", "EUR")
    assert a * 3 == Money("31.50", "EUR")
    assert 3 * a == Money("31.50", "EUR")
    assert a * Decimal("0.19") == Money("2.00", "EUR")  # 1.995 rounds half up
    assert sum([a, b]) == Money("11.25", "EUR")
    assert Money.sum([], "EUR") == Money.zero("EUR")
    assert not Money.zero("EUR")
    assert Money.from_minor(1990, "EUR").minor_units == 1990


def test_mixing_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch) as error:
        Money(1, "EUR") + Money(1, "USD")
    assert (error.value.left, error.value.right) == ("EUR", "USD")
    with pytest.raises(CurrencyMismatch):
        _ = Money(1, "EUR") < Money(1, "USD")
    assert Money(1, "EUR") != Money(1, "USD")


def test_floats_and_money_factors_are_refused_in_multiplication() -> None:
    with pytest.raises(InvalidAmount):
        Money(1, "EUR").multiply(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _ = Money(1, "EUR") * 1.5  # type: ignore[operator]
    with pytest.raises(ValidationError):
        _ = Money(1, "EUR") * Money(1, "EUR")


def test_comparison_and_hashing() -> None:
    assert Money("1.00", "EUR") < Money("1.01", "EUR") <= Money("1.01", "EUR")
    assert Money("2", "EUR") > Money("1", "EUR") >= Money("1", "EUR")
    assert len({Money("1", "EUR"), Money("1.00", "EUR")}) == 1
    with pytest.raises(TypeError):
        _ = Money(1, "EUR") < 1


def test_allocation_examples() -> None:
    assert [str(p) for p in Money("10.00", "EUR").allocate([1, 1, 1])] == [
        "3.34 EUR",
        "3.33 EUR",
        "3.33 EUR",
    ]
    assert [str(p) for p in Money("100.00", "EUR").allocate([1, 2])] == ["33.33 EUR", "66.67 EUR"]
    assert [str(p) for p in Money("-0.05", "EUR").split(2)] == ["-0.03 EUR", "-0.02 EUR"]
    assert [str(p) for p in Money(7, "JPY").allocate([Decimal("0.5"), Decimal("0.25"), 0])] == [
        "5 JPY",
        "2 JPY",
        "0 JPY",
    ]


@pytest.mark.parametrize("bad", [[], [0, 0], [-1, 2], [1.5], [True], "12"])
def test_bad_ratios_are_refused(bad: object) -> None:
    with pytest.raises(ValidationError) as error:
        Money(10, "EUR").allocate(bad)  # type: ignore[arg-type]
    assert error.value.field == "ratios"


@given(s.money(), s.ratios)
def test_allocation_parts_always_sum_to_the_whole(amount: Money, ratios: list) -> None:
    parts = amount.allocate(ratios)
    assert len(parts) == len(ratios)
    assert Money.sum(parts, amount.currency) == amount
    assert all(p.currency == amount.currency for p in parts)


@given(s.money(), s.ratios)
def test_allocation_is_within_one_minor_unit_of_the_exact_share(
    amount: Money, ratios: list
) -> None:
    total = sum(Decimal(r) for r in ratios)
    for part, ratio in zip(amount.allocate(ratios), ratios, strict=True):
        exact = Decimal(amount.minor_units) * Decimal(ratio) / total
        assert abs(Decimal(part.minor_units) - exact) < 1
        # Parts never take a sign other than the whole's.
        assert part.amount * amount.amount >= 0


@given(s.money(), st.integers(min_value=1, max_value=50))
def test_split_parts_differ_by_at_most_one_minor_unit(amount: Money, parts: int) -> None:
    units = [p.minor_units for p in amount.split(parts)]
    assert max(units) - min(units) <= 1
    assert sum(units) == amount.minor_units


@given(s.money(), s.money())
def test_addition_is_exact_in_minor_units(a: Money, b: Money) -> None:
    if a.currency == b.currency:
        assert (a + b).minor_units == a.minor_units + b.minor_units
    else:
        with pytest.raises(CurrencyMismatch):
            a + b


def test_formatting_is_locale_aware() -> None:
    assert Money("1234.5", "EUR").format("de_DE") == "1.234,50\xa0€"
    assert Money("1234.5", "USD").format("en_US") == "$1,234.50"
    assert Money(1234, "JPY").format("ja_JP") == "￥1,234"


def test_repr_and_str() -> None:
    assert repr(Money("19.9", "EUR")) == "Money('19.90', 'EUR')"
    assert str(Money("19.9", "EUR")) == "19.90 EUR"


def test_money_is_immutable() -> None:
    money = Money(1, "EUR")
    with pytest.raises(AttributeError):
        money.amount = Decimal(2)  # type: ignore[misc]
