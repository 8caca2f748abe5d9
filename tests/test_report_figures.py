"""The report's benchmark figures, static and interactive, on synthetic data with a known
chance error: fitted lines never above it, axes limited to the data and it, plain year
labels, hover details of every point."""

from __future__ import annotations

import json
import math
import re
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from computelimits.report.curves import axis_limits, fit_curve
from computelimits.scaling.fit import ScalingFit

CHANCE = 0.7


def _data(seed: int = 0, n: int = 40, years=(2019.2, 2023.8)) -> pd.DataFrame:
    """log10 e = −0.1 − 0.12·(x − 20) + noise over x in 19..24, so the line starts above the
    chance error 0.7; results at or above chance are left out, as the study does."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(19, 24, n)
    err = 10 ** (-0.1 - 0.12 * (x - 20) + rng.normal(0, 0.05, n))
    d = pd.DataFrame({
        "model": [f"model {i}" for i in range(n)], "date": pd.Timestamp("2021-01-01"),
        "error": err, "error_raw": err, "log10_compute": x, "chance_error": CHANCE,
        "year": rng.uniform(*years, n), "compute_kind": "training", "source": "src",
        "source_file": "results.csv", "source_row": np.arange(n) + 2,
        "compute_source": "epoch", "compute_source_file": "models.csv",
        "compute_source_row": np.arange(n) + 10.0, "match_rule": "exact-key",
        "match_note": "same key", "cluster": [f"c{i}" for i in range(n)],
        "paper": [f"p{i}" for i in range(n)]})
    d = d[d["error"] < CHANCE].reset_index(drop=True)
    d.attrs["selection"] = SimpleNamespace(kind="training", scale="error",
                                           chance_error=CHANCE)
    return d


@pytest.fixture(scope="module")
def fitted():
    d = _data()
    fits = {f: ScalingFit(f, n_boot=200, seed=1).fit(d) for f in
            ("polynomial", "exponential", "logit")}
    return {"bench": d}, {"bench": fits}


def test_curves_are_never_above_the_chance_error(fitted):
    datasets, fits = fitted
    for fit in fits["bench"].values():
        c = fit_curve(datasets["bench"], fit)
        assert np.nanmax(c.error) <= CHANCE
        assert (c.band_high <= CHANCE).all() and (c.band_low <= c.band_high).all()
        assert c.log10_compute.min() == datasets["bench"]["log10_compute"].min()
    # a line that starts above chance is cut there, its band capped at it
    steep = SimpleNamespace(form="polynomial", params_=np.array([2.425, -0.12]), chance_=CHANCE,
                            boot_params_=np.array([[2.5, -0.123], [2.35, -0.117]] * 20))
    c = fit_curve(datasets["bench"], steep)
    above = 10 ** (2.425 - 0.12 * c.log10_compute) > CHANCE
    assert above.any() and not above.all()
    assert np.isnan(c.error[above]).all() and np.isfinite(c.error[~above]).all()
    assert c.band_high.max() == CHANCE and (c.band_low <= c.band_high).all()


def test_axes_are_limited_to_the_data_and_the_chance_error(fitted):
    d = fitted[0]["bench"]
    (x0, x1), (y0, y1) = axis_limits(d)
    assert y1 <= CHANCE and y1 >= d["error"].max() and y0 < d["error"].min()
    assert x0 < 10 ** d["log10_compute"].min() < 10 ** d["log10_compute"].max() < x1
    assert math.log10(x1 / x0) < d["log10_compute"].max() - d["log10_compute"].min() + 1


def test_static_figure_plain_years_and_limits(fitted):
    import matplotlib.pyplot as plt

    from computelimits.report.figures import benchmark_figure

    d, fits = fitted[0]["bench"], fitted[1]["bench"]
    fig = benchmark_figure(d, fits, "bench")
    ax, cbar = fig.axes[0], fig.axes[1]
    fig.canvas.draw()
    labels = [t.get_text() for t in cbar.get_yticklabels() if t.get_text()]
    assert labels and all(lab.isdigit() and 2019 <= int(lab) <= 2024 for lab in labels)
    assert cbar.yaxis.get_offset_text().get_text() == ""
    assert ax.get_ylim()[1] <= CHANCE
    for line in ax.get_lines():
        y = np.asarray(line.get_ydata(), float)
        assert np.nanmax(y) <= CHANCE
    plt.close(fig)
    # within a year: one decimal, still no offset
    short = _data(years=(2023.1, 2023.9))
    fig = benchmark_figure(short, fits, "bench")
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[1].get_yticklabels() if t.get_text()]
    assert labels and all(re.fullmatch(r"20\d\d\.\d", lab) for lab in labels)
    assert fig.axes[1].yaxis.get_offset_text().get_text() == ""
    plt.close(fig)


def test_interactive_figure(fitted):
    from computelimits.report.interactive import benchmark_explorer, explorer_json

    datasets, fits = fitted
    datasets = {**datasets, "other": _data(seed=3)}
    fits = {**fits, "other": {"polynomial": ScalingFit("polynomial", n_boot=50,
                                                       seed=1).fit(datasets["other"])}}
    spec = benchmark_explorer(datasets, fits)
    data = spec["figure"]["data"]
    assert len(data) == len(spec["traces"])
    assert spec["benchmarks"] == ["bench", "other"]
    assert spec["forms"] == ["polynomial", "exponential", "logit"]
    # only the first benchmark is visible at first
    assert all(t["visible"] == (b == "bench") for t, (b, _) in zip(data, spec["traces"],
                                                                   strict=True))
    r = spec["ranges"]["bench"]
    assert r["y"][1] <= math.log10(CHANCE) + 1e-12
    assert spec["figure"]["layout"]["xaxis"]["type"] == "log"
    assert spec["figure"]["layout"]["yaxis"]["type"] == "log"
    for t, (_, form) in zip(data, spec["traces"], strict=True):
        ys = [y for y in t["y"] if y is not None]
        if form is not None and t.get("fill") is None:  # a fitted line
            assert max(ys) <= CHANCE
        if form is None:  # the points: hover carries every detail of the result
            assert len(t["customdata"]) == len(t["x"])
            first = t["customdata"][0]
            assert first[0].startswith("model ") and first[3].endswith(" FLOP")
            assert "results.csv row" in first[5] and "models.csv row 1" in first[6]
            assert first[7].startswith("exact-key")
            for field in ("date", "error", "compute", "compute kind", "result:", "match:"):
                assert field in t["hovertemplate"]
            bar = t["marker"]["colorbar"]
            assert bar["tickformat"] == "d" and bar["dtick"] == 1
    text = explorer_json(spec)

    def refuse(token):
        raise ValueError(token)

    assert json.loads(text, parse_constant=refuse)["ranges"] == json.loads(json.dumps(
        spec["ranges"]))
    assert "</" not in text


def test_the_report_modules_do_not_load_plotly_or_matplotlib_on_import():
    import subprocess
    import sys

    code = ("import sys, computelimits.report, computelimits.report.findings, "
            "computelimits.report.formatting, computelimits.report.curves, "
            "computelimits.report.render, computelimits.report.interactive; "
            "print(sorted(m for m in ('plotly', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_hostile_names_are_text_in_the_interactive_figure(fitted):
    from computelimits.report.interactive import benchmark_explorer, explorer_json

    datasets, fits = fitted
    d = datasets["bench"].copy()
    d.attrs = datasets["bench"].attrs
    d.loc[0, "model"] = '<img src=x onerror="alert(1)">'
    d.loc[1, "model"] = "</script><script>alert(2)</script>"
    d.loc[2, "model"] = "=HYPERLINK(\"http://x\")\u202e"
    text = explorer_json(benchmark_explorer({"bench": d}, {"bench": fits["bench"]}))
    assert "<img" not in text and "<script>" not in text and "</script>" not in text
    assert "&lt;img src=x onerror=" in text
    assert "alert(2)" in text  # kept, as text
