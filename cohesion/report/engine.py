"""A second process that draws the pack's charts and prints its PDF, for `python -m cohesion report`.

A fresh command pays a start-up cost the rest of the build does not need: vl-convert's
JavaScript engine (about 0.5 s, holding Python's lock the whole time, so a thread does not help),
then about 70 ms per chart. The engine process starts with the command and pays that on the
second core while this process imports pandas, reads the store and works out the statuses; it
also loads the PDF library's fonts and layout. Charts are sent to it as Vega-Lite specs as soon
as they are built; the pack's document refers to each chart by a stand-in (`Engine.draw`
returns one in place of the SVG), which the engine swaps for the drawn SVG before printing the
tagged PDF with the same code as in process (`render.document_to_pdf`). Where the system can
fork, the specs are built by a copy of the command forked once its imports are done
(`Engine.start_copy`): it imports Altair while the command reads the store, then builds the
specs while the command works out the statuses. Nothing is kept between commands.

The Headlines page's button uses it too, without the forked copy (`start(fork=False)`): the
server then never starts vl-convert, and other sessions' pages are not held up while the charts
are drawn, as Python's lock would hold them if that ran in the server.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import queue
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from cohesion.report.render import Printed

# A forked copy builds the chart specs beside this process (see Engine.start_copy). Not on
# macOS, where system libraries are not safe to use in a forked copy, nor where fork is missing.
_CAN_FORK = hasattr(os, "fork") and sys.platform != "darwin"
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent.parent)  # the folder holding `cohesion/`

# Warm-up input: the first chart starts vl-convert's engine, so the pack's charts pay none of that.
_WARM_SPEC = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}


class EngineStopped(RuntimeError):
    """The engine process ended without an answer; the caller builds the pack in process instead."""


def _as_json(text: str) -> str:
    """A string as the pack's JSON document writes it (see `markup.document`)."""
    return json.dumps(text, ensure_ascii=False)


class Engine:
    """The main side: sends chart specs and the document, gets the PDF back. Use as a context manager."""

    def __init__(self, *, fork: bool = True) -> None:
        self._may_fork = fork and _CAN_FORK
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_PARENT, env.get("PYTHONPATH", "")) if p)
        self._process = subprocess.Popen([sys.executable, "-m", "cohesion.report.engine"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, env=env)
        # The engine reads nothing while it warms up; a thread writes to its pipe so this
        # process goes on with the build instead of waiting for the pipe to drain.
        self._outbox: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
        self._sender = threading.Thread(target=self._send, name="pack-engine-sender", daemon=True)
        self._sender.start()
        self._salt = secrets.token_hex(6)
        self._drawn: dict[str, str] = {}  # chart key (charts._data_key) -> stand-in, for this build only
        self._direct: BinaryIO | None = None  # in the copy (`start_copy`): the engine's pipe, written at once
        self._copy: tuple[int, int, int] | None = None  # the copy: process id, its data pipe (-1: given), its report
        self._job: Callable[[Any], object] | None = None
        self._answered = False

    def _send(self) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            while (message := self._outbox.get()) is not None:
                pickle.dump(message, stdin, protocol=pickle.HIGHEST_PROTOCOL)
                stdin.flush()
        except OSError:  # the engine has gone: pdf() sees its end and says so
            pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    @property
    def drawn(self) -> dict[str, str]:
        """Chart key -> stand-in of every chart sent to the engine (waits for a copy's report)."""
        if self._copy is not None:
            self._join_copy()
        return self._drawn

    def draw(self, spec: dict[str, Any]) -> str:
        """Send a Vega-Lite spec for drawing; returns the stand-in the markup carries for its SVG."""
        stand_in = f"pack-chart-{self._salt}-{len(self._drawn):04d}"  # unique per build, never real SVG text
        message = ("chart", stand_in, spec)
        if self._direct is not None:
            pickle.dump(message, self._direct, protocol=pickle.HIGHEST_PROTOCOL)
            self._direct.flush()  # drawn as soon as it is built
        else:
            self._outbox.put(message)
        return stand_in

    def start_copy(self, prepare: Callable[[], object], job: Callable[[Any], object]) -> None:
        """Fork a copy of this process that runs `prepare` at once (importing the chart libraries),
        then `job(data)` (building chart specs and calling `draw`) once `give_copy(data)` hands it
        the data, so the specs are built on the other core while this process works out the
        statuses. Where the system cannot fork safely, `give_copy` runs the job here instead.
        `drawn` then waits for the copy's stand-ins; should the copy fail, the charts it did not
        report are built again here (still correct, only slower).
        """
        self._job = job
        stdin = self._process.stdin
        if not self._may_fork or stdin is None:
            return
        data_r, data_w = os.pipe()
        report_r, report_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (data_r, data_w, report_r, report_w):
                os.close(fd)
            return
        if pid == 0:  # the copy: never returns; leaves without the interpreter's clean-up
            status = 1
            try:
                os.close(data_w)
                os.close(report_r)
                prepare()
                with os.fdopen(data_r, "rb") as inbox:
                    payload = inbox.read()
                self._salt = secrets.token_hex(6)  # its stand-ins never clash with this process's
                self._direct = os.fdopen(os.dup(stdin.fileno()), "wb")
                job(pickle.loads(payload))
                with os.fdopen(report_w, "wb") as report:
                    pickle.dump(self._drawn, report, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)
        os.close(data_r)
        os.close(report_w)
        self._copy = (pid, data_w, report_r)

    def give_copy(self, data: Any) -> None:
        """Hand `data` to the copy's job (or run the job here when there is no copy)."""
        if self._copy is None:
            if self._job is not None:
                self._job(data)
            return
        payload = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        data_w = self._copy[1]
        self._copy = (self._copy[0], -1, self._copy[2])
        # The copy may still be importing: a thread waits for the pipe to drain, not this process.
        threading.Thread(target=_write_all, args=(data_w, payload), name="pack-copy-data", daemon=True).start()

    def _join_copy(self) -> None:
        assert self._copy is not None
        pid, data_w, report_r = self._copy
        self._copy = None
        if data_w != -1:  # never given its data (the build stopped early): it has nothing to say
            os.close(data_w)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with os.fdopen(report_r, "rb") as report:
            data = report.read()
        os.waitpid(pid, 0)
        if data:
            with contextlib.suppress(pickle.UnpicklingError, EOFError, ValueError):
                self._drawn.update(pickle.loads(data))

    def pdf(self, document: str, *, created: date) -> Printed:
        """The tagged PDF of the pack's `document`, its chart stand-ins replaced by the drawn SVGs.

        Raises render.PackUnavailable (the one message to show) when the PDF library cannot run, and
        EngineStopped when the engine process ended without an answer."""
        from cohesion.report import render  # not at the top: the engine process imports this module first

        self._outbox.put(("pdf", document, created))
        self._outbox.put(None)
        stdout = self._process.stdout
        assert stdout is not None
        try:
            kind, payload = pickle.load(stdout)
        except (EOFError, pickle.UnpicklingError, OSError, ValueError) as exc:
            raise EngineStopped(f"the pack engine stopped ({type(exc).__name__})") from exc
        self._answered = True
        if kind == "pdf":
            return render.Printed(*payload)
        if kind == "unavailable":
            raise render.PackUnavailable(payload)
        raise render.PackFailed(payload)  # a chart or the PDF failed: said in one line

    def close(self) -> None:
        """End the engine process: at once when the build stopped before its answer (bad arguments,
        an error), else once it has seen the end of its input."""
        if self._copy is not None:
            self._join_copy()
        self._outbox.put(None)
        if not self._answered:
            self._process.kill()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdout, self._process.stdin):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def start(*, fork: bool = True) -> Engine | None:
    """An engine process, or None when none can be started here (the pack is then built in process).

    `fork=False` where this process must not be copied (the dashboard's server, with its many
    threads): the chart specs are then built here and only drawn in the engine.
    """
    try:
        return Engine(fork=fork)
    except OSError:
        return None


