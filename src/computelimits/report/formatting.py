"""How the report writes numbers: :mod:`computelimits.formatting`, re-exported here.

The formats moved to :mod:`computelimits.formatting` so that the command line, the report
and the results' summaries share one module that imports only the standard library; every
name of it is available here as before (``from computelimits.report import formatting``).
"""

from __future__ import annotations

from computelimits.formatting import *  # noqa: F403
from computelimits.formatting import MINUS, UNBOUNDED, __all__  # noqa: F401
