"""The load benchmark's harness (benchmarks/load.py): statistics, messages, and one real run.

Figures are never asserted; these tests check that the harness measures what it says it does.
"""

from __future__ import annotations

import asyncio
import math
import os
import socket
import textwrap
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.util import calc_hash

from benchmarks import load


def test_percentile_interpolates_between_ranks():
    values = [4.0, 1.0, 3.0, 2.0]  # unsorted on purpose
    assert load.percentile(values, 0) == 1.0
    assert load.percentile(values, 50) == 2.5  # halfway between 2 and 3
    assert load.percentile(values, 95) == pytest.approx(3.85)  # rank 2.85: 3 + 0.85 * (4 - 3)
    assert load.percentile(values, 100) == 4.0
    assert load.percentile([0.7], 95) == 0.7


def test_percentile_of_nothing_is_missing_not_zero():
    assert math.isnan(load.percentile([], 50))
    with pytest.raises(ValueError, match="0..100"):
        load.percentile([1.0], 101)


def test_cpu_seconds_reads_this_process_and_grows_with_work():
    before = load.cpu_seconds(os.getpid())
    start = time.process_time()
    while time.process_time() - start < 0.1:  # busy work, not a sleep
        sum(range(1000))
    assert load.cpu_seconds(os.getpid()) - before >= 0.05


def test_rerun_message_names_the_page_as_the_menu_does():
    msg = BackMsg()
    msg.ParseFromString(load.rerun_message("trends", "indicator=x"))
    assert msg.WhichOneof("type") == "rerun_script"
    assert msg.rerun_script.page_script_hash == calc_hash("trends")
    assert msg.rerun_script.page_name == "trends"
    assert msg.rerun_script.query_string == "indicator=x"


def _forward(**fields) -> bytes:
    msg = ForwardMsg()
    for name, value in fields.items():
        setattr(msg, name, value)
    return msg.SerializeToString()


def test_read_forward_ends_at_script_finished_but_not_at_a_rerun():
    assert load.read_forward(_forward(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY)) == (True, "", "")
    assert load.read_forward(_forward(script_finished=ForwardMsg.FINISHED_EARLY_FOR_RERUN)) == (False, "", "")
    assert load.read_forward(_forward(script_finished=ForwardMsg.FINISHED_WITH_COMPILE_ERROR)) == (
        True, "compile error", "")


def test_read_forward_reports_exceptions_wrong_pages_and_elements():
    msg = ForwardMsg()
    msg.delta.new_element.exception.type = "ValueError"
    msg.delta.new_element.exception.message = "boom"
    assert load.read_forward(msg.SerializeToString()) == (False, "ValueError: boom", "exception")
    nav = ForwardMsg()
    nav.navigation.page_script_hash = calc_hash("headlines")
    assert load.read_forward(nav.SerializeToString(), calc_hash("trends")) == (False, "another page ran instead", "")
    assert load.read_forward(nav.SerializeToString(), calc_hash("headlines")) == (False, "", "")
    text = ForwardMsg()
    text.delta.new_element.markdown.body = "hello"
    assert load.read_forward(text.SerializeToString()) == (False, "", "markdown")


def test_element_summary_groups_the_heavy_kinds():
    elements = Counter({"markdown": 5, "vega_lite_chart": 2, "dataframe": 1, "deck_gl_json_chart": 1})
    assert load.element_summary(elements) == "9 (charts 2, tables 1, maps 1)"


TINY_APP = textwrap.dedent('''
    import streamlit as st

    def one():
        st.title("One")

    def two():
        st.write("Two")

    def broken():
        raise ValueError("broken on purpose")

    st.navigation([st.Page(one, url_path="one", default=True), st.Page(two, url_path="two"),
                   st.Page(broken, url_path="broken")]).run()
''')


