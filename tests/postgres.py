"""The PostgreSQL server the tests use: found through ORDERKIT_TEST_POSTGRES_URL.

Each test gets a schema of its own (a fresh, empty database as far as orderkit
can tell), dropped afterwards. Without the variable the PostgreSQL tests skip
and say how to run them; under ``CI=true`` a missing or unreachable server
fails them instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

URL_VARIABLE = "ORDERKIT_TEST_POSTGRES_URL"
HOW_TO_RUN = (
    f"set {URL_VARIABLE}=postgresql://user:password@host:5432/database to run the "
    "PostgreSQL tests (README: 'Running the PostgreSQL tests')"
)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def server_url() -> str:
    """The server's URL, or skip (fail under CI) saying how to provide one."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    problem = None
    if not url:
        problem = f"no PostgreSQL server: {HOW_TO_RUN}"
    else:
        try:
            import psycopg
        except ImportError:
            problem = "psycopg is not installed: pip install -e '.[postgres]'"
        else:
            try:
                psycopg.connect(url, connect_timeout=5).close()
            except psycopg.Error as exc:
                problem = f"cannot reach the PostgreSQL server in {URL_VARIABLE}: {exc}"
    if problem is not None:
        if in_ci():
            pytest.fail(f"CI=true: {problem}", pytrace=False)
        pytest.skip(problem)
    return url


def with_schema(url: str, schema: str) -> str:
    """``url`` with the schema first on the search path."""
    option = quote(f"-c search_path={schema}", safe="")
    return f"{url}{'&' if '?' in url else '?'}options={option}"


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A new empty schema for one test; yields a URL that works in it."""
    import psycopg

    schema = f"orderkit_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


class OnPostgres:
    """Mixin for a hypothesis state machine: every run on a new schema of the test server.

    Put it first among the bases; the machine opens its shop on ``self.url``.
    """

    url: str | None

    def __init__(self) -> None:
        self._schema = fresh_schema(server_url())
        self.url = self._schema.__enter__()
        super().__init__()

    def teardown(self) -> None:
        try:
            super().teardown()  # type: ignore[misc]
        finally:
            self._schema.__exit__(None, None, None)
