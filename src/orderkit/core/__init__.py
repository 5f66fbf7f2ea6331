"""The shared core every capability uses.

Money, currencies, countries, quantities, addresses, ids, the clock, base
events and the outbox, serialization and retries.

Nothing here knows of orders, stock or payments; the public names are
exported from :mod:`orderkit` itself.
"""
