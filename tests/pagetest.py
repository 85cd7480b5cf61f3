"""The one page-test helper: run a page through the entry point and read what it shows.

Every AppTest page test uses these instead of its own copy. Text on pages is escaped by the
presenter (`cohesion.present.plain`), so `shown()` gives it back as a reader sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def run_page(page: str, *, check: bool = True, **params: str) -> AppTest:
    """Run `page` (e.g. 'pages/trends.py') through dashboard.py with the given query parameters."""
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    if check:
        assert not at.exception, [e.value for e in at.exception]
    return at


def unescape(text: str) -> str:
    """Markdown source back to the text a reader sees (backslash escapes removed)."""
    return _ESCAPED.sub(r"\1", str(text))


def raw_texts(at: AppTest) -> list[str]:
    """The Markdown source of every text element, as sent to the browser."""
    out: list[str] = []
    for kind in TEXT_ELEMENTS:
        out += [str(el.value) for el in getattr(at, kind)]
    return out


def shown(at: AppTest) -> list[str]:
    """Every text element as a reader sees it."""
    return [unescape(t) for t in raw_texts(at)]


def html(at: AppTest) -> str:
    """All st.html bodies joined (meeting cards)."""
    return " ".join(str(el.proto.body) for el in at.get("html"))


class DownloadCapture:
    """Keeps every file a page hands to a download button, so a test can read what would leave.

    Use through the `downloads` fixture (tests/conftest.py); `data(button)` gives a button's bytes.
    """

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.deferred: dict[str, Callable[[], object]] = {}

    def install(self, monkeypatch) -> DownloadCapture:
        from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

        original = MemoryMediaFileStorage.load_and_get_id
        files = self.files

        def load_and_get_id(storage, path_or_data, mimetype, kind, filename=None):
            file_id = original(storage, path_or_data, mimetype, kind, filename)
            if isinstance(path_or_data, bytes | bytearray):
                files[file_id] = bytes(path_or_data)
            elif isinstance(path_or_data, str):
                files[file_id] = path_or_data.encode("utf-8")
            return file_id

        monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)

        # A button given a callable (built on click) registers it here; data() runs it as a click would.
        from streamlit.runtime.media_file_manager import MediaFileManager

        original_deferred = MediaFileManager.add_deferred
        deferred = self.deferred

        def add_deferred(manager, data_callable, *args, **kwargs):
            file_id = original_deferred(manager, data_callable, *args, **kwargs)
            deferred[file_id] = data_callable
            return file_id

        monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
        return self

    def data(self, button) -> bytes:
        """The bytes a click would download; a deferred button's callable is run, as a click runs it."""
        if button.proto.deferred_file_id:
            data = self.deferred[button.proto.deferred_file_id]()
            return data.encode("utf-8") if isinstance(data, str) else bytes(data)
        return self.files[str(button.proto.url).rsplit("/", 1)[-1].split(".", 1)[0]]