def _write_all(fd: int, payload: bytes) -> None:
    with contextlib.suppress(OSError), os.fdopen(fd, "wb") as pipe:
        pipe.write(payload)


def _serve(inbox: BinaryIO, outbox: BinaryIO) -> None:
    """The engine side: warm up, draw each chart as it comes, print the PDF, answer once."""
    import gc

    import vl_convert

    from cohesion.report import render

    gc.disable()  # a short-lived process: see render.gc_paused
    vl_convert.vegalite_to_svg(_WARM_SPEC)
    problem = render.available()
    if problem is None:
        render.warm_up()
    svgs: dict[str, str] = {}
    failure: str | None = None
    while True:
        try:
            message = pickle.load(inbox)
        except EOFError:
            return
        if message[0] == "chart":
            _kind, stand_in, spec = message
            if failure is None:
                try:
                    svgs[stand_in] = vl_convert.vegalite_to_svg(spec)
                except Exception as exc:  # told to the caller with the PDF request
                    failure = f"a chart could not be drawn ({type(exc).__name__}: {exc})"
            continue
        _kind, document, created = message
        if problem is not None:
            answer: tuple[str, Any] = ("unavailable", problem)
        elif failure is not None:
            answer = ("error", failure)
        else:
            try:
                for stand_in, svg in svgs.items():
                    document = document.replace(_as_json(stand_in), _as_json(svg))
                answer = ("pdf", tuple(render.document_to_pdf(document, created=created)))
            except render.PackUnavailable as exc:
                answer = ("unavailable", str(exc))
            except render.PackFailed as exc:
                answer = ("error", str(exc))
            except Exception as exc:
                answer = ("error", f"the PDF could not be printed ({type(exc).__name__}: {exc})")
        pickle.dump(answer, outbox, protocol=pickle.HIGHEST_PROTOCOL)
        outbox.flush()


def main() -> None:
    # The answers go down a private copy of stdout; anything a library prints lands on stderr
    # instead of in the middle of a pickled answer.
    outbox = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
        _serve(sys.stdin.buffer, outbox)
    # The answer is sent; the command waits for this process to end, and freeing the libraries'
    # objects one by one would only make it wait longer.
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
