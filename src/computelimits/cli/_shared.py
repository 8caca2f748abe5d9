"""What every verb module shares: the consoles, the one error rule, the catalog of an
invocation and the options several verbs take.

Only typer, rich and the standard library are imported here (and in every module of this
package at import time), so that ``computelimits --help`` and option errors answer at once;
the package's numerical modules are imported inside the verb bodies.
"""

import functools
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand, TyperGroup, TyperOption
from typer.exceptions import TyperException

from computelimits.errors import ComputeLimitsError

__all__ = ["App", "VerboseOpt", "bold", "console", "echo_json", "err_console", "fail",
           "one_line_errors", "print_more", "print_notes", "print_sources", "short_sources"]

F = TypeVar("F", bound=Callable[..., Any])

#: Where results go (stdout) and where progress, notices and errors go (stderr). The verb
#: modules look them up here at call time, so a test may replace them. Neither reads rich
#: markup from the strings printed (tables included): the values in them come from users'
#: files, options and data (a model named "[bold red]x[/]" or a chip "[/x]" is printed as
#: written); styles are given with ``style=`` or :func:`bold`.
#: Narrowest console a table is drawn in: ``COLUMNS=0`` (or 5) would make rich print
#: nothing at all, or one character a line.
MIN_WIDTH = 40


class _Console(Console):
    """A rich console whose closed pipe (``| head``) ends the command quietly with code 141
    (rich's own exits with 1, the code of a bug here)."""

    def on_broken_pipe(self) -> None:
        import sys

        self.quiet = True
        with _suppressed():
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(141)


def make_console(**kwargs: Any) -> Console:
    """A rich console (no markup read) at least :data:`MIN_WIDTH` columns wide."""
    kwargs.setdefault("markup", False)
    out = _Console(**kwargs)
    if out.width < MIN_WIDTH:
        out.width = max(MIN_WIDTH, 80 if not out.is_terminal else MIN_WIDTH)
    return out


console = make_console()
err_console = make_console(stderr=True)


def bold(*parts: object, at: int = 0) -> Text:
    """``parts`` joined as plain text, part ``at`` in bold (no markup is read)."""
    return Text.assemble(*((str(p), "bold") if i == at else str(p)
                           for i, p in enumerate(parts)))


def say_error(*parts: Any) -> None:
    """``error: PARTS`` as one line on stderr; a stderr that cannot be written (a full disk,
    a closed pipe) loses the line, never the exit code."""
    with _suppressed():  # ValueError: a closed stream
        err_console.print(Text.assemble(("error:", "bold red"), " ", *parts),
                          highlight=False, soft_wrap=True)


def fail(message: object) -> typer.Exit:
    """Print ``error: MESSAGE`` as one line on stderr; the exit (code 2) to raise."""
    say_error(str(message))
    return typer.Exit(code=2)


def one_line_errors(fn: F) -> F:
    """Run ``fn`` under the one error rule of the command line (no traceback, ever):

    * an error the package raises on purpose (:class:`ComputeLimitsError`: an option, an
      input file, an output path, a resource check, a scheduler that does not answer), an
      operating-system error (a file that cannot be read or written) or running out of
      memory → one line on stderr naming what went wrong, exit code 2;
    * Ctrl-C → "interrupted", exit code 130 (outputs are written atomically: an earlier
      result survives);
    * anything else is a bug → one line naming the exception and the file the full
      traceback was written to, exit code 1. ``COMPUTELIMITS_DEBUG=1`` lets it propagate.
    """

    @functools.wraps(fn)
    def verb(*args: Any, **kwargs: Any) -> Any:
        try:
            with _output_rules():
                return fn(*args, **kwargs)
        except ComputeLimitsError as exc:
            raise fail(exc) from None
        except (typer.Exit, typer.Abort, TyperException):  # the parser's own
            raise
        except KeyboardInterrupt:
            err_console.print("interrupted", style="yellow", highlight=False)
            raise typer.Exit(code=130) from None
        except MemoryError:
            raise fail("out of memory: the run needs more memory than the machine has free; "
                       "use smaller sizes (fewer features, samples, replications or "
                       "bootstrap draws)") from None
        except OSError as exc:
            import errno

            if exc.errno == errno.EPIPE:  # the reader of stdout went away: quietly
                raise
            from computelimits._io import output_problem

            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            raise fail(f"{where}{output_problem(exc)}") from None
        except Exception as exc:
            if _interrupted(exc):  # Ctrl-C inside compiled code surfaces as SystemError
                err_console.print("interrupted", style="yellow", highlight=False)
                raise typer.Exit(code=130) from None
            if os.environ.get("COMPUTELIMITS_DEBUG", "").strip() in {"1", "true", "yes"}:
                raise
            path = _write_traceback()
            say_error(f"unexpected {type(exc).__name__}: {exc} — a bug; the full traceback "
                      f"is in {path} (please include it in a report)")
            raise typer.Exit(code=1) from None

    return verb  # type: ignore[return-value]


