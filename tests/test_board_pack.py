"""The board pack PDF, opened with pypdf: pages, titles, headline values, date, outline, metadata."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from cohesion import store
from cohesion.catalogue import load_catalogue
from cohesion.config import CATALOGUE_PATH
from cohesion.meeting.actions import append_action, new_action, read_actions
from cohesion.meeting.assess import indicator_line
from cohesion.meeting.snapshot import IndicatorState, Snapshot, save_snapshot
from cohesion.report import build_board_pack
from cohesion.report.cli import main as report_main
from cohesion.report.layout import fonts
from cohesion.report.pack import AUTHOR, build_current_pack
from cohesion.status.service import assess

TODAY = date(2026, 11, 25)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Collapse whitespace: titles may wrap across lines in a table cell or heading.
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory):
    """The shipped catalogue and data, refreshed into a private store, with one recorded action."""
    import os
    import shutil

    from cohesion import config
    from cohesion.refresh import refresh

    data = tmp_path_factory.mktemp("pack") / "data"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("processed", "meetings"))
    old = os.environ.get(config.ENV_DATA_DIR)
    os.environ[config.ENV_DATA_DIR] = str(data)
    try:
        refresh(progress=lambda _m: None)
        catalogue = load_catalogue(CATALOGUE_PATH)
        first = catalogue.agenda()[0]
        append_action(new_action(kind="action", priority_id=first.id, text="Draft the city-wide action plan",
                                 owner="Cohesion lead", due="2027-01-31"))
        yield catalogue, store.read_observations(), store.read_manifest(), data
    finally:
        if old is None:
            os.environ.pop(config.ENV_DATA_DIR, None)
        else:
            os.environ[config.ENV_DATA_DIR] = old


@pytest.fixture(scope="module")
def pack(live) -> bytes:
    pdf, warnings = build_current_pack(today=TODAY)
    assert warnings == []
    return pdf


def test_pack_has_every_priority_title_headline_value_and_the_date(live, pack: bytes) -> None:
    catalogue, observations, _manifest, _data = live
    reader = PdfReader(io.BytesIO(pack))
    # Cover, headlines and priorities, one section per priority, sources: at least 13 pages.
    assert len(reader.pages) >= len(catalogue.priorities) + 3
    text = _text(pack)
    for priority in catalogue.priorities:
        assert f"Priority {priority.number}: {priority.title}" in text
    assessment = assess(catalogue, observations, None, TODAY)
    for indicator in catalogue.headline_indicators():
        line = indicator_line(catalogue, assessment, observations, indicator.id)
        assert indicator.title in text
        assert line.value_text in text, f"{indicator.id}: {line.value_text} not in the pack"
    assert "generated 2026-11-25" in text and "25 November 2026" in text
    assert "Draft the city-wide action plan" in text and "Cohesion lead" in text
    assert "Sources and licences" in text
    for source in catalogue.sources:
        assert source.licence.split()[0] in text


def test_pack_metadata_and_outline(live, pack: bytes) -> None:
    catalogue = live[0]
    reader = PdfReader(io.BytesIO(pack))
    meta = reader.metadata
    assert meta.author == AUTHOR
    assert catalogue.place.name in meta.title and "2026-11-25" in meta.title
    assert meta.subject
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    for priority in catalogue.agenda():
        assert f"Priority {priority.number}: {priority.title}" in outline
    assert outline[0] == "Cover and data vintages" and outline[-1] == "Sources and licences"


def test_status_is_word_and_symbol_in_the_pack(live, pack: bytes) -> None:
    text = _text(pack)
    symbols = ("✔ Green", "▲ Amber", "✖ Red", "○ Grey") if fonts().unicode_symbols else \
        ("+ Green", "^ Amber", "x Red", "o Grey")
    for label in symbols:
        assert label in text


def test_catalogue_text_is_not_read_as_markup(live) -> None:
    catalogue, observations, manifest, _data = live
    first = catalogue.agenda()[0]
    hostile = first.model_copy(update={"title": "Plan <b>bold</b> & <font size=40>big</font>"})
    priorities = [hostile if p.id == first.id else p for p in catalogue.priorities]
    pdf = build_board_pack(catalogue.model_copy(update={"priorities": priorities}), observations, manifest,
                           today=TODAY, actions=[])
    assert "Plan <b>bold</b> & <font size=40>big</font>" in _text(pdf)


def test_changes_since_last_meeting_appear_in_the_pack(live) -> None:
    catalogue = live[0]
    first = catalogue.agenda()[0]
    ind = catalogue.indicators_for_priority(first.id)[0]
    before = Snapshot("2026-10-01", "2026-10-01T18:00:00+00:00", None,
                      {ind.id: IndicatorState("Amber", "", None, None, ind.unit)})
    snap_id = save_snapshot(before)
    try:
        pdf, _ = build_current_pack(today=TODAY)
    finally:
        from cohesion import db
        from cohesion.db.schema import snapshots

        with db.write() as conn:  # test clean-up only: the dashboard never deletes a snapshot
            conn.execute(snapshots.delete().where(snapshots.c.id == snap_id))
    assert "Changed since the last meeting" in _text(pdf)


def test_cli_writes_the_pdf_anywhere_and_reports(live, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "new" / "folder" / "board-pack.pdf"
    assert report_main(["--out", str(out), "--today", "2026-11-25"]) == 0
    printed = capsys.readouterr().out
    assert out.exists() and out.read_bytes().startswith(b"%PDF")
    assert re.search(rf"Wrote .*board-pack.pdf: {len(PdfReader(out).pages)} pages, [\d,]+ KB, in [\d.]+ s", printed)
    assert len(read_actions().actions) == 1


@pytest.mark.parametrize(("argv", "message"), [
    (["--out", "pack.txt"], "expected a file name ending in .pdf"),
])
def test_cli_refuses_bad_arguments(argv: list[str], message: str, capsys: pytest.CaptureFixture) -> None:
    assert report_main(argv) == 2
    assert message in capsys.readouterr().out


def test_cli_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        report_main(["--out", "x.pdf", "--today", "25/11/2026"])
    assert exit_info.value.code == 2
    assert "expected a date as YYYY-MM-DD, got '25/11/2026'" in capsys.readouterr().err


def test_pack_dates_vintages_and_no_near_blank_page(live, pack: bytes) -> None:
    reader = PdfReader(io.BytesIO(pack))
    assert str(reader.metadata.get("/CreationDate", "")).startswith("D:20261125")  # the pack's date, not 2000
    text = _text(pack)
    assert "2027-01-31" in text  # the action's due date on one line, not broken mid-date
    # Typed-in figures count as loaded vintages: the police news release has its figure and period.
    cover = re.sub(r"\s+", " ", reader.pages[0].extract_text() + " " + reader.pages[1].extract_text())
    assert re.search(r"Force news releases.*?2022/23 typed in from publications 1\b", cover), cover[:1500]
    for number, page in enumerate(reader.pages, start=1):
        body = page.extract_text().split("\n", 2)[-1]  # without the footer lines
        assert len(body) > 300 or page.images, f"page {number} is nearly blank: {body[:200]!r}"
