"""Entry point for `python -m cohesion`."""

import os
import sys

from cohesion.cli import QUICK_EXIT, main

code = main()
if sys.argv[1:2] and sys.argv[1] in QUICK_EXIT:
    # Its output is written and closed; freeing the objects of a whole build one by one on the
    # way out took a quarter of a second more, so the process leaves at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
raise SystemExit(code)