def _interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` was caused by Ctrl-C (a KeyboardInterrupt in its chain)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _write_traceback() -> str:
    """Write the exception being handled, with the command line and version, to a file in
    the temporary folder; return its path (or a note if even that fails)."""
    import sys
    import tempfile
    import traceback

    from computelimits import __version__

    try:
        fd, path = tempfile.mkstemp(prefix="computelimits-traceback-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"computelimits {__version__}\ncommand: {' '.join(sys.argv)}\n\n")
            fh.write(traceback.format_exc())
        return path
    except OSError:
        return "(no file: the temporary folder is not writable)"


class _Flag(TyperOption):
    """An on/off option (``--json``, ``--quick``, ``--help``): it takes no value, so the
    help shows no value type for it."""

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_bool_flag and self.metavar is None:
            return None
        return super().display_type_rich(ctx)


def _tidy_help(params: Iterable[Any], markup: Any) -> None:
    """Make the rich help say what each option is, for every command wherever it is defined.

    * Flags show as flags. typer 0.29's rich help (``typer.rich_utils._print_options_panel``)
      prints ``param.display_type_rich(ctx)`` for every option, and
      ``TyperOption.display_type_rich`` gives ``<bool>`` for a flag, which takes no value
      (typer's plain formatter, ``TyperOption.get_help_record``, leaves flags without a
      type). Each flag gets the :class:`_Flag` behaviour (the same state, one method
      different), which parses as before.
    * A default written into an option's help as ``[default: ...]`` is shown: rich markup
      (``markup == "rich"``) would take it for a style tag and drop it, so it is escaped
      (once).
    """
    for param in params:
        if type(param) is TyperOption and param.is_bool_flag:
            param.__class__ = _Flag
        text = getattr(param, "help", None)
        if markup == "rich" and text and "[default" in text:
            param.help = _UNESCAPED_DEFAULT.sub(r"\\[default", text)


_UNESCAPED_DEFAULT = re.compile(r"(?<!\\)\[default")


class _Command(TyperCommand):
    """A verb whose help lists flags without a value type and shows the defaults its options'
    help states (:func:`_tidy_help`), and that has ``--force`` wherever it has ``--out``
    (:func:`_force_option`: one output rule on every verb)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = {p.name for p in self.params}
        if "out" in names and "force" not in names:
            self.params.append(_force_option())

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _tidy_help(self.get_params(ctx), self.rich_markup_mode)
        super().format_help(ctx, formatter)


class _Group(TyperGroup):
    """A group (``computelimits``, ``computelimits data``) whose help lists flags without a
    value type (:func:`_tidy_help`), and whose usage errors (an unknown option, a value of
    the wrong type or out of range, a missing argument) are one line on stderr naming the
    option, with exit code 2, like every other error of the command line."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _tidy_help(self.get_params(ctx), self.rich_markup_mode)
        super().format_help(ctx, formatter)

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Run the command line and exit with its code. Besides the parser's errors (one
        line, code 2), the streams: a standard output or error that cannot encode a
        character (``PYTHONIOENCODING=ascii``) writes it escaped; a closed standard output
        (``>&-``) is an error before any work (the answer would be lost); one that cannot be
        written (``> /dev/full``, ``--help`` included) is an error, code 2; a reader that
        went away (``| head``) ends the command quietly (code 141, as SIGPIPE would); a
        standard error that cannot be written loses its lines, not the exit code."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        import sys

        _tolerant_streams()
        if sys.stdout is None:
            say_error("standard output is closed, so the answer would be lost; redirect it "
                      "(to a file, or to /dev/null) instead of closing it")
            sys.exit(2)
        columns = os.environ.get("COLUMNS", "").strip()
        if columns.isdigit() and int(columns) < MIN_WIDTH:  # the help's console reads it
            os.environ["COLUMNS"] = str(MIN_WIDTH if int(columns) else 80)
        was_null = _stdout_is_devnull()
        try:
            code = self._main(*args, **kwargs)
            sys.stdout.flush()
        except OSError as exc:
            code = _stream_failed(exc)
        except SystemExit as exc:  # rich's and click's own answer to a closed pipe is 1
            code = exc.code
            if code == 1 and ((not was_null and _stdout_is_devnull())
                              or type(sys.stdout).__name__ == "PacifyFlushWrapper"):
                code = 141
        sys.exit(code)

    def _main(self, *args: Any, **kwargs: Any) -> int:
        from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except NoArgsIsHelpError as exc:  # bare `computelimits` / `computelimits data`
            from typer import rich_utils

            rich_utils.rich_format_error(exc)
            return exc.exit_code
        except UsageError as exc:
            verb = exc.ctx.command_path if exc.ctx is not None else "computelimits"
            say_error(" ".join(exc.format_message().split()), f" (see `{verb} --help`)")
            return 2
        except ClickException as exc:
            say_error(" ".join(exc.format_message().split()))
            return exc.exit_code
        except typer.Abort:
            with _suppressed():
                err_console.print("aborted", style="yellow", highlight=False)
            return 1
        return rv if isinstance(rv, int) else 0


def _suppressed() -> Any:
    import contextlib

    return contextlib.suppress(OSError, ValueError)


def _stdout_is_devnull() -> bool:
    """Whether file descriptor 1 is the null device (where rich and click send the output
    once its reader has gone)."""
    import stat

    try:
        fd, null = os.fstat(1), os.stat(os.devnull)
    except OSError:
        return False
    return stat.S_ISCHR(fd.st_mode) and fd.st_rdev == null.st_rdev


def _tolerant_streams() -> None:
    """Standard output and error that cannot encode every character (an ASCII locale,
    ``PYTHONIOENCODING=ascii``) write the others escaped (``\\u2026``), not a traceback."""
    import codecs
    import sys

    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if not encoding:
            continue
        try:
            if codecs.lookup(encoding).name != "utf-8":
                stream.reconfigure(errors="backslashreplace")
        except (LookupError, AttributeError, ValueError, OSError):
            pass


def _stream_failed(exc: OSError) -> int:
    """The exit code for a standard output that could not be written (and the one line
    saying so); the stream is replaced so that the interpreter's last flush is quiet."""
    import errno
    import sys

    with _suppressed():
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until the exit
    if exc.errno == errno.EPIPE:
        with _suppressed():
            os.dup2(sys.stdout.fileno(), 1)
        return 141
    from computelimits._io import output_problem

    say_error(f"cannot write the output: {output_problem(exc)}")
    return 2


class App(typer.Typer):
    """A typer app whose every command maps project errors to one line and exit code 2
    (:func:`one_line_errors`), so no verb repeats the rule, and whose help (of the app and
    of every command registered on it, wherever the command is defined) shows flags as
    flags, not as ``<bool>`` options, and the defaults option help states
    (:func:`_tidy_help`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("cls", _Group)
        super().__init__(*args, **kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        kwargs.setdefault("cls", _Command)
        register = super().command(*args, **kwargs)

        def decorator(fn: F) -> F:
            register(one_line_errors(fn))
            return fn

        return decorator


def print_sources(lines: Iterable[str], verbose: bool = True) -> None:
    """Attribution lines travel with every output made from the data: each in full (one
    ``source:`` line per source), or without ``verbose`` one ``sources:`` line naming them
    with their licences (their full attribution is under ``--verbose``, in ``--json`` and in
    ``computelimits data info SOURCE``)."""
    lines = list(lines)
    if verbose:
        for line in lines:
            console.print(f"source: {line}", style="dim", highlight=False)
        return
    if lines:
        console.print(f"sources: {short_sources(lines)}", style="dim", highlight=False)


def short_sources(lines: Iterable[str]) -> str:
    """The attribution lines of registered sources as their creators with the licences of
    their works (``Epoch AI (MIT, CC BY 4.0, per-row sources)``); any other line (a user's
    file) as it is."""
    from computelimits.data.registry import SOURCES

    by_line = {src.attribution: src for src in SOURCES.values()}
    creators: dict[str, list[str]] = {}
    others = []
    for line in lines:
        src = by_line.get(line)
        if src is None:
            others.append(str(line))
            continue
        # the creators as the source's title names them, with the licences of their works
        # (a title of two works, "A, …; B, …", with two licences pairs them in order)
        works = [t.strip() for t in src.title.split("; ")]
        lics = [lic.replace("CC-BY-SA-", "CC BY-SA ").replace("CC-BY-", "CC BY ")
                for lic in src.licence_short.split(" + ")]
        pairs = (list(zip(works, [[lic] for lic in lics], strict=True))
                 if len(works) == len(lics) > 1 else [(works[0], lics)])
        for work, work_lics in pairs:
            creator = work.split(",")[0].split(" (")[0].split(":")[0].strip()
            creators.setdefault(creator, [])
            for lic in work_lics:
                if lic not in creators[creator]:
                    creators[creator].append(lic)
    out = [f"{c} ({', '.join(lics)})" for c, lics in creators.items()]
    return "; ".join(dict.fromkeys([*out, *others]))


def print_notes(notes: Iterable[str], *, prefix: str = "note: ", style: str = "yellow") -> None:
    """Lines shown under ``--verbose`` (notes, assumptions, selection details)."""
    for n_ in notes:
        console.print(f"{prefix}{n_}", style=style, highlight=False, markup=False)


def print_more(*phrases: str, attribution: bool = True, **hidden: int) -> None:
    """One dim line saying what ``--verbose`` would add: the ``phrases`` ("why cloud costs
    more"), then the counts (``notes=14`` → "14 notes"), then the full attribution (unless
    ``attribution`` is False: the output shows it already)."""
    parts = [*phrases, *(f"{n} {what.replace('_', ' ')}".removesuffix("s" if n == 1 else "")
                         for what, n in hidden.items() if n)]
    if attribution:
        parts.append("the full attribution")
    console.print(f"--verbose adds {', '.join(parts)} (all in --json)", style="dim",
                  highlight=False, markup=False)


def echo_json(payload: Any) -> None:
    """Strict JSON (no NaN or Infinity tokens) on stdout."""
    from computelimits._json import dumps

    typer.echo(dumps(payload))


# ---------------------------------------------------------------------- numeric options
def _fmt(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() and abs(v) < 1e15 else f"{v:g}"


def _range_text(low: float | None, high: float | None, low_open: bool,
                high_open: bool) -> str:
    lo = "" if low is None else f"{_fmt(low)} {'<' if low_open else '≤'} "
    hi = "" if high is None else f" {'<' if high_open else '≤'} {_fmt(high)}"
    return f"{lo}x{hi}"


def number_parser(kind: type, *, low: float | None = None, high: float | None = None,
                  low_open: bool = False, high_open: bool = False) -> Callable[[str], Any]:
    """A parser for a numeric option: ``kind`` (int or float), finite, within the range.

    Integers are read strictly ("10.7" and "1e400" are refused, not truncated or
    overflowed; "1e6" is read as 1,000,000); floats refuse nan and ±inf. The error names the
    value and the allowed range, and click adds the option's name.
    """
    import math

    def parse(text: str | float | int) -> Any:
        if isinstance(text, (int, float)) and not isinstance(text, bool):  # the default
            value: Any = text
        else:
            raw = str(text).strip()
            try:
                value = float(raw) if kind is float else _strict_int(raw)
            except (ValueError, OverflowError):
                what = "an integer" if kind is int else "a number"
                raise typer.BadParameter(f"{raw!r} is not {what}") from None
        if kind is float and not math.isfinite(value):
            raise typer.BadParameter(f"{value} is not a finite number")
        bad = ((low is not None and (value < low or (low_open and value == low)))
               or (high is not None and (value > high or (high_open and value == high))))
        if bad:
            raise typer.BadParameter(
                f"{_fmt(value)} is out of range: allowed "
                f"{_range_text(low, high, low_open, high_open)}")
        return value

    return parse


def _strict_int(raw: str) -> int:
    try:
        return int(raw, 10)
    except ValueError:
        value = float(raw)  # "1e6" is an integer written in scientific notation
        if not value.is_integer():
            raise ValueError(raw) from None
        if abs(value) > 2**63:
            raise OverflowError(raw) from None
        return int(value)


def num_option(*names: str, kind: type = float, low: float | None = None,
               high: float | None = None, low_open: bool = False, high_open: bool = False,
               help: str = "", **kwargs: Any) -> Any:
    """``typer.Option`` for a number checked at parse time (:func:`number_parser`); the
    allowed range is stated at the end of the option's help."""
    rng = _range_text(low, high, low_open, high_open)
    text = f"{help} \\[range: {rng}]" if rng != "x" else help
    return typer.Option(*names, help=text,
                        parser=number_parser(kind, low=low, high=high, low_open=low_open,
                                             high_open=high_open), **kwargs)


#: Bootstrap resamples: at least 100 (a 95% percentile interval rests on its 2.5% tails),
#: at most 10^7 (memory is also checked before the draws are made).
BOOT_RANGE = {"kind": int, "low": 100, "high": 10_000_000}
SEED_RANGE = {"kind": int, "low": 0}
WORKERS_RANGE = {"kind": int, "low": 1, "high": 1024}


def choice_parser(values: Iterable[str] | Callable[[], Iterable[str]],
                  hints: dict[str, str] | None = None) -> Callable[[str], str]:
    """A parser that accepts one of ``values`` (or of what the callable returns, imported
    only when the option is parsed) and otherwise names the valid ones (or, for a value in
    ``hints``, says what to use instead)."""

    def parse(text: str) -> str:
        valid = tuple(values() if callable(values) else values)
        if hints and text in hints:
            raise typer.BadParameter(hints[text])
        if text not in valid:
            raise typer.BadParameter(f"{text!r} is not one of: {', '.join(valid)}")
        return text

    return parse


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def date_parser(text: str) -> str:
    """A calendar date written YYYY-MM-DD, strictly (02-01-2022 is ambiguous and refused;
    2022-02-30 does not exist); returned as written."""
    import datetime as dt

    raw = str(text).strip()
    if not _DATE.fullmatch(raw):
        raise typer.BadParameter(f"{raw!r} is not a date written YYYY-MM-DD")
    try:
        dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise typer.BadParameter(f"{raw!r} is not a calendar date ({exc})") from None
    return raw


def _forms() -> tuple[str, ...]:
    from computelimits.scaling.forms import FORMS

    return tuple(FORMS)


FORM_CHOICES = _forms
FORM_HINTS = {"site": "the companion site's form (−log10 error on log10 compute) is the "
                      "polynomial form with the sign flipped — same fit; use 'polynomial'"}
CLUSTER_CHOICES = ("publication", "model", "source")
SCALE_CHOICES = ("error", "above-chance")
FORMAT_CHOICES = ("generic", "computer-progress")
CONVENTION_CHOICES = ("per-chip", "paper")
DUPLICATES_CHOICES = ("all", "first", "best", "error")
DATE_FORMAT_CHOICES = ("DD/MM/YYYY", "MM/DD/YYYY")


# ---------------------------------------------------------------------- outputs and inputs
# What the options of an invocation register for the output rule (in ``ctx.meta``, which
# every context of one command line shares): the --out paths, the input files, --force.
_OUTS = "computelimits.outs"
_INPUTS = "computelimits.inputs"
_FORCE = "computelimits.force"

FORCE_HELP = ("Replace an existing --out file (or write into an --out folder that holds "
              "other files, removing nothing). Never the command's input, a file in the "
              "data mirror or the cache, or a file tracked by git.")


def _force_option() -> Any:
    """``--force`` for a verb that writes ``--out`` and has no ``--force`` of its own: a flag
    that records itself for the output rule (the verb's function does not take it)."""
    probe = typer.Typer()

    @probe.command()
    def _probe(force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False
               ) -> None:  # pragma: no cover - never called
        pass

    param = typer.main.get_command(probe).params[0]
    param.expose_value = False

    def record(ctx: Any, _param: Any, value: Any) -> Any:
        ctx.meta[_FORCE] = bool(value)
        return value

    param.callback = record
    return param


def _writable(folder: bool, extra: tuple[str, ...] = ()) -> Callable[..., Path | None]:
    """A callback checking ``--out`` when parsed (a file, or a folder with ``folder``), so
    that a bad path fails before any work: ``~`` expanded, a dangling symlink, a folder
    where a file goes, no permission, the data mirror, the cache or a git-tracked file
    (:func:`computelimits._io.guard_output`). What depends on other options (an existing
    file and ``--force``, the input files) is checked once they are all parsed, before the
    verb runs (:func:`_output_rules`). ``extra``: with a file, the kinds of the files that
    travel with it (``"attribution.txt"``); with a folder, the names of the files the verb
    writes into it."""

    def check(ctx: typer.Context, value: Path | None) -> Path | None:
        if value is None:
            return None
        from computelimits._io import expand_out, guard_folder, guard_output

        try:
            path = expand_out(value)
            if folder:
                guard_folder(path, inputs=())
            else:
                guard_output(path, force=True, inputs=(), sidecars=extra)
        except ComputeLimitsError as exc:
            raise typer.BadParameter(str(exc)) from None
        ctx.meta.setdefault(_OUTS, []).append((path, folder, extra))
        return path

    return check


def _input(ctx: typer.Context, value: Path | None) -> Path | None:
    """Register an input file of the invocation: outputs never write over it."""
    if value is not None:
        from computelimits._io import expand_out

        try:
            value = expand_out(value)
        except ComputeLimitsError as exc:
            raise typer.BadParameter(str(exc)) from None
        ctx.meta.setdefault(_INPUTS, []).append(value)
    return value


def _output_rules() -> Any:
    """Check every ``--out`` of the invocation against the options parsed with it (an
    existing file needs ``--force``; an input file is never written) and return the block in
    which the package's writers apply the same rules (:func:`computelimits._io.output_rules`).
    Outside a command line (a verb called as a function), nothing."""
    import contextlib

    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is None:
        return contextlib.nullcontext()
    from computelimits._io import guard_folder, guard_output, output_rules

    meta = ctx.meta
    force = bool(ctx.params.get("force") or meta.get(_FORCE))
    inputs = list(meta.get(_INPUTS, ()))
    for path, folder, extra in meta.get(_OUTS, ()):
        if folder:
            guard_folder(path, inputs=inputs, files=extra, force=force)
        else:
            guard_output(path, force=force, inputs=inputs, sidecars=extra)
    return output_rules(force=force, inputs=inputs)


def out_file_option(help: str, *, sidecars: Iterable[str] = (), **kwargs: Any) -> Any:
    """``--out/-o`` naming a file to write, checked at parse time by the output rule
    (``sidecars``: kinds of the files written beside it, ``FILE.KIND``, checked too)."""
    return typer.Option("--out", "-o", help=help,
                        callback=_writable(folder=False, extra=tuple(sidecars)), **kwargs)


def out_folder_option(help: str, *, files: Iterable[str] = (), **kwargs: Any) -> Any:
    """``--out/-o`` naming a folder to write into, checked at parse time by the output rule
    (``files``: the names the verb writes in it, each checked as a file output)."""
    return typer.Option("--out", "-o", help=help,
                        callback=_writable(folder=True, extra=tuple(files)), **kwargs)


def input_argument(help: str, **kwargs: Any) -> Any:
    """A file argument the verb reads (never written by its outputs)."""
    return typer.Argument(help=help, callback=_input, **kwargs)


# options several verbs share; a verb passes ``--strict`` on as
# ``resolve_catalog(strict=strict or None)``: without the flag COMPUTELIMITS_STRICT decides
StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="Refuse mirror files whose checksum differs from the pinned upstream.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
VerboseOpt = Annotated[bool, typer.Option(
    "--verbose", "-v",
    help="Also print the notes, every assumption with its source, which results were used "
         "and which were left out and why, and the sources' full attribution (--json always "
         "holds them).")]

# which data, which compute, which results: the verbs that fit
BenchOpt = Annotated[str | None, typer.Option(
    help="Benchmark id, e.g. imagenet, mmlu, gsm8k, coco, squad1.1 (with --data: the file's "
         "benchmark; required for a file in the computer-progress format).")]
DataOpt = Annotated[Path | None, typer.Option(
    "--data", callback=_input,
    help="Your own results file instead of the bundled data (see `computelimits "
         "data check`); rows keep their own compute.")]
