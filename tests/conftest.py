"""Shared fixtures: the real publishers' files, and an isolated data folder per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cohesion import config

REPO = Path(__file__).resolve().parent.parent


def _reference_path() -> Path | None:
    value = os.environ.get(config.ENV_REFERENCE_DIR)
    candidate = Path(value) if value else REPO.parent / "shared" / "data"
    return candidate.resolve() if candidate.is_dir() else None


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """Folder of the publishers' real files. Skips locally when absent; fails on CI."""
    path = _reference_path()
    if path is None:
        message = f"no reference data folder: set {config.ENV_REFERENCE_DIR} to the publishers' files"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of data/ (without the store) so a test may write freely."""
    import shutil

    target = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, target, ignore=shutil.ignore_patterns("processed", "meetings"))
    monkeypatch.setenv(config.ENV_DATA_DIR, str(target))
    return target


@pytest.fixture
def with_reference(reference_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the dashboard at the real publishers' files for this test."""
    monkeypatch.setenv(config.ENV_REFERENCE_DIR, str(reference_data))
    return reference_data


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch):
    """Capture the bytes behind every st.download_button an AppTest run creates."""
    from tests.pagetest import DownloadCapture

    return DownloadCapture().install(monkeypatch)
