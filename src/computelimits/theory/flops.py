"""Floating-point operation counts of the dense linear-algebra steps the theory models run.

Convention (as everywhere in computelimits): one addition, subtraction, multiplication,
division or square root is one FLOP; a multiply-add is 2 FLOP; comparisons are free.
Leading and lower-order terms follow the LAPACK operation counts of LAWN 41 (Blackford &
Dongarra, *Installation Guide for LAPACK*, Appendix: operation counts) and Golub & Van Loan,
*Matrix Computations*, 4th ed. (Householder QR §5.2.2, Cholesky §4.2.5, triangular solves
§3.1.1). All counts are for fitting from raw data: an ``n × d`` design matrix and a response.
"""

from __future__ import annotations

__all__ = [
    "cholesky",
    "gram",
    "least_squares_min_norm",
    "least_squares_normal_equations",
    "matvec_transpose",
    "symmetric_eigen",
    "triangular_solve",
]


def gram(n: int, d: int) -> float:
    """``XᵀX`` for ``X`` of shape n×d, computing one triangle (BLAS ``syrk``): n·d(d+1) FLOP."""
    return float(n) * d * (d + 1)


def matvec_transpose(n: int, d: int) -> float:
    """``Xᵀy`` for ``X`` of shape n×d: 2·n·d FLOP."""
    return 2.0 * n * d


def cholesky(d: int) -> float:
    """Cholesky factorisation of a d×d SPD matrix (LAPACK ``potrf``): d³/3 + d²/2 + d/6."""
    return d**3 / 3.0 + d**2 / 2.0 + d / 6.0


def triangular_solve(d: int) -> float:
    """One d×d triangular solve with one right-hand side (``trsv``): d² FLOP."""
    return float(d) ** 2


def least_squares_normal_equations(n: int, d: int) -> float:
    """Least squares by the normal equations and Cholesky (n ≥ d).

    Forms ``XᵀX`` and ``Xᵀy``, factors, and solves two triangular systems.
    """
    return gram(n, d) + matvec_transpose(n, d) + cholesky(d) + 2.0 * triangular_solve(d)


def least_squares_min_norm(n: int, d: int) -> float:
    """Minimum-norm least squares for n ≤ d by a Householder LQ factorisation (LAPACK ``gels``).

    ``X = LQ`` costs 2dn² − 2n³/3; the solve ``Lz = y`` n²; applying ``Qᵀ`` (n reflectors of
    length d) to ``z`` 4dn − 2n². For n = d this is the square QR solve.
    """
    return 2.0 * d * n**2 - 2.0 * n**3 / 3.0 + n**2 + 4.0 * d * n - 2.0 * n**2


def symmetric_eigen(d: int) -> float:
    """Symmetric eigendecomposition with eigenvectors, about 9d³ (Golub & Van Loan §8.3)."""
    return 9.0 * d**3
