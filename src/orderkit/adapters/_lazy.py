"""Units of work that make each repository the first time it is asked for."""

from __future__ import annotations

from typing import Any

__all__ = ["LazyRepositories"]


class LazyRepositories:
    """A unit of work whose repositories are made on first use: most use cases need two or three.

    Subclasses implement :meth:`_repository`; a repository is then an
    ordinary attribute from its first use on.
    """

    def _repository(self, name: str) -> object | None:
        """Make the repository called ``name``, or return ``None`` if there is none."""
        raise NotImplementedError

    def __getattr__(self, name: str) -> Any:
        repository = None if name.startswith("_") else self._repository(name)
        if repository is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        setattr(self, name, repository)
        return repository
