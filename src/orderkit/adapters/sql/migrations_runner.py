"""Applying the versioned schema migrations, for any dialect."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources

import attrs

from orderkit.adapters.sql.session import SqlSession
from orderkit.errors import SchemaVersionError

__all__ = ["Migration", "apply_migrations", "load_migrations", "schema_version"]

_FILE = re.compile(r"(\d{4})_(\w+)\.sql")


@attrs.frozen
class Migration:
    """One schema step: a version number, a name and its statements (with type tokens)."""

    version: int
    name: str
    statements: tuple[str, ...]


def _statements(script: str) -> tuple[str, ...]:
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("--")]
    return tuple(s.strip() for s in "\n".join(lines).split(";") if s.strip())


def load_migrations() -> tuple[Migration, ...]:
    """Return the packaged migrations in version order."""
    folder = resources.files("orderkit.adapters.sql.migrations")
    found = []
    for entry in folder.iterdir():
        match = _FILE.fullmatch(entry.name)
        if match:
            version, name = int(match.group(1)), match.group(2)
            found.append(Migration(version, name, _statements(entry.read_text("utf-8"))))
    found.sort(key=lambda migration: migration.version)
    return tuple(found)


def schema_version(session: SqlSession) -> int:
    """Return the database's schema version: 0 for a new database."""
    if session.one(session.dialect.table_exists_query, {"name": "schema_migrations"}) is None:
        return 0
    row = session.one("SELECT MAX(version) FROM schema_migrations")
    return int(row[0]) if row and row[0] is not None else 0


def _data_steps() -> dict[int, Callable[[SqlSession], None]]:
    """Steps that fill what a migration's tables need from the rows already there."""
    from orderkit.adapters.sql.fulfilment import move_shipments_out_of_records
    from orderkit.adapters.sql.sales import book_existing_orders
    from orderkit.capabilities import make_converter

    return {
        12: lambda session: book_existing_orders(session, make_converter()),
        13: lambda session: move_shipments_out_of_records(session, make_converter()),
    }


def apply_migrations(session: SqlSession, migrations: tuple[Migration, ...]) -> list[int]:
    """Bring the schema up to the newest migration inside the session's transaction.

    The caller holds the write lock (``BEGIN IMMEDIATE`` on SQLite), so two
    processes opening a new database at once apply each step exactly once.

    Returns:
        The versions applied now (empty when the schema was current).

    Raises:
        SchemaVersionError: The database is newer than the newest migration.
    """
    types = session.dialect.column_types
    session.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        f"version {types['bigint']} PRIMARY KEY, name {types['text']} NOT NULL)"
    )
    current = schema_version(session)
    newest = migrations[-1].version if migrations else 0
    if current > newest:
        raise SchemaVersionError(current, newest)
    applied = []
    for migration in migrations:
        if migration.version <= current:
            continue
        for statement in migration.statements:
            session.execute(statement.format_map(types))
        data_step = _data_steps().get(migration.version)
        if data_step is not None:
            data_step(session)
        session.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (:version, :name)",
            {"version": migration.version, "name": migration.name},
        )
        applied.append(migration.version)
    return applied
