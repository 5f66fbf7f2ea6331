"""Access: every read and write of a service asks the shop's ``authorize`` hook first.

A service method declares the permission it needs with :func:`writes` or
:func:`reads`; the check runs before anything else, so a refused call changes
nothing. The actor is the one the call names (``actor=``), else the one the
shop acts as (:meth:`orderkit.Shop.acting_as`), else the method's own default
(``"customer"`` for placing an order) or :data:`SYSTEM`. Work the library does
on its own behalf (payments moving an order along) runs as a named system actor
(``"system:payments"``) and asks the hook like anyone else.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

import attrs

from orderkit.errors import PermissionDenied

__all__ = [
    "SYSTEM",
    "AccessPolicy",
    "Authorize",
    "access_of",
    "commands",
    "reads",
    "system_actor",
    "writes",
]

Authorize = Callable[[str, str], bool]
"""``authorize(actor, permission)``: whether the actor holds the permission."""

SYSTEM = "system"
"""Who acts when nobody is named: the host's own code."""

P = ParamSpec("P")
T = TypeVar("T")


def system_actor(part: str) -> str:
    """The name the library acts under on its own behalf (``system:payments``)."""
    return f"{SYSTEM}:{part}"


@attrs.frozen
class AccessPolicy:
    """The shop's ``authorize`` hook, asked before every read and write.

    Attributes:
        authorize: ``authorize(actor, permission) -> bool``; ``None`` allows everything.
    """

    authorize: Authorize | None = None

    def check(self, actor: str, permission: str) -> None:
        """Let the call go on, or refuse it.

        Raises:
            PermissionDenied: The hook says the actor lacks the permission.
        """
        if self.authorize is not None and not self.authorize(actor, permission):
            raise PermissionDenied(actor, permission)


class _Guarded(Protocol):
    @property
    def _context(self) -> Any: ...


S = TypeVar("S", bound=_Guarded)


def _guard(kind: str, permission: str, *, check: bool = True) -> Any:
    def decorate(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
        parameters = inspect.signature(method).parameters
        takes_actor = "actor" in parameters
        default = parameters["actor"].default if takes_actor else inspect.Parameter.empty
        own_default = default if isinstance(default, str) else SYSTEM

        @functools.wraps(method)
        def guarded(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
            context = self._context
            actor = kwargs.get("actor")
            if not isinstance(actor, str):
                if context.actor != SYSTEM:
                    actor = context.actor
                    if takes_actor:
                        kwargs["actor"] = actor
                else:
                    actor = own_default
            if check:
                context.access.check(actor, permission)
            return method(self, *args, **kwargs)

        guarded.__orderkit_access__ = (kind, permission)  # type: ignore[attr-defined]
        return guarded

    return decorate


def writes(
    permission: str,
) -> Callable[[Callable[Concatenate[S, P], T]], Callable[Concatenate[S, P], T]]:
    """Mark a service method as a write that needs ``permission``, and check it first."""
    decorate: Callable[[Callable[Concatenate[S, P], T]], Callable[Concatenate[S, P], T]]
    decorate = _guard("write", permission)
    return decorate


def reads(
    permission: str,
) -> Callable[[Callable[Concatenate[S, P], T]], Callable[Concatenate[S, P], T]]:
    """Mark a service method as a read that needs ``permission``, and check it first."""
    decorate: Callable[[Callable[Concatenate[S, P], T]], Callable[Concatenate[S, P], T]]
    decorate = _guard("read", permission)
    return decorate


def commands() -> Callable[[Callable[Concatenate[S, P], T]], Callable[Concatenate[S, P], T]]:
    """Mark a service method that fires workflow commands: each asks its transition's permission.

    The method checks the permission of the transition it fires (or
    ``orders.<command>`` for one that names none) once it knows the order's
    state; the marker only hands it the actor the shop acts as.
    """
    decorate: Callable[[Callable[Concatenate[S, P], T]], Callable[Concatenate[S, P], T]]
    decorate = _guard("command", "the permission of each transition fired", check=False)
    return decorate


def access_of(method: object) -> tuple[str, str] | None:
    """``("write" | "read", permission)`` a service method declares, or ``None``."""
    found = getattr(method, "__orderkit_access__", None)
    return found if isinstance(found, tuple) else None
