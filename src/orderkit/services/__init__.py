"""Moved: each service now lives in its capability's package.

``orderkit.services.payments`` is ``orderkit.payments.service``,
``orderkit.services.orders`` is ``orderkit.lifecycle.service``, and so on (the
changelog lists them all). The old modules warn and are removed in orderkit 0.3.0.
"""
