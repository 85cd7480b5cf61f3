"""Status benchmarks for `python -m cohesion bench`: page reruns and the engine, default and national scale.

A warm rerun is what a user waits for after clicking a widget: the page runs once (filling the
caches), then `AppTest.run()` is timed repeatedly. The national-scale set is the generated,
clearly-not-real one from `benchmarks.run.generate_national_scale` (300 areas x 100 indicators x
15 periods), with its generated catalogue swapped in for the run.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

from benchmarks.run import median_ms
from cohesion import config

PAGES = ("pages/headlines.py", "pages/priorities.py")
WARM_RUNS = 15



@contextmanager
def _catalogue_at(path: Path):
    # Pages read config.CATALOGUE_PATH at call time, so pointing it elsewhere swaps the catalogue in-process.
    previous = config.CATALOGUE_PATH
    config.CATALOGUE_PATH = path
    try:
        yield
    finally:
        config.CATALOGUE_PATH = previous


def page_rerun_ms(page: str, runs: int = WARM_RUNS) -> float:
    """Median wall-clock of a warm rerun of one page (first run not counted)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(config.PROJECT_ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page(page).run()
    if at.exception:
        raise RuntimeError(f"{page} failed: {at.exception[0].value}")
    return median_ms(at.run, runs)


def engine_ms(runs: int = 5) -> float:
    """Median time of the status service (disclosure control, every rule, roll-ups, flags) plus the
    headline tiles, from the store's raw table (no caching)."""
    from cohesion import query
    from cohesion.catalogue import load_catalogue
    from cohesion.status.service import assess_current
    from cohesion.status.view import build_tiles

    catalogue = load_catalogue(config.CATALOGUE_PATH)
    observations = query.load()
    today = date.today()

    def work() -> None:
        bundle = assess_current(catalogue, today, observations=observations)
        build_tiles(catalogue, bundle.results, query.publishable(observations, catalogue), today)

    return median_ms(work, runs)


def bench() -> list[tuple[str, str]]:
    """(label, figure) pairs: warm page reruns and the engine, on the shipped data and at national scale."""
    from benchmarks.run import generate_national_scale, temporary_data_dir
    from cohesion.refresh import refresh

    out: list[tuple[str, str]] = []
    with temporary_data_dir():
        refresh(progress=lambda _m: None)
        for page in PAGES:
            out.append((f"status: warm rerun of {page}, default data",
                        f"{page_rerun_ms(page):.0f} ms (median of {WARM_RUNS}; target < 150 ms)"))
        out.append(("status: assess + roll-up + tiles, default data", f"{engine_ms():.1f} ms (median of 5)"))
    with temporary_data_dir(with_shipped=False) as data:
        catalogue_path = generate_national_scale(data)
        refresh(catalogue_path, progress=lambda _m: None)
        with _catalogue_at(catalogue_path):
            for page in PAGES:
                out.append((f"status: warm rerun of {page}, national scale",
                            f"{page_rerun_ms(page):.0f} ms (median of {WARM_RUNS}; target < 500 ms)"))
            out.append(("status: assess + roll-up + tiles, national scale (450,000 rows)",
                        f"{engine_ms():.0f} ms (median of 5, uncached)"))
    return out


if __name__ == "__main__":
    for label, figure in bench():
        print(f"{label:62} {figure}")
