"""The indicator catalogue: typed models and validation with YAML line numbers."""

from cohesion.catalogue.models import Catalogue, Indicator, Priority, Source
from cohesion.catalogue.validate import CatalogueError, Problem, load_catalogue, validate_file, validate_text

__all__ = [
    "Catalogue", "CatalogueError", "Indicator", "Priority", "Problem", "Source",
    "load_catalogue", "validate_file", "validate_text",
]
