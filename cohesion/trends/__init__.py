"""Trends: recent-trend statistics, hate-crime measures, control charts and chart builders.

- `stats`: the Fingertips recent-trend test for survey proportions.
- `spc`: control-chart limits and "Making Data Count" special-cause rules for monthly counts.
- `hatecrime`: reports per year, change on the previous year, rates, small-count suppression.
- `charts`: Altair builders (tidy frame in, chart out) and the choice of areas and comparators to draw.
- `takeaway`: one-sentence takeaways that double as the charts' text alternatives.
- `downloads`: the citation-carrying CSV behind each chart.
- timings live in `benchmarks/trends.py` (`python -m cohesion bench`).
"""
