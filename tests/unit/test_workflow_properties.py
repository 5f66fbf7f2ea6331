"""Properties of the workflow engine on random definitions and random command sequences."""

from __future__ import annotations

from datetime import timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from orderkit.errors import InvalidTransition, InvalidWorkflow, TransitionRefused
from orderkit.lifecycle.workflow import RETURN, HistoryEntry, Transition, Workflow
from tests.builders import NEW_YEAR as T0

STATES = [f"s{n}" for n in range(6)]
COMMANDS = ["a", "b", "c", "d", "e"]


@attrs.define
class Thing:
    id: str = "T1"
    state: str = "s0"
    history: list[HistoryEntry] = attrs.field(factory=list)
    blocked: bool = False


def blocked(thing: Thing, entry: HistoryEntry) -> str | None:
    return "blocked" if thing.blocked else None


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, object]:
    """Random definitions: some valid, many not."""
    count = draw(st.integers(2, len(STATES)))
    states = STATES[:count]
    terminal = draw(st.sets(st.sampled_from(states[1:]), max_size=2))
    transitions = []
    for command in draw(st.lists(st.sampled_from(COMMANDS), min_size=1, max_size=8)):
        sources = draw(st.lists(st.sampled_from(states), min_size=1, max_size=2, unique=True))
        target = draw(st.sampled_from([*states, RETURN]))
        guards = [blocked] if draw(st.booleans()) else []
        transitions.append(Transition(command, sources, target, guards=guards))
    return {"states": states, "initial": "s0", "terminal": terminal, "transitions": transitions}


def expected_problems(definition: dict[str, object]) -> bool:
    """An independent check of the rules a definition must meet; True when it is valid."""
    states: list[str] = definition["states"]  # type: ignore[assignment]
    terminal: set[str] = definition["terminal"]  # type: ignore[assignment]
    transitions: list[Transition] = definition["transitions"]  # type: ignore[assignment]
    pairs = [(s, t.command) for t in transitions for s in t.sources]
    if len(pairs) != len(set(pairs)):
        return False
    if any(s in terminal for t in transitions for s in t.sources):
        return False
    entering: dict[str, set[str]] = {}
    for t in transitions:
        if t.target != RETURN:
            entering.setdefault(t.target, set()).update(t.sources)
    edges: dict[str, set[str]] = {}
    for t in transitions:
        for source in t.sources:
            targets = entering.get(source, set()) if t.target == RETURN else {t.target}
            edges.setdefault(source, set()).update(targets)
    if any(s not in terminal and not edges.get(s) for s in states):
        return False
    seen, todo = {"s0"}, ["s0"]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    if seen != set(states):
        return False
    if terminal:
        for state in states:
            reach, todo = {state}, [state]
            while todo:
                for nxt in edges.get(todo.pop(), ()):
                    if nxt not in reach:
                        reach.add(nxt)
                        todo.append(nxt)
            if not reach & terminal:
                return False
    return True


@st.composite
def valid_definitions(draw: st.DrawFn) -> dict[str, object]:
    """A main path to a terminal state, plus random extra commands (holds, loops, returns)."""
    count = draw(st.integers(2, len(STATES)))
    states = STATES[:count]
    *path, end = states
    transitions = [Transition(f"next{i}", [s], states[i + 1]) for i, s in enumerate(path)]
    taken: set[tuple[str, str]] = set()
    for command in draw(st.lists(st.sampled_from(COMMANDS), max_size=8)):
        sources = [
            s
            for s in draw(st.lists(st.sampled_from(path), min_size=1, max_size=2, unique=True))
            if (s, command) not in taken
        ]
        if not sources:
            continue
        taken.update((s, command) for s in sources)
        target = draw(st.sampled_from([*states, RETURN]))
        guards = [blocked] if draw(st.booleans()) else []
        transitions.append(Transition(command, sources, target, guards=guards))
    return {"states": states, "initial": "s0", "terminal": {end}, "transitions": transitions}


@given(definitions())
def test_a_definition_is_accepted_exactly_when_it_meets_the_rules(
    definition: dict[str, object],
) -> None:
    problems: tuple[str, ...] = ()
    try:
        Workflow(**definition)  # type: ignore[arg-type]
    except InvalidWorkflow as error:
        problems = error.problems
    assert bool(problems) is not expected_problems(definition)


@given(
    valid_definitions().filter(expected_problems),
    st.lists(
        st.tuples(st.sampled_from([*COMMANDS, *(f"next{i}" for i in range(6))]), st.booleans()),
        max_size=30,
    ),
)
def test_random_commands_keep_every_invariant(
    definition: dict[str, object], steps: list[tuple[str, bool]]
) -> None:
    workflow: Workflow[Thing] = Workflow(**definition)  # type: ignore[arg-type]
    thing = Thing()
    at = T0
    for command, block in steps:
        thing.blocked = block
        before = (thing.state, list(thing.history))
        at += timedelta(minutes=1)
        refused: InvalidTransition | None = None
        try:
            entry = workflow.fire(thing, command, at, actor="prop")
        except InvalidTransition as error:  # TransitionRefused included
            refused = error
        if refused is None:
            assert thing.history == [*before[1], entry]
            assert (entry.from_state, entry.to_state, entry.at) == (before[0], thing.state, at)
        else:
            assert (thing.state, thing.history) == before
            assert refused.allowed == workflow.allowed(thing.state)
            if isinstance(refused, TransitionRefused):
                assert (refused.reasons, thing.blocked) == (("blocked",), True)
            else:
                assert command not in workflow.allowed(thing.state)
        assert thing.state in workflow.states
        assert workflow.replay(thing.history) == thing.state
        assert thing.state not in workflow.terminal or workflow.allowed(thing.state) == ()
