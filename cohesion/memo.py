"""Results worked out once per object (a cached table, a status bundle) and dropped with it.

Pages switch in and out of a session, so a per-session cache would work the same answer out on
every visit; Streamlit's caches hash their arguments on every call. These memos are keyed by
the object's identity instead: the cached table of a store version, or the status bundle of a
store version and catalogue, is the same object for every session until it changes.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

_MEMOS: dict[int, tuple[weakref.ref, dict[Hashable, Any]]] = {}
_LOCK = threading.Lock()


def memo_of(owner: object) -> dict[Hashable, Any]:
    """The memo dict of `owner` (created empty on first use; removed when `owner` is collected)."""
    key = id(owner)
    with _LOCK:
        found = _MEMOS.get(key)
        if found is not None and found[0]() is owner:
            return found[1]
        memo: dict[Hashable, Any] = {}
        _MEMOS[key] = (weakref.ref(owner, lambda _ref, k=key: _MEMOS.pop(k, None)), memo)
        return memo


def once(owner: object, key: Hashable, build: Callable[[], T]) -> T:
    """`build()` the first time for (owner, key); the same result afterwards. Results are shared:
    callers must not mutate them. Two sessions racing may both build; either result is kept."""
    memo = memo_of(owner)
    if key not in memo:
        memo[key] = build()
    return memo[key]
