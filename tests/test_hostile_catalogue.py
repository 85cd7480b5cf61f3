"""A hostile or broken catalogue: refused with a located message before anything is built.

The big-nesting cases run `python -m cohesion validate` in a child process, so a crash of the
YAML library (which once took the whole process down) fails the test instead of killing pytest.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cohesion import config
from cohesion.catalogue import validate_file, validate_text
from cohesion.catalogue.safe_yaml import MAX_BYTES

REPO = Path(__file__).resolve().parent.parent
SHIPPED = config.CATALOGUE_PATH.read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    catalogue, problems = validate_text(text, "indicators.yaml")
    assert catalogue is None
    return [str(p) for p in problems]


def run_validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cohesion", "validate", str(path)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_billion_laughs_is_refused_before_expanding() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    assert problems_of("\n".join(lines) + "\n") == [
        "indicators.yaml:1: (top level): refused: anchor '&a0' is not allowed; write each value out in full"]


def test_an_alias_alone_is_refused_with_its_line() -> None:
    text = SHIPPED.replace("schema_version: 1", "schema_version: 1\nextra: *nowhere", 1)
    assert problems_of(text) == [
        f"indicators.yaml:{SHIPPED.index('schema_version: 1') and SHIPPED[:SHIPPED.index('schema_version: 1')].count(chr(10)) + 2}: (top level): refused: alias '*nowhere' is not allowed; write the value out in full"]


@pytest.mark.parametrize("name, text", [
    ("lists", "x: " + "[" * 20_000 + "]" * 20_000 + "\n"),
    ("maps", "x: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n"),
    ("block maps", "".join(f"{'  ' * i}k{i}:\n" for i in range(500)) + "  " * 500 + "v\n"),
])
def test_deep_nesting_is_refused_in_a_child_process(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    done = run_validate(path)
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])  # a crash is negative
    line = 21 if name == "block maps" else 1  # the 21st mapping opens on line 21
    assert done.stdout.splitlines() == [
        f"{path}: 1 problem(s)",
        f"  indicators.yaml:{line}: (top level): refused: nested more than 20 levels deep; expected the "
        "catalogue's shape (at most 5 levels)",
    ]
    assert done.stderr == ""


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text(SHIPPED + "#" + "x" * MAX_BYTES + "\n", encoding="utf-8")
    size = path.stat().st_size
    _, problems = validate_file(path)
    assert [str(p) for p in problems] == [
        f"indicators.yaml: (top level): refused: the file is {size:,} bytes; expected at most 1,000,000 "
        "(a catalogue is tens of kilobytes)"]


def test_impossible_date_is_a_located_message_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text(SHIPPED.replace("last_reviewed: 2026-11-21", "last_reviewed: 2025-02-30"), encoding="utf-8")
    done = run_validate(path)
    assert done.returncode == 1
    assert done.stdout.splitlines()[1] == (
        "  indicators.yaml:7: last_reviewed: Input should be a valid date or datetime, day value is outside "
        "expected range (got '2025-02-30'); expected a real date written YYYY-MM-DD")
    assert "Traceback" not in done.stdout + done.stderr


def test_an_unquoted_real_date_still_loads() -> None:
    catalogue, problems = validate_text(SHIPPED, "indicators.yaml")
    assert problems == [] and catalogue is not None
    assert catalogue.last_reviewed is not None and catalogue.last_reviewed.isoformat() == "2026-11-21"


def test_python_tags_and_bad_tagged_values_are_located_messages() -> None:
    assert problems_of("x: !!python/object/apply:os.system ['echo hi']\n") == [
        "indicators.yaml:1: (top level): malformed YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'"]
    assert problems_of("x: !!int nope\n") == ["indicators.yaml: (top level): malformed YAML: "
                                              "invalid literal for int() with base 10: 'nope'"]


def test_windows_encoded_catalogue_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_bytes(SHIPPED.encode("utf-8").replace(b"Stoke-on-Trent", b"Stoke\x96on-Trent", 1))
    _, problems = validate_file(path)
    line = SHIPPED[: SHIPPED.index("Stoke-on-Trent")].count("\n") + 1
    assert [str(p) for p in problems] == [
        f"indicators.yaml:{line}: (top level): byte 0x96 is not UTF-8 text; expected the file saved as UTF-8"]


def test_page_keeps_the_last_good_catalogue_when_the_file_breaks(
        isolated_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue_path = tmp_path / "indicators.yaml"
    catalogue_path.write_text(SHIPPED, encoding="utf-8")
    monkeypatch.setattr(config, "CATALOGUE_PATH", catalogue_path)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/headlines.py").run()
    assert not at.exception
    assert not [w for w in at.warning if "catalogue" in w.value]
    tiles = len(at.metric)
    assert tiles > 0

    catalogue_path.write_text("a: &a [1]\nb: *a\n", encoding="utf-8")  # a broken edit
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning if "catalogue" in w.value] == [
        "The indicator catalogue file now has 1 problem(s), so this page still shows the last good version. "
        "The Data & sources page lists the problems to fix."]
    assert len(at.metric) == tiles

    at.switch_page("pages/data.py").run()  # lists the problems, and still lists the sources
    assert not at.exception
    assert [e.value for e in at.error][0] == (
        "The indicator catalogue has 1 problem(s), so the dashboard keeps using the last good version until "
        "they are fixed. Fix them in the file named below; the Data & sources page lists them too.")
    assert at.dataframe[0].value["problem"].tolist() == ["refused: anchor '&a' is not allowed; write each value out in full"]
    assert len(at.dataframe) > 2
