"""Old module paths that keep working, with a warning, for one release after a move.

A module that moved leaves a two-line module at its old path::

    from orderkit._moved import forward_to
    __getattr__ = forward_to("orderkit.core.money", old=__name__)

Reading any name from the old module imports the new one, warns with a
:class:`DeprecationWarning` naming both paths and the release that removes the
old one, and returns the name from the new module.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable

__all__ = ["REMOVED_IN", "forward_to"]

REMOVED_IN = "0.3.0"
"""The release that removes the old paths listed in the changelog under 0.2.0."""


def forward_to(new: str, *, old: str) -> Callable[[str], object]:
    """Return a module ``__getattr__`` that forwards every public name of ``old`` to ``new``."""

    def __getattr__(name: str) -> object:  # noqa: N807 (a module hook has this name)
        if name.startswith("__"):
            # Tools probe modules for dunder names (doctest's __test__, for one);
            # those are not uses of the old path and must not warn.
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(new), name)
        warnings.warn(
            f"{old}.{name} moved to {new}.{name}; the old path is removed in orderkit {REMOVED_IN}",
            DeprecationWarning,
            stacklevel=2,
        )
        return value

    return __getattr__
