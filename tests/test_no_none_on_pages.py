"""With the real publishers' files loaded, no page prints None or nan, and the 2022/23 hate-crime
figure (2,010, from a Staffordshire Police news release) is credited to the release everywhere."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.pagetest import html, run_page, shown, unescape

pytestmark = pytest.mark.reference
PAGES = ["pages/headlines.py", "pages/priorities.py", "pages/trends.py", "pages/meeting.py", "pages/data.py",
         "pages/spaces.py"]
WORD = re.compile(r"\b(None|nan|NaN)\b")


@pytest.fixture
def real_store(isolated_data: Path, with_reference: Path) -> Path:
    from cohesion.refresh import refresh

    refresh(progress=lambda _m: None)
    return isolated_data


def words_in_tables(at) -> list[str]:
    """Cells a table would print as None or nan (missing values in a table Streamlit draws)."""
    found = []
    for frame in at.dataframe:
        value = frame.value
        data = value.data if hasattr(value, "data") else value  # a pandas Styler or a frame
        if not isinstance(data, pd.DataFrame):
            continue
        for column in data.columns:
            cells = data[column]
            if cells.isna().any():
                found.append(f"{column}: missing cell")
            found += [f"{column}: {c}" for c in cells if WORD.fullmatch(str(c).strip())]
    return found


@pytest.mark.parametrize("page", PAGES)
def test_no_none_or_nan_on_the_page(real_store, page) -> None:
    at = run_page(page)
    texts = shown(at) + [m.value for m in at.metric] + [html(at)]
    bad = [t for t in texts if WORD.search(t)]
    assert not bad, bad[:3]
    assert not words_in_tables(at), words_in_tables(at)[:5]


def test_every_trends_indicator_has_no_none_or_nan(real_store) -> None:
    from cohesion import config
    from cohesion.catalogue import load_catalogue

    at = run_page("pages/trends.py")
    for ind in load_catalogue(config.CATALOGUE_PATH).indicators:
        at.selectbox(key="trends_dimension").set_value(ind.dimension).run()
        at.selectbox(key="trends_indicator").set_value(ind.id).run()
        bad = [t for t in shown(at) if WORD.search(t)]
        assert not bad, (ind.id, bad[:3])
        assert not words_in_tables(at), (ind.id, words_in_tables(at)[:5])


def test_the_news_release_figure_is_credited_to_the_release_everywhere(real_store) -> None:
    release = "Staffordshire Police: Force news releases"
    # Headlines tile
    at = run_page("pages/headlines.py")
    captions = [unescape(c.value) for c in at.caption if "2022/23" in unescape(c.value)]
    assert captions and all(c.startswith(f"Source: {release}") for c in captions), captions
    # Meeting mode card
    at = run_page("pages/meeting.py", item="p07_tensions_early")
    card = html(at).split("<h3>Hate crimes recorded by the police (force area)</h3>")[1].split('class="meeting-card"')[0]
    assert "2,010" in card and "Source: Staffordshire Police: Force news releases" in card
    assert "Source: Home Office" not in card
    # Board pack: its row and its chart caption
    from pypdf import PdfReader

    from cohesion.report.pack import build_current_pack

    pdf, _ = build_current_pack(today=date.today())
    pack = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    row = pack.split("Hate crimes recorded by the police (force area)")[1][:200]
    assert "Staffordshire Police" in row and "Home Office" not in row.split("2,010")[0], row
    caption = pack.split("Source: Staffordshire Police")
    assert len(caption) >= 2, "the chart caption does not credit the release"
