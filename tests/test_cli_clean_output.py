"""No Python warning, traceback, NaN or inf reaches a user: the runs of the option sweep that
once printed one (a degenerate fit, an open-ended interval, a rate at or below zero, a file
with nothing to score), in-process, every warning recorded. Each ends with exit code 0 and
clean text, or with exit code 2 and one line that says what is wrong."""

from __future__ import annotations

import json
import math
import re
import warnings

import pytest

from _helpers import assert_one_line_error, dated_results, write_rows

G_HEAD = "model,benchmark,metric,value,date,unit,higher_is_better,training_flop,setting,origin"

#: a number printed as nan, inf or a missing marker of Python or pandas
BAD_NUMBER = re.compile(r"(?<![A-Za-z_])(nan|NaN|-?inf|Infinity|None|<NA>|NaT)(?![A-Za-z_])")
#: Python's e-notation (7.72e-08): the package writes 7.7×10^−8
E_NOTATION = re.compile(r"\d\.?\d*e[+\-−]\d+")


def _rows(n: int, papers: int, *, metric: str = "accuracy", start: float = 0.41,
          step: float = 0.035, bench: str = "mybench") -> list[str]:
    """``n`` results of one benchmark of the user's own from ``papers`` papers, accuracy and
    compute rising together, one a quarter from 2019."""
    out = []
    for i in range(n):
        date = f"{2019 + i // 4}-{1 + 3 * (i % 4):02d}-01"
        out.append(f"m{i},{bench},{metric},{start + step * i:.3f},{date},fraction,true,"
                   f"{10 ** (20 + 0.4 * i):.3g},0-shot,Paper {i * papers // n}")
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("clean")
    near_zero = [f"z{i},mybench,error,{0.01 / (1 + i):.5f},202{i % 4}-0{1 + i % 9}-01,"
                 f"fraction,false,{10 ** (19 + i / 2):.3g},,Q{i % 3}" for i in range(9)]
    slash = [f"k{i},imagenet,top1_accuracy,{40 + 4 * i}%,0{1 + i % 9}/1{i % 3}/20{18 + i // 3},"
             f",true,{10 ** (20 + i / 3):.3g},,Lab {i % 3}" for i in range(12)]
    dated = [f"{r.model},mybench,error,{r.error:.4f},{r.date:%Y-%m-%d},fraction,false,"
             f"{10 ** r.log10_compute:.4g},,{r.paper}" for r in dated_results(n=40).itertuples()]
    return {
        "dated": write_rows(d / "dated.csv", G_HEAD, dated),
        "one_paper": write_rows(d / "one_paper.csv", G_HEAD, _rows(6, 1)),
        "twelve": write_rows(d / "twelve.csv", G_HEAD, _rows(12, 3)),
        "ten": write_rows(d / "ten.csv", G_HEAD, _rows(10, 3)),
        "near_zero": write_rows(d / "near_zero.csv", G_HEAD, near_zero),
        "slash": write_rows(d / "slash.csv", G_HEAD, slash),
    }


