"""Benchmarks: timings and memory for `python -m cohesion bench` / `make bench`, kept out of the runtime package.

`run.py` holds the core figures and the runner; each feature has its own module with a `bench()`
function listed in `run.FEATURE_BENCHES`. Figures are printed, never asserted in tests.
"""
