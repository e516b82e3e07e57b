"""Value at Risk and Expected Shortfall: historical (empirical) and parametric (Gaussian).

Conventions: ``pnl`` is scenario P&L in base currency (BRL); VaR and ES are reported as
POSITIVE losses in BRL at confidence ``alpha`` (e.g. 0.99).

Historical quantile convention: with the ``S`` scenario P&Ls sorted ascending
``x_(1) <= ... <= x_(S)`` and ``k = ceil(S * (1 - alpha))``, the lower-tail empirical quantile is
``x_(k)`` (the smallest P&L with empirical CDF >= 1 - alpha), ``VaR = -x_(k)`` and ES is the mean
loss of the scenarios at or beyond VaR, ``ES = -mean(x[x <= x_(k)])``. No interpolation, so VaR
is one of the scenarios and ES >= VaR always.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]


def check_alpha(alpha: float) -> float:
    """Return ``alpha`` as a float, or raise ValueError unless 0 < alpha < 1."""
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    return float(alpha)


def _pnl_vector(pnl: npt.ArrayLike) -> FloatArray:
    x = np.asarray(pnl, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"pnl must be a non-empty 1-D array (S,), got shape {x.shape}")
    if np.isnan(x).any():
        raise ValueError("pnl contains NaN")
    return x


def tail_threshold(pnl: npt.ArrayLike, alpha: float) -> float:
    """Lower-tail empirical quantile ``x_(k)``, ``k = ceil(S (1 - alpha))``, in BRL.

    The product is rounded to 9 decimals before the ceiling, so that e.g.
    ``100 * (1 - 0.95) = 5.000000000000004`` gives k = 5, not 6.
    """
    x = _pnl_vector(pnl)
    a = check_alpha(alpha)
    k = max(1, math.ceil(round(x.size * (1.0 - a), 9)))
    return float(np.partition(x, k - 1)[k - 1])


def historical_var(pnl: npt.ArrayLike, alpha: float) -> float:
    """Historical VaR of scenario P&Ls.

    Parameters
    ----------
    pnl : array, shape (S,)
        Scenario P&L in BRL (``returns @ w``).
    alpha : float
        Confidence, in (0, 1).

    Returns
    -------
    float
        ``-x_(k)``, BRL, positive for a loss (see the module docstring).
    """
    return -tail_threshold(pnl, alpha)


def historical_es(pnl: npt.ArrayLike, alpha: float) -> float:
    """Historical ES: minus the mean P&L of the scenarios at or beyond VaR, BRL.

    Parameters are as in :func:`historical_var`. Ties with the VaR scenario are all included.
    """
    x = _pnl_vector(pnl)
    q = tail_threshold(x, alpha)
    return -float(x[x <= q].mean())


def portfolio_moments(
    w: npt.ArrayLike, cov: npt.ArrayLike, mean: npt.ArrayLike | None = None
) -> tuple[float, float]:
    """Portfolio P&L standard deviation and mean, ``(sqrt(w' cov w), w' mean)``, in BRL.

    Parameters
    ----------
    w : array, shape (N,)
        Exposures in BRL notional, signed.
    cov : array, shape (N, N)
        Covariance of returns per unit notional.
    mean : array, shape (N,), optional
        Mean return per unit notional; zero when None.
    """
    w_ = np.asarray(w, dtype=float)
    cov_ = np.asarray(cov, dtype=float)
    if cov_.shape != (w_.size, w_.size):
        raise ValueError(f"cov must have shape ({w_.size}, {w_.size}), got {cov_.shape}")
    sigma = math.sqrt(max(float(w_ @ cov_ @ w_), 0.0))
    mu = 0.0 if mean is None else float(w_ @ np.asarray(mean, dtype=float))
    return sigma, mu


def parametric_var(
    w: npt.ArrayLike, cov: npt.ArrayLike, alpha: float, mean: npt.ArrayLike | None = None
) -> float:
    """Gaussian VaR ``z_a sigma_p - mu_p`` in BRL, ``z_a = Phi^-1(alpha)``.

    Parameters are as in :func:`portfolio_moments`; ``alpha`` in (0, 1).
    """
    z = stats.norm.ppf(check_alpha(alpha))
    sigma, mu = portfolio_moments(w, cov, mean)
    return float(z * sigma - mu)


def parametric_es(
    w: npt.ArrayLike, cov: npt.ArrayLike, alpha: float, mean: npt.ArrayLike | None = None
) -> float:
    """Gaussian ES ``sigma_p phi(z_a) / (1 - alpha) - mu_p`` in BRL.

    Parameters are as in :func:`portfolio_moments`; ``alpha`` in (0, 1).
    """
    a = check_alpha(alpha)
    z = stats.norm.ppf(a)
    sigma, mu = portfolio_moments(w, cov, mean)
    return float(sigma * stats.norm.pdf(z) / (1.0 - a) - mu)
