"""A declarative, validated workflow engine: states, commands, guards, hooks and history.

A :class:`Workflow` is defined once from its states and :class:`Transition`
s and checked on the spot: the initial state exists, every state can be
reached, terminal states have no exit, every other state has a way out and
can still end. Firing a command on a subject (anything with ``id``, ``state``
and ``history``, such as :class:`~orderkit.lifecycle.Order`) checks the
permission and the guards, runs the hooks, moves the state and appends a
:class:`HistoryEntry` — or changes nothing and raises.

Examples:
    >>> from datetime import UTC, datetime
    >>> door = Workflow(
    ...     states=["closed", "open", "gone"],
    ...     initial="closed",
    ...     terminal=["gone"],
    ...     transitions=[
    ...         Transition("open", sources=["closed"], target="open"),
    ...         Transition("close", sources=["open"], target="closed"),
    ...         Transition("remove", sources=["closed", "open"], target="gone"),
    ...     ],
    ... )
    >>> door.allowed("closed")
    ('open', 'remove')
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

import attrs

from orderkit.core.access import Authorize
from orderkit.core.checks import optional_text, require_code
from orderkit.errors import (
    InvalidTransition,
    InvalidWorkflow,
    PermissionDenied,
    TransitionRefused,
    ValidationError,
)

__all__ = [
    "RETURN",
    "Authorize",
    "Guard",
    "HistoryEntry",
    "Hook",
    "Stateful",
    "Transition",
    "Workflow",
]

RETURN = "<return>"
"""A transition target meaning "back to the state the subject came from" (release a hold)."""


class HistoryEntry(NamedTuple):
    """One recorded transition: from, to, command, actor, reason and time.

    Guards and hooks receive the entry about to be recorded, so they see the
    target, the actor and the reason of the attempt.
    """

    from_state: str
    """The state before the transition."""
    to_state: str
    """The state after it."""
    command: str
    """The command that moved it."""
    actor: str
    """Who issued the command (a user id, ``"system"``, a rule's name)."""
    reason: str | None
    """Why, when given (a hold's reason, a cancellation's)."""
    at: datetime
    """When it happened."""


class Stateful(Protocol):
    """Protocol: what a workflow moves — an id, a state and an append-only history.

    The history is a list so that recording a transition costs the same
    however long it already is; the engine only ever appends to it, and the
    order stores refuse to save an order whose history got shorter.
    """

    @property
    def id(self) -> str:
        """The subject's id, named in errors."""
        ...

    state: str
    history: list[HistoryEntry]


S = TypeVar("S", bound=Stateful)

Guard = Callable[[Any, HistoryEntry], "str | None"]
"""A check run before a transition: return ``None`` to allow it or a reason to refuse."""

Hook = Callable[[Any, HistoryEntry], None]
"""An effect run before or after a transition; a before-hook that raises stops it."""


def _name(value: object) -> str:
    # str() turns a StrEnum member into its plain value, so states compare and store as text.
    if not isinstance(value, str):
        raise ValidationError("state", value, "a state is named by a string")
    return str(value)


def _command(value: object) -> str:
    return require_code(value, "command")


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("sources", value, "give a list of state names")
    return tuple(_name(item) for item in value)


def _callables(value: object) -> tuple[Callable[..., Any], ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("guards and hooks", value, "give a list of callables")
    items = tuple(value)
    for item in items:
        if not callable(item):
            raise ValidationError("guards and hooks", item, "must be callable")
    return items


@attrs.frozen(slots=True)
class Transition:
    """A command that moves a subject from one of ``sources`` to ``target``.

    Attributes:
        command: The command's name (``"confirm"``, ``"ship"``).
        sources: The states it may be issued in.
        target: The state it leads to, or :data:`RETURN` for "back where it came from".
        guards: Checks that may refuse it with a reason.
        before: Hooks run before the state changes (they may still refuse by raising).
        after: Hooks run after the state changed and the entry was recorded.
        permission: The permission the actor needs, checked when the caller
            passes an ``authorize`` function; ``None`` needs none.
        description: What the command means, for diagrams and documentation.
    """

    command: str = attrs.field(converter=_command)
    sources: tuple[str, ...] = attrs.field(converter=_names)
    target: str = attrs.field(converter=_name)
    guards: tuple[Guard, ...] = attrs.field(default=(), converter=_callables)
    before: tuple[Hook, ...] = attrs.field(default=(), converter=_callables)
    after: tuple[Hook, ...] = attrs.field(default=(), converter=_callables)
    permission: str | None = attrs.field(default=None, validator=optional_text(120))
    description: str | None = attrs.field(default=None, validator=optional_text(500))


_Step = tuple[str, bool, "Guard | None", "Hook | None", "Hook | None", "str | None"]


def _one_guard(guards: tuple[Guard, ...]) -> Guard | None:
    """The guards as one callable returning the first refusal (None when there are none)."""
    if len(guards) <= 1:
        return guards[0] if guards else None

    def first_refusal(subject: Any, entry: HistoryEntry) -> str | None:
        for guard in guards:
            refusal = guard(subject, entry)
            if refusal is not None:
                return refusal
        return None

    return first_refusal


def _one_hook(hooks: tuple[Hook, ...]) -> Hook | None:
    """The hooks as one callable running each in order (None when there are none)."""
    if len(hooks) <= 1:
        return hooks[0] if hooks else None

    def each(subject: Any, entry: HistoryEntry) -> None:
        for hook in hooks:
            hook(subject, entry)

    return each


def _step(transition: Transition) -> _Step:
    """A transition compiled for fire(): one callable (or None) per phase, no loops.

    The second item says whether fire() needs its slow path: a RETURN target
    to resolve or a permission to check.
    """
    return (
        transition.target,
        transition.target == RETURN or transition.permission is not None,
        _one_guard(transition.guards),
        _one_hook(transition.before),
        _one_hook(transition.after),
        transition.permission,
    )


# NamedTuple's generated __new__ is a Python function; building the tuple
# directly skips that call on the hot path and gives the same object.
_new_entry = tuple.__new__


class Workflow(Generic[S]):
    """A validated state machine whose transitions are named commands.

    Args:
        states: Every state, in the order diagrams list them.
        initial: The state a new subject starts in.
        terminal: States with no way out (completed, cancelled).
        transitions: The commands.

    Raises:
        InvalidWorkflow: The definition is inconsistent; ``problems`` lists
            everything wrong, not just the first thing.
    """

    __slots__ = ("_edges", "_initial", "_states", "_steps", "_terminal", "_transitions")

    def __init__(
        self,
        *,
        states: Sequence[str],
        initial: str,
        terminal: Iterable[str] = (),
        transitions: Iterable[Transition],
    ) -> None:
        self._states = _names(states)
        self._initial = _name(initial)
        self._terminal = frozenset(_names(terminal))
        self._transitions = tuple(transitions)
        problems = _problems(self._states, self._initial, self._terminal, self._transitions)
        if problems:
            raise InvalidWorkflow(problems)
        self._edges: dict[str, dict[str, Transition]] = {state: {} for state in self._states}
        for transition in self._transitions:
            for source in transition.sources:
                self._edges[source][transition.command] = transition
        # What fire() needs per (state, command), as one tuple to unpack at once.
        self._steps: dict[str, dict[str, _Step]] = {
            state: {command: _step(t) for command, t in edges.items()}
            for state, edges in self._edges.items()
        }

    @property
    def states(self) -> tuple[str, ...]:
        """Every state, in definition order."""
        return self._states

    @property
    def initial(self) -> str:
        """The state new subjects start in."""
        return self._initial

    @property
    def terminal(self) -> frozenset[str]:
        """The states with no way out."""
        return self._terminal

    @property
    def transitions(self) -> tuple[Transition, ...]:
        """The transitions, in definition order."""
        return self._transitions

    @property
    def commands(self) -> tuple[str, ...]:
        """Every command name, in definition order, once each."""
        return tuple(dict.fromkeys(t.command for t in self._transitions))

    def allowed(self, state: str) -> tuple[str, ...]:
        """The commands the definition allows in ``state`` (guards not consulted)."""
        return tuple(self._edges.get(state, {}))

    def transition(self, state: str, command: str) -> Transition:
        """The transition ``command`` fires in ``state``.

        Raises:
            KeyError: ``command`` is not allowed in ``state``.
        """
        return self._edges[state][command]

    def fire(
        self,
        subject: S,
        command: str,
        at: datetime,
        actor: str = "system",
        reason: str | None = None,
        *,
        authorize: Authorize | None = None,
    ) -> HistoryEntry:
        """Run ``command`` on ``subject``: move its state and append to its history.

        Order of work: look up the transition, check the permission, run the
        guards, run the before-hooks, change the state and append the entry,
        run the after-hooks. A command the state does not allow, a missing
        permission or a guard's refusal leaves the subject exactly as it was.
        A before-hook that raises stops the transition too, but what the
        before-hooks ahead of it did stays done; the order services run every
        command in a unit of work, so nothing of it is saved.

        Args:
            subject: What moves (an order).
            command: The command's name.
            at: When (recorded in the history; the engine reads no clock).
            actor: Who issues it.
            reason: Why, when it matters (a hold, a cancellation).
            authorize: ``authorize(actor, permission) -> bool``; permissions
                are checked only when this is given.

        Returns:
            The entry appended to ``subject.history``.

        Raises:
            InvalidTransition: ``command`` is not allowed in the subject's state.
            PermissionDenied: ``authorize`` says the actor lacks the permission.
            TransitionRefused: A guard refused; ``reasons`` says why.
        """
        state = subject.state
        try:
            target, special, check, before, after, permission = self._steps[state][command]
        except KeyError:
            raise InvalidTransition(subject.id, state, command, self.allowed(state)) from None
        if special:
            if (
                authorize is not None
                and permission is not None
                and not authorize(actor, permission)
            ):
                raise PermissionDenied(actor, permission)
            if target == RETURN:
                target = _came_from(subject.history, state, self._initial)
        entry: HistoryEntry = _new_entry(HistoryEntry, (state, target, command, actor, reason, at))
        if check is not None:
            refusal = check(subject, entry)
            if refusal is not None:
                raise TransitionRefused(subject.id, state, command, self.allowed(state), (refusal,))
        if before is not None:
            before(subject, entry)
        subject.state = target
        subject.history.append(entry)
        if after is not None:
            after(subject, entry)
        return entry

    def refusals(
        self,
        subject: S,
        command: str,
        *,
        at: datetime,
        actor: str = "system",
        reason: str | None = None,
    ) -> list[str]:
        """Why ``command`` would be refused now; an empty list means it would run.

        Runs the guards, as if ``actor`` issued the command at ``at`` with
        ``reason``, without changing anything (hooks are not run).
        """
        state = subject.state
        edge = self._edges.get(state, {}).get(command)
        if edge is None:
            return [f"{command} is not allowed in state {state!r}"]
        target = edge.target
        if target == RETURN:
            target = _came_from(subject.history, state, self._initial)
        entry = HistoryEntry(state, target, command, actor, reason, at)
        return [why for guard in edge.guards if (why := guard(subject, entry)) is not None]

    def available(
        self,
        subject: S,
        *,
        at: datetime,
        actor: str = "system",
        reason: str | None = None,
    ) -> tuple[str, ...]:
        """The commands whose guards allow them now: what a user interface offers.

        Guards that ask for a reason (a hold) see ``reason``; a form that will
        ask the user for one passes a placeholder so the command is offered.
        """
        return tuple(
            command
            for command in self.allowed(subject.state)
            if not self.refusals(subject, command, at=at, actor=actor, reason=reason)
        )

    def replay(self, history: Iterable[HistoryEntry]) -> str:
        """Check a history against the definition and return the state it leads to.

        Raises:
            ValidationError: An entry does not follow from the one before it
                (wrong source, a command the state does not allow, a wrong target).
        """
        state = self._initial
        seen: list[HistoryEntry] = []
        for index, entry in enumerate(history):
            field = f"history[{index}]"
            if entry.from_state != state:
                raise ValidationError(
                    field, entry, f"starts in {entry.from_state!r}, not {state!r}"
                )
            edge = self._edges.get(state, {}).get(entry.command)
            if edge is None:
                raise ValidationError(field, entry, f"{entry.command} is not allowed in {state!r}")
            target = edge.target
            if target == RETURN:
                target = _came_from(seen, state, self._initial)
            if entry.to_state != target:
                raise ValidationError(field, entry, f"{entry.command} leads to {target!r}")
            seen.append(entry)
            state = target
        return state

    def extend(
        self,
        *,
        states: Sequence[str] = (),
        terminal: Iterable[str] = (),
        transitions: Iterable[Transition] = (),
    ) -> Workflow[S]:
        """A new workflow with more states and transitions, validated like any other.

        Raises:
            InvalidWorkflow: The result is inconsistent.
        """
        return Workflow(
            states=(*self._states, *states),
            initial=self._initial,
            terminal=self._terminal | frozenset(terminal),
            transitions=(*self._transitions, *transitions),
        )

    def replace(self, command: str, **changes: Any) -> Workflow[S]:
        """A new workflow in which every transition named ``command`` has ``changes``.

        For example ``replace("cancel", guards=[my_guard])`` swaps the guards,
        ``replace("ship", sources=[...])`` moves where shipping may start.

        Raises:
            ValidationError: No transition is named ``command``.
            InvalidWorkflow: The result is inconsistent.
        """
        if command not in self.commands:
            raise ValidationError("command", command, "no transition has that name")
        fields = {field.name for field in attrs.fields(Transition)} - {"command"}
        unknown = sorted(set(changes) - fields)
        if unknown:
            raise ValidationError("changes", unknown, f"a transition has only {sorted(fields)}")
        return Workflow(
            states=self._states,
            initial=self._initial,
            terminal=self._terminal,
            transitions=[
                attrs.evolve(t, **changes) if t.command == command else t for t in self._transitions
            ],
        )

    def without(self, *commands: str) -> Workflow[S]:
        """A new workflow without the named commands, and without the states only they reached.

        Raises:
            ValidationError: A name is not a command of this workflow.
            InvalidWorkflow: The result is inconsistent.
        """
        for command in commands:
            if command not in self.commands:
                raise ValidationError("command", command, "no transition has that name")
        kept = [t for t in self._transitions if t.command not in commands]
        # States no longer reachable go too, and so do the sources they leave behind.
        reachable = _reach(self._initial, _graph(kept))
        trimmed = [
            attrs.evolve(t, sources=[s for s in t.sources if s in reachable])
            for t in kept
            if any(s in reachable for s in t.sources)
        ]
        return Workflow(
            states=[state for state in self._states if state in reachable],
            initial=self._initial,
            terminal=self._terminal & reachable,
            transitions=trimmed,
        )

    def to_mermaid(self) -> str:
        """The workflow as a Mermaid state diagram (``stateDiagram-v2``)."""
        lines = ["stateDiagram-v2", f"    [*] --> {self._initial}"]
        for source, target, command in self._drawn_edges():
            lines.append(f"    {source} --> {target} : {command}")
        lines.extend(f"    {state} --> [*]" for state in self._states if state in self._terminal)
        return "\n".join(lines) + "\n"

    def to_dot(self) -> str:
        """The workflow as a Graphviz DOT digraph."""
        lines = [
            "digraph workflow {",
            "    rankdir=LR;",
            '    node [shape=box, style=rounded, fontname="Helvetica"];',
            '    edge [fontname="Helvetica", fontsize=10];',
            '    "[*]" [shape=point];',
            f'    "[*]" -> "{self._initial}";',
        ]
        for state in self._states:
            if state in self._terminal:
                lines.append(f'    "{state}" [peripheries=2];')
        returns = {t.command for t in self._transitions if t.target == RETURN}
        for source, target, command in self._drawn_edges():
            style = ", style=dashed" if command in returns else ""
            lines.append(f'    "{source}" -> "{target}" [label="{command}"{style}];')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _drawn_edges(self) -> list[tuple[str, str, str]]:
        """Every (source, target, command), with RETURN drawn back to each possible origin."""
        entering = _entering(self._transitions)
        edges: list[tuple[str, str, str]] = []
        for transition in self._transitions:
            for source in transition.sources:
                if transition.target == RETURN:
                    edges.extend((source, back, transition.command) for back in entering[source])
                else:
                    edges.append((source, transition.target, transition.command))
        return edges

    def _repr_markdown_(self) -> str:
        """Jupyter shows a workflow as its diagram (JupyterLab renders Mermaid)."""
        return f"```mermaid\n{self.to_mermaid()}```\n"

    def __repr__(self) -> str:
        return (
            f"Workflow({len(self._states)} states, {len(self.commands)} commands, "
            f"initial={self._initial!r})"
        )


def _came_from(history: Sequence[HistoryEntry], state: str, initial: str) -> str:
    """The state the subject was in before it last entered ``state``."""
    for entry in reversed(history):
        if entry.to_state == state and entry.from_state != state:
            return entry.from_state
    return initial


def _entering(transitions: Sequence[Transition]) -> dict[str, list[str]]:
    """For each state, the states a transition can come from into it (for RETURN)."""
    entering: dict[str, list[str]] = {}
    for transition in transitions:
        if transition.target == RETURN:
            continue
        sources = entering.setdefault(transition.target, [])
        sources.extend(s for s in transition.sources if s not in sources)
    return entering


def _problems(
    states: tuple[str, ...],
    initial: str,
    terminal: frozenset[str],
    transitions: tuple[Transition, ...],
) -> list[str]:
    """Everything wrong with a definition, in a stable order."""
    problems: list[str] = []
    known = set(states)
    for state in states:
        try:
            require_code(state, "state")
        except ValidationError:
            problems.append(f"state {state!r} is not a valid name")
    duplicates = sorted({s for s in states if states.count(s) > 1})
    problems.extend(f"state {s!r} is listed twice" for s in duplicates)
    if initial not in known:
        problems.append(f"the initial state {initial!r} is not a state")
    problems.extend(f"terminal state {s!r} is not a state" for s in sorted(terminal - known))
    if initial in terminal:
        problems.append(f"the initial state {initial!r} cannot be terminal")
    if not transitions:
        problems.append("there are no transitions")
    seen: dict[tuple[str, str], int] = {}
    for transition in transitions:
        if transition.target != RETURN and transition.target not in known:
            problems.append(
                f"{transition.command} leads to {transition.target!r}, which is not a state"
            )
        if not transition.sources:
            problems.append(f"{transition.command} has no source state")
        for source in transition.sources:
            if source not in known:
                problems.append(f"{transition.command} starts in {source!r}, which is not a state")
            elif source in terminal:
                problems.append(f"{transition.command} leaves terminal state {source!r}")
            key = (source, transition.command)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] == 2:
                problems.append(f"{transition.command} is defined twice for state {source!r}")
    if problems:
        return problems
    outgoing = _graph(transitions)
    for state in states:
        if state not in terminal and not outgoing.get(state):
            problems.append(f"state {state!r} is not terminal but has no way out")
    reachable = _reach(initial, outgoing)
    problems.extend(
        f"state {s!r} cannot be reached from {initial!r}" for s in states if s not in reachable
    )
    if terminal:
        incoming: dict[str, set[str]] = {}
        for source, targets in outgoing.items():
            for target in targets:
                incoming.setdefault(target, set()).add(source)
        can_end: set[str] = set()
        for end in terminal:
            can_end |= _reach(end, incoming)
        problems.extend(
            f"state {s!r} can never reach a terminal state"
            for s in states
            if s in reachable and s not in can_end
        )
    return problems


def _graph(transitions: Sequence[Transition]) -> dict[str, set[str]]:
    entering = _entering(transitions)
    outgoing: dict[str, set[str]] = {}
    for transition in transitions:
        for source in transition.sources:
            targets = (
                entering.get(source, []) if transition.target == RETURN else [transition.target]
            )
            outgoing.setdefault(source, set()).update(targets)
    return outgoing


def _reach(start: str, edges: Mapping[str, set[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
