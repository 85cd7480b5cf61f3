"""Plain text stays plain: catalogue, data and register text is shown literally on every page.

A catalogue whose names carry a Markdown link, an image, HTML and bare addresses is run through
every page. Each such text must reach the reader exactly as written (the Markdown source has every
special character escaped, so no link, image, HTML or auto-link can be made of it) and no HTML we
build contains a tag from it.
"""

from __future__ import annotations

import html as html_lib
from pathlib import Path

import pytest
import yaml

from cohesion import config
from tests.pagetest import html, raw_texts, run_page, unescape

NASTY = "[click](http://x) ![i](http://x/p.png) <b>x</b> http://auto.link"
CONSTRUCTS = ("](", "![", "<b>", "http://", "</b>")


@pytest.fixture
def nasty_catalogue(isolated_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    raw = yaml.safe_load(config.CATALOGUE_PATH.read_text(encoding="utf-8"))
    names = {}
    ind = next(i for i in raw["indicators"] if i["id"] == "le_treated_fairly")  # shipped figures
    ind["title"] = f"Indicator {NASTY}"
    ind["definition"] = f"Definition {NASTY}"
    ind["caveats"] = [f"Caveat {NASTY}"]
    names["indicator"] = ind
    priority = next(p for p in raw["priorities"] if p["id"] == ind["priorities"][0])
    priority["title"] = f"Priority {NASTY}"
    priority["summary"] = f"Summary {NASTY}"
    names["priority"] = priority
    dimension = next(d for d in raw["dimensions"] if d["id"] == ind["dimension"])
    dimension["title"] = f"Dimension {NASTY}"
    names["dimension"] = dimension
    source = next(s for s in raw["sources"] if s["id"] == ind["source"])
    source["publisher"] = f"Publisher {NASTY}"
    source["title"] = f"Source {NASTY}"
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(config, "CATALOGUE_PATH", path)
    (isolated_data / "manual_status.csv").write_text(
        "indicator_id,status,commentary,owner,set_on,review_days\n"
        f"{ind['id']},Amber,\"Commentary {NASTY}\",\"Owner {NASTY}\",2026-01-05,\n", encoding="utf-8")
    return names


def check_page(at, where: str, *, in_text: bool = True) -> None:
    texts = raw_texts(at)
    with_nasty = [t for t in texts if "click" in t]
    if not in_text:  # the page shows catalogue text in tables only (plain text by nature)
        assert not with_nasty or all(c not in t for t in with_nasty for c in CONSTRUCTS), where
        return
    assert with_nasty, f"{where}: the test text is not on the page, so nothing was checked"
    for text in with_nasty:
        for construct in CONSTRUCTS:
            assert construct not in text, (where, construct, text)
    assert any(NASTY in unescape(t) for t in with_nasty), (where, with_nasty[:2])
    page_html = html(at)
    assert "<b>x</b>" not in page_html and "<img" not in page_html and 'href="http://x' not in page_html, where


def test_catalogue_text_is_shown_literally_on_every_page(nasty_catalogue) -> None:
    ind = nasty_catalogue["indicator"]
    priority = nasty_catalogue["priority"]
    check_page(run_page("pages/priorities.py", priority=priority["id"], dimension=ind["dimension"]), "Priorities")
    check_page(run_page("pages/trends.py", indicator=ind["id"]), "Trends")
    at = run_page("pages/meeting.py", item=priority["id"])
    check_page(at, "Meeting mode")
    assert html_lib.escape(f"Indicator {NASTY}") in html(at)
    at = run_page("pages/data.py")
    check_page(at, "Data & sources", in_text=False)
    assert f"Source {NASTY}" in set(at.dataframe[0].value["source"])


def test_headline_titles_and_commentary_are_literal(isolated_data: Path, tmp_path: Path, monkeypatch) -> None:
    raw = yaml.safe_load(config.CATALOGUE_PATH.read_text(encoding="utf-8"))
    ind = next(i for i in raw["indicators"] if i.get("headline"))
    ind["title"] = f"Headline {NASTY}"
    raw["place"]["name"] = f"Place {NASTY}"
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(config, "CATALOGUE_PATH", path)
    check_page(run_page("pages/headlines.py"), "Headlines")


def test_a_source_address_must_be_a_web_address() -> None:
    from pydantic import ValidationError

    from cohesion.catalogue.models import Source

    base = {"id": "s1", "publisher": "P", "title": "T", "licence": "L", "attribution": "A", "cadence": "annual",
            "loader": "none"}
    assert Source.model_validate({**base, "url": "https://example.org/a"}).url
    for bad in ("javascript:alert(1)", "http://x) ![i](y", "data:text/html,<b>"):
        with pytest.raises(ValidationError):
            Source.model_validate({**base, "url": bad})
