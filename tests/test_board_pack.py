"""The board pack PDF, opened with pypdf: pages, titles, headline values, date, outline, metadata,
the order a board reads it in, one line (not a table of "no figure" rows) for what has no figure,
and the tagging a screen reader needs (PDF/UA-1: structure tree, headings, tables, figures with
alternative text, language, title)."""

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
    # A pack that fits a board: the shipped data made 31 pages when every indicator without a
    # figure had its own row and every priority its own page; now a summary page and a dozen more.
    assert 2 <= len(reader.pages) <= 16
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
    assert outline[0] == "Summary for the board" and outline[-1] == "Sources and licences"
    assert "About the data" in outline


def test_status_is_word_and_symbol_in_the_pack(live, pack: bytes) -> None:
    text = _text(pack)
    symbols = ("✔ Green", "▲ Amber", "✖ Red", "○ Grey") if fonts().unicode_symbols else \
        ("+ Green", "^ Amber", "x Red", "o Grey")
    for label in symbols:
        assert label in text


def test_catalogue_text_is_not_read_as_markup(live) -> None:
    catalogue, observations, manifest, _data = live
    first = catalogue.agenda()[0]
    # HTML, Typst markup and code: all printed as written
    hostile = first.model_copy(update={"title": 'Plan <b>bold</b> & *star* _under_ #read("/etc/passwd") $x^2$ @ref'})
    priorities = [hostile if p.id == first.id else p for p in catalogue.priorities]
    pdf = build_board_pack(catalogue.model_copy(update={"priorities": priorities}), observations, manifest,
                           today=TODAY, actions=[])
    assert 'Plan <b>bold</b> & *star* _under_ #read("/etc/passwd") $x^2$ @ref' in _text(pdf)


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


def test_pack_built_beside_the_command_is_the_same_pack(live, pack: bytes) -> None:
    """The command draws the charts and prints the PDF in a second process, the chart specs built
    in a copy of its own: the same pages, text, figures (with their alternative text) and tags."""
    from cohesion.report import engine

    with engine.start() as second:
        assert second is not None
        pdf, warnings = build_current_pack(today=TODAY, engine=second)
    assert warnings == []
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(PdfReader(io.BytesIO(pack)).pages)
    assert _text(pdf) == _text(pack)
    figures = [(str(e.get("/Alt")), ancestors) for role, e, ancestors in _structure(pdf)[1] if role == "Figure"]
    assert figures == [(str(e.get("/Alt")), ancestors) for role, e, ancestors in _structure(pack)[1]
                       if role == "Figure"]
    assert len(figures) >= 2  # the shipped data has charts: the engine drew them


