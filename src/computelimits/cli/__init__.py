"""The ``computelimits`` command line: parse options, call the Python API, render with rich.

One module per verb group; this one assembles them in the order ``--help`` lists them:

* :mod:`.theory` — ``simulate``
* :mod:`.compute` — ``estimate``, ``crosscheck``
* :mod:`.scaling` — ``fit``, ``extrapolate``, ``trends``, ``backtest``
* :mod:`.progress` — ``progress`` (the rate of algorithmic progress across benchmarks)
* :mod:`.paper` — ``paper`` (the paper's table of benchmarks on open data)
* :mod:`.report` — ``reproduce``
* :mod:`.data` — ``data list/info/fetch/results/check``

Every error the package raises on purpose becomes one line on stderr and exit code 2
(:class:`._shared.App`). Nothing heavier than typer and rich is imported until a verb runs.
"""

from typing import Annotated

import typer

from computelimits import __version__
from computelimits.cli import _shared, compute, data, paper, progress, report, scaling, theory

__all__ = ["app"]

app = _shared.App(
    name="computelimits",
    help=(
        "How much deep-learning progress depends on computing power, and what further progress "
        "would cost (after Thompson, Greenewald, Lee & Manso, arXiv 2007.05558).\n\n"
        "Example: computelimits simulate --quick --out results/quick"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        _shared.console.print(f"computelimits {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """computelimits command line."""


for _verb in (theory.simulate, compute.estimate, compute.crosscheck, scaling.fit,
              scaling.extrapolate, report.reproduce, scaling.trends, scaling.backtest,
              progress.progress, paper.paper):
    app.command()(_verb)
app.add_typer(data.app, name="data")
