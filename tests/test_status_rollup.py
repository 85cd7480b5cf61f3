"""Roll-up, grid, manual file checks, tile text, HTML escaping and the status command."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from cohesion import tidy
from cohesion.loaders.errors import DataFileError
from cohesion.status import roll_up, status_grid
from cohesion.status.manual import latest_entry, load_manual_statuses
from cohesion.status.result import StatusResult
from cohesion.status.rollup import combine, roll_up_dimensions
from cohesion.status.view import (
    build_tiles,
    change_text,
    grid_table,
    md_escape,
    sparkline_chart,
    stale_flag,
    status_html,
)
from tests.test_status_rules import make_catalogue, rows


def result(iid: str, status: str, reason: str | None = None) -> StatusResult:
    return StatusResult(iid, status, "benchmark", f"{status}: x", "n/a", grey_reason=reason)


def test_mean_score_rule_and_red_flag():
    # Green 1 + Amber 0.5 + Red 0 = 1.5 / 3 = 0.5 -> Amber, with the Red flagged; Grey and Higher not assessed.
    res = {"a": result("a", "Green"), "b": result("b", "Amber"), "c": result("c", "Red"),
           "d": result("d", "Grey", "no_data"), "e": result("e", "Higher")}
    p = combine("p", ["a", "b", "c", "d", "e"], res)
    assert (p.status, p.score, p.assessed, p.total, p.any_red) == ("Amber", 0.5, 3, 5, True)
    assert p.coverage_text == "3 of 5 assessed: 1 Red, 1 Amber, 1 Green"
    assert p.sentence == "Amber: 3 of its 5 indicators are assessed (1 Red, 1 Amber, 1 Green). 1 Red indicator flagged."
    assert "average" not in p.sentence and "score" not in p.sentence


@pytest.mark.parametrize(("statuses", "expected"), [
    (["Green", "Green", "Amber", "Green"], "Green"),  # 3.5/4 = 0.875
    (["Green", "Amber"], "Green"),  # 0.75 exactly
    (["Amber", "Amber", "Red"], "Red"),  # 1/3 = 0.33
    (["Green", "Red", "Red"], "Red"),  # 0.33
    (["Green", "Red"], "Amber"),  # 0.5
    (["Amber", "Amber", "Green", "Red", "Red"], "Amber"),  # 2/5 = 0.4 exactly
])
def test_score_thresholds(statuses, expected):
    res = {str(i): result(str(i), s) for i, s in enumerate(statuses)}
    assert combine("p", list(res), res).status == expected


@pytest.mark.parametrize(("statuses", "share", "expected", "coverage"), [
    # 1 of 4 assessed, Red: below half, so not Red but "not enough evidence".
    (["Red", "Grey", "Grey", "Grey"], 0.5, "Grey", "Not enough evidence: 1 of 4 assessed: 1 Red"),
    # 2 of 4 is exactly half: enough. Red 0 + Amber 0.5 = 0.25 -> Red.
    (["Red", "Amber", "Grey", "Grey"], 0.5, "Red", "2 of 4 assessed: 1 Red, 1 Amber"),
    # 2 of 5: half of 5 rounds up to 3 needed.
    (["Green", "Green", "Grey", "Grey", "Grey"], 0.5, "Grey", "Not enough evidence: 2 of 5 assessed: 2 Green"),
    # a catalogue asking for a quarter: 1 of 4 is enough.
    (["Green", "Grey", "Grey", "Grey"], 0.25, "Green", "1 of 4 assessed: 1 Green"),
    # all required: 3 of 4 is not enough.
    (["Green", "Green", "Green", "Grey"], 1.0, "Grey", "Not enough evidence: 3 of 4 assessed: 3 Green"),
    # a single indicator always needs itself.
    (["Amber"], 0.5, "Amber", "1 of 1 assessed: 1 Amber"),
])
def test_minimum_coverage(statuses, share, expected, coverage):
    res = {str(i): result(str(i), s, None if s != "Grey" else "no_data") for i, s in enumerate(statuses)}
    p = combine("p", list(res), res, min_coverage=share)
    assert (p.status, p.coverage_text) == (expected, coverage)
    if expected == "Grey":
        assert p.grey_reason == "not_enough_evidence"
        assert p.sentence.startswith("Grey: not enough evidence. Only ")
        assert f"a status needs at least {p.needed}." in p.sentence


def test_not_enough_evidence_sentence_and_red_flag_kept():
    res = {"a": result("a", "Red"), "b": result("b", "Grey", "no_data"), "c": result("c", "Grey", "no_data"),
           "d": result("d", "Grey", "no_data")}
    p = combine("p", list(res), res)
    assert p.sentence == ("Grey: not enough evidence. Only 1 of its 4 indicators is assessed (1 Red); a status "
                          "needs at least 2. 1 Red indicator flagged.")
    assert p.any_red and p.needed == 2


def test_minimum_coverage_is_a_catalogue_setting():
    from cohesion.catalogue.models import DEFAULT_MIN_COVERAGE
    from cohesion.status.rollup import rule_text

    base = [{"id": x, "title": x.upper(), "priorities": ["p01"], "status": {"rule": "benchmark", "comparator": "england"}}
            for x in ("aa", "bb", "cc", "dd")]
    res = {"aa": result("aa", "Red"), "bb": result("bb", "Grey", "no_data"), "cc": result("cc", "Grey", "no_data"),
           "dd": result("dd", "Grey", "no_data")}
    assert DEFAULT_MIN_COVERAGE == 0.5
    assert roll_up(make_catalogue(base), res)["p01"].status == "Grey"
    quarter = make_catalogue(base, rollup={"min_coverage": 0.25})
    assert quarter.rollup.min_coverage == 0.25
    assert roll_up(quarter, res)["p01"].status == "Red"
    assert "At least half of a priority's indicators" in rule_text()
    assert "Not enough evidence" in rule_text() and "average" in rule_text()


def test_nothing_assessed_is_grey_not_green():
    res = {"a": result("a", "Grey", "no_data"), "b": result("b", "Similar"), "c": result("c", "Grey", "stale")}
    p = combine("p", ["a", "b", "c"], res)
    assert (p.status, p.score, p.assessed, p.any_red) == ("Grey", None, 0, False)
    assert p.sentence == "Grey: none of its 3 indicators can be assessed yet (1 no data yet, 1 direction only, 1 stale)."


def test_roll_up_priorities_dimensions_and_grid():
    cat = make_catalogue([
        {"id": "aa", "title": "A", "priorities": ["p01"], "status": {"rule": "benchmark", "comparator": "england"}},
        {"id": "bb", "title": "B", "priorities": ["p01"], "dimension": "safety",
         "status": {"rule": "benchmark", "comparator": "england"}},
        {"id": "cc", "title": "C", "priorities": ["p01", "p02"], "status": {"rule": "benchmark", "comparator": "england"}},
    ])
    res = {"aa": result("aa", "Green"), "bb": result("bb", "Red"), "cc": result("cc", "Grey", "no_data")}
    pr = roll_up(cat, res)
    assert list(pr) == ["p01", "p02"]
    assert (pr["p01"].status, pr["p01"].assessed, pr["p01"].total, pr["p01"].any_red) == ("Amber", 2, 3, True)
    assert pr["p02"].status == "Grey"
    dims = roll_up_dimensions(cat, res)
    assert dims["trust"].status == "Green" and dims["safety"].status == "Red"
    grid = status_grid(cat, res)
    assert len(grid) == 4  # 2 priorities x 2 dimensions
    cell = grid.set_index(["priority_id", "dimension_id"])
    assert (cell.loc[("p01", "trust"), "status"], cell.loc[("p01", "trust"), "assessed"],
            cell.loc[("p01", "trust"), "total"]) == ("Green", 1, 2)
    assert cell.loc[("p02", "safety"), "total"] == 0 and cell.loc[("p02", "safety"), "status"] == ""
    table = grid_table(grid)
    assert table.loc["1. First", "Safety"] == "✖ Red · 1 of 1"
    assert table.loc["2. Second", "Safety"] == ""


# ---------------------------------------------------------------- manual file


def write(tmp_path, text: str):
    path = tmp_path / "manual_status.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "indicator_id,status,commentary,owner,set_on,review_days\n"


@pytest.mark.parametrize(("row", "field", "expected"), [
    ("plan,Purple,c,o,2025-01-01,", "status", "expected one of Green, Amber, Red"),
    ("plan,Green,c,o,01/02/2025,", "set_on", "expected YYYY-MM-DD"),
    ("plan,Green,c,o,2025-01-01,soon", "review_days", "whole number of days"),
    (",Green,c,o,2025-01-01,", "indicator_id", "is empty"),
])
def test_bad_manual_rows_name_file_row_and_column(tmp_path, row, field, expected):
    path = write(tmp_path, HEADER + "plan,Green,ok,o,2025-01-01,\n" + row + "\n")
    with pytest.raises(DataFileError) as err:
        load_manual_statuses(path)
    message = str(err.value)
    assert message.startswith("manual_status.csv, row 3, column") and f"'{field}'" in message
    assert expected in message


def test_manual_missing_column_and_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="missing column.*'set_on'"):
        load_manual_statuses(write(tmp_path, "indicator_id,status,commentary,owner\n"))
    assert load_manual_statuses(tmp_path / "absent.csv").empty


def test_shipped_template_is_header_only_and_valid():
    from cohesion import config

    frame = load_manual_statuses(config.DATA_DIR / "manual_status.csv")
    assert frame.empty and list(frame.columns)[:5] == ["indicator_id", "status", "commentary", "owner", "set_on"]


def test_newest_entry_wins(tmp_path):
    frame = load_manual_statuses(write(tmp_path, HEADER + "plan,Red,old,o,2025-01-01,\nplan,green,new,o,2025-03-01,7\n"
                                       "plan,Amber,older,o,2024-12-01,\n"))
    entry = latest_entry(frame, "plan")
    assert (entry["status"], entry["commentary"], entry["review_days"]) == ("Green", "new", 7)


# ---------------------------------------------------------------- tiles and HTML


def test_status_html_escapes_every_dynamic_value():
    out = status_html("Red", '<script>alert("x")</script>')
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "✖ Red" in out and "#B2182B" in out  # word and symbol with the colour
    assert "<script>" not in status_html("<script>")  # unknown word falls back to the Grey style


def test_md_escape_neutralises_markdown_and_html():
    assert md_escape("<script>x</script> [link](javascript:1)") == \
        "\\<script\\>x\\<\\/script\\> \\[link\\]\\(javascript\\:1\\)"


def test_tiles_for_catalogue_title_with_script_and_missing_data():
    cat = make_catalogue([{"id": "aa", "title": "<script>alert(1)</script>", "headline": True,
                           "status": {"rule": "benchmark", "comparator": "previous_period"}}])
    from cohesion.status import assess_all

    res = assess_all(cat, tidy.empty_frame(), today=date(2025, 1, 1))
    (tile,) = build_tiles(cat, res, tidy.empty_frame(), date(2025, 1, 1))
    assert tile.value_text == "no figure" and tile.status == "Grey" and tile.change is None
    assert tile.as_of == "No data loaded yet" and tile.stale is None
    assert "<script>" not in md_escape(tile.title)


def test_change_text_and_series_break():
    series = rows("aa", [("2023/24", 50.0), ("2024/25", 51.3)])
    assert change_text(series, "%") == "+1.3 points since 2023/24"
    counts = rows("aa", [("2017/18", 1578), ("2018/19", 1570)], unit="count")
    assert change_text(counts, "count") == "-8 (-0.5%) since 2017/18"
    broken = rows("aa", [("2018/19", 1570), ("2022/23", 2010, None, None, "new source")])
    assert change_text(broken, "count").startswith("Not comparable")
    assert change_text(rows("aa", [("2024/25", 5.0)]), "%") is None


def test_sparkline_needs_two_points_and_breaks_the_line():
    assert sparkline_chart(pd.DataFrame({"period": ["2024"], "period_end": [pd.Timestamp("2024-12-31")],
                                         "value": [1.0], "series_break": [""]}), "%") is None
    pts = rows("aa", [("2017/18", 1578), ("2018/19", 1570), ("2022/23", 2010, None, None, "new source")])
    spec = sparkline_chart(pts[["period", "period_end", "value", "series_break"]], "count").to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [v["segment"] for v in values] == [0, 0, 1]


@pytest.mark.parametrize(("cadence", "today", "flagged"), [
    ("annual", date(2026, 9, 29), False), ("annual", date(2026, 10, 1), True),  # 31 Mar 2025 + 365 + 183 days
    ("quarterly", date(2025, 9, 30), False), ("quarterly", date(2025, 10, 2), True),
    ("one-off", date(2030, 1, 1), False), ("ad hoc", date(2030, 1, 1), False),
])
def test_stale_flag_by_cadence(cadence, today, flagged):
    assert (stale_flag(pd.Timestamp("2025-03-31"), cadence, today) is not None) == flagged


# ---------------------------------------------------------------- command and real data


def test_status_command_json_lists_every_indicator_and_priority(isolated_data, capsys):
    from cohesion.catalogue import load_catalogue
    from cohesion.config import CATALOGUE_PATH
    from cohesion.refresh import refresh
    from cohesion.status.cli import main

    refresh(progress=lambda _m: None)
    (isolated_data / "manual_status.csv").write_text(
        HEADER + "misinformation_response,Amber,Protocol drafted,Comms lead,2026-01-05,\n", encoding="utf-8")
    code = main(["--json", "--today", "2026-02-01"])
    out = json.loads(capsys.readouterr().out)
    cat = load_catalogue(CATALOGUE_PATH)
    assert code == 0 and out["today"] == "2026-02-01"
    assert set(out["indicators"]) == {i.id for i in cat.indicators}
    assert set(out["priorities"]) == {p.id for p in cat.priorities}
    for r in out["indicators"].values():
        assert r["status"] in ("Green", "Amber", "Red", "Grey", "Higher", "Similar", "Lower")
        assert r["sentence"].startswith(r["status"] + ":")
        assert r["status"] != "Grey" or r["grey_reason"]
    assert out["indicators"]["misinformation_response"]["status"] == "Amber"
    assert out["indicators"]["misinformation_response"]["commentary"] == "Protocol drafted"


def test_status_command_reports_bad_manual_file(isolated_data, capsys):
    from cohesion.status.cli import main

    (isolated_data / "manual_status.csv").write_text(HEADER + "x,Blue,c,o,2026-01-05,\n", encoding="utf-8")
    code = main(["--today", "2026-02-01"])
    captured = capsys.readouterr()
    assert code == 1 and "manual_status.csv, row 2, column 'status'" in captured.err
    assert "Priorities" in captured.out  # the rest still printed


def test_real_cls_file_gives_red_for_satisfaction(isolated_data, with_reference):
    """The published CLS 2024/25 local estimates, through the real loader and refresh: 57.7% vs 70.0%."""
    from cohesion import store
    from cohesion.catalogue import load_catalogue
    from cohesion.config import CATALOGUE_PATH
    from cohesion.refresh import refresh
    from cohesion.status import assess_all

    refresh(progress=lambda _m: None)
    cat = load_catalogue(CATALOGUE_PATH)
    res = assess_all(cat, store.read_observations(), today=date(2025, 12, 1))
    sat = res["satisfied_local_area"]
    assert sat.status == "Red" and sat.latest_period == "2024/25"
    assert "57.7% in 2024/25 (95% CI 53.0 to 62.4)" in sat.sentence and "(70.0%)" in sat.sentence
    assert res["influence_local_decisions"].status == "Amber"  # 24.5 (20.8-28.7) vs 23.7: similar


def test_pill_detail_gives_grey_reason_or_confidence():
    from cohesion.status.view import pill_detail

    assert pill_detail(result("a", "Grey", "stale")) == "Stale"
    assert pill_detail(result("a", "Grey", "no_data")) == "No data yet"
    assert pill_detail(StatusResult("a", "Red", "benchmark", "Red: x", "Medium")) == \
        "Fairly precise figure"
    assert pill_detail(StatusResult("a", "Red", "manual", "Red: x", "n/a")) == ""
