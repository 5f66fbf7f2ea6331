"""Test helpers that ship with orderkit, for its own tests and for adapter authors.

- :mod:`orderkit.testing.contract`: the contract suite every
  :class:`~orderkit.storage.Store` must pass (needs pytest); its inventory
  part lives in :mod:`orderkit.testing.inventory_contract`.
- :mod:`orderkit.testing.sample_data`: a reproducible sample shop.

Import the submodules directly; this package imports nothing, so that using
the sample data does not require pytest.
"""
