"""The result caches of ``computelimits reproduce`` beside the theory's: the rolling evaluation
and the benchmark figures. An unchanged rerun is served from them; changed rows, settings or
code are not; a damaged file is recomputed and replaced; ``cache=False`` and
``reproduce --no-cache`` neither read nor write them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from computelimits.scaling.evaluation import cache as eval_cache
from computelimits.scaling.evaluation import evaluate

MODELS = ("compute_only", "naive")


def _joined(seed: int = 3, n: int = 60) -> pd.DataFrame:
    """A user's benchmark with dates, compute and two evaluation settings."""
    rng = np.random.default_rng(seed)
    year = np.sort(rng.uniform(2016, 2023, n))
    x = 20 + 0.5 * (year - 2016) + rng.uniform(-1.5, 1.5, n)
    y = -0.3 - 0.1 * (x - 22 + 0.4 * (year - 2015)) + rng.normal(0, 0.03, n)
    dates = pd.to_datetime([f"{int(v)}-01-01" for v in year]) + pd.to_timedelta(
        (year % 1) * 365, "D")
    return pd.DataFrame({
        "benchmark": "mine", "metric": "accuracy", "error": 10 ** y,
        "training_flop": 10 ** x, "date": dates, "source": "user-test",
        "compute_kind": "training", "model_key": [f"m{i}" for i in range(n)],
        "setting_kind": np.where(np.arange(n) % 7 == 0, "few-shot", "zero-shot"),
        "source_file": "mine.csv", "source_row": np.arange(n) + 2})


def _run(joined, **kw):
    kw = {"n_boot": 20, "seed": 0, "models": MODELS, "min_results": 12, **kw}
    return eval_cache.cached_evaluate(joined, **kw)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"  # outputs go beside it: never inside the cache
    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(folder))
    return folder


def _entries(cache_dir, name="evaluation"):
    folder = cache_dir / name
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_an_unchanged_evaluation_comes_from_the_cache(cache_dir):
    joined = _joined()
    pred, scores, hit = _run(joined)
    assert not hit and len(pred) and len(scores)
    files = _entries(cache_dir)
    assert len(files) == 1 and not files[0].name.startswith(".")  # no temporary file left
    again, again_scores, hit = _run(joined.copy())
    assert hit
    pd.testing.assert_frame_equal(pred, again, check_exact=True)
    pd.testing.assert_frame_equal(scores, again_scores, check_exact=True)
    pd.testing.assert_frame_equal(pred.attrs["choices"], again.attrs["choices"])
    assert pred.attrs["default_now"] == again.attrs["default_now"]
    # what the cache gives is what evaluate computes
    direct, direct_scores = evaluate(joined, n_boot=20, seed=0, models=MODELS, min_results=12)
    pd.testing.assert_frame_equal(direct, again, check_exact=True)
    pd.testing.assert_frame_equal(direct_scores, again_scores, check_exact=True)


@pytest.mark.parametrize("change", [
    lambda j, kw: (j.assign(error=j["error"].where(j.index != 40, j["error"] * 0.9)), kw),
    lambda j, kw: (j.assign(setting_kind="zero-shot"), kw),
    lambda j, kw: (j, {**kw, "seed": 1}),
    lambda j, kw: (j, {**kw, "models": ("naive",)}),
    lambda j, kw: (j, {**kw, "select": {"setting": "all"}}),
], ids=["one error", "a column", "seed", "models", "select"])
def test_changed_rows_or_settings_miss(cache_dir, change):
    joined = _joined()
    assert not _run(joined)[2]
    other, kw = change(joined, {})
    assert not _run(other, **kw)[2]
    assert _run(other, **kw)[2]


def test_another_version_or_source_changes_the_key(monkeypatch):
    joined = _joined()
    params = {"n_boot": 0}
    key = eval_cache.cache_key(joined, None, params)
    assert eval_cache.cache_key(joined.copy(), None, dict(params)) == key
    monkeypatch.setattr(eval_cache, "__version__", "0.0.0-other")
    assert eval_cache.cache_key(joined, None, params) != key
    monkeypatch.undo()
    monkeypatch.setattr(eval_cache, "source_digest", lambda: "edited")
    assert eval_cache.cache_key(joined, None, params) != key


def test_a_changed_input_replaces_the_stale_entry(cache_dir):
    joined = _joined()
    _run(joined)
    _run(joined.assign(error=joined["error"] * 0.99))
    assert len(_entries(cache_dir)) == 1  # the same settings keep one evaluation


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(b"not a cache entry"),
    lambda p: p.write_bytes(p.read_bytes()[:-100]),  # truncated
    lambda p: p.write_bytes(p.read_bytes()[:-1] + bytes([p.read_bytes()[-1] ^ 1])),  # a bit
], ids=["garbage", "truncated", "one bit"])
def test_a_damaged_file_is_recomputed_and_replaced(cache_dir, damage):
    joined = _joined()
    first = _run(joined)[0]
    (path,) = _entries(cache_dir)
    damage(path)
    pred, _, hit = _run(joined)
    assert not hit
    pd.testing.assert_frame_equal(first, pred, check_exact=True)
    assert _run(joined)[2]  # rewritten


