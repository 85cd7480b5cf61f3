"""Community cohesion indicator dashboard: catalogue, loaders, status rules, geography and charts.

All logic lives here as plain functions so it can be tested without Streamlit; the pages in
`pages/` only read widgets, call this package and draw.
"""

__version__ = "0.1.0"
