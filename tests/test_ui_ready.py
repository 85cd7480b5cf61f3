"""Cached chart specs and tables in the form Streamlit sends: the browser gets the same bytes."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest
from streamlit.elements.vega_charts import _marshall_chart_data
from streamlit.proto.VegaLiteChart_pb2 import VegaLiteChart

from cohesion import memo, ui


def _proto(spec: dict) -> VegaLiteChart:
    proto = VegaLiteChart()
    _marshall_chart_data(proto, dict(spec))
    return proto


def test_a_ready_spec_sends_the_same_datasets_as_the_plain_spec() -> None:
    frame = pd.DataFrame({"period": ["2021/22", "2022/23", "2023/24"], "value": [51.5, None, 49.0]})
    spec = alt.Chart(frame).mark_line().encode(x="period:N", y="value:Q").to_dict()
    ready = ui.ready_spec(spec)
    plain, sent = _proto(spec), _proto(ready)
    assert len(sent.datasets) == len(plain.datasets) == 1
    assert sent.datasets[0].name == plain.datasets[0].name
    assert sent.datasets[0].data.data == plain.datasets[0].data.data  # identical Arrow bytes
    assert isinstance(next(iter(ready["datasets"].values())), bytes)
    assert spec["datasets"] != ready["datasets"]  # the cached spec itself is left as it was
    assert ui.ready_spec(None) is None and ui.ready_spec({"mark": "bar"}) == {"mark": "bar"}


def test_a_ready_table_has_the_rows_and_columns_of_the_frame() -> None:
    frame = pd.DataFrame({"source": ["Survey", "Police"], "rows": [12, 3]})
    table = ui.ready_table(frame)
    assert table.column_names[:2] == ["source", "rows"] and len(table) == 2
    assert table.to_pandas()[["source", "rows"]].equals(frame)


def test_memo_builds_once_per_owner_and_key_and_forgets_with_the_owner() -> None:
    owner = pd.DataFrame({"a": [1]})
    calls: list[int] = []
    first = memo.once(owner, "k", lambda: calls.append(1) or "built")
    again = memo.once(owner, "k", lambda: calls.append(1) or "other")
    assert (first, again, len(calls)) == ("built", "built", 1)
    assert memo.once(owner, "other key", lambda: "second") == "second"
    assert memo.once(pd.DataFrame({"a": [1]}), "k", lambda: "fresh") == "fresh"  # another object, its own memo
    key = id(owner)
    del owner
    import gc

    gc.collect()
    assert key not in memo._MEMOS


def test_a_shared_cache_builds_each_key_once_keeps_the_newest_and_lets_a_failure_retry() -> None:
    import threading
    import time

    calls: list[tuple] = []

    @memo.shared(maxsize=2)
    def square(n: int, who: memo.Same) -> int:
        calls.append((n, who.obj))
        if n < 0:
            raise ValueError("negative")
        time.sleep(0.05 if n == 7 else 0)  # long enough for the other threads to arrive while it builds
        return n * n

    owner = ["catalogue"]
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(square(7, memo.Same(owner)))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [49] * 8 and calls == [(7, owner)]  # eight sessions, one build
    assert square(7, memo.Same(["catalogue"])) == 49 and len(calls) == 2  # an equal but other object: its own key
    square(2, memo.Same(owner))
    square(3, memo.Same(owner))  # three keys in a cache of two: the least recently used (7) goes
    square(7, memo.Same(owner))
    assert len(calls) == 5
    for _ in range(2):
        with pytest.raises(ValueError):
            square(-1, memo.Same(owner))
    assert calls.count((-1, owner)) == 2  # a failed build is not kept


def test_headline_tiles_follow_the_status_bundle_they_are_given() -> None:
    """A status set in a meeting makes a new bundle; the tiles must be rebuilt from it, not kept
    from the bundle before."""
    import dataclasses
    from datetime import date

    catalogue = ui.require_catalogue()
    today = date.today()
    bundle = ui.statuses(catalogue, today)
    tiles = ui.headline_tiles(catalogue, bundle, today)
    assert ui.headline_tiles(catalogue, bundle, today) is tiles  # built once per bundle
    first = tiles[0].indicator_id
    other = "Red" if bundle.results[first].status != "Red" else "Green"
    changed = dataclasses.replace(bundle, results={**bundle.results,
                                                   first: dataclasses.replace(bundle.results[first], status=other)})
    assert ui.headline_tiles(catalogue, changed, today)[0].status == other
    assert tiles[0].status == bundle.results[first].status  # the earlier tiles are left as they were


def test_objects_are_frozen_out_of_the_collector_only_after_new_imports(monkeypatch) -> None:
    import gc
    import importlib.machinery
    import importlib.util
    import sys

    monkeypatch.setattr(ui, "_modules_frozen", 0)
    try:
        ui.freeze_after_imports()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        kept = [[n] for n in range(1000)]  # new objects, no new module
        ui.freeze_after_imports()
        assert gc.get_freeze_count() == frozen  # nothing more is frozen on an ordinary page run
        sys.modules.pop("this_module_is_new", None)
        monkeypatch.setitem(sys.modules, "this_module_is_new", importlib.util.module_from_spec(
            importlib.machinery.ModuleSpec("this_module_is_new", None)))
        ui.freeze_after_imports()
        assert gc.get_freeze_count() >= frozen + len(kept)  # after an import, what is alive is frozen
    finally:
        gc.unfreeze()
