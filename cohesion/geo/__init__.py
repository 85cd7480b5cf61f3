"""Geography: postcodes, boundaries, deprivation, and aggregating community spaces to areas.

Everything here is plain pandas/geopandas, testable without Streamlit. Files come from the
git-ignored cache named by `cohesion.config.geo_dir()`, filled by `python -m cohesion geo fetch`
(from the official publishers) or `python -m cohesion geo import --from FOLDER`.
"""
