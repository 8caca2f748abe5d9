"""The simulation against closed forms, within Monte Carlo error (Gaussian design).

Oracle (least squares on the k true features, n > k + 1):
    E nMSE = σ²·k / ((n − k − 1)·‖β‖²) = k / (snr·(n − k − 1)),
because E (XᵀX)⁻¹ = I/(n − k − 1) for X with i.i.d. N(0, 1) entries.
Expert (k − 1 true features and one independent wrong one; true feature j omitted):
    E[nMSE | β, j] = (β_j² + (σ² + β_j²)·k/(n − k − 1)) / ‖β‖²  →  β_j²/‖β‖²,
the omitted term acting as extra independent noise. Flexible (n > p + 1): p/(snr·(n − p − 1)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from computelimits.theory import TheoryConfig, simulate
from computelimits.theory.replication import replication_rng
from computelimits.theory.sampling import draw_problem

CFG = TheoryConfig(p=40, k=5, snr=1.0, n_grid=(30, 120, 600, 20_000), reps=600, seed=11)


@pytest.fixture(scope="module")
def runs() -> pd.DataFrame:
    return simulate(CFG, workers=2, cache=False).runs


def _within(diff: np.ndarray, z: float = 4.0) -> bool:
    se = diff.std(ddof=1) / np.sqrt(diff.size)
    return abs(diff.mean()) < z * se


@pytest.mark.parametrize("n", [30, 120, 600])
def test_oracle_mean_nmse_matches_the_closed_form(runs, n):
    got = runs.query("model == 'oracle' and n == @n")["nmse"].to_numpy()
    expected = CFG.k / (CFG.snr * (n - CFG.k - 1))
    assert _within(got - expected)
    assert got.mean() == pytest.approx(expected, rel=0.15)


def _expert_expectation(rep_seeds, n):
    out = []
    for seed in rep_seeds:
        prob = draw_problem(CFG, replication_rng(seed))
        bj2 = prob.beta[prob.omitted] ** 2
        out.append((bj2 + (prob.sigma**2 + bj2) * CFG.k / (n - CFG.k - 1)) / prob.signal)
    return np.array(out)


@pytest.mark.parametrize("n", [30, 120, 600, 20_000])
def test_expert_mean_nmse_matches_the_omitted_variable_formula(runs, n):
    seeds = np.random.SeedSequence(CFG.seed).spawn(CFG.reps)
    expected = _expert_expectation(seeds, n)
    got = runs.query("model == 'expert' and n == @n").sort_values("rep")["nmse"].to_numpy()
    assert _within(got - expected)


def test_expert_tends_to_the_omitted_coefficients_share_of_the_signal(runs):
    seeds = np.random.SeedSequence(CFG.seed).spawn(CFG.reps)
    share = []
    for seed in seeds:
        prob = draw_problem(CFG, replication_rng(seed))
        share.append(prob.beta[prob.omitted] ** 2 / prob.signal)
    got = runs.query("model == 'expert' and n == 20000").sort_values("rep")["nmse"].to_numpy()
    # at n = 20,000 the estimation part is (1 + β_j²/σ²)·k/n ≈ 3e-4 of the signal
    np.testing.assert_allclose(got, share, atol=3e-3)


@pytest.mark.parametrize("n", [120, 600])
def test_flexible_mean_nmse_matches_the_closed_form(runs, n):
    got = runs.query("model == 'flexible' and n == @n")["nmse"].to_numpy()
    expected = CFG.p / (CFG.snr * (n - CFG.p - 1))
    assert _within(got - expected)