def test_the_dashboard_prints_the_same_pack_in_a_second_process_without_forking(
        live, pack: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Headlines button's path: no copy of the server is forked, the charts are drawn and the
    PDF printed beside it (the server never starts vl-convert), and the pack is the same."""
    import os

    from cohesion.report import render
    from cohesion.report.pack import build_pack_beside

    def not_here(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the server must not be forked, nor print the PDF itself")

    monkeypatch.setattr(os, "fork", not_here)
    monkeypatch.setattr(render, "document_to_pdf", not_here)  # this process's printer (the engine has its own)
    pdf, warnings = build_pack_beside(TODAY)
    assert warnings == [] and _text(pdf) == _text(pack)


def test_report_command_leaves_streamlit_and_the_pdf_library_to_others(live, tmp_path: Path) -> None:
    """`python -m cohesion report` in a fresh process: Streamlit is never imported, and the PDF
    library only in the second process that draws the charts and prints the PDF."""
    import subprocess
    import sys

    out = tmp_path / "pack.pdf"
    code = ("import sys; from cohesion.cli import main; rc = main(['report', '--out', sys.argv[1], "
            "'--today', '2026-11-25']); print('LOADED', sorted(m for m in ('streamlit', 'typst') "
            "if m in sys.modules)); sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "LOADED []" in done.stdout
    assert len(PdfReader(out).pages) >= 10


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
    about = text.split("Sources and licences", 1)[1]
    assert re.search(r"Force news releases.*?2022/23 typed in from publications 1\b", about), about[:1500]
    footer = re.compile(r"Stoke-on-Trent Community Cohesion Strategy board pack · generated 2026-11-25|Page \d+ of \d+")
    for number, page in enumerate(reader.pages, start=1):
        body = footer.sub("", page.extract_text())
        # A page of charts has little text; each chart has its caption (page.images lists the
        # document's shared image resources, so it cannot tell).
        charts = body.count("comparators dashed where published")
        assert len(body.strip()) > 300 or charts >= 2, f"page {number} is nearly blank: {body[:200]!r}"


def test_summary_comes_first_and_what_has_no_figure_is_one_line(live, pack: bytes) -> None:
    catalogue, observations, _manifest, _data = live
    reader = PdfReader(io.BytesIO(pack))
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "At a glance" in first and "Headline indicators" in first
    assert "Priority 1:" not in first  # the priority sections come after the summary
    text = _text(pack)
    assert text.index("The priorities") < text.index(f"Priority 1: {catalogue.agenda()[0].title}")
    assert text.index("Sources and licences") > text.index(f"Priority 10: {catalogue.agenda()[-1].title}")
    # The counts table: one row for the priorities, one for the indicators
    assert re.search(rf"Priorities \({len(catalogue.priorities)}\)( \d+)+", text)
    assert re.search(rf"Indicators \({len(catalogue.indicators)}\)( \d+)+", text)
    # No table row of "no figure": each priority names its indicators without a figure in one line.
    assessment = assess(catalogue, observations, None, TODAY)
    sections = re.split(r"Priority \d+: ", text)[1:]
    for priority in catalogue.agenda():
        section = next(s for s in sections if s.startswith(priority.title))
        missing = [i for i in catalogue.indicators_for_priority(priority.id)
                   if indicator_line(catalogue, assessment, observations, i.id).value_text == "no figure"
                   and assessment.results[i.id].status == "Grey"]
        if missing:
            line = re.search(r"(\d+) of (\d+) indicators have no figure or status yet\. (.*?)Decisions and actions",
                             section)
            assert line and int(line.group(1)) == len(missing), (priority.id, section[:400])
            for indicator in missing:
                assert indicator.title in line.group(3), (priority.id, indicator.id)
                assert f"{indicator.title} Source:" not in section  # not also a table row
        else:
            assert "no figure or status yet" not in section


def test_pack_without_the_pdf_library_says_what_to_install(live, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture) -> None:
    """Typst not installed: one message saying how to install it, no traceback, no file."""
    from cohesion.report import render

    def no_typst():
        raise ModuleNotFoundError("No module named 'typst'")

    monkeypatch.setattr(render, "_COMPILER", None)
    monkeypatch.setattr(render, "_PROBLEM", None)
    monkeypatch.setattr(render, "_import_typst", no_typst)
    with pytest.raises(render.PackUnavailable, match="the PDF library .Typst. is not installed"):
        build_current_pack(today=TODAY)
    out = tmp_path / "pack.pdf"
    assert report_main(["--out", str(out), "--today", "2026-11-25"]) == 1
    printed = capsys.readouterr().out
    assert printed.strip() == render.TYPST_MISSING  # one message, no traceback
    assert "pip install -r requirements.txt" in printed and not out.exists()


def test_a_refused_document_is_one_line_naming_the_layout_line(monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture) -> None:
    """Should the layout ever refuse a document, the user reads why and where, not a traceback."""
    from cohesion.report import render

    with pytest.raises(render.PackFailed) as failure:
        render.document_to_pdf('{"style": {}}', created=TODAY)
    assert re.fullmatch(r"the PDF could not be printed: .*dictionary does not contain key .*\(.*pack\.typ:\d+:\d+\)",
                        str(failure.value)), str(failure.value)


def _structure(pdf: bytes) -> tuple[dict, list[tuple[str, dict, list[str]]]]:
    """The PDF's catalog and its structure elements in reading order: (role, element, ancestors' roles)."""
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    found: list[tuple[str, dict, list[str]]] = []

    def walk(node, ancestors: list[str]) -> None:
        node = node.get_object()
        if not isinstance(node, dict) or "/S" not in node:
            return
        role = str(node["/S"])[1:]
        found.append((role, node, ancestors))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None and hasattr(kid, "get_object"):
                walk(kid, [*ancestors, role])

    tree = root["/StructTreeRoot"].get_object()
    kids = tree["/K"]
    for kid in kids if isinstance(kids, list) else [kids]:
        walk(kid, [])
    return root, found


def test_pack_is_a_tagged_pdf_ua_document(live, pack: bytes) -> None:
    catalogue = live[0]
    root, elements = _structure(pack)
    assert root["/MarkInfo"]["/Marked"].value is True
    assert str(root["/Lang"]) == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True  # the title, not the file name
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfuaid:part(="1"|>1<)', xmp) and "http://www.aiim.org/pdfua/ns/id/" in xmp
    assert f"{catalogue.place.name} Community Cohesion Strategy: board pack, 2026-11-25" in xmp  # dc:title
    roles = [role for role, _node, _up in elements]
    assert roles[0] == "Document"
    # Headings: the pack's title, then one H1 per section (summary, each priority, about the data,
    # sources), H2 within
    h1 = [node for role, node, _up in elements if role == "H1"]
    assert len(h1) == 1 + len(catalogue.priorities) + 3
    assert roles.index("H1") < roles.index("H2")
    assert roles.count("H2") >= 2 * len(catalogue.priorities)
    # Tables with header cells and data cells inside rows
    assert roles.count("Table") >= len(catalogue.priorities) + 4
    cells = [(role, up) for role, _node, up in elements if role in ("TH", "TD")]
    assert {role for role, _up in cells} == {"TH", "TD"}
    assert all(up[-1] == "TR" and "Table" in up for _role, up in cells)
    # Each data cell names its header cells (/Headers -> the TH /IDs), so a screen reader reads
    # "Status: Red" rather than a bare word.
    header_ids = {str(node["/ID"]) for role, node, _up in elements if role == "TH" and "/ID" in node}
    for role, node, _up in elements:
        if role == "TD":
            # /A is one attribute dictionary or an array of them (one per owner: Table, Layout)
            attributes = node["/A"] if isinstance(node["/A"], list) else [node["/A"]]
            headers = {str(h) for a in attributes for h in a.get_object().get("/Headers", [])}
            assert headers and headers <= header_ids, node
    rows = [up for role, _node, up in elements if role == "TR"]
    assert rows and all(up[-1] in ("Table", "THead", "TBody", "TFoot") and "Table" in up for up in rows)
    assert all(role in ("Table", "THead", "TBody", "TFoot", "TR", "TH", "TD") or "TD" in up or "TH" in up
               for role, _node, up in elements if "Table" in up)  # nothing stray between table and cell
    # Every chart is a Figure with alternative text saying what it shows
    figures = [node for role, node, _up in elements if role == "Figure"]
    # (pypdf's page.images lists the shared image resources, not what a page draws: count captions)
    assert len(figures) == _text(pack).count("comparators dashed where published") > 0
    for figure in figures:
        alt = str(figure.get("/Alt", ""))
        assert alt.startswith("Line chart of ") and len(alt) > 60, alt


def test_pack_document_carries_catalogue_text_as_data_and_reads_no_file(live) -> None:
    """Catalogue text travels as JSON strings, printed as written: no file is ever read for it."""
    import json

    from cohesion.report.pack import pack_document

    catalogue, observations, manifest, _data = live
    first = catalogue.agenda()[0]
    title = 'Plan #image("/etc/passwd") #include "/etc/hostname" <img src="file:///etc/passwd" alt=x> & "q"'
    hostile = first.model_copy(update={"title": title})
    priorities = [hostile if p.id == first.id else p for p in catalogue.priorities]
    changed = catalogue.model_copy(update={"priorities": priorities})
    document = json.loads(pack_document(changed, observations, manifest, today=TODAY, actions=[]))
    assert document["sections"][0]["heading"] == f"Priority {first.number}: {title}"
    pdf = build_board_pack(changed, observations, manifest, today=TODAY, actions=[])
    assert title in _text(pdf)  # had the layout run it as code, the image would have failed the build


def test_headlines_button_without_the_pdf_library_shows_one_message(isolated_data: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The page goes on without Typst: the board pack button says what to install, no traceback."""
    from cohesion.report import render
    from tests.pagetest import run_page, shown

    monkeypatch.setattr(render, "_COMPILER", None)
    monkeypatch.setattr(render, "_PROBLEM", render.TYPST_MISSING)
    at = run_page("pages/headlines.py")
    next(b for b in at.button if b.label == "Prepare board pack (PDF)").click().run()
    assert not at.exception
    assert render.TYPST_MISSING in shown(at)
    assert not [b for b in at.get("download_button")]