FormatOpt = Annotated[str, typer.Option(
    "--format", parser=choice_parser(FORMAT_CHOICES),
    help="Layout of --data: 'generic' or 'computer-progress'.")]
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
                      "common known setting with at least 8 results (unknown rows mix "
                      "set-ups), else the most common]")]
ScaleOpt = Annotated[str, typer.Option(
    "--scale", parser=choice_parser(SCALE_CHOICES),
    help="'error', or 'above-chance' to fit error / chance error.")]
ClusterOpt = Annotated[str, typer.Option(
    parser=choice_parser(CLUSTER_CHOICES),
    help="Cluster unit for intervals: publication (paper, arXiv id or model family), model "
         "or source.")]
ImputeOpt = Annotated[bool, typer.Option(
    "--impute", help="With --data: impute ImageNet network operations (90 epochs assumed) "
                     "for rows without compute.")]
NoFillOpt = Annotated[bool, typer.Option(
    "--no-fill", help="With --data: use only the rows' own compute (no name matches with "
                      "Epoch AI's tables).")]
ConventionOpt = Annotated[str, typer.Option(
    "--burden-convention", parser=choice_parser(CONVENTION_CHOICES),
    help="Hardware burden of computer-progress files: 'per-chip' "
                                "(counts are chips; a TPU device's rate / its chips) or "
                                "'paper' (the Computer Progress seeder's count × table rate).")]
