"""Nothing in the code names one place: the place, its force and its postcodes come from the catalogue.

Any council runs the dashboard by configuration (`python -m cohesion init`), so code, pages and
the entry point must not name Stoke-on-Trent, Staffordshire or an ST postcode; examples in
docstrings use other places, and placeholders come from the place's own data.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FORBIDDEN_WORDS = re.compile(r"stoke[- ]on[- ]trent|staffordshire", re.IGNORECASE)
ST_POSTCODE = re.compile(r"\bST\d{1,2}(?:\s?\d[A-Z]{2})?\b")  # ST4, ST4 1HH (postcodes are upper case)


def code_files() -> list[Path]:
    return sorted([*(REPO / "cohesion").rglob("*.py"), *(REPO / "pages").rglob("*.py"), REPO / "dashboard.py"])


def offences(text: str) -> list[str]:
    return [m.group(0) for pattern in (FORBIDDEN_WORDS, ST_POSTCODE) for m in pattern.finditer(text)]


def test_the_check_finds_what_it_looks_for() -> None:
    assert offences('placeholder="e.g. ST4 1HH"') == ["ST4 1HH"]
    assert offences("Staffordshire Police; Stoke-on-Trent City Council; ST1") == \
        ["Staffordshire", "Stoke-on-Trent", "ST1"]
    assert offences("STMEDIAN; STATUS; first; SW1A 1AA") == []


def test_no_code_names_one_place() -> None:
    found = {str(path.relative_to(REPO)): hits for path in code_files()
             if (hits := offences(path.read_text(encoding="utf-8")))}
    assert len(code_files()) > 50
    assert found == {}