def _clean(invoke, args: list[str]):
    """The command run in-process with every warning recorded: none may be."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = invoke(*args)
    shown = [f"{w.category.__name__}: {w.message}" for w in caught]
    assert not shown, shown
    for text in (res.stdout, res.stderr):
        assert "Warning" not in text and "Traceback" not in text and "a bug" not in text, text
    return res


def _check_text(res) -> None:
    assert res.returncode == 0, res.stderr
    if res.stdout.lstrip().startswith(("{", "[")):
        json.loads(res.stdout, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))
    else:
        assert not BAD_NUMBER.findall(res.stdout), res.stdout
        assert not E_NOTATION.findall(res.stdout), res.stdout


# (args with {file} placeholders, expected: "ok" or a piece of the one-line error)
CASES = [
    # a rate of algorithmic progress below zero: the compute never halves ("every inf months")
    pytest.param(["extrapolate", "--benchmark", "boolq", "--target-error", "0.1",
                  "--n-boot", "200"], "ok", id="negative-rate"),
    # one publication: no cluster-robust standard error ("se nan"), and a zero-width
    # bootstrap interval that said nothing
    pytest.param(["fit", "--data", "{one_paper}", "--n-boot", "200", "--verbose"], "ok",
                 id="one-cluster-verbose"),
    pytest.param(["fit", "--data", "{one_paper}", "--n-boot", "200", "--json"], "ok",
                 id="one-cluster-json"),
    # 12 dated results, no cutoff with 12 before it: a KeyError from an empty score table
    pytest.param(["backtest", "--data", "{twelve}", "--n-boot", "200"],
                 "no forecast could be scored", id="backtest-nothing-scored"),
    pytest.param(["backtest", "--data", "{twelve}", "--n-boot", "200", "--json"],
                 "no forecast could be scored", id="backtest-nothing-scored-json"),
    # paper's error asked for --date-format, an option paper did not have
    pytest.param(["paper", "--data", "{slash}", "--date-format", "MM/DD/YYYY"], "ok",
                 id="paper-date-format"),
    # the pooled model on a file with no other benchmark: the error spoke of a "cutoff"
    pytest.param(["extrapolate", "--data", "{ten}", "--target-error", "0.2", "--model",
                  "pooled", "--n-boot", "200"], "needs a rate of algorithmic progress shared",
                 id="pooled-without-references"),
    # an open-ended inverse interval: the note said "spans inf orders of magnitude"
    pytest.param(["extrapolate", "--data", "{near_zero}", "--target-error", "0.001",
                  "--n-boot", "200", "--verbose"], "ok", id="open-ended-interval"),
    # time_shrunk on a file with no other benchmark: the error spoke of a "cutoff"
    pytest.param(["extrapolate", "--data", "{ten}", "--target-error", "0.2", "--model",
                  "time-shrunk", "--n-boot", "200"], "shrinks this benchmark's rate",
                 id="shrunk-without-references"),
]


@pytest.mark.parametrize(("args", "expected"), CASES)
def test_no_warning_nan_or_traceback(mirror, invoke, files, args, expected):
    args = [a.format(**{k: str(v) for k, v in files.items()}) for a in args]
    res = _clean(invoke, args)
    if expected == "ok":
        _check_text(res)
    else:
        assert "cutoff" not in res.stderr or "--cutoff" in res.stderr
        assert_one_line_error(res, expected)


def test_a_rate_at_or_below_zero_is_said_in_words(mirror, invoke, files, monkeypatch):
    """A model's rate of algorithmic progress at or below zero (as the bundled boolq's once
    was): the compute never halves, said in words, not "every inf months"."""
    import computelimits.scaling as scaling

    real = scaling.outlook

    def negative(*args, **kw):
        o = real(*args, **kw)
        o.forecast.update(halving_months=math.inf, rate_oom_per_year=-0.31, rate_ci_low=-0.6,
                          rate_ci_high=-0.05)
        return o

    monkeypatch.setattr(scaling, "outlook", negative)
    res = _clean(invoke, ["extrapolate", "--data", str(files["dated"]), "--target-error", "0.2",
                          "--model", "time", "--n-boot", "200"])
    _check_text(res)
    assert "does not halve with time here" in res.stdout
    assert "−0.31 [−0.6, −0.05] orders of magnitude a year" in res.stdout


def test_one_cluster_fit_says_why_no_interval(mirror, invoke, files):
    res = _clean(invoke, ["fit", "--data", str(files["one_paper"]), "--n-boot", "200"])
    assert res.returncode == 0, res.stderr
    assert "1 cluster (publication)" in res.stdout
    assert "a cluster-robust interval needs at least two" in res.stdout


def test_numbers_beyond_the_usual_range_are_written_in_words():
    from computelimits import formatting as fm

    assert fm.oom(math.inf) == "unbounded orders of magnitude"
    assert fm.slope(-math.inf) == "−unbounded"
    assert fm.percent(math.inf) == fm.error(math.inf) == "unbounded"
    assert fm.error(7.72e-10) == "7.7×10^−8%"
    assert fm.parse(fm.error(7.72e-10)) == pytest.approx(7.7e-10)
    assert fm.error(0.136) == "13.6%"
    for f in (fm.oom, fm.slope, fm.percent, fm.error):
        assert f(math.nan) == fm.MISSING
