"""``python -m orderkit``: the same as the ``orderkit`` command."""

from orderkit.cli import main

raise SystemExit(main())