def test_cache_false_neither_reads_nor_writes(cache_dir):
    joined = _joined()
    assert not _run(joined, cache=False)[2]
    assert not _entries(cache_dir)
    _run(joined)
    assert not _run(joined, cache=False)[2]


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(blocker))  # a file, not a folder
    joined = _joined()
    assert not _run(joined)[2]
    assert not _run(joined)[2]


# -- benchmark figures -------------------------------------------------------------------
@pytest.fixture(scope="module")
def figure_inputs():
    from computelimits.scaling.fit import ScalingFit

    rng = np.random.default_rng(2)
    x = rng.uniform(20, 25, 40)
    d = pd.DataFrame({"log10_compute": x, "error": 10 ** (-0.1 * (x - 20) - 0.3
                                                         + rng.normal(0, 0.03, 40)),
                      "year": rng.uniform(2018, 2023, 40), "cluster": np.arange(40)})
    fits = {form: ScalingFit(form=form, n_boot=50, seed=0).fit(d)
            for form in ("polynomial", "exponential")}
    return d, fits


def test_a_benchmark_figure_is_drawn_once(cache_dir, figure_inputs, tmp_path, monkeypatch):
    from computelimits.report import figures

    d, fits = figure_inputs
    first = figures.save_benchmark_figure(d, fits, "bench", tmp_path / "a" / "figures", "fit_b")
    assert first == {"png": "figures/fit_b.png", "svg": "figures/fit_b.svg"}
    assert len(_entries(cache_dir, "figures")) == 1
    drawn = []
    monkeypatch.setattr(figures, "draw_benchmark",
                        lambda spec: drawn.append(spec) or pytest.fail("drawn again"))
    again = figures.save_benchmark_figure(d, fits, "bench", tmp_path / "b" / "figures",
                                          "fit_b")
    assert again == first and not drawn
    for ext in ("png", "svg"):
        assert ((tmp_path / "a" / "figures" / f"fit_b.{ext}").read_bytes()
                == (tmp_path / "b" / "figures" / f"fit_b.{ext}").read_bytes())


def test_a_changed_figure_or_no_cache_draws(cache_dir, figure_inputs, tmp_path, monkeypatch):
    from computelimits.report import figures

    d, fits = figure_inputs
    out = tmp_path / "figures"
    figures.save_benchmark_figure(d, fits, "bench", out, "fit_b")
    drawn = []
    real = figures.draw_benchmark
    monkeypatch.setattr(figures, "draw_benchmark", lambda spec: drawn.append(spec) or real(spec))
    figures.save_benchmark_figure(d, fits, "another title", out, "fit_b")
    figures.save_benchmark_figure(d.assign(error=d["error"] * 0.99), fits, "bench", out,
                                  "fit_b")
    assert len(drawn) == 2
    assert len(_entries(cache_dir, "figures")) == 1  # one entry per figure: the latest
    (path,) = _entries(cache_dir, "figures")
    path.write_bytes(b"garbage")
    figures.save_benchmark_figure(d.assign(error=d["error"] * 0.99), fits, "bench", out,
                                  "fit_b")
    assert len(drawn) == 3
    before = path.read_bytes()
    figures.save_benchmark_figure(d, fits, "bench", out, "fit_b", cache=False)
    assert len(drawn) == 4 and path.read_bytes() == before


# -- reproduce --------------------------------------------------------------------------
def test_reproduce_no_cache_turns_the_caches_off(invoke, mirror, tmp_path, monkeypatch):
    """``--no-cache``: the rolling evaluation is asked for without the cache and no figure is
    taken from it or written to it (stopped at the evaluation: a partial report)."""
    from computelimits._cache import cache_folder
    from computelimits.errors import ComputeLimitsError

    asked = []

    def stop(*args, **kwargs):
        asked.append(kwargs.get("cache"))
        raise ComputeLimitsError("stopped by the test")

    monkeypatch.setattr(eval_cache, "cached_evaluate", stop)
    figs = cache_folder("figures")
    before = sorted(figs.iterdir()) if figs.is_dir() else []
    res = invoke("reproduce", "--quick", "--no-cache", "--allow-partial", "--workers", "1",
                 "--out", str(tmp_path / "r"))
    assert res.returncode == 0, res.stderr
    assert asked == [False]
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "Partial report" in html and "stopped by the test" in html
    assert (sorted(figs.iterdir()) if figs.is_dir() else []) == before
