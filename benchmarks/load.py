"""Load benchmark: the dashboard under concurrent sessions, against a floor app and a plain app.

`python -m cohesion bench --load` (or `python -m benchmarks.load`) starts each app with
`streamlit run` on a free loopback port and talks to it as browsers do, over Streamlit's websocket
(/_stcore/stream) with the protobuf BackMsg/ForwardMsg classes shipped in the streamlit package:
a visit sends a `rerun_script` BackMsg naming the page and ends at the `script_finished`
ForwardMsg. It prints:

- warm server CPU per page visit (utime + stime of the server process, from /proc/<pid>/stat)
  for the project, the floor app (same elements on tiny static data: what Streamlit itself
  costs) and the plain app (the tutorials' way: the same tidy table through st.cache_data), and
  the ratio project / floor per page (median over batches of visits, and mean);
- p50/p95 visit latency per page with 5, 10 and 20 sessions each cycling through every page.

Every run is bounded: a fixed number of visits per session and a deadline per level; servers
listen on 127.0.0.1 only and are stopped at the end. Figures are noisy on a shared machine: run
it on an otherwise idle one and compare figures from the same run only.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
LOOPBACK = "127.0.0.1"
# The dashboard's pages by url_path (dashboard.py); the floor and plain apps use the same paths.
PAGES = ("headlines", "priorities", "trends", "compare", "spaces", "meeting", "data")
SESSION_LEVELS = (5, 10, 20)


@dataclass(frozen=True)
class App:
    """One app to measure: a script served from the repository root (so it reads .streamlit/)."""

    name: str
    script: Path
    options: tuple[str, ...] = ()  # extra `streamlit run` flags, e.g. ("--server.fileWatcherType=auto",)


APPS = {
    "project": App("project", REPO / "dashboard.py"),
    # Streamlit's defaults for what .streamlit/config.toml turns off (the settings before issue 13),
    # to show what the production settings save.
    "project-defaults": App("project-defaults", REPO / "dashboard.py",
                            ("--server.fileWatcherType=auto", "--runner.postScriptGC=true")),
    "floor": App("floor", HERE / "floor_app.py"),
    "plain": App("plain", HERE / "plain_app.py"),
}


# ---- statistics ---------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks (numpy's default).

    NaN for no values, so an empty level shows as missing rather than as 0.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q must be within 0..100, got {q}")
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process `pid` (Linux /proc/<pid>/stat)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    # Fields after the command name (which may contain spaces) start at the state, field 3.
    fields = text[text.rindex(")") + 2:].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of process `pid` in MB (Linux /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


# ---- the websocket protocol -------------------------------------------------------------

def page_hash(page: str) -> str:
    """The script hash Streamlit gives the st.Page whose url_path is `page` (what the sidebar sends)."""
    from streamlit.util import calc_hash

    return calc_hash(page)


def rerun_message(page: str, query_string: str = "") -> bytes:
    """A serialized BackMsg asking the server to run `page` (its url_path), as a click in the menu.

    The hash, not only the name: the default page's url_pathname is "" whatever its url_path.
    """
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.page_script_hash = page_hash(page)
    msg.rerun_script.page_name = page
    msg.rerun_script.query_string = query_string
    return msg.SerializeToString()


@dataclass
class Visit:
    page: str
    seconds: float
    problem: str = ""  # empty when the page ran to the end without an exception
    elements: Counter[str] = field(default_factory=Counter)  # elements drawn, by type


def read_forward(raw: bytes, expected_hash: str = "") -> tuple[bool, str, str]:
    """(script run finished, problem, element drawn) for one ForwardMsg.

    A rerun the page asked for is not the end; a navigation message naming another page than
    `expected_hash` is a problem (the wrong page ran). The element is the new element's type
    ("markdown", "arrow_data_frame", ...) or "" when the message draws none.
    """
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.ParseFromString(raw)
    kind = msg.WhichOneof("type")
    if kind == "script_finished":
        if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return False, "", ""
        if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            return True, "compile error", ""
        return True, "", ""
    if kind == "page_not_found":
        return False, "page not found", ""
    if kind == "navigation" and expected_hash and msg.navigation.page_script_hash != expected_hash:
        return False, "another page ran instead", ""
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element.WhichOneof("type") or ""
        if element == "exception":
            exc = msg.delta.new_element.exception
            return False, f"{exc.type}: {exc.message}"[:200], element
        return False, "", element
    return False, "", ""


async def visit(ws, page: str, timeout_s: float) -> Visit:
    """Run one page in an open session and wait for its end; a timeout is recorded as a problem."""
    start = time.perf_counter()
    await ws.send(rerun_message(page))
    expected = page_hash(page)
    result = Visit(page, 0.0)
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                finished, issue, element = read_forward(await ws.recv(), expected)
                result.problem = result.problem or issue
                if element:
                    result.elements[element] += 1
                if finished:
                    break
    except TimeoutError:
        result.problem = result.problem or f"no script_finished within {timeout_s:.0f} s"
    result.seconds = time.perf_counter() - start
    return result


@dataclass
class LoadResult:
    sessions: int
    visits: list[Visit] = field(default_factory=list)
    wall_s: float = 0.0

    def by_page(self) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        for v in self.visits:
            if not v.problem:
                out.setdefault(v.page, []).append(v.seconds)
        return out

    def problems(self) -> list[str]:
        return sorted({f"{v.page}: {v.problem}" for v in self.visits if v.problem})


async def _session(url: str, pages: Sequence[str], cycles: int, start_at: int, deadline: float,
                   timeout_s: float, out: list[Visit]) -> None:
    import websockets

    ws_url = url.replace("http://", "ws://", 1) + "/_stcore/stream"
    # max_size=None: a page's messages (tables, maps) can exceed the library's 1 MiB default.
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout_s) as ws:
        order = list(pages[start_at % len(pages):]) + list(pages[:start_at % len(pages)])
        for _ in range(cycles):
            for page in order:
                if time.monotonic() >= deadline:
                    return
                out.append(await visit(ws, page, timeout_s))


def run_sessions(url: str, sessions: int, cycles: int, pages: Sequence[str] = PAGES,
                 deadline_s: float = 60.0, visit_timeout_s: float = 60.0) -> LoadResult:
    """`sessions` concurrent sessions, each visiting every page `cycles` times (each starting at a
    different page), stopping early at the deadline. Bounded by deadline_s + visit_timeout_s."""
    visits: list[Visit] = []
    deadline = time.monotonic() + deadline_s

    async def main() -> None:
        await asyncio.gather(*(_session(url, pages, cycles, i, deadline, visit_timeout_s, visits)
                               for i in range(sessions)))

    start = time.perf_counter()
    # A thread of its own: the caller may already run an event loop (Playwright's sync API does).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, main()).result()
    return LoadResult(sessions, visits, time.perf_counter() - start)


# ---- servers ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    pid: int


@contextmanager
def serve(script: Path, options: Sequence[str] = (), env: dict[str, str] | None = None,
          cwd: Path = REPO, start_timeout_s: float = 90.0, attempts: int = 3) -> Iterator[Server]:
    """`streamlit run script` on a free loopback port; stopped (and waited for) on exit.

    Another program may take the port between choosing it and the server binding it (other
    servers start on the same machine): then the server exits, and we try another port.
    """
    for attempt in range(1, attempts + 1):
        port = free_port()
        cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", LOOPBACK,
               "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
               *options]
        with tempfile.TemporaryFile() as log:
            proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=log,
                                    stderr=subprocess.STDOUT)
            url = f"http://{LOOPBACK}:{port}"
            try:
                if _wait_healthy(url, proc, start_timeout_s, log, last_attempt=attempt == attempts):
                    yield Server(url, proc.pid)
                    return
            finally:
                _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float, log, last_attempt: bool) -> bool:
    """True once this process says it listens on url's port and answers /_stcore/health; False if it
    exited first (port taken) and another attempt remains. A health answer alone could come from
    another server that holds the port, so the process's own start-up line is checked too."""
    listening = url.removeprefix("http://").encode()  # "Uvicorn server started on 127.0.0.1:PORT"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        log.seek(0)
        if listening in log.read():
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return True
            except OSError:
                pass
        time.sleep(0.2)  # polling a starting server (benchmark code, not a test)
    if proc.poll() is not None and not last_attempt:
        return False
    log.seek(0)
    tail = log.read().decode(errors="replace")[-2000:]
    raise RuntimeError(f"the server for {url} did not become healthy within {timeout_s:.0f} s:\n{tail}")


