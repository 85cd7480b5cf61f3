"""Limits that make reading a hostile or broken YAML file safe, checked before anything is built.

The catalogue is edited by people and read inside the dashboard server, so a bad edit must not
take the server down. Safe loading alone is not enough: aliases can expand a 1 KB file into
gigabytes ("billion laughs"), and deep nesting overflows the recursion of the composer (in the
C loader, a crash of the whole process). So before any node is composed, the event stream is
scanned with a counter (never recursion) and the file is refused when it:

- is larger than MAX_BYTES;
- uses an anchor (`&x`) or an alias (`*x`): the catalogue never needs them, and refusing them
  is simpler and safer than bounding their expansion;
- nests mappings and lists deeper than MAX_DEPTH (the catalogue needs 5 levels).

Timestamps are read as text (pydantic then checks a date where a date is expected and names the
field), so `2025-02-30` gives a located message instead of a ValueError from the YAML library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

MAX_BYTES = 1_000_000
MAX_DEPTH = 20

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C *safe* loader when libyaml is present
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """The safe loader with timestamps left as text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BASE.yaml_implicit_resolvers.items()
}
_Loader.add_constructor(_TIMESTAMP, _Loader.construct_yaml_str)  # an explicit !!timestamp too


@dataclass(frozen=True)
class YamlLimitError(Exception):
    """The text breaks one of the limits; `line` is 1-based, or None for the whole file."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message


def check_limits(text: str) -> None:
    """Raise YamlLimitError for the first limit broken, or yaml.YAMLError if it is not YAML."""
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise YamlLimitError(None, f"the file is {size:,} bytes; expected at most {MAX_BYTES:,} "
                             "(a catalogue is tens of kilobytes)")
    depth = 0
    # The parser (C or Python) keeps its own state on a heap stack, so deep input is safe here.
    for event in yaml.parse(text, Loader=_BASE):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise YamlLimitError(line, f"alias '*{event.anchor}' is not allowed; write the value out in full")
        if getattr(event, "anchor", None):
            raise YamlLimitError(line, f"anchor '&{event.anchor}' is not allowed; write each value out in full")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlLimitError(line, f"nested more than {MAX_DEPTH} levels deep; expected the "
                                     "catalogue's shape (at most 5 levels)")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def compose_and_construct(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers) and the plain data of text that has passed `check_limits`.

    One parse for both: the data are built from the same nodes (timestamps as text).
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()
