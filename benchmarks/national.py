"""National tables in `python -m cohesion bench`: build, refresh with every national table, and the
Compare with peers page's warm rerun (figures printed, never asserted in tests)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.run import median_ms
from cohesion import config

WARM_RUNS = 15


def bench() -> list[tuple[str, str]]:
    from benchmarks.run import temporary_data_dir
    from benchmarks.status import page_rerun_ms
    from cohesion import query
    from cohesion.national import build
    from cohesion.refresh import refresh

    out: list[tuple[str, str]] = []
    ref = config.reference_dir()
    if ref is not None and (ref / "national").is_dir():
        with tempfile.TemporaryDirectory(prefix="cohesion-national-") as tmp:
            start = time.perf_counter()
            build.build(ref / "national", Path(tmp), report=lambda _m: None)
            out.append(("national: build data/national/ from the publishers' files",
                        f"{(time.perf_counter() - start) * 1000:.0f} ms (one run)"))
    else:
        out.append(("national: build from the publishers' files", f"skipped ({config.ENV_REFERENCE_DIR} not set)"))
    with temporary_data_dir():
        refresh(progress=lambda _m: None)  # warm imports
        rows = len(query.load())
        out.append((f"refresh: shipped catalogue, all national tables ({rows:,} rows)",
                    f"{median_ms(lambda: refresh(progress=lambda _m: None), 5):.0f} ms (median of 5; target < 3 s)"))
        out.append(("compare: warm rerun of pages/compare.py",
                    f"{page_rerun_ms('pages/compare.py', WARM_RUNS):.0f} ms (median of {WARM_RUNS}; target < 150 ms)"))
        from cohesion.catalogue import load_catalogue
        from cohesion.national import compare

        catalogue, observations = load_catalogue(config.CATALOGUE_PATH), query.load()

        def cold() -> None:
            result = compare.compare(catalogue, observations, "life_satisfaction", "single_tier")
            compare.chart(result, catalogue.place.name).to_dict()

        out.append(("compare: one measure (305 authorities) + chart, uncached", f"{median_ms(cold, 5):.0f} ms (median of 5)"))
    return out


if __name__ == "__main__":
    for label, figure in bench():
        print(f"{label:62} {figure}")
