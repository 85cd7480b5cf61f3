"""Real-browser fixtures: start the app on a free port and drive Debian chromium with Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Flags for a sandboxed machine with no outside network (no background calls home).
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found: install Debian's chromium package (make test does on CI)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def running_app(data: Path, *, port: int | None = None, args: tuple[str, ...] = (), **extra_env: str) -> Iterator[str]:
    """Serve the dashboard on a free (or the given) localhost port with `data` as its data folder;
    `args` are extra `streamlit run` options (e.g. --secrets.files)."""
    _require_chromium()
    env = dict(os.environ, COHESION_DATA_DIR=str(data), **extra_env)
    port = port or _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", *args],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
        pytest.fail(f"the app did not start within 60 s:\n{out[-3000:]}")
    try:
        yield url
    finally:
        stop_process(proc)


def copy_of_data(folder: Path) -> Path:
    """A private copy of data/ (without the store) for one app instance."""
    data = folder / "data"
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("processed", "meetings"))
    return data


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard served on localhost from a private copy of data/, for the whole session."""
    with running_app(copy_of_data(tmp_path_factory.mktemp("browser"))) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def browser_page(browser: object) -> Iterator[object]:
    """A fresh 1600x1000 page (a projector-sized window)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


def wait_for_app(page: object, timeout_ms: int = 30000) -> None:
    """Wait until Streamlit has finished running the script (no 'Running...' indicator)."""
    # Every page starts with a title (h1); then wait for the run to finish and the page to settle.
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout_ms)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )
    wait_until_settled(page, timeout_ms)


# Streamlit has finished a run when: its script state is notRunning, the page has its title, no
# "Running..." indicator, no spinner
# or skeleton, no element greyed out as stale, every chart and map has drawn, and the page has not
# changed for QUIET_MS (a MutationObserver watches it). Waiting for these, not for a fixed time.
QUIET_MS = 500
_SETTLED_JS = """(quietMs) => {
    if (!window.__lastChange) {
        window.__lastChange = performance.now();
        new MutationObserver(() => { window.__lastChange = performance.now(); })
            .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
    }
    const busy = "[data-testid='stStatusWidget'], [data-testid='stSpinner'], [data-testid='stSkeleton'], "
        + "[data-stale='true']";
    // Streamlit marks the app root with its script state (its own end-to-end tests rely on it).
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (!document.querySelector("[data-testid='stMain'] h1") || document.querySelector(busy)) return false;
    const charts = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")];
    if (charts.some(c => !c.querySelector('svg, canvas'))) return false;
    const maps = [...document.querySelectorAll("[data-testid='stDeckGlJsonChart']")];
    if (maps.some(m => !m.querySelector('canvas'))) return false;
    return performance.now() - window.__lastChange > quietMs;
}"""


def wait_until_settled(page: object, timeout_ms: int = 60000) -> None:
    """Wait until Streamlit has finished rendering the page and it has stopped changing."""
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout_ms)  # type: ignore[attr-defined]
    page.wait_for_function(_SETTLED_JS, arg=QUIET_MS, timeout=timeout_ms, polling=100)  # type: ignore[attr-defined]


def stop_process(proc: subprocess.Popen) -> None:
    """End a server the tests started: politely, then firmly after 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