@contextmanager
def private_data_dir() -> Iterator[dict[str, str]]:
    """A throwaway copy of data/ with its store built, for every server of one run (the real
    store is never touched). Yields the environment that points a server at it."""
    from cohesion import config
    from cohesion.refresh import refresh

    previous = os.environ.get(config.ENV_DATA_DIR)
    with tempfile.TemporaryDirectory(prefix="cohesion-load-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("processed", "meetings"))
        os.environ[config.ENV_DATA_DIR] = str(data)
        try:
            refresh(progress=lambda _m: None)
            yield {config.ENV_DATA_DIR: str(data)}
        finally:
            if previous is None:
                os.environ.pop(config.ENV_DATA_DIR, None)
            else:
                os.environ[config.ENV_DATA_DIR] = previous


# ---- measurements -------------------------------------------------------------------------

def warm_up(url: str, pages: Sequence[str] = PAGES, timeout_s: float = 180.0) -> list[str]:
    """Visit every page twice in one session (first run builds the store and fills caches)."""
    return run_sessions(url, 1, 2, pages, deadline_s=timeout_s * len(pages), visit_timeout_s=timeout_s).problems()


@dataclass
class PageCost:
    cpu_s: float  # server CPU seconds per warm visit: the median over batches
    mean_cpu_s: float  # the same over every visit (includes the rare full garbage collection)
    wall_s: float  # median wall seconds of one visit alone
    elements: Counter[str]  # elements one visit draws, by type


def cpu_per_visit(servers: dict[str, Server], visits: int, pages: Sequence[str] = PAGES,
                  batches: int = 5) -> dict[str, dict[str, PageCost]]:
    """Per app and page: server CPU per warm visit, median wall time and elements drawn.

    For each page, `batches` rounds; in each round every app gets one session of `visits` visits,
    one app after another, so a machine that speeds up or slows down during the run (a shared
    one does) weighs on every app alike. The CPU clock ticks every 10 ms, so a batch has to last
    many ticks; the median over batches is the figure compared, because one of Python's full
    garbage collections (tens of ms, every few dozen visits in any app) landing in one page's
    batch would otherwise decide that page's ratio. The mean is kept beside it.
    """
    out: dict[str, dict[str, PageCost]] = {name: {} for name in servers}
    for page in pages:
        per_batch: dict[str, list[float]] = {name: [] for name in servers}
        times: dict[str, list[float]] = {name: [] for name in servers}
        total_cpu = dict.fromkeys(servers, 0.0)
        last: dict[str, LoadResult] = {}
        for _ in range(batches):
            for name, server in servers.items():
                before = cpu_seconds(server.pid)
                result = run_sessions(server.url, 1, visits, [page], deadline_s=120, visit_timeout_s=60)
                used = cpu_seconds(server.pid) - before
                total_cpu[name] += used
                per_batch[name].append(used / max(len(result.visits), 1))
                times[name] += [v.seconds for v in result.visits]
                last[name] = result
        for name in servers:
            visits_done = last[name].visits
            elements = visits_done[-1].elements if visits_done else Counter()
            out[name][page] = PageCost(percentile(per_batch[name], 50), total_cpu[name] / max(len(times[name]), 1),
                                       percentile(times[name], 50), elements)
    return out


def element_summary(elements: Counter[str]) -> str:
    """'57 (charts 6, tables 1, maps 0)': what a page draws, to check the floor app matches."""
    charts = sum(n for kind, n in elements.items() if "vega" in kind)
    tables = sum(n for kind, n in elements.items() if kind in ("dataframe", "table"))
    maps = sum(n for kind, n in elements.items() if "deck_gl" in kind or "map" in kind)
    return f"{sum(elements.values())} (charts {charts}, tables {tables}, maps {maps})"


def _fmt(seconds: float) -> str:
    return "   n/a" if math.isnan(seconds) else f"{seconds:6.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cohesion bench --load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--apps", default="project,floor,plain",
                        help=f"comma-separated, of {', '.join(APPS)} (default: project,floor,plain)")
    parser.add_argument("--sessions", default=",".join(map(str, SESSION_LEVELS)),
                        help="session counts for the latency runs (default 5,10,20; 0 skips them)")
    parser.add_argument("--cycles", type=int, default=2, help="times each session visits every page (default 2)")
    parser.add_argument("--deadline", type=float, default=60.0, help="seconds per session level (default 60)")
    parser.add_argument("--cpu-visits", type=int, default=20, help="warm visits per batch for CPU (default 20)")
    parser.add_argument("--cpu-batches", type=int, default=5, help="batches per page for CPU (default 5)")
    parser.add_argument("--load-apps", default="project", help="apps that get the latency runs (default project)")
    parser.add_argument("--option", action="append", default=[], metavar="--SECTION.NAME=VALUE",
                        help="an extra `streamlit run` flag for every app, e.g. --option=--runner.postScriptGC=false")
    args = parser.parse_args(argv)
    names = [n for n in args.apps.split(",") if n]
    unknown = [n for n in names if n not in APPS]
    if unknown:
        parser.error(f"unknown app(s) {', '.join(unknown)}; expected some of {', '.join(APPS)}")
    levels = [int(n) for n in args.sessions.split(",") if int(n) > 0]
    load_apps = set(args.load_apps.split(","))

    print(f"Load benchmark on {os.cpu_count()} CPU(s), loopback only. Figures are noisy when other work "
          "shares the machine; compare apps within one run.\n")
    memory: dict[str, tuple[float, float]] = {}
    with private_data_dir() as env, ExitStack() as running:
        # Every app's server at once, so their CPU can be measured turn about (cpu_per_visit).
        servers = {name: running.enter_context(serve(APPS[name].script, (*APPS[name].options, *args.option), env))
                   for name in names}
        warm_mb = {}
        for name, server in servers.items():
            for problem in warm_up(server.url):
                print(f"  {name}: {problem}")
            warm_mb[name] = rss_mb(server.pid)
        cpu = cpu_per_visit(servers, args.cpu_visits, batches=args.cpu_batches)
        for name, server in servers.items():
            if name in load_apps:
                for n in levels:
                    _print_load(name, run_sessions(server.url, n, args.cycles, deadline_s=args.deadline))
            memory[name] = (warm_mb[name], rss_mb(server.pid))
    _print_cpu(cpu)
    print("\nServer memory (RSS) after warm-up and at the end: "
          + "; ".join(f"{n} {a:.0f} -> {b:.0f} MB" for n, (a, b) in memory.items()))
    return 0


