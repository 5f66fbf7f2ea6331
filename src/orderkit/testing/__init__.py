"""Test helpers that ship with orderkit, for its own tests and for adapter authors.

- :mod:`orderkit.testing.contract`: the contract suite every
  :class:`~orderkit.storage.Store` must pass (needs pytest), made of the
  order, inventory and payment parts in :mod:`~orderkit.testing.order_contract`,
  :mod:`~orderkit.testing.inventory_contract` and
  :mod:`~orderkit.testing.payment_contract`.
- :mod:`orderkit.testing.gateway_contract`: the contract every payment gateway
  adapter must pass.
- :mod:`orderkit.testing.sample_data`: a reproducible sample shop.

Import the submodules directly; this package imports nothing, so that using
the sample data does not require pytest.
"""
