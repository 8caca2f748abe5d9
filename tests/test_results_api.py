"""Every results object of the Python API shows itself as an HTML table in Jupyter
(``_repr_html_``) and hands its numbers over as a DataFrame (``to_frame()``): the theory result,
the scaling fit, the extrapolation and the outlook, the estimate, the backtest, the trends
(one trend and the report) and the crosscheck."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from _helpers import dated_results
from computelimits import formatting as fm
from computelimits.errors import ConfigError
from computelimits.results import Summary


class _Tables(HTMLParser):
    """Counts tables, and the data cells of each table's rows."""

    def __init__(self) -> None:
        super().__init__()
        self.tables = 0
        self.rows_with_cells = 0
        self._cells = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables += 1
        elif tag == "tr":
            self._cells = 0
        elif tag == "td":
            self._cells += 1

    def handle_endtag(self, tag):
        if tag == "tr" and self._cells:
            self.rows_with_cells += 1


def _html_table(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser


# what each kind of result is made from; "mirror" marks the ones that read the shared data
def _theory():
    from computelimits.theory import TheoryConfig, simulate

    return simulate(TheoryConfig.quick(reps=3, seed=1), workers=1, cache=False)


def _scaling_fit():
    from computelimits.scaling import ScalingFit

    return ScalingFit(n_boot=200).fit(dated_results())


def _extrapolation():
    from computelimits.scaling import extrapolate

    return extrapolate("mmlu", 0.15, n_boot=200)


def _outlook():
    from computelimits.scaling import outlook

    return outlook("mmlu", target_error=0.15, date="2025-01-01", n_boot=200, n_draws=200,
                   trust=False)


def _estimate():
    from computelimits.compute import estimate

    return estimate(chip="H100 SXM5 80GB", chips=64, hours=100)


def _backtest():
    from computelimits.scaling import backtest

    return backtest("synthetic", "2021-06-01", data=dated_results(2), n_boot=200)


def _trend_fit():
    from computelimits.scaling import fit_trend

    t = np.linspace(2010.0, 2020.0, 30)
    v = 10.0 ** (0.3 * (t - 2010.0) + np.random.default_rng(3).normal(0, 0.1, t.size))
    return fit_trend(t, v, name="synthetic", n_boot=200, seed=0)


def _trend_report():
    from computelimits.scaling import trend_report

    return trend_report(n_boot=200)


def _crosscheck():
    from computelimits.compute import crosscheck

    return crosscheck()


RESULTS = {
    "TheoryResult": (_theory, False),
    "ScalingFit": (_scaling_fit, False),
    "Extrapolation": (_extrapolation, True),
    "Outlook": (_outlook, True),
    "Estimate": (_estimate, True),
    "BacktestResult": (_backtest, False),
    "TrendFit": (_trend_fit, False),
    "TrendReport": (_trend_report, True),
    "CrossCheck": (_crosscheck, True),
}


@pytest.mark.parametrize("kind", list(RESULTS))
def test_result_renders_as_an_html_table_and_gives_a_frame(kind, request):
    make, needs_data = RESULTS[kind]
    if needs_data:
        request.getfixturevalue("mirror")
    result = make()
    assert type(result).__name__ == kind
    html = result._repr_html_()
    assert isinstance(html, str)
    tables = _html_table(html)
    assert tables.tables >= 1 and tables.rows_with_cells >= 1, html[:500]
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame) and not frame.empty
    summary = result.summary()
    assert isinstance(summary, Summary)
    assert summary._repr_html_() == html


def test_theory_result_table_says_what_the_experiment_found():
    r = _theory()
    s = r.summary()
    table = s.to_frame()
    assert list(table["n"]) == list(r.config.n_grid)
    assert [c for c in table.columns if c.endswith("(95% CI)")] == [
        f"{m} performance (95% CI)" for m in ("oracle", "expert", "flexible", "regularized")]
    per_n = r.to_frame()
    row = per_n.query("model == 'oracle' and n == 1000").iloc[0]
    cell = table.set_index("n").loc[1000, "oracle performance (95% CI)"]
    assert cell == (f"{row.performance_mean:.2f} ({row.performance_ci_low:.2f}, "
                    f"{row.performance_ci_high:.2f})")
    assert table.set_index("n").loc[1000, "oracle FLOP"] == fm.flop_count(row.flop_mean)
    assert "p = 100, k = 5" in s.title and "3 replications" in s.title
    assert "−log10(nMSE)" in str(s)
    per_n.loc[:, "reps"] = -1  # a copy: changing it leaves the result alone
    assert (r.to_frame()["reps"] > 0).all()


def test_theory_result_conf_int_follows_alpha():
    r = _theory()
    ci95, ci50 = r.conf_int(), r.conf_int(0.5)
    assert list(ci95.columns) == ["ci_low", "ci_high"]
    assert ci95.index.names == ["model", "n"] and len(ci95) == len(r.to_frame())
    s = r.to_frame().set_index(["model", "n"])
    np.testing.assert_allclose(ci95["ci_low"], s["performance_ci_low"])
    np.testing.assert_allclose(ci95["ci_high"], s["performance_ci_high"])
    assert ((ci50["ci_high"] - ci50["ci_low"]) < (ci95["ci_high"] - ci95["ci_low"])).all()
    assert (ci50["ci_low"] <= s["performance_mean"]).all()
    with pytest.raises(ConfigError, match="alpha"):
        r.conf_int(1.5)


def test_rolling_evaluation_renders_as_a_table():
    import pandas as pd

    from computelimits.scaling.evaluation import RollingEvaluation

    summary = pd.DataFrame({"benchmark": ["mmlu", "mmlu"], "model": ["time", "naive"],
                            "forward_coverage": [0.93, 0.71]})
    ev = RollingEvaluation(pd.DataFrame({"x": [1, 2, 3]}), summary, ["a source"])
    assert ev.to_frame().equals(summary) and ev.to_frame() is not ev.scores
    html = ev._repr_html_()
    assert "<table" in html and "naive" in html and "a source" in html
    from computelimits.results import Summary

    s = ev.summary()
    assert isinstance(s, Summary) and "3 predictions" in str(s)
    assert repr(ev) == "RollingEvaluation(3 predictions, 1 benchmarks)"
