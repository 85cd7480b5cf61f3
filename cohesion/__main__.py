"""Entry point for `python -m cohesion`."""

import gc
import os
import sys

from cohesion.cli import QUICK_EXIT, main

quick = bool(sys.argv[1:2]) and sys.argv[1] in QUICK_EXIT
if quick:
    # The cycle collector stays off for the whole command (see render.gc_paused): turned back on
    # at the end, its first pass would walk every object the build left (0.1 s) just before exit.
    gc.disable()
code = main()
if quick:
    # Its output is written and closed; freeing the objects of a whole build one by one on the
    # way out took a quarter of a second more, so the process leaves at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
raise SystemExit(code)
