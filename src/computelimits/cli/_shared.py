"""What every verb module shares: the consoles, the one error rule, the catalog of an
invocation and the options several verbs take.

Only typer, rich and the standard library are imported here (and in every module of this
package at import time), so that ``computelimits --help`` and option errors answer at once;
the package's numerical modules are imported inside the verb bodies.
"""

import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from computelimits.errors import ComputeLimitsError

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["App", "catalog_for", "console", "echo_json", "err_console", "fail",
           "one_line_errors", "print_sources"]

F = TypeVar("F", bound=Callable[..., Any])

#: Where results go (stdout) and where progress, notices and errors go (stderr). The verb
#: modules look them up here at call time, so a test may replace them.
console = Console()
err_console = Console(stderr=True)


def fail(message: object) -> typer.Exit:
    """Print ``error: MESSAGE`` as one line on stderr; the exit (code 2) to raise."""
    err_console.print(Text.assemble(("error:", "bold red"), " ", str(message)),
                      highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def one_line_errors(fn: F) -> F:
    """Run ``fn``; an error the package raises on purpose (:class:`ComputeLimitsError`)
    becomes one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def verb(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ComputeLimitsError as exc:
            raise fail(exc) from None

    return verb  # type: ignore[return-value]


class App(typer.Typer):
    """A typer app whose every command maps project errors to one line and exit code 2
    (:func:`one_line_errors`), so no verb repeats the rule."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        register = super().command(*args, **kwargs)

        def decorator(fn: F) -> F:
            register(one_line_errors(fn))
            return fn

        return decorator


def catalog_for(strict: bool) -> "Catalog":
    """The one data catalog of an invocation: ``--strict`` refuses mirror files that differ
    from their pins; without it the environment decides (``COMPUTELIMITS_STRICT``)."""
    from computelimits.data.catalog import Catalog, default_catalog

    return Catalog(strict=True) if strict else default_catalog()


def print_sources(lines: Iterable[str]) -> None:
    """Attribution lines travel with every output made from the data."""
    for line in lines:
        console.print(f"source: {line}", style="dim", highlight=False)


def echo_json(payload: Any) -> None:
    """Strict JSON (no NaN or Infinity tokens) on stdout."""
    from computelimits._json import dumps

    typer.echo(dumps(payload))


# options several verbs share
StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="Refuse mirror files whose checksum differs from the pinned upstream.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]

# which data, which compute, which results: the verbs that fit
BenchOpt = Annotated[str | None, typer.Option(
    help="Benchmark id, e.g. imagenet, mmlu, gsm8k, coco, squad1.1 (with --data: the file's "
         "benchmark; required for --format computer-progress).")]
DataOpt = Annotated[Path | None, typer.Option(
    "--data", help="Your own results file instead of the bundled data (see `computelimits "
                   "data check`); rows keep their own compute.")]
FormatOpt = Annotated[str, typer.Option(
    "--format", help="Layout of --data: 'generic' or 'computer-progress'.")]
KindOpt = Annotated[str | None, typer.Option(
    "--kind", help="Compute kind to fit: training, hardware_burden, imputed_operations (or "
                   "includes_search, other_dataset, other_purpose), or 'all' to mix the "
                   "fittable kinds. \\[default: the rows' own kind, else training, else the "
                   "most numerous]")]
PrecisionOpt = Annotated[str | None, typer.Option(
    "--precision", help="Peak precision of hardware burdens to keep (fp32, bf16, ...) or "
                        "'any' to mix. \\[default: the most common]")]
SettingOpt = Annotated[str | None, typer.Option(
    "--setting", help="Evaluation setting to keep: supervised, zero-shot, few-shot, "
                      "chain-of-thought, fine-tuned, unknown, or 'all'. \\[default: the most "
                      "common]")]
ScaleOpt = Annotated[str, typer.Option(
    "--scale", help="'error', or 'above-chance' to fit error / chance error.")]
ClusterOpt = Annotated[str, typer.Option(
    help="Cluster unit for intervals: publication (paper, arXiv id or model family), model "
         "or source.")]
ImputeOpt = Annotated[bool, typer.Option(
    "--impute", help="With --data: impute ImageNet network operations (90 epochs assumed) "
                     "for rows without compute.")]
NoFillOpt = Annotated[bool, typer.Option(
    "--no-fill", help="With --data: use only the rows' own compute (no name matches with "
                      "Epoch AI's tables).")]
ConventionOpt = Annotated[str, typer.Option(
    "--burden-convention", help="Hardware burden of computer-progress files: 'per-chip' "
                                "(counts are chips; a TPU device's rate / its chips) or "
                                "'paper' (the Computer Progress seeder's count × table rate).")]