def test_without_dejavu_the_pack_uses_ascii_symbols_and_says_so(live, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without DejaVu Sans: Typst's own font, ASCII symbols, the words unchanged, and a note."""
    from cohesion.report import layout

    catalogue, observations, manifest, _data = live
    monkeypatch.setattr(layout, "_FONTS", layout.Fonts("sans-serif", layout.FALLBACK_FONT, None, False))
    text = _text(build_board_pack(catalogue, observations, manifest, today=TODAY, actions=[]))
    assert "x Red" in text and "o Grey" in text and "✖" not in text
    assert "This system has no Unicode font, so status symbols are shown as + ^ x o." in text


def test_text_no_font_can_draw_still_makes_a_pack_and_says_so(live) -> None:
    """An action typed in a script this machine has no font for: the pack is printed, tagged, with
    the words around it, and a warning names the characters (PDF/UA-1 would refuse the whole pack)."""
    from cohesion.report import markup, render
    from cohesion.report.model import build_model
    from cohesion.status.service import assess as assess_now

    catalogue, observations, manifest, _data = live
    first = catalogue.agenda()[0]
    action = new_action(kind="action", priority_id=first.id, text="Translate the leaflet \U000F0000 and share it",
                        owner="Cohesion lead", due="2027-02-28")  # a private-use character: no font has it
    model = build_model(catalogue, observations, manifest, today=TODAY,
                        assessment=assess_now(catalogue, observations, None, TODAY), actions=[action], changes=None)
    printed = render.document_to_pdf(markup.document(model), created=TODAY)
    assert "Translate the leaflet" in _text(printed.pdf) and "and share it" in _text(printed.pdf)
    assert len(printed.warnings) == 1 and "No font on this machine can draw" in printed.warnings[0]
    assert "draw U+F0000:" in printed.warnings[0] and "fonts-noto-core" in printed.warnings[0]
    assert PdfReader(io.BytesIO(printed.pdf)).trailer["/Root"]["/MarkInfo"]["/Marked"]  # still tagged


def test_the_warning_names_each_character_once_with_its_code_point() -> None:
    from cohesion.report import render

    class TypstLikeError(Exception):
        diagnostic = ('error: PDF/UA-1 error: the text `"ব"` could not be displayed with font `"DejaVu Sans"`\n'
                      'error: PDF/UA-1 error: the text `"\\u{f0000}中 ব"` could not be displayed with font `"DejaVu Sans"`')

    assert render._undrawable(TypstLikeError()) == ["ব (U+09AC)", "U+F0000", "中 (U+4E2D)"]
    assert render._undrawable(Exception("expected function, found dictionary")) == []


def test_packs_printed_at_once_in_one_process_all_succeed(live) -> None:
    """Two people pressing the button while the dashboard prints in its own process (its fallback):
    Typst's compiler takes one caller at a time, so the others wait instead of failing."""
    import threading

    from cohesion.report import render
    from cohesion.report.pack import pack_document

    catalogue, observations, manifest, _data = live
    import json

    document = json.loads(pack_document(catalogue, observations, manifest, today=TODAY, actions=[]))
    results: list[object] = []

    def press(number: int) -> None:
        # a different document each (the same one again is printed from Typst's memory, at once)
        mine = json.dumps({**document, "footer": f"{document['footer']} ({number})"})
        try:
            results.append(render.document_to_pdf(mine, created=TODAY).pdf[:5])
        except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
            results.append(exc)

    threads = [threading.Thread(target=press, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [b"%PDF-"] * 6


def test_cli_says_in_one_line_when_the_pdf_is_refused(live, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    from cohesion.report import engine, render

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise render.PackFailed('the PDF could not be printed: expected content (cohesion/report/pack.typ:1:1)')

    monkeypatch.setattr(engine, "start", lambda **_kwargs: None)  # printed here, where the refusal is staged
    monkeypatch.setattr(render, "document_to_pdf", refuse)
    out = tmp_path / "pack.pdf"
    assert report_main(["--out", str(out), "--today", "2026-11-25"]) == 1
    assert capsys.readouterr().out.strip() == ("The board pack could not be built: the PDF could not be printed: "
                                               "expected content (cohesion/report/pack.typ:1:1)")
    assert not out.exists()
