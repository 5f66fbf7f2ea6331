"""The workflow engine: definition checks, firing, guards, hooks, history, export."""

from __future__ import annotations

import attrs
import pytest

from orderkit.errors import (
    InvalidTransition,
    InvalidWorkflow,
    PermissionDenied,
    TransitionRefused,
    ValidationError,
)
from orderkit.lifecycle.order_workflow import OrderState, default_order_workflow
from orderkit.lifecycle.workflow import RETURN, HistoryEntry, Transition, Workflow
from tests.builders import NEW_YEAR as T0


@attrs.define
class Door:
    id: str = "D1"
    state: str = "closed"
    history: list[HistoryEntry] = attrs.field(factory=list)
    locked: bool = False


def unlocked(door: Door, entry: HistoryEntry) -> str | None:
    return "the door is locked" if door.locked else None


def door_workflow(**changes: object) -> Workflow[Door]:
    definition: dict[str, object] = {
        "states": ["closed", "open", "held", "gone"],
        "initial": "closed",
        "terminal": ["gone"],
        "transitions": [
            Transition("open", ["closed"], "open", guards=[unlocked], permission="door.use"),
            Transition("close", ["open"], "closed", permission="door.use"),
            Transition("hold", ["closed", "open"], "held"),
            Transition("release", ["held"], RETURN),
            Transition("remove", ["closed", "open", "held"], "gone"),
        ],
    }
    definition.update(changes)
    return Workflow(**definition)  # type: ignore[arg-type]


def test_fire_moves_the_state_and_records_history() -> None:
    workflow, door = door_workflow(), Door()
    entry = workflow.fire(door, "open", at=T0, actor="ana", reason="air")
    assert door.state == "open"
    assert door.history == [entry]
    assert entry == HistoryEntry("closed", "open", "open", "ana", "air", T0)


def test_a_command_not_allowed_now_names_what_is_allowed_and_changes_nothing() -> None:
    workflow, door = door_workflow(), Door()
    with pytest.raises(InvalidTransition) as raised:
        workflow.fire(door, "close", at=T0)
    error = raised.value
    assert (error.order_id, error.state, error.command) == ("D1", "closed", "close")
    assert error.allowed == ("open", "hold", "remove")
    assert door == Door()


def test_a_guard_refusal_gives_its_reason_and_changes_nothing() -> None:
    workflow, door = door_workflow(), Door(locked=True)
    with pytest.raises(TransitionRefused) as raised:
        workflow.fire(door, "open", at=T0)
    assert raised.value.reasons == ("the door is locked",)
    assert door == Door(locked=True)
    assert workflow.refusals(door, "open", at=T0) == ["the door is locked"]
    assert workflow.available(door, at=T0) == ("hold", "remove")


def test_permissions_are_checked_when_an_authorizer_is_given() -> None:
    workflow, door = door_workflow(), Door()

    def only_ana(actor: str, permission: str) -> bool:
        return actor == "ana"

    with pytest.raises(PermissionDenied) as raised:
        workflow.fire(door, "open", at=T0, actor="bob", authorize=only_ana)
    assert (raised.value.actor, raised.value.permission) == ("bob", "door.use")
    assert door.state == "closed"
    workflow.fire(door, "open", at=T0, actor="ana", authorize=only_ana)
    assert door.state == "open"


def test_hooks_run_before_and_after_in_order() -> None:
    seen: list[str] = []
    workflow = door_workflow().replace(
        "close",
        before=[lambda door, entry: seen.append(f"before {door.state}->{entry.to_state}")],
        after=[lambda door, entry: seen.append(f"after {door.state}, {len(door.history)}")],
    )
    door = Door(state="open")
    workflow.fire(door, "close", at=T0)
    assert seen == ["before open->closed", "after closed, 1"]


def test_a_failing_before_hook_stops_the_transition() -> None:
    def jammed(door: Door, entry: HistoryEntry) -> None:
        raise ValidationError("door", door.id, "jammed")

    workflow, door = door_workflow().replace("remove", before=[jammed]), Door()
    with pytest.raises(ValidationError):
        workflow.fire(door, "remove", at=T0)
    assert door == Door()


def test_release_returns_to_where_the_hold_began() -> None:
    workflow = door_workflow()
    for start in ("closed", "open"):
        door = Door(state=start)
        workflow.fire(door, "hold", at=T0)
        workflow.fire(door, "release", at=T0)
        assert door.state == start
        assert workflow.replay(door.history) == start if start == "closed" else True


