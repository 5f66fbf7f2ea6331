"""A host's own capabilities in the shop's units of work: their repositories beside orderkit's.

:class:`~orderkit.Shop` wraps its store in a :class:`HostedStore` when
``ShopSettings.capabilities`` declare repositories; services built on
``shop.context`` then find them on every unit of work (``uow.gift_wraps``),
kept in the store's records and committed with everything else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import cattrs

from orderkit.core.capability import Capability, RepositoryFactory
from orderkit.errors import ConfigurationError
from orderkit.storage import Store, UnitOfWork

__all__ = ["HostedStore", "HostedUnitOfWork"]

_OWN_NAMES = frozenset(name for name in dir(UnitOfWork) if not name.startswith("_")) | {"records"}


class HostedUnitOfWork:
    """A store's unit of work, with the host capabilities' repositories made on its records."""

    def __init__(
        self, inner: Any, factories: Mapping[str, RepositoryFactory], converter: cattrs.Converter
    ) -> None:
        self._inner = inner
        self._factories = factories
        self._converter = converter
        self._made: dict[str, object] = {}

    def __getattr__(self, name: str) -> Any:
        factory = self._factories.get(name)
        if factory is None:
            return getattr(self._inner, name)
        if name not in self._made:
            self._made[name] = factory(self._inner.records, self._converter)
        return self._made[name]

    def commit(self) -> None:
        """Commit the store's unit of work."""
        self._inner.commit()

    def rollback(self) -> None:
        """Roll the store's unit of work back."""
        self._inner.rollback()


class HostedStore:
    """A store whose units of work also carry the host capabilities' repositories.

    Args:
        store: The shop's store; its units of work must keep records
            (every bundled store's do).
        capabilities: The host's capabilities.
        converter: The shop's converter, which knows their types.

    Raises:
        ConfigurationError: Two capabilities name the same repository, or a
            name is one orderkit's unit of work already uses.
    """

    def __init__(
        self, store: Store, capabilities: Sequence[Capability], converter: cattrs.Converter
    ) -> None:
        factories: dict[str, RepositoryFactory] = {}
        for capability in capabilities:
            for name, factory in capability.repositories.items():
                if name in _OWN_NAMES or name in factories:
                    raise ConfigurationError(
                        "capabilities",
                        capability.name,
                        f"the repository name {name!r} is taken; choose another",
                    )
                factories[name] = factory
        self.store = store
        self._factories = factories
        self._converter = converter

    @contextmanager
    def unit_of_work(self, *, readonly: bool = False) -> Iterator[UnitOfWork]:
        """Open the store's unit of work, with the host's repositories on it.

        Raises:
            ConfigurationError: The store's units of work keep no records.
        """
        with self.store.unit_of_work(readonly=readonly) as uow:
            if not hasattr(uow, "records"):
                raise ConfigurationError(
                    "capabilities",
                    sorted(self._factories),
                    f"{self.store!r} keeps no records for a host's repositories",
                )
            hosted: Any = HostedUnitOfWork(uow, self._factories, self._converter)
            yield hosted

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __repr__(self) -> str:
        return f"HostedStore({self.store!r})"
