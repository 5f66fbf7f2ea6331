"""Adapters to the outside world: the stores and the bundled payment gateways.

- :mod:`orderkit.adapters.memory`: everything in this process's memory, a
  :class:`~orderkit.adapters.records.RecordStore` on :class:`MemoryRecords`.
- :mod:`orderkit.adapters.records`: stores built on a few record primitives,
  for a backend orderkit does not ship.
- :mod:`orderkit.adapters.sqlite` and :mod:`orderkit.adapters.postgres`: the
  SQL stores, over the shared schema, queries and repositories of
  :mod:`orderkit.adapters.sql`.
- :mod:`orderkit.adapters.gateways`: test cards, bank transfers, cash on
  delivery and the shop's own store credit.
- :mod:`orderkit.adapters.duckdb`: a copy of the sales ledger in DuckDB that
  sums reports there (the ``duckdb`` extra).

Nothing here is imported by the capability packages; the host or
:class:`orderkit.Shop` chooses an adapter and passes it in.
"""
