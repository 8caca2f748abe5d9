"""Draw the data of one replication: the sparse coefficients and, for a growing sample, either
the rows themselves or each cross-validation fold's sufficient statistics.

Sufficient statistics. Every model in the experiment needs the data only through
``XᵀX``, ``Xᵀy`` and ``yᵀy`` per fold. With ``e = ε/σ`` the augmented rows ``z = (x, e)`` are
i.i.d. ``N(0, I_{p+1})``, so ``W = ZᵀZ`` over m rows is Wishart(I_{p+1}, m) and

    XᵀX = W[:p, :p],   Xᵀy = XᵀX·β + σ·W[:p, p],   yᵀy = βᵀXᵀXβ + 2σ·βᵀW[:p, p] + σ²·W[p, p].

A batch of m new rows of a fold adds an independent Wishart increment to that fold's running
sum. For m ≥ p + 1 it is
drawn by the Bartlett decomposition (Bartlett 1933; e.g. Anderson, *An Introduction to
Multivariate Statistical Analysis*, 3rd ed., Cor. 7.2.1): ``W = U·Uᵀ`` with U upper
triangular, ``U_ii² ~ χ²(m − d + 1 + i)`` (i = 0..d−1, d = p + 1) and ``U_ij ~ N(0, 1)`` above
the diagonal, at a cost independent of m. Smaller batches are drawn as rows and reduced with
``syrk``. Matrices are kept as upper triangles (the lower triangle stays zero).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy.linalg import blas, lapack

from computelimits.theory.config import TheoryConfig

__all__ = ["FoldData", "Problem", "bartlett_wishart", "draw_problem", "fold_sizes", "syrk_upper"]


@dataclass(frozen=True)
class Problem:
    """One replication's generative model and the two hand-picked feature sets."""

    beta: np.ndarray  # (p,) coefficients
    support: np.ndarray  # (k,) sorted indices of the non-zero coefficients (Oracle's features)
    expert: np.ndarray  # (k,) sorted: k − 1 true features and one wrong one
    omitted: int  # the true feature the Expert misses
    wrong: int  # the feature the Expert uses instead
    sigma: float  # noise standard deviation

    @property
    def signal(self) -> float:
        """‖β‖²."""
        return float(self.beta @ self.beta)


def draw_problem(cfg: TheoryConfig, rng: np.random.Generator) -> Problem:
    """Coefficients at random positions with random signs and uniform magnitudes; the Expert's
    omitted true feature and wrong feature drawn uniformly."""
    support = np.sort(rng.choice(cfg.p, size=cfg.k, replace=False))
    signs = rng.choice(np.array([-1.0, 1.0]), size=cfg.k)
    magnitudes = rng.uniform(cfg.magnitude_low, cfg.magnitude_high, size=cfg.k)
    beta = np.zeros(cfg.p)
    beta[support] = signs * magnitudes
    omitted = int(rng.choice(support))
    others = np.setdiff1d(np.arange(cfg.p), support, assume_unique=True)
    wrong = int(rng.choice(others))
    expert = np.sort(np.append(support[support != omitted], wrong))
    sigma = float(np.sqrt(beta @ beta / cfg.snr))
    return Problem(beta, support, expert, omitted, wrong, sigma)