def test_sessions_visit_pages_on_a_real_server(tmp_path):
    script = tmp_path / "tiny_app.py"
    script.write_text(TINY_APP, encoding="utf-8")
    with load.serve(script, cwd=tmp_path, start_timeout_s=60) as server:
        assert server.url.startswith("http://127.0.0.1:")
        result = load.run_sessions(server.url, sessions=2, cycles=1, pages=["one", "two"],
                                   deadline_s=30, visit_timeout_s=30)
        assert result.problems() == []
        assert {page: len(times) for page, times in result.by_page().items()} == {"one": 2, "two": 2}
        assert all(t > 0 for times in result.by_page().values() for t in times)
        assert {v.page: dict(v.elements) for v in result.visits} == {"one": {"heading": 1}, "two": {"markdown": 1}}
        assert load.cpu_seconds(server.pid) > 0

        bad = load.run_sessions(server.url, sessions=1, cycles=1, pages=["broken", "missing"],
                                deadline_s=30, visit_timeout_s=30)
        assert bad.problems() == ["broken: ValueError: broken on purpose", "missing: another page ran instead"]
        assert bad.by_page() == {}


def test_serve_tries_another_port_when_its_port_is_taken(tmp_path, monkeypatch):
    script = tmp_path / "tiny_app.py"
    script.write_text(TINY_APP, encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        ports = iter([busy, load.free_port()])
        monkeypatch.setattr(load, "free_port", lambda: next(ports))
        with load.serve(script, cwd=tmp_path, start_timeout_s=60) as server:
            assert not server.url.endswith(f":{busy}")
            result = load.run_sessions(server.url, sessions=1, cycles=1, pages=["two"], deadline_s=30,
                                       visit_timeout_s=30)
            assert result.problems() == [] and len(result.visits) == 1

            async def inside_a_running_loop() -> load.LoadResult:  # as after Playwright's sync API
                return load.run_sessions(server.url, sessions=1, cycles=1, pages=["one"], deadline_s=30,
                                         visit_timeout_s=30)

            # In a fresh thread, so this test runs the same whether or not pytest's thread holds a loop.
            with ThreadPoolExecutor(max_workers=1) as pool:
                assert len(pool.submit(asyncio.run, inside_a_running_loop()).result().visits) == 1


def test_cpu_is_measured_turn_about_for_every_app_and_page(tmp_path, monkeypatch):
    """Each app gets its batch in turn, page by page (so a machine's drift weighs on all alike),
    and every app's figures come from its own server."""
    script = tmp_path / "tiny_app.py"
    script.write_text(TINY_APP, encoding="utf-8")
    order: list[str] = []
    real_run = load.run_sessions

    def recorded(url, sessions, cycles, pages, **kwargs):
        order.append(f"{url}|{pages[0]}")
        return real_run(url, sessions, cycles, pages, **kwargs)

    monkeypatch.setattr(load, "run_sessions", recorded)
    with load.serve(script, cwd=tmp_path, start_timeout_s=60) as a, load.serve(script, cwd=tmp_path,
                                                                                start_timeout_s=60) as b:
        cost = load.cpu_per_visit({"a": a, "b": b}, visits=2, pages=["one", "two"], batches=2)
    assert order == [f"{s.url}|{p}" for p in ("one", "two") for _ in range(2) for s in (a, b)]
    assert set(cost) == {"a", "b"} and all(set(pages) == {"one", "two"} for pages in cost.values())
    assert cost["a"]["one"].elements == Counter({"heading": 1}) and cost["b"]["two"].elements == Counter({"markdown": 1})
    assert all(c.cpu_s >= 0 and c.mean_cpu_s >= 0 and c.wall_s > 0 for pages in cost.values() for c in pages.values())


def test_generated_national_set_names_each_area_once(tmp_path):
    """The generator's code pattern meets the place's own code at its 21st area: it is skipped, not repeated."""
    import pandas as pd

    from benchmarks.run import generate_national_scale

    generate_national_scale(tmp_path, areas=40, indicators=2, periods=2)
    rows = pd.read_csv(tmp_path / "published_figures.csv", dtype=str)
    assert len(rows) == 40 * 2 * 2
    assert not rows.duplicated(["measure", "period", "area_code"]).any()
    assert (rows["area_code"] == "E06000021").sum() == 2 * 2
