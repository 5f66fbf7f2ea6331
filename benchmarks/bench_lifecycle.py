"""The workflow engine against `transitions`, `python-statemachine` and a hand-written loop.

Every contender runs the same 9-state order cycle (placed → confirmed →
awaiting_payment → ready_to_fulfil → picking → packed → shipped → delivered →
completed, then ``reopen`` back to placed so the cycle repeats) with the same
work per transition: one guard called, one hook called, one history record
(from, to, command, actor, reason, time) appended. ``reopen`` clears the
history, so it stays as long as one order's.

The hand-written loop is the limit: a dict lookup, the guard, the hook and a
tuple appended to a list. Ratios are orderkit's transitions per second over
each contender's (above 1: orderkit is faster).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from _timing import compare

from orderkit.lifecycle.workflow import HistoryEntry, Transition, Workflow

STATES = (
    "placed",
    "confirmed",
    "awaiting_payment",
    "ready_to_fulfil",
    "picking",
    "packed",
    "shipped",
    "delivered",
    "completed",
)
COMMANDS = (
    "confirm",
    "await_payment",
    "mark_paid",
    "start_picking",
    "pack",
    "ship",
    "deliver",
    "complete",
    "reopen",
)
EDGES = [(STATES[i], STATES[(i + 1) % len(STATES)], COMMANDS[i]) for i in range(len(STATES))]
CYCLES = 2_000
TRANSITIONS = CYCLES * len(COMMANDS)
AT = datetime(2026, 1, 1, tzinfo=UTC)
ACTOR = "bench"


class Subject:
    """What orderkit's engine moves: an id, a state, a history."""

    __slots__ = ("history", "hooks", "id", "state")

    def __init__(self) -> None:
        self.id = "O1"
        self.state = "placed"
        self.history: list[HistoryEntry] = []
        self.hooks = 0


def guard(subject: Any, entry: Any) -> str | None:
    """The same trivial guard for every contender."""
    return None


def hook(subject: Any, entry: Any) -> None:
    """The same trivial hook for every contender."""
    subject.hooks += 1


def clear_history(subject: Subject, entry: HistoryEntry) -> None:
    subject.history.clear()


def orderkit_cycle() -> Callable[[], None]:
    workflow: Workflow[Subject] = Workflow(
        states=STATES,
        initial="placed",
        transitions=[
            Transition(
                command,
                [source],
                target,
                guards=[guard],
                after=[hook] if command != "reopen" else [hook, clear_history],
            )
            for source, target, command in EDGES
        ],
    )
    subject = Subject()
    fire = workflow.fire

    def run() -> None:
        for _ in range(CYCLES):
            for command in COMMANDS:
                fire(subject, command, AT, ACTOR)

    return run


def hand_written_cycle() -> Callable[[], None]:
    table = {(source, command): target for source, target, command in EDGES}
    subject = Subject()
    history: list[tuple[str, str, str, str, str | None, datetime]] = []

    def run() -> None:
        state = subject.state
        for _ in range(CYCLES):
            for command in COMMANDS:
                target = table[(state, command)]
                if guard(subject, None) is not None:
                    raise RuntimeError("refused")
                history.append((state, target, command, ACTOR, None, AT))
                state = target
                hook(subject, None)
            history.clear()
        subject.state = state

    return run


def transitions_cycle() -> Callable[[], None]:
    from transitions import Machine

    class Model:
        def __init__(self) -> None:
            self.history: list[tuple[str, str, str, str, str | None, datetime]] = []
            self.hooks = 0

        def allowed(self, event: Any) -> bool:
            return guard(self, event) is None

        def hook(self, event: Any) -> None:
            hook(self, event)

        def record(self, event: Any) -> None:
            transition = event.transition
            self.history.append(
                (transition.source, transition.dest, event.event.name, ACTOR, None, AT)
            )
            if event.event.name == "reopen":
                self.history.clear()

    model = Model()
    Machine(
        model=model,
        states=list(STATES),
        transitions=[
            {
                "trigger": command,
                "source": source,
                "dest": target,
                "conditions": "allowed",
                "after": "hook",
            }
            for source, target, command in EDGES
        ],
        initial="placed",
        auto_transitions=False,
        send_event=True,
        after_state_change="record",
    )
    triggers = [getattr(model, command) for command in COMMANDS]

    def run() -> None:
        for _ in range(CYCLES):
            for trigger in triggers:
                trigger()

    return run


def statemachine_cycle() -> Callable[[], None]:
    from statemachine import State, StateMachine

    states = {name: State(initial=name == "placed") for name in STATES}
    members: dict[str, Any] = dict(states)
    for source, target, command in EDGES:
        members[command] = states[source].to(states[target], cond="allowed", after="hook")

    def allowed(self: Any) -> bool:
        return guard(self, None) is None

    def hook_method(self: Any) -> None:
        hook(self, None)

    def after_transition(self: Any, event: str, source: Any, target: Any) -> None:
        self.history.append((source.id, target.id, event, ACTOR, None, AT))
        if event == "reopen":
            self.history.clear()

    members.update(allowed=allowed, hook=hook_method, after_transition=after_transition)
    cycle = type("Cycle", (StateMachine,), members)
    machine: Any = cycle()
    machine.history = []
    machine.hooks = 0
    send = machine.send

    def run() -> None:
        for _ in range(CYCLES):
            for command in COMMANDS:
                send(command)

    return run


def run() -> Iterator[dict[str, Any]]:
    """Transitions per second of each contender, side by side, with ratios."""
    ours = orderkit_cycle()
    loop = compare("lifecycle.vs_hand_written_loop", ours, hand_written_cycle(), TRANSITIONS)
    yield loop
    yield compare("lifecycle.vs_transitions", ours, transitions_cycle(), TRANSITIONS, rounds=3)
    yield compare(
        "lifecycle.vs_python_statemachine", ours, statemachine_cycle(), TRANSITIONS, rounds=3
    )
    yield {
        "name": "lifecycle.hand_written_loop_limit",
        "value": round(loop["ratio"], 3),
        "unit": "ratio (target >= 0.333: within 3x of the loop)",
    }
