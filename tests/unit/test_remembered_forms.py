"""The converter makes the stored form of an unchangeable value once, and only of those."""

from __future__ import annotations

import attrs
from hypothesis import given

from orderkit.capabilities import make_converter
from orderkit.core.addresses import Address
from orderkit.core.frozen import frozen_through
from orderkit.core.money import Money
from orderkit.core.serialization import FormMemo, remembered
from orderkit.lifecycle.events import OrderPlaced
from orderkit.lifecycle.order import Order, OrderLine
from orderkit.lifecycle.workflow import HistoryEntry
from tests import strategies as s
from tests.builders import NEW_YEAR as T0


@attrs.frozen
class _Tags:
    names: list[str]  # frozen, but the list inside can change


@attrs.define
class _Note:
    text: str


def test_only_values_frozen_all_the_way_through_are_remembered() -> None:
    assert frozen_through(Address)
    assert frozen_through(OrderLine)
    assert not frozen_through(_Tags)
    assert not frozen_through(_Note)
    assert not frozen_through(Order)
    assert not frozen_through(dict)


def test_the_same_object_gives_the_same_form_and_another_object_its_own() -> None:
    converter = make_converter()
    entry = HistoryEntry("placed", "confirmed", "confirm", "ana", None, T0)
    twin = HistoryEntry("placed", "confirmed", "confirm", "ana", None, T0)
    assert converter.unstructure(entry) is converter.unstructure(entry)
    assert converter.unstructure(twin) == converter.unstructure(entry)
    tags = _Tags(["a"])
    first = converter.unstructure(tags)
    tags.names.append("b")  # a frozen class holding a list: its form is made each time
    assert converter.unstructure(tags) == {"names": ["a", "b"]} != first


def test_events_are_not_remembered() -> None:
    converter = make_converter()
    event = OrderPlaced(
        event_id="E1",
        occurred_at=T0,
        aggregate_id="O1",
        number=1,
        customer_id="C1",
        channel="web",
        grand_total=Money("1.00", "EUR"),
    )
    assert converter.unstructure(event) is not converter.unstructure(event)


def test_the_memo_keeps_what_it_remembers_alive_and_starts_afresh_when_full() -> None:
    made: list[object] = []

    def unstructure(value: object) -> dict[str, int]:
        made.append(value)
        return {"n": len(made)}

    hook = remembered(unstructure, size=2)
    a, b, c = object(), object(), object()
    assert hook(a) is hook(a)
    hook(b)
    hook(c)  # full: starts afresh with c
    assert made == [a, b, c]
    hook(a)
    assert made == [a, b, c, a]


def test_one_memo_bounds_every_kind_it_serves() -> None:
    memo = FormMemo(size=3)
    words = memo.remember(lambda value: {"word": value.text})
    numbers = memo.remember(lambda value: {"number": value.text})
    notes = [_Note(str(n)) for n in range(4)]
    for note in notes[:3]:
        (words if int(note.text) % 2 else numbers)(note)
    assert len(memo._forms) == 3
    words(notes[3])  # the shared memo was full: it starts afresh
    assert len(memo._forms) == 1


@given(s.orders())
def test_an_order_changed_step_by_step_is_written_as_a_fresh_converter_writes_it(
    order: Order,
) -> None:
    remembering, fresh = make_converter(), make_converter()
    remembering.unstructure(order)  # its lines and history are remembered now
    order.history.append(HistoryEntry(order.state, "on_hold", "hold", "ana", "why", T0))
    order.state = "on_hold"
    if order.lines:
        first = order.lines[0]
        order.lines = (first.counted({}), *order.lines[1:])  # equal, but another object
    assert remembering.unstructure(order) == fresh.unstructure(order)
    assert remembering.structure(remembering.unstructure(order), Order) == order
