"""The regression examples: Gaussian prior -> ridge (stage 3), Laplace prior -> lasso (stage 4).

Model y ~ N(Xw, noise_var I). Ridge minimises ||y - Xw||^2 / (2 noise_var) + (lam/2)||w||^2;
the lasso minimises 0.5 ||y - Xw||^2 + lam ||w||_1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mapcourse.manifest import Course
from mapcourse.reference import load_reference

TRUE_WEIGHTS = np.array([3.0, -2.0, 0.0, 0.0, 1.0, 0.0])


@dataclass(frozen=True)
class GaussianCheck:
    """-log N(theta; 0, I/lam) = (lam/2)||theta||^2 + (d/2) log(2 pi / lam)."""

    theta: np.ndarray
    lam: float
    log_prior: float
    penalty: float
    constant: float


@dataclass(frozen=True)
class LaplaceCheck:
    """-log Laplace(theta; 0, b) = ||theta||_1 / b + d log(2b): the L1 penalty with lam = 1/b."""

    theta: np.ndarray
    b: float
    log_prior: float
    penalty: float
    constant: float


@dataclass(frozen=True)
class Paths:
    """MAP weights along a grid of lam: rows are lam values, columns are weights."""

    lams: np.ndarray
    ridge: np.ndarray
    lasso: np.ndarray
    lam_max: float


@dataclass(frozen=True)
class Geometry:
    """A 2-d least-squares problem 0.5 (w - w_ols)^T A (w - w_ols) with its ridge and lasso MAPs."""

    A: np.ndarray
    w_ols: np.ndarray
    lam: float
    ridge: np.ndarray
    lasso: np.ndarray


def toy_regression(n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """X (n, 6) with standardised columns and y = X w_true + N(0, 1) noise."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, TRUE_WEIGHTS.size))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = X @ TRUE_WEIGHTS + rng.standard_normal(n)
    return X, y


def gaussian_check(course: Course, theta=(0.5, -1.0, 2.0), lam: float = 2.0) -> GaussianCheck:
    """The Gaussian log-prior next to the L2 penalty and the constant that separates them."""
    stage3 = load_reference(course, "stage3_gaussian_l2")
    theta = np.asarray(theta, dtype=float)
    return GaussianCheck(
        theta=theta,
        lam=lam,
        log_prior=stage3.gaussian_log_prior(theta, lam),
        penalty=stage3.l2_penalty(theta, lam),
        constant=(theta.size / 2) * math.log(2 * math.pi / lam),
    )


def laplace_check(course: Course, theta=(0.5, -1.0, 2.0), b: float = 2.0) -> LaplaceCheck:
    """The Laplace log-prior next to the L1 penalty with lam = 1/b, and the constant d log(2b)."""
    stage4 = load_reference(course, "stage4_laplace_l1")
    theta = np.asarray(theta, dtype=float)
    return LaplaceCheck(
        theta=theta,
        b=b,
        log_prior=stage4.laplace_log_prior(theta, b),
        penalty=stage4.l1_penalty(theta, 1 / b),
        constant=theta.size * math.log(2 * b),
    )


def paths(course: Course, num: int = 60) -> Paths:
    """Ridge (noise_var = 1) and lasso weights on a log grid of lam, with lam_max = max|X^T y|."""
    stage3 = load_reference(course, "stage3_gaussian_l2")
    stage4 = load_reference(course, "stage4_laplace_l1")
    X, y = toy_regression()
    lams = np.logspace(-1, 3.5, num)
    return Paths(
        lams=lams,
        ridge=np.array([stage3.map_ridge(X, y, 1.0, lam) for lam in lams]),
        lasso=np.array([stage4.map_lasso(X, y, lam) for lam in lams]),
        lam_max=float(np.abs(X.T @ y).max()),
    )


def sparsity(course: Course, fractions=(0.01, 0.1, 0.3, 0.6, 1.0)) -> list[tuple[float, int, int]]:
    """(lam, exact zeros in the ridge weights, exact zeros in the lasso weights) at lam_max * f."""
    stage3 = load_reference(course, "stage3_gaussian_l2")
    stage4 = load_reference(course, "stage4_laplace_l1")
    X, y = toy_regression()
    lam_max = float(np.abs(X.T @ y).max())
    rows = []
    for fraction in fractions:
        lam = lam_max * fraction
        ridge = stage3.map_ridge(X, y, 1.0, lam)
        lasso = stage4.map_lasso(X, y, lam)
        rows.append((lam, int(np.sum(ridge == 0.0)), int(np.sum(lasso == 0.0))))
    return rows


def geometry(course: Course, lam: float = 0.7) -> Geometry:
    """Ridge and lasso MAPs of 0.5 ||y - Xw||^2 with X^T X = A, so the loss is centred on w_ols."""
    stage3 = load_reference(course, "stage3_gaussian_l2")
    stage4 = load_reference(course, "stage4_laplace_l1")
    A = np.array([[1.0, 0.45], [0.45, 0.6]])
    w_ols = np.array([1.6, 0.9])
    eigenvalues, eigenvectors = np.linalg.eigh(A)
    X = eigenvectors @ np.diag(np.sqrt(eigenvalues)) @ eigenvectors.T
    y = X @ w_ols
    return Geometry(
        A=A,
        w_ols=w_ols,
        lam=lam,
        ridge=stage3.map_ridge(X, y, 1.0, lam),
        lasso=stage4.map_lasso(X, y, lam),
    )


@dataclass(frozen=True)
class PriorCurves:
    """Log densities of N(0, 1/lam) and Laplace(0, 1/lam) at each theta of a grid."""

    theta: np.ndarray
    lam: float
    gaussian: np.ndarray
    laplace: np.ndarray


def prior_curves(course: Course, lam: float = 1.0) -> PriorCurves:
    """The two priors of stages 3 and 4, evaluated one theta at a time by the references."""
    stage3 = load_reference(course, "stage3_gaussian_l2")
    stage4 = load_reference(course, "stage4_laplace_l1")
    theta = np.linspace(-3.0, 3.0, 241)
    return PriorCurves(
        theta=theta,
        lam=lam,
        gaussian=np.array([stage3.gaussian_log_prior(t, lam) for t in theta]),
        laplace=np.array([stage4.laplace_log_prior(t, 1 / lam) for t in theta]),
    )