ChanceErrorOpt = Annotated[float | None, num_option(
    "--chance-error", low=0, high=1, low_open=True,
    help="For your own file (--data, data check): the chance (guessing) error of its "
         "benchmarks of your own where their rows give no chance_error (e.g. 0.75 for four "
         "answer options; 1: none). It also declares an id close to a known one (mmul ~ "
         "mmlu) a new benchmark.")]
DuplicatesOpt = Annotated[str, typer.Option(
    "--duplicates", parser=choice_parser(DUPLICATES_CHOICES),
    help="For your own file (--data, data check): rows of one model and paper (generic: "
         "model, benchmark, metric, "
         "setting and origin) with different scores: 'all' keeps them as separate results, "
         "'first' or 'best' keeps one, 'error' refuses the file. Each is named in a notice.")]
DateFormatOpt = Annotated[str | None, typer.Option(
    "--date-format", parser=choice_parser(DATE_FORMAT_CHOICES),
    help="For your own file (--data, data check): how its slash dates are written, "
         "DD/MM/YYYY or MM/DD/YYYY. Without it a date column read either way (03/04/2018, "
         "every day ≤ 12) is refused; one that a cell decides (15/01/2018) is read that way, "
         "with a notice.")]
PercentOpt = Annotated[bool | None, typer.Option(
    "--percent/--fraction",
    help="For a computer-progress file (--data, data check): its score columns are percent "
         "(43.9) or fractions (0.439). Without either, percent, and a column whose values "
         "are all ≤ 1 is refused (fractions 100× too small otherwise).")]
