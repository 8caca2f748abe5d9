"""Users' own results files: the generic layout and the Computer-Progress layout.

These files are not registered sources: the user names the file. Their columns are listed by
``computelimits data check --help`` (:func:`~.columns.columns_help`) and their rules are in
the README's section "Your own results files". The package is split by job:

* :mod:`.reader` — the file read as factorized text columns (the package's one CSV reader,
  :mod:`computelimits.data.csvfile`, shared with the mirror's loaders);
* :mod:`.cells` — cell checks, once per distinct cell, and how problems (grouped by message)
  and repairs (naming their rows) are reported;
* :mod:`.columns` — the columns of both layouts, their meaning and the names users write
  instead;
* :mod:`.processors` — processor names matched to peak rates (documented aliases);
* :mod:`.generic` and :mod:`.computer_progress` — the two layouts.

Both loaders return ``(results, compute)`` tidy tables with the counted repairs and notices in
``attrs["repairs"]``.
"""

from __future__ import annotations

from computelimits._lazy import lazy_exports

#: name → the module that defines it; imported on first use (PEP 562), so that the command
#: line can read the column specs without numpy and pandas
_EXPORTS = {
    "MAX_ERRORS": "cells",
    **dict.fromkeys(("CP_SPECS", "DUPLICATES", "GENERIC_COLUMNS", "GENERIC_OPTIONAL",
                     "GENERIC_REQUIRED", "GENERIC_SPECS", "columns_help"), "columns"),
    **dict.fromkeys(("CONVENTIONS", "SOURCE_COMPUTER_PROGRESS", "load_computer_progress"),
                    "computer_progress"),
    **dict.fromkeys(("COMPUTE_KINDS", "SETTING_KINDS", "SOURCE_GENERIC", "load_generic"),
                    "generic"),
    **dict.fromkeys(("Processors", "family_key", "processor_key"), "processors"),
    **dict.fromkeys(("gc_paused", "read_sheet"), "reader"),
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, {k: f".{v}" for k, v in _EXPORTS.items()},
                                     globals())
