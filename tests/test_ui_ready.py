"""Cached chart specs and tables in the form Streamlit sends: the browser gets the same bytes."""

from __future__ import annotations

import altair as alt
import pandas as pd
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
