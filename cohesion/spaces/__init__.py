"""Community spaces: the council's register, public layers (libraries, GP practices, OSM), the
social-infrastructure indicator, and the pure pydeck builders for the map page."""
