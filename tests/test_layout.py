"""The project's shape: one reader of the store, benchmarks outside the package, and the deep-link
guard's contract with Streamlit (fails loudly if an upgrade changes what the guard relies on)."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

from cohesion import config

ROOT = Path(config.PROJECT_ROOT)
STORE_READS = re.compile(r"\bstore\.(read_observations|read_manifest|current_version|read_source_rows)\b")


def _python_files() -> list[Path]:
    return [*ROOT.joinpath("cohesion").rglob("*.py"), *ROOT.joinpath("pages").glob("*.py"), ROOT / "dashboard.py",
            *ROOT.joinpath("benchmarks").glob("*.py")]


def test_only_the_read_layer_reads_the_store() -> None:
    # refresh.py writes the store and reads the previous version to keep last good data.
    allowed = {"cohesion/query.py", "cohesion/store.py", "cohesion/refresh.py"}
    readers = {str(p.relative_to(ROOT)) for p in _python_files() if STORE_READS.search(p.read_text(encoding="utf-8"))}
    assert readers <= allowed, readers - allowed


def test_no_status_pipeline_outside_the_status_service() -> None:
    # Pages, meeting, report and CLI get statuses from cohesion.status.service (via ui.statuses).
    callers = {str(p.relative_to(ROOT)) for p in _python_files()
               if re.search(r"\bassess_(all|indicator)\(", p.read_text(encoding="utf-8"))}
    assert callers <= {"cohesion/status/engine.py", "cohesion/status/service.py"}, callers


def test_benchmarks_live_outside_the_package_and_are_wired_to_the_command() -> None:
    assert not list(ROOT.joinpath("cohesion").rglob("bench.py"))
    from cohesion.cli import COMMANDS

    module, _, func = COMMANDS["bench"][0].partition(":")
    runner = importlib.import_module(module)
    assert callable(getattr(runner, func))
    for target in runner.FEATURE_BENCHES:
        name, _, fn = target.partition(":")
        assert callable(getattr(importlib.import_module(name), fn)), target


def test_streamlit_still_behaves_as_the_deep_link_guard_expects(tmp_path: Path) -> None:
    """`cohesion.ui.through_entry_point` switches Streamlit's pages-folder mode off. It relies on:
    a class attribute `PagesManager.uses_pages_directory`, set True for an app whose script has a
    pages/ folder beside it, and set False by st.navigation. If this test fails after a Streamlit
    upgrade, re-check the guard (and the browser test of deep links on a fresh server)."""
    from streamlit.commands import navigation
    from streamlit.runtime.pages_manager import PagesManager

    assert "uses_pages_directory" in vars(PagesManager), "PagesManager.uses_pages_directory is gone"
    saved = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = None
        (tmp_path / "pages").mkdir()
        (tmp_path / "app.py").write_text("", encoding="utf-8")
        PagesManager(str(tmp_path / "app.py"), setup_watcher=False)
        assert PagesManager.uses_pages_directory is True, "a pages/ folder no longer turns on the folder mode"
    finally:
        PagesManager.uses_pages_directory = saved
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(navigation), \
        "st.navigation no longer switches the pages-folder mode off"
    from cohesion import ui

    assert "PagesManager.uses_pages_directory" in inspect.getsource(ui.through_entry_point)