BootOpt = Annotated[int, num_option(help="Bootstrap resamples.", **BOOT_RANGE)]
SeedOpt = Annotated[int, num_option(help="Bootstrap seed.", **SEED_RANGE)]


def capped_boot(n_boot: int, cap: int, what: str) -> int:
    """``n_boot`` at most ``cap``; a value the user gave over it is capped with a notice
    saying so (an option is never changed silently); the verb's own default is capped
    quietly (the option's help states the cap)."""
    if n_boot <= cap:
        return n_boot
    if _is_default("n_boot"):  # the verb's own default, not the user's choice: no notice
        return cap
    with _suppressed():
        err_console.print(f"notice: --n-boot {n_boot:,} capped at {cap:,} for {what}",
                          style="yellow", highlight=False)
    return cap


def _is_default(param: str) -> bool:
    """Whether option ``param`` of the running command kept its default (False outside a
    command line)."""
    from typer._click.core import ParameterSource
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is None:
        return False
    return ctx.get_parameter_source(param) in (ParameterSource.DEFAULT, None)


def score_scale(percent: bool | None) -> str | None:
    """``--percent/--fraction`` as the reader's ``score_scale``: "percent", "fraction" or
    None (neither given)."""
    return None if percent is None else ("percent" if percent else "fraction")


#: A theory run estimated past this many minutes says so before it starts ("warn when a
#: run will take more than a few minutes"); a setting, not a measured constant.
LONG_RUN_MINUTES = 3


def notice_long_run(cfg: Any, workers: int, what: str = "this run") -> None:
    """Print a notice when the theory run ``cfg`` on ``workers`` processes is estimated
    (:func:`computelimits.theory.experiment.estimated_seconds`) past
    :data:`LONG_RUN_MINUTES`."""
    from computelimits.theory.experiment import estimated_seconds

    minutes = estimated_seconds(cfg) / 60 / max(1, min(workers, cfg.reps))
    if minutes > LONG_RUN_MINUTES:
        err_console.print(f"notice: {what} will take about {minutes:,.0f} minutes "
                          "(estimate from its sizes)", style="yellow", highlight=False)