def fold_sizes(n: int, folds: int) -> np.ndarray:
    """Rows per fold when rows 0..n−1 are dealt round-robin (row i to fold i mod K)."""
    sizes = np.full(folds, n // folds, dtype=np.int64)
    sizes[: n % folds] += 1
    return sizes


def syrk_upper(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Upper triangle of ``ZᵀZ`` (lower triangle zero) as a C-ordered array; with ``out`` (a
    C-contiguous d×d array) the product is added to it in place and ``out`` is returned."""
    Z = np.ascontiguousarray(Z)
    # A C-ordered m×d array is a Fortran-ordered d×m one: syrk(trans=0) gives (Zᵀ)(Zᵀ)ᵀ = ZᵀZ.
    # The lower triangle in Fortran order is the upper one in C order, hence the transposes.
    if out is None:
        return blas.dsyrk(1.0, Z.T, trans=0, lower=1).T
    res = blas.dsyrk(1.0, Z.T, beta=1.0, c=out.T, trans=0, lower=1, overwrite_c=1)
    if not np.shares_memory(res, out):  # pragma: no cover - f2py made a copy
        out[...] = res.T
    return out


@njit(cache=True, nogil=True)
def _unpack_lower(packed, L):
    """Column-major packed lower triangle into the lower triangle of the d×d ``L``."""
    d = L.shape[0]
    start = 0
    for j in range(d):
        for i in range(j, d):
            L[i, j] = packed[start + i - j]
        start += d - j


@njit(cache=True, nogil=True)
def add_upper(inc, W):
    """``W += inc`` on the upper triangle only (C-ordered d×d; lower triangles untouched)."""
    d = inc.shape[0]
    for i in range(d):
        for j in range(i, d):
            W[i, j] += inc[i, j]


@njit(cache=True, nogil=True)
def sum_upper(Ws, out):
    """Upper triangle of ``Ws.sum(axis=0)`` into ``out``: the same additions in the same order
    (fold 0 + fold 1, + fold 2, ...), so the same bits, in one pass over half the entries. The
    lower triangle of ``out`` is left as it is."""
    K, d = Ws.shape[0], Ws.shape[1]
    for i in range(d):
        for j in range(i, d):
            acc = Ws[0, i, j]
            for f in range(1, K):
                acc = acc + Ws[f, i, j]
            out[i, j] = acc


def bartlett_wishart(m: int, d: int, rng: np.random.Generator,
                     work: np.ndarray | None = None) -> np.ndarray:
    """Upper triangle of a Wishart(I_d, m) draw (m ≥ d) by the Bartlett decomposition.

    With ``work`` (a Fortran-ordered d×d array whose strict upper triangle is zero, reused
    between calls) the draw is made in place and a view of ``work`` is returned: use it
    before the next call.
    """
    if m < d:
        raise ValueError(f"Bartlett draw needs m >= d, got m={m}, d={d}")
    packed = rng.standard_normal(d * (d + 1) // 2)
    # L = Uᵀ in Fortran order is U in C order: LAPACK's lower-triangle routines on the
    # Fortran view give, in C order, W = U·Uᵀ = LᵀL in the upper triangle, with no copies.
    if work is None:
        L, info = lapack.dtpttr(d, packed, uplo="L")
        if info != 0:  # pragma: no cover - LAPACK argument error
            raise RuntimeError(f"dtpttr failed with info={info}")
    else:
        L = work
        _unpack_lower(packed, L)
    idx = np.arange(d)
    L[idx, idx] = np.sqrt(rng.chisquare(m - d + 1 + idx))
    W, info = lapack.dlauum(L, lower=1, overwrite_c=1)
    if info != 0:  # pragma: no cover
        raise RuntimeError(f"dlauum failed with info={info}")
    return W.T


class FoldData:
    """Nested data of one replication, grown one grid point at a time.

    ``materialize=False``: per-fold augmented Gram matrices ``W[f]`` (upper triangles) and
    their sum ``W_total``; the rows are also kept while the sample has at most ``p`` rows,
    for the minimum-norm fits that need them. ``materialize=True``: the rows only.

    ``W_total`` is formed from the folds when it is read after the data grew, once per sample
    size, over the upper triangle only (:func:`sum_upper`), in the same order of additions as
    ``W.sum(axis=0)``: bit for bit that sum. It is deliberately not a running total of the
    increments. Every fold receives an increment at every sample size (rows are dealt
    round-robin), so a running total would be updated K times per sample size, more memory
    traffic than one pass over the K folds; and its different rounding (a few units in the
    last place) is not harmless here: the lasso's convergence and active-set tests turn such
    bits into an extra or a missing coordinate-descent sweep, i.e. into differences of the
    order of the solver tolerance (1e-5 relative in the fit) in a few fits in a hundred.
    """

    def __init__(self, cfg: TheoryConfig, rng: np.random.Generator) -> None:
        self.p = cfg.p
        self.d = cfg.p + 1
        self.folds = cfg.folds
        self.materialize = cfg.materialize
        self.rng = rng
        self.n = 0
        n_max = cfg.n_grid[-1]
        keep = n_max if self.materialize else min(n_max, cfg.p)
        self._rows = np.empty((keep, self.d))
        self._keep = keep
        if not self.materialize:
            self.W = np.zeros((self.folds, self.d, self.d))
            self._total = np.zeros((self.d, self.d))
            self._total_stale = False
            self._bartlett = np.zeros((self.d, self.d), order="F")
            self._block = np.empty((self.d, self.d))

    @property
    def W_total(self) -> np.ndarray:  # noqa: N802 - the attribute it replaces
        """Sum of the folds' Grams (upper triangle; the lower one is zero)."""
        if self._total_stale:
            sum_upper(self.W, self._total)
            self._total_stale = False
        return self._total

    @property
    def rows(self) -> np.ndarray | None:
        """The n augmented rows (x, ε/σ) in arrival order, or None once they are not kept."""
        return self._rows[: self.n] if self.n <= self._keep else None

    def grow_to(self, n: int) -> None:
        """Add rows n_old..n−1."""
        if n <= self.n:
            raise ValueError("the sample can only grow")
        if n <= self._keep:
            block = self._rows[self.n : n]
            self.rng.standard_normal(out=block)
            if not self.materialize:
                start = self.n
                for f in range(self.folds):
                    first = (f - start) % self.folds
                    part = block[first :: self.folds]
                    if part.shape[0]:
                        syrk_upper(part, out=self.W[f])
                self._total_stale = True
        else:
            old = fold_sizes(self.n, self.folds)
            new = fold_sizes(n, self.folds)
            for f in range(self.folds):
                m = int(new[f] - old[f])
                if m == 0:
                    continue
                if m >= self.d:
                    add_upper(bartlett_wishart(m, self.d, self.rng, work=self._bartlett),
                              self.W[f])
                else:
                    block = self._block[:m]
                    self.rng.standard_normal(out=block)
                    syrk_upper(block, out=self.W[f])
            if not self.materialize:
                self._total_stale = True
        self.n = n

    def fold_rows(self, f: int) -> np.ndarray:
        """Rows of fold f (materialized mode or while rows are kept)."""
        rows = self.rows
        if rows is None:
            raise RuntimeError("rows are not kept at this sample size")
        return rows[f :: self.folds]
