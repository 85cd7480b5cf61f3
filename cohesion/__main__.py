"""Entry point for `python -m cohesion`."""

from cohesion.cli import main

raise SystemExit(main())
