"""Reverse stress test: the most plausible scenario that produces a given loss.

Among scenarios ``x`` (returns per unit notional, shape (N,)) with ``w . x = -L``, the one of
smallest Mahalanobis norm ``sqrt(x' Sigma^-1 x)`` is ``x* = -L Sigma w / (w' Sigma w)``, at
distance ``L / sigma_p``; under a Gaussian model the probability of a scenario at least that far
(in any direction) is the chi-square survival function with N dof at ``(L / sigma_p)^2``. The
Euclidean version, ``x* = -L w / |w|^2``, ignores correlations and volatilities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ReverseStress:
    """The scenario (N,) of returns, its norm and the probability of one at least as far."""

    scenario: FloatArray
    distance: float
    probability: float


def _check(w: npt.ArrayLike, loss: float) -> FloatArray:
    if not loss > 0:
        raise ValueError(f"loss must be > 0 (BRL), got {loss!r}")
    w_ = np.asarray(w, dtype=float)
    if w_.ndim != 1 or not np.any(w_):
        raise ValueError("w must be a non-zero 1-D array of exposures")
    return w_


def mahalanobis_reverse_stress(w: npt.ArrayLike, cov: npt.ArrayLike, loss: float) -> ReverseStress:
    """Most likely scenario under ``cov`` with P&L ``-loss``.

    Parameters
    ----------
    w : array, shape (N,)
        Exposures in BRL notional.
    cov : array, shape (N, N)
        Covariance of returns per unit notional (over the scenario's horizon).
    loss : float
        Loss in BRL, > 0.

    Returns
    -------
    ReverseStress
        ``scenario = -loss Sigma w / (w' Sigma w)``, ``distance = loss / sigma_p`` (in standard
        deviations) and ``probability = chi2(N).sf(distance ** 2)``.
    """
    w_ = _check(w, loss)
    sw = np.asarray(cov, dtype=float) @ w_
    variance = float(w_ @ sw)
    if not variance > 0:
        raise ValueError("portfolio variance w' cov w must be > 0")
    distance = loss / math.sqrt(variance)
    return ReverseStress(
        -loss * sw / variance, distance, float(stats.chi2.sf(distance**2, w_.size))
    )


def euclidean_reverse_stress(w: npt.ArrayLike, loss: float) -> ReverseStress:
    """Smallest Euclidean-norm scenario with P&L ``-loss``: ``-loss w / |w|^2``.

    ``distance`` is the scenario's Euclidean norm ``loss / |w|`` (a return); ``probability``
    is NaN since no distribution is assumed.
    """
    w_ = _check(w, loss)
    norm2 = float(w_ @ w_)
    return ReverseStress(-loss * w_ / norm2, loss / math.sqrt(norm2), float("nan"))
