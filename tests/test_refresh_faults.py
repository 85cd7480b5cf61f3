"""A refresh that cannot lose data: shrinking loads, damaged versions, full or read-only disks,
killed refreshes, future periods, empty and Windows-encoded files.

Faults are injected (an OSError raised where the store writes), never produced on a real disk.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import socket
from pathlib import Path

import pandas as pd
import pytest

from cohesion import cli, config, store
from cohesion.loaders.errors import DataFileError
from cohesion.loaders.police_local import load_police_counts
from cohesion.loaders.published import load_published_figures
from cohesion.loaders.wellbeing_survey import load_wellbeing_survey
from cohesion.refresh import refresh

QUIET = {"progress": lambda _m: None}
FIGURES = "published_figures"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def figures_file(data: Path) -> Path:
    return data / "published_figures.csv"


def keep_first_rows(data: Path, rows: int) -> None:
    lines = figures_file(data).read_text(encoding="utf-8").splitlines()
    figures_file(data).write_text("\n".join(lines[: rows + 1]) + "\n", encoding="utf-8")


def test_header_only_file_keeps_the_last_good_rows(isolated_data: Path) -> None:
    first = refresh(config.CATALOGUE_PATH, **QUIET).sources[FIGURES]
    assert first.rows > 100
    keep_first_rows(isolated_data, 0)
    code, out, _ = run_cli("refresh", "--quiet")
    assert code == 1
    report = store.read_manifest().sources[FIGURES]
    assert (report.status, report.rows) == ("kept_previous", first.rows)
    assert f"  {FIGURES}: the new load has no rows where the last good load had {first.rows}; if the smaller " \
           f"file is right, run `python -m cohesion refresh --accept-shrink`; kept {first.rows} rows from the " \
           f"last good load ({first.loaded_at})" in out.splitlines()

    code, out, _ = run_cli("refresh", "--quiet", "--accept-shrink")
    report = store.read_manifest().sources[FIGURES]
    assert (report.status, report.rows) == ("loaded", 0)


def test_a_missing_file_keeps_the_last_good_rows(isolated_data: Path) -> None:
    first = refresh(config.CATALOGUE_PATH, **QUIET).sources[FIGURES]
    figures_file(isolated_data).unlink()
    report = refresh(config.CATALOGUE_PATH, **QUIET).sources[FIGURES]
    assert (report.status, report.rows) == ("kept_previous", first.rows)
    assert report.problems == [
        "no file at data:published_figures.csv yet",
        "if the source was removed on purpose, run `python -m cohesion "
        f"refresh --accept-shrink`; kept {first.rows} rows from the last good load ({first.loaded_at})"]
    assert refresh(config.CATALOGUE_PATH, **QUIET, accept_shrink=True).sources[FIGURES].status == "no_file"


def test_shrink_beyond_the_allowed_share_is_held_back(isolated_data: Path) -> None:
    before = refresh(config.CATALOGUE_PATH, **QUIET).sources[FIGURES].rows
    keep_first_rows(isolated_data, 40)  # fewer rows, each still cited
    shrunk = refresh(config.CATALOGUE_PATH, **QUIET).sources[FIGURES]
    assert shrunk.status == "kept_previous" and shrunk.rows == before
    # A looser share, set on the command line, lets the same file through.
    assert run_cli("refresh", "--quiet", "--max-shrink", "0.9")[0] == 0
    after = store.read_manifest().sources[FIGURES].rows
    assert 0 < after < before / 2
    drop = round(100 * (before - after) / before)
    assert shrunk.problems[0].startswith(f"the new load has {after} rows, {drop}% fewer than the {before} of "
                                         "the last good load (more than the 50% allowed)")


def test_max_shrink_must_be_a_share(isolated_data: Path) -> None:
    with pytest.raises(SystemExit):
        run_cli("refresh", "--max-shrink", "50")


def test_damaged_previous_version_is_reported_and_skipped(isolated_data: Path) -> None:
    refresh(config.CATALOGUE_PATH, **QUIET)
    older = store.current_version()
    refresh(config.CATALOGUE_PATH, **QUIET)
    live = store.current_version()
    (store.version_dir(live) / "sources" / f"{FIGURES}.parquet").write_bytes(b"PAR1 torn")
    figures_file(isolated_data).write_text("", encoding="utf-8")

    manifest = refresh(config.CATALOGUE_PATH, **QUIET)
    report = manifest.sources[FIGURES]
    assert report.status == "kept_previous"  # from the older, intact version
    assert report.rows == store.read_manifest(older).sources[FIGURES].rows
    assert len(manifest.notes) == 1
    assert manifest.notes[0].startswith(f"version {live}: sources/{FIGURES}.parquet is damaged (ArrowInvalid: ")
    assert manifest.notes[0].endswith("; skipped it")


def test_damaged_manifest_is_skipped(isolated_data: Path) -> None:
    refresh(config.CATALOGUE_PATH, **QUIET)
    damaged = store.current_version()
    (store.version_dir(damaged) / "manifest.json").write_text("{not json", encoding="utf-8")
    manifest = refresh(config.CATALOGUE_PATH, **QUIET)
    assert manifest.sources[FIGURES].status == "loaded"
    assert manifest.notes == [f"version {damaged}: manifest.json is damaged (JSONDecodeError: Expecting property "
                              "name enclosed in double quotes: line 1 column 2 (char 1)); skipped it"]


@pytest.mark.parametrize("code, words", [
    (errno.ENOSPC, "the disk is full at {where}; free some space and run it again"),
    (errno.EROFS, "the disk is read-only at {where}; run it where the data folder can be written"),
    (errno.EACCES, "permission denied at {where}; run it as a user who may write the data folder"),
])
def test_full_or_read_only_disk_is_one_line_and_keeps_the_live_version(
        isolated_data: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str) -> None:
    refresh(config.CATALOGUE_PATH, **QUIET)
    live = store.current_version()
    written: list[str] = []

    def fail(frame: pd.DataFrame, path: object, *_a: object, **_k: object) -> None:
        written.append(str(path))
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(store, "write_parquet", fail)  # the store's one table writer
    status, out, err = run_cli("refresh", "--quiet")
    assert status == 3 and out == ""
    assert err.splitlines() == [
        f"Refresh stopped: {words.format(where=written[0])}; the previous store version stays live."]
    assert store.current_version() == live
    assert [p.name for p in (config.store_dir() / "versions").iterdir() if p.name.startswith(".")] == []


def test_store_pointer_write_failure_leaves_no_temporary_file(isolated_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refresh(config.CATALOGUE_PATH, **QUIET)
    live = store.current_version()
    real_replace = os.replace

    def fail_on_pointer(src: str, dst: str) -> None:
        if str(dst).endswith("CURRENT"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_pointer)
    assert run_cli("refresh", "--quiet")[2] == (
        "Refresh stopped: the disk is full; free some space and run it again; the previous store version stays live.\n")
    assert store.current_version() == live
    assert not list(config.store_dir().glob(".CURRENT-*"))


def _full_disk_command(_argv: list[str]) -> int:
    raise OSError(errno.ENOSPC, "No space left on device", "data/meetings/meeting-2026-01-01.json")


def test_every_command_turns_a_disk_error_into_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(cli.COMMANDS, "meeting", (f"{__name__}:_full_disk_command", "test"))
    assert run_cli("meeting", "held") == (3, "", "meeting stopped: the disk is full at "
                                          "data/meetings/meeting-2026-01-01.json; free some space and run it again\n")


def _buggy_command(_argv: list[str]) -> int:
    raise KeyError("oops")


def test_an_unexpected_error_is_one_line_unless_debugging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(cli.COMMANDS, "status", (f"{__name__}:_buggy_command", "test"))
    monkeypatch.delenv("COHESION_DEBUG", raising=False)
    assert run_cli("status") == (4, "", "status stopped by an unexpected error (KeyError: 'oops'). Run it again "
                                 "with COHESION_DEBUG=1 for details, and report it.\n")
    monkeypatch.setenv("COHESION_DEBUG", "1")
    with pytest.raises(KeyError):
        run_cli("status")


def test_stale_staging_folders_are_removed(isolated_data: Path) -> None:
    refresh(config.CATALOGUE_PATH, **QUIET)
    versions = config.store_dir() / "versions"
    dead = versions / f".staging-{socket.gethostname()}-999999999-abc"  # no such process
    old_other = versions / ".staging-otherhost-12-def"
    new_other = versions / ".staging-otherhost-13-ghi"  # perhaps running on another machine now
    mine = versions / f".staging-{socket.gethostname()}-{os.getpid()}-jkl"  # this process: running
    for folder in (dead, old_other, new_other, mine):
        folder.mkdir()
    os.utime(old_other, (0, 0))
    manifest = refresh(config.CATALOGUE_PATH, **QUIET)
    assert manifest.notes == ["removed 2 unfinished version folder(s) left by an interrupted refresh"]
    assert sorted(p.name for p in versions.glob(".staging-*")) == sorted([new_other.name, mine.name])


# Future periods, empty and Windows-encoded files: each refused with file, row, column and why.

def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


POLICE_HEADER = "period,area_type,area_code,area_name,measure,strand,count,population,note\n"
SURVEY_HEADER = "question_id,period,area_code,area_name,breakdown,response,positive,count,base_n\n"


def test_future_period_is_refused_in_each_template(tmp_path: Path) -> None:
    police = _write(tmp_path / "police.csv", POLICE_HEADER + "2024-04,ward,E05008123,Hanley Park,hate_crimes,All,4,,\n"
                    "2031-04,ward,E05008123,Hanley Park,hate_crimes,All,4,,\n")
    with pytest.raises(DataFileError) as caught:
        load_police_counts(police)
    assert str(caught.value).startswith("police.csv, row 3, column 'period': '2031-04' is in the future "
                                        "(it starts on 2031-04-01, after today, ")
    assert str(caught.value).endswith("); expected a period that has begun")

    survey = _write(tmp_path / "survey.csv", SURVEY_HEADER + "q1,2031/32,E06000021,Stoke-on-Trent,,Yes,yes,50,100\n")
    with pytest.raises(DataFileError) as caught:
        load_wellbeing_survey(survey)
    assert str(caught.value).startswith("survey.csv, row 2, column 'period': '2031/32' is in the future "
                                        "(it starts on 2031-04-01")

    lines = (config.DATA_DIR / "published_figures.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = pd.read_csv(io.StringIO("\n".join(lines[:2])), dtype=str, keep_default_na=False)
    row.loc[0, "period"] = "2031"
    figures = tmp_path / "published_figures.csv"
    row[header].to_csv(figures, index=False)
    with pytest.raises(DataFileError) as caught:
        load_published_figures(figures)
    assert str(caught.value).startswith("published_figures.csv, row 2, column 'period': '2031' is in the future")


def test_empty_windows_and_ragged_published_tables_are_located(tmp_path: Path) -> None:
    path = tmp_path / "published_figures.csv"
    path.write_bytes(b"")
    with pytest.raises(DataFileError) as caught:
        load_published_figures(path)
    assert str(caught.value) == "published_figures.csv, row 1: the file is empty; expected a header row and data rows"

    good = (config.DATA_DIR / "published_figures.csv").read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(good[:4] + [good[4].replace(b",", b" \x96 x,", 1)] + good[5:]))
    with pytest.raises(DataFileError) as caught:
        load_published_figures(path)
    assert str(caught.value) == ("published_figures.csv, row 5: byte 0x96 is not UTF-8 text (the file looks saved "
                                 "as Windows-1252); expected UTF-8: save it again as 'CSV UTF-8'")

    path.write_bytes(b"\n".join(good[:3] + [b"a,b,c"] + good[3:]))
    with pytest.raises(DataFileError) as caught:
        load_published_figures(path)
    columns = len(good[0].split(b","))
    assert str(caught.value) == (f"published_figures.csv, row 4: 3 cells where the header has {columns}; "
                                 "expected one cell per column (check for an unquoted comma)")


def test_empty_and_windows_encoded_police_files(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as caught:
        load_police_counts(_write(tmp_path / "police.csv", "\n\n"))
    assert str(caught.value) == "police.csv, row 1: the file is empty; expected a header row and data rows"
    path = tmp_path / "police.csv"
    # Windows-1252 is accepted for council templates: the note keeps its en dash.
    path.write_bytes((POLICE_HEADER + "2024-04,ward,E05008123,Hanley Park,hate_crimes,All,4,,Q1 \u2013 draft\n")
                     .encode("cp1252"))
    assert load_police_counts(path)["status_note"].tolist() == ["Q1 \u2013 draft"]


def test_reference_paths_are_checked_even_without_the_reference_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    from cohesion.catalogue.validate import source_path_problem

    monkeypatch.delenv(config.ENV_REFERENCE_DIR, raising=False)
    assert source_path_problem("reference:indicators/x.csv") is None
    assert source_path_problem("reference:../../etc/passwd") == (
        "'reference:../../etc/passwd' would leave the reference folder; expected a path inside one of the data "
        "folders, such as data:file.csv")
    assert source_path_problem("data:../../etc/passwd") == (
        "'data:../../etc/passwd' resolves outside the data folder; expected a path inside one of the data "
        "folders, such as data:file.csv")


def test_quiet_refresh_prints_one_line_when_all_is_well(isolated_data: Path) -> None:
    code, out, _ = run_cli("refresh", "--quiet")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 1
    manifest = store.read_manifest()
    total = sum(r.rows for r in manifest.sources.values())
    loaded = sum(1 for r in manifest.sources.values() if r.rows)
    assert lines == [f"Store version {manifest.version}: {total} rows from {loaded} sources"]
    assert total > 100
