"""Creditor references and bank statement CSVs."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

import orderkit as ok
from orderkit.errors import ValidationError
from orderkit.payments import (
    StatementFormat,
    creditor_reference,
    is_creditor_reference,
    read_statement,
)
from orderkit.payments.creditor_reference import find_creditor_references


@given(st.text(min_size=1, max_size=40))
def test_every_reference_is_valid_and_stable(seed: str) -> None:
    reference = creditor_reference(seed)
    assert is_creditor_reference(reference)
    assert creditor_reference(seed) == reference
    assert reference in find_creditor_references(f"order {reference[:6]} {reference[6:]}thanks")


@given(st.text(min_size=1, max_size=40), st.integers(2, 23), st.sampled_from("0123456789"))
def test_a_mistyped_digit_is_caught(seed: str, position: int, char: str) -> None:
    reference = creditor_reference(seed)
    typo = reference[:position] + char + reference[position + 1 :]
    assert is_creditor_reference(typo) == (typo == reference)


@given(st.text(min_size=1, max_size=40), st.integers(4, 22))
def test_two_swapped_characters_are_caught(seed: str, position: int) -> None:
    reference = creditor_reference(seed)
    swapped = (
        reference[:position]
        + reference[position + 1]
        + reference[position]
        + reference[position + 2 :]
    )
    assert is_creditor_reference(swapped) == (swapped == reference)


def test_the_iso_example_and_malformed_references() -> None:
    assert is_creditor_reference("rf18 5390 0754 7034")
    for text in (
        "",
        "RF18",
        "RF1853900754703",
        "XX18539007547034",
        "RF18 5390 0754 7034 0000 0000 00",
    ):
        assert not is_creditor_reference(text)


def test_a_statement_in_the_default_layout() -> None:
    text = (
        "date,amount,currency,reference\n"
        "2026-03-03,40.00,EUR,RF18 5390 0754 7034\n"
        '2026-03-03,"1,250.50",EUR,invoice 7\n'
        "2026-03-04,-12.00,EUR,bank fee\n"
    )
    lines = read_statement(text)
    assert [(line.row, line.booked_on, line.amount, line.text) for line in lines] == [
        (2, date(2026, 3, 3), ok.Money("40.00", "EUR"), "RF18 5390 0754 7034"),
        (3, date(2026, 3, 3), ok.Money("1250.50", "EUR"), "invoice 7"),
        (4, date(2026, 3, 4), ok.Money("-12.00", "EUR"), "bank fee"),
    ]


def test_identical_lines_get_distinct_stable_ids() -> None:
    text = "date,amount,currency,reference\n" + "2026-03-03,10.00,EUR,coffee\n" * 2
    first, second = read_statement(text)
    assert first.line_id != second.line_id
    assert [line.line_id for line in read_statement(text)] == [first.line_id, second.line_id]


def test_a_european_layout_with_a_transaction_id() -> None:
    layout = StatementFormat(
        booked_on="Buchungstag",
        amount="Betrag",
        text="Verwendungszweck",
        currency=None,
        default_currency="EUR",
        transaction_id="Id",
        date_format="%d.%m.%Y",
        decimal_comma=True,
        delimiter=";",
    )
    text = "Id;Buchungstag;Betrag;Verwendungszweck\nT-1;03.03.2026;1.234,56;RF18 5390 0754 7034\n"
    (line,) = read_statement(text, layout)
    assert (line.line_id, line.booked_on, line.amount) == (
        "id:T-1",
        date(2026, 3, 3),
        ok.Money("1234.56", "EUR"),
    )


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("date,amount,currency,reference\n2026-13-01,1.00,EUR,x\n", "row 2, date"),
        (
            "date,amount,currency,reference\n2026-03-01,1.00,EUR,x\n2026-03-01,abc,EUR,x\n",
            "row 3, amount",
        ),
        ("date,amount,currency,reference\n2026-03-01,1.00,EURO,x\n", "row 2, amount"),
        ("date,amount,reference\n2026-03-01,1.00,x\n", "statement"),
    ],
)
def test_a_malformed_statement_names_the_row_and_column(text: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        read_statement(text)
    assert refused.value.field == field


def test_a_layout_needs_a_currency() -> None:
    with pytest.raises(ValidationError):
        StatementFormat(currency=None)
