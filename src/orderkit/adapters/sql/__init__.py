"""The SQL layer shared by the SQLite and PostgreSQL stores.

One schema (``migrations/*.sql`` with type tokens), one set of queries written
with ``:name`` parameters, one set of repositories. A :class:`Dialect` supplies
what differs: column types, parameter style, how times and JSON travel, how a
write transaction begins, and how driver errors map to orderkit's.
"""
