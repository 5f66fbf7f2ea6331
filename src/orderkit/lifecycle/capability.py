"""The declaration of the order lifecycle: its events and how its history is stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import cattrs

from orderkit.core.capability import Capability
from orderkit.core.serialization import remembered, structure_datetime, unstructure_datetime
from orderkit.errors import ValidationError
from orderkit.lifecycle.events import OrderEdited, OrderPlaced, OrderTransitioned
from orderkit.lifecycle.workflow import HistoryEntry

__all__ = ["CAPABILITY"]

_HISTORY_KEYS = frozenset(("from", "to", "command", "actor", "reason", "at"))


def _unstructure_history(entry: HistoryEntry) -> dict[str, Any]:
    # Checked on the way out too, so a malformed entry can never be stored and
    # then fail to load.
    texts = (entry.from_state, entry.to_state, entry.command, entry.actor)
    if not all(isinstance(item, str) and item for item in texts) or not (
        entry.reason is None or isinstance(entry.reason, str)
    ):
        raise ValidationError("history", entry, "states, command and actor must be text")
    return {
        "from": entry.from_state,
        "to": entry.to_state,
        "command": entry.command,
        "actor": entry.actor,
        "reason": entry.reason,
        "at": unstructure_datetime(entry.at),
    }


def _structure_history(value: object, _: type) -> HistoryEntry:
    if not isinstance(value, Mapping) or value.keys() != _HISTORY_KEYS:
        raise ValidationError("history", value, f"expected the keys {sorted(_HISTORY_KEYS)}")
    source, target, command, actor, reason = (
        value["from"],
        value["to"],
        value["command"],
        value["actor"],
        value["reason"],
    )
    if not (
        isinstance(source, str)
        and isinstance(target, str)
        and isinstance(command, str)
        and isinstance(actor, str)
        and (reason is None or isinstance(reason, str))
    ):
        raise ValidationError("history", value, "states, command, actor and reason are strings")
    at = structure_datetime(value["at"], datetime)
    return HistoryEntry(source, target, command, actor, reason, at)


def _history_hooks(converter: cattrs.Converter) -> None:
    converter.register_structure_hook(HistoryEntry, _structure_history)
    converter.register_unstructure_hook(HistoryEntry, remembered(_unstructure_history))


CAPABILITY = Capability(
    name="lifecycle",
    events=(OrderEdited, OrderPlaced, OrderTransitioned),
    converter_hooks=(_history_hooks,),
)
"""What the order lifecycle brings to a shop."""
