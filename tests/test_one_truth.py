"""One truth on every screen: the same status word and reason wherever an indicator or priority appears.

A catalogue with every rule (target, trajectory, benchmark against a comparator and against the
previous period, count change, manual) and some manual statuses (one live, one stale, one
commentary beside a computed status) is run over the real publishers' files. Then Headlines,
Priorities, Trends and Meeting mode (AppTest), the board pack (text extracted from the PDF), a
meeting snapshot (saved through Meeting mode's button) and `status --json` must all give the
status sentence of the status service for every indicator and priority. The sentence starts
with the status word and carries the reason, so equal sentences mean equal status and reason.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from cohesion import config
from cohesion.catalogue import load_catalogue
from tests.pagetest import html as page_html
from tests.pagetest import run_page, shown

pytestmark = pytest.mark.reference


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def every_rule(isolated_data: Path, with_reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    raw = yaml.safe_load(config.CATALOGUE_PATH.read_text(encoding="utf-8"))
    by_id = {i["id"]: i for i in raw["indicators"]}
    by_id["satisfied_local_area"].update(status={"rule": "target", "amber_band": 2.0},
                                         target={"value": 65.0, "year": 2030})
    by_id["cls_volunteering"].update(status={"rule": "trajectory"},
                                     target={"value": 55.0, "year": 2030, "baseline_value": 50.0,
                                             "baseline_period": "2021/22"})
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(config, "CATALOGUE_PATH", path)
    today = date.today()
    (isolated_data / "manual_status.csv").write_text(
        "indicator_id,status,commentary,owner,set_on,review_days\n"
        f"misinformation_response,Amber,Partners met twice,Delivery Group,{today - timedelta(days=10)},\n"
        f"cohesion_plan_progress,Green,Plan agreed,Delivery Group,{today - timedelta(days=300)},\n"
        f"satisfied_local_area,Red,Survey under way,Delivery Group,{today - timedelta(days=5)},\n",
        encoding="utf-8")
    from cohesion.refresh import refresh

    refresh(progress=lambda _m: None)
    catalogue = load_catalogue(path)
    rules = {i.status.rule for i in catalogue.indicators}
    assert rules == {"target", "trajectory", "benchmark", "count_change", "manual", "control_chart"}
    from cohesion.status.cli import build_report

    report, _warnings = build_report(today)
    return catalogue, report, today


def test_every_surface_gives_the_same_status_and_reason(every_rule) -> None:
    catalogue, report, today = every_rule
    indicators, priorities = report["indicators"], report["priorities"]
    # The manual statuses are honoured by the one service.
    assert indicators["misinformation_response"]["status"] == "Amber"
    assert indicators["cohesion_plan_progress"]["grey_reason"] == "stale"
    assert indicators["satisfied_local_area"]["rule"] == "target"  # a computed status is not overridden
    assert indicators["cls_volunteering"]["rule"] == "trajectory"

    # Headlines
    headline_text = " ".join(shown(run_page("pages/headlines.py")))
    for ind in catalogue.headline_indicators():
        assert indicators[ind.id]["sentence"] in headline_text, ("Headlines", ind.id)

    # Priorities: each priority opened by its link
    for p in catalogue.priorities:
        text = " ".join(shown(run_page("pages/priorities.py", priority=p.id)))
        assert priorities[p.id]["sentence"] in text, ("Priorities", p.id)
        for ind in catalogue.indicators_for_priority(p.id):
            assert indicators[ind.id]["sentence"] in text, ("Priorities", p.id, ind.id)

    # Trends: every indicator
    at = run_page("pages/trends.py")
    for ind in catalogue.indicators:
        at.selectbox(key="trends_dimension").set_value(ind.dimension).run()
        at.selectbox(key="trends_indicator").set_value(ind.id).run()
        assert indicators[ind.id]["sentence"] in " ".join(shown(at)), ("Trends", ind.id)

    # Meeting mode: every agenda item
    for p in catalogue.agenda():
        cards = page_html(run_page("pages/meeting.py", item=p.id))
        assert html.escape(priorities[p.id]["sentence"]) in cards, ("Meeting", p.id)
        for ind in catalogue.indicators_for_priority(p.id):
            assert html.escape(indicators[ind.id]["sentence"]) in cards, ("Meeting", p.id, ind.id)

    # A snapshot saved through Meeting mode's button
    at = run_page("pages/meeting.py")
    next(b for b in at.button if b.label == "Mark meeting as held").click().run()
    from cohesion.meeting.snapshot import latest_snapshot

    snap = latest_snapshot()
    assert snap is not None
    for ind_id, state in snap.indicators.items():
        assert (state.status, state.sentence) == (indicators[ind_id]["status"], indicators[ind_id]["sentence"])
    for pid, state in snap.priorities.items():
        assert (state.status, state.sentence) == (priorities[pid]["status"], priorities[pid]["sentence"])

    # The board pack, as text extracted from the PDF
    from pypdf import PdfReader

    from cohesion.report.pack import build_current_pack

    pdf, _ = build_current_pack(today=today)
    text = _squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    from cohesion.present import grey_reason_text

    for ind_id, result in indicators.items():
        if _squash(result["sentence"]) in text:
            continue
        # An indicator with neither figure nor status is named in its priority's one line, under
        # its reason, instead of a table row of "no figure".
        assert result["latest_value"] is None and result["status"] == "Grey", ("Board pack", ind_id)
        title, reason = catalogue.indicator(ind_id).title, grey_reason_text(result["grey_reason"])
        assert _squash(f"{reason}:") in text and _squash(title) in text, ("Board pack", ind_id)
    for pid, result in priorities.items():
        assert _squash(result["sentence"]) in text, ("Board pack", pid)


def test_grey_reasons_match_the_data(every_rule) -> None:
    _catalogue, report, _today = every_rule
    indicators = report["indicators"]
    hate = indicators["hate_crime_offences"]
    assert (hate["status"], hate["grey_reason"]) == ("Grey", "series_break")
    assert "series break" in hate["sentence"] and "no figure for 2021/22" in hate["sentence"]
    # The national well-being table publishes 95% intervals, so these are assessed, not Grey
    # (without intervals they would be Grey "no_interval": see test_status_rules).
    for ind_id in ("life_satisfaction", "anxiety"):
        assert indicators[ind_id]["status"] in ("Green", "Amber", "Red"), ind_id
        assert indicators[ind_id]["grey_reason"] is None
    assert "no data" not in report["priorities"]["p09_enterprise"]["sentence"]