def _print_load(name: str, result: LoadResult) -> None:
    by_page = result.by_page()
    runs = sum(len(v) for v in by_page.values())
    print(f"{name}: {result.sessions} sessions, {runs} page runs in {result.wall_s:.1f} s "
          f"({runs / result.wall_s:.1f}/s); latency p50 / p95 in seconds")
    for page in PAGES:
        times = by_page.get(page, [])
        print(f"  {page:12} {_fmt(percentile(times, 50))} / {_fmt(percentile(times, 95))}   ({len(times)} visits)")
    for problem in result.problems():
        print(f"  problem: {problem}")
    print()


def _print_cpu(cpu: dict[str, dict[str, PageCost]]) -> None:
    names = list(cpu)
    both = {"project", "floor"} <= set(names)
    print("Warm server CPU per visit, seconds: median of the batches, with the mean over every visit and the")
    print("median wall time of one visit alone in brackets")
    print(f"  {'page':12}" + "".join(f"{n:>30}" for n in names) + ("     project/floor (means)" if both else ""))
    for page in PAGES:
        cells = "".join(f"{_fmt(cpu[n][page].cpu_s)} ({_fmt(cpu[n][page].mean_cpu_s).strip()}, "
                        f"{_fmt(cpu[n][page].wall_s).strip()})".rjust(30) for n in names)
        ratio = ""
        if both and cpu["floor"][page].cpu_s > 0 and cpu["floor"][page].mean_cpu_s > 0:
            ratio = (f"{cpu['project'][page].cpu_s / cpu['floor'][page].cpu_s:>17.2f}x"
                     f" ({cpu['project'][page].mean_cpu_s / cpu['floor'][page].mean_cpu_s:.2f}x)")
        print(f"  {page:12}{cells}{ratio}")
    print("\nElements drawn per visit")
    for page in PAGES:
        print(f"  {page:12}" + "; ".join(f"{n} {element_summary(cpu[n][page].elements)}" for n in names))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
