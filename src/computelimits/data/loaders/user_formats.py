"""Users' own data files (kept for imports): the loaders live in
:mod:`computelimits.data.userfiles`; their columns are listed by ``computelimits data check
--help`` and their rules are in the README's section "Your own results files"."""

from computelimits.data.userfiles import (
    COMPUTE_KINDS,
    CONVENTIONS,
    GENERIC_COLUMNS,
    GENERIC_OPTIONAL,
    GENERIC_REQUIRED,
    MAX_ERRORS,
    SETTING_KINDS,
    SOURCE_COMPUTER_PROGRESS,
    SOURCE_GENERIC,
    gc_paused,
    load_computer_progress,
    load_generic,
)

__all__ = [
    "COMPUTE_KINDS",
    "CONVENTIONS",
    "GENERIC_COLUMNS",
    "GENERIC_OPTIONAL",
    "GENERIC_REQUIRED",
    "MAX_ERRORS",
    "SETTING_KINDS",
    "SOURCE_COMPUTER_PROGRESS",
    "SOURCE_GENERIC",
    "gc_paused",
    "load_computer_progress",
    "load_generic",
]