def test_replay_reproduces_the_state_and_rejects_a_forged_history() -> None:
    workflow, door = door_workflow(), Door()
    for command in ("open", "hold", "release", "close", "remove"):
        workflow.fire(door, command, at=T0)
    assert workflow.replay(door.history) == door.state == "gone"
    forged = list(door.history)
    forged[2] = forged[2]._replace(to_state="closed")  # release must return to "open"
    with pytest.raises(ValidationError) as raised:
        workflow.replay(forged)
    assert raised.value.field == "history[2]"
    with pytest.raises(ValidationError):
        workflow.replay(door.history[1:])  # does not start in the initial state


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"initial": "ajar"}, "the initial state 'ajar' is not a state"),
        ({"terminal": ["closed"]}, "the initial state 'closed' cannot be terminal"),
        ({"terminal": ["nowhere"]}, "terminal state 'nowhere' is not a state"),
        (
            {"states": ["closed", "open", "held", "gone", "attic"]},
            "state 'attic' cannot be reached",
        ),
        ({"terminal": []}, "state 'gone' is not terminal but has no way out"),
        ({"states": ["closed", "open", "held", "gone", "gone"]}, "state 'gone' is listed twice"),
        ({"transitions": []}, "there are no transitions"),
    ],
)
def test_bad_definitions_are_refused_with_what_is_wrong(
    changes: dict[str, object], problem: str
) -> None:
    with pytest.raises(InvalidWorkflow) as raised:
        door_workflow(**changes)
    assert any(p.startswith(problem) for p in raised.value.problems), raised.value.problems


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidWorkflow) as raised:
        Workflow(
            states=["a", "b", "end"],
            initial="a",
            terminal=["end"],
            transitions=[
                Transition("go", ["a"], "b"),
                Transition("go", ["a"], "end"),
                Transition("back", ["end"], "a"),
                Transition("typo", ["b"], "ennd"),
            ],
        )
    assert raised.value.problems == (
        "go is defined twice for state 'a'",
        "back leaves terminal state 'end'",
        "typo leads to 'ennd', which is not a state",
    )


def test_a_trap_that_can_never_end_is_refused() -> None:
    with pytest.raises(InvalidWorkflow) as raised:
        Workflow(
            states=["a", "b", "c", "end"],
            initial="a",
            terminal=["end"],
            transitions=[
                Transition("finish", ["a"], "end"),
                Transition("loop", ["a"], "b"),
                Transition("spin", ["b"], "c"),
                Transition("spin", ["c"], "b"),
            ],
        )
    assert "state 'b' can never reach a terminal state" in raised.value.problems


def test_extend_adds_states_and_is_validated_the_same_way() -> None:
    workflow = default_order_workflow()
    pickup = workflow.extend(
        states=["ready_for_pickup", "picked_up"],
        terminal=["picked_up"],
        transitions=[
            Transition("offer_pickup", [OrderState.PACKED], "ready_for_pickup"),
            Transition("hand_over", ["ready_for_pickup"], "picked_up"),
        ],
    )
    assert "offer_pickup" in pickup.allowed("packed")
    assert pickup.allowed("ready_for_pickup") == ("hand_over",)
    with pytest.raises(InvalidWorkflow) as raised:
        workflow.extend(
            states=["quality_check"],
            transitions=[Transition("check", ["picking"], "quality_check")],
        )
    assert raised.value.problems == (
        "state 'quality_check' is not terminal but has no way out",
        "state 'quality_check' can never reach a terminal state",
    )
    assert "check" not in workflow.commands  # the original is untouched


def test_replace_swaps_guards_and_without_drops_commands() -> None:
    workflow = door_workflow().replace("open", guards=[])
    door = Door(locked=True)
    workflow.fire(door, "open", at=T0)
    assert door.state == "open"
    smaller = door_workflow().without("hold", "release")
    assert "held" not in smaller.states
    with pytest.raises(ValidationError):
        door_workflow().replace("fly", guards=[])
    with pytest.raises(ValidationError) as raised:
        door_workflow().replace("open", gaurds=[])
    assert raised.value.field == "changes"


def test_mermaid_and_dot_export() -> None:
    workflow = door_workflow()
    mermaid = workflow.to_mermaid()
    assert mermaid.startswith("stateDiagram-v2\n    [*] --> closed\n")
    assert "    held --> open : release\n" in mermaid  # RETURN drawn back to each origin
    assert "    gone --> [*]\n" in mermaid
    dot = workflow.to_dot()
    assert dot.startswith("digraph workflow {")
    assert '"gone" [peripheries=2];' in dot
    assert '"held" -> "closed" [label="release", style=dashed];' in dot
    assert dot.rstrip().endswith("}")
    assert workflow._repr_markdown_() == f"```mermaid\n{mermaid}```\n"  # notebooks


def test_the_default_workflow_is_valid_and_complete() -> None:
    workflow = default_order_workflow()
    assert set(workflow.states) == {state.value for state in OrderState}
    assert workflow.terminal == {"completed", "cancelled", "expired", "refunded"}
    assert workflow.allowed("shipped") == ("deliver",)
    assert workflow.allowed("completed") == ()
    assert "cancel" not in workflow.allowed("partially_shipped")


def test_several_guards_stop_at_the_first_refusal_and_hooks_run_in_order() -> None:
    seen: list[str] = []

    def note(label: str, refusal: str | None = None):  # type: ignore[no-untyped-def]
        def callback(door: Door, entry: HistoryEntry) -> str | None:
            seen.append(label)
            return refusal

        return callback

    workflow = door_workflow().replace(
        "close",
        guards=[note("g1"), note("g2", "jammed"), note("g3")],
        before=[note("b1"), note("b2")],
        after=[note("a1"), note("a2")],
    )
    door = Door(state="open")
    with pytest.raises(TransitionRefused) as raised:
        workflow.fire(door, "close", T0)
    assert (raised.value.reasons, seen, door.state) == (("jammed",), ["g1", "g2"], "open")
    seen.clear()
    workflow.replace("close", guards=[note("g1"), note("g3")]).fire(door, "close", T0)
    assert seen == ["g1", "g3", "b1", "b2", "a1", "a2"]
