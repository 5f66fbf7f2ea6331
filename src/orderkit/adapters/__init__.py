"""Adapters to the outside world: the stores (memory, SQLite) and, later, gateways and carriers.

Nothing here is imported by the domain packages; the host or :class:`orderkit.Shop`
chooses an adapter and passes it in.
"""
