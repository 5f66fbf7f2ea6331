"""The stores' decoded cache hands out copies that share nothing that can change."""

from hypothesis import given

from orderkit.adapters._decoded import DecodedCache, DecodedView, detached
from orderkit.catalog.products import Product
from orderkit.lifecycle.order import Order
from orderkit.lifecycle.workflow import HistoryEntry
from tests import strategies as s
from tests.builders import NEW_YEAR as T0


@given(s.orders())
def test_a_copy_equals_the_order_and_changing_it_changes_nothing_else(order: Order) -> None:
    order.history.append(HistoryEntry("placed", "confirmed", "confirm", "ana", None, T0))
    order.attributes["seen"] = "yes"
    history, attributes, state = list(order.history), dict(order.attributes), order.state
    copy = detached(order)
    assert copy == order
    assert copy is not order
    assert copy.lines is order.lines  # frozen: shared
    copy.history.clear()
    copy.attributes.clear()
    copy.state = "changed"
    assert (order.history, order.attributes, order.state) == (history, attributes, state)


@given(s.products())
def test_a_value_made_of_unchangeable_parts_is_shared(product: Product) -> None:
    assert detached(product) is product


def test_a_view_stages_copies_and_publishes_them_only_when_told() -> None:
    cache = DecodedCache(2)
    view = DecodedView(cache)
    value = {"a": [1]}
    view.stage("t", "k", 1, value)
    value["a"].append(2)  # the staged copy does not follow
    assert view.get("t", "k", 1) == {"a": [1]}
    assert view.get("t", "k", 2) is None  # another version is another content
    assert cache.get(("t", "k"), 1) is None  # not published yet
    view.discard()
    assert view.get("t", "k", 1) is None
    view.stage("t", "k", 1, value)
    view.publish()
    assert cache.get(("t", "k"), 1) == {"a": [1, 2]}
    for key in ("k2", "k3"):  # the oldest goes first past the size
        view.stage("t", key, 1, {})
        view.publish()
    assert cache.get(("t", "k"), 1) is None
    assert cache.get(("t", "k3"), 1) == {}
