"""Results worked out once per object (a cached table, a status bundle) and dropped with it.

Pages switch in and out of a session, so a per-session cache would work the same answer out on
every visit; Streamlit's caches hash their arguments on every call. These memos are keyed by
the object's identity instead: the cached table of a store version, or the status bundle of a
store version and catalogue, is the same object for every session until it changes.

`shared` is the bounded cache for the reads every page makes on every visit (catalogue, store,
statuses), keyed on small values instead.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections import OrderedDict
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
        # The dict bound as a default: at interpreter exit the module global may already be None.
        _MEMOS[key] = (weakref.ref(owner, lambda _ref, k=key, memos=_MEMOS: memos.pop(k, None)), memo)
        return memo


def once(owner: object, key: Hashable, build: Callable[[], T]) -> T:
    """`build()` the first time for (owner, key); the same result afterwards. Results are shared:
    callers must not mutate them. Two sessions racing may both build; either result is kept."""
    memo = memo_of(owner)
    if key not in memo:
        memo[key] = build()
    return memo[key]


class Same:
    """An argument for `shared` caches compared by identity (a catalogue, a table), not by value.

    Hashing a catalogue by value would walk all of it on every call. Holding the object keeps its
    id from being reused while a cache entry names it.
    """

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.obj is self.obj


class _Shared:
    """See `shared`."""

    def __init__(self, fn: Callable[..., Any], maxsize: int) -> None:
        self._fn = fn
        self._maxsize = maxsize
        self._values: OrderedDict[tuple, Any] = OrderedDict()
        self._building: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()
        functools.update_wrapper(self, fn)

    def __call__(self, *args: Hashable) -> Any:
        with self._lock:
            if args in self._values:
                self._values.move_to_end(args)
                return self._values[args]
            gate = self._building.setdefault(args, threading.Lock())
        with gate:  # one build per key: other sessions wait for it rather than build it too
            with self._lock:
                if args in self._values:
                    return self._values[args]
            try:
                value = self._fn(*args)
            finally:
                with self._lock:
                    self._building.pop(args, None)
            with self._lock:
                self._values[args] = value
                while len(self._values) > self._maxsize:
                    self._values.popitem(last=False)
        return value

    def cache_clear(self) -> None:
        with self._lock:
            self._values.clear()


def shared(maxsize: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """A bounded cache shared by every session: the `maxsize` most recently used results, keyed on
    the positional arguments (strings, numbers, tuples, `Same`).

    For the reads every page makes on every visit. `st.cache_resource` works out the function's
    identity and hashes each argument on every call (about a millisecond a call); this costs a
    dictionary lookup. Like it, a key is built once: sessions asking while it is being built wait
    for that result instead of building it again (twenty sessions after a refresh). A build that
    fails is not kept. Results are shared: callers must not mutate them.
    """
    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        return _Shared(fn, maxsize)  # type: ignore[return-value]
    return decorate
