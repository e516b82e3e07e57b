"""Marginal and component (Euler) VaR and ES by position, and roll-ups by group.

VaR and ES are homogeneous of degree one in the exposures ``w``, so by Euler's theorem
``VaR = sum_i w_i dVaR/dw_i``: the components ``w_i dVaR/dw_i`` add up to the total and say
how much of it each position carries (negative components are hedges).

* Parametric (Gaussian): ``dVaR/dw = z_a (Sigma w) / sigma_p - mu``.
* Simulation, ES: ``component_i = -E[w_i r_i | pnl <= -VaR]`` over the tail scenarios of
  :func:`macro_models.risk.var.historical_es`; sums exactly to that ES.
* Simulation, VaR: ``component_i = -E[w_i r_i | pnl ~= -VaR]`` with Gaussian kernel weights
  around the VaR scenario (Epperlein and Smillie 2006), rescaled to sum to the VaR exactly.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from macro_models.risk.var import (
    check_alpha,
    historical_var,
    portfolio_moments,
    tail_threshold,
)

FloatArray = npt.NDArray[np.float64]


def parametric_marginal_var(
    w: npt.ArrayLike, cov: npt.ArrayLike, alpha: float, mean: npt.ArrayLike | None = None
) -> FloatArray:
    """Gradient of the Gaussian VaR, ``z_a (Sigma w) / sigma_p - mu``, shape (N,).

    Parameters
    ----------
    w : array, shape (N,)
        Exposures in BRL notional.
    cov : array, shape (N, N)
        Covariance of returns per unit notional.
    alpha : float
        Confidence in (0, 1).
    mean : array, shape (N,), optional
        Mean returns per unit notional (zero when None).

    Returns
    -------
    ndarray, shape (N,)
        BRL of VaR per BRL of extra notional in each instrument (dimensionless).
    """
    w_ = np.asarray(w, dtype=float)
    sigma, _ = portfolio_moments(w_, cov, mean)
    if sigma == 0.0:
        raise ValueError("portfolio variance is zero: marginal VaR is undefined")
    z = stats.norm.ppf(check_alpha(alpha))
    grad: FloatArray = z * (np.asarray(cov, dtype=float) @ w_) / sigma
    if mean is not None:
        grad = grad - np.asarray(mean, dtype=float)
    return grad


def parametric_component_var(
    w: npt.ArrayLike, cov: npt.ArrayLike, alpha: float, mean: npt.ArrayLike | None = None
) -> FloatArray:
    """Euler components ``w_i dVaR/dw_i`` (N,) in BRL; they sum to :func:`parametric_var`."""
    out: FloatArray = np.asarray(w, dtype=float) * parametric_marginal_var(w, cov, alpha, mean)
    return out


def _scenario_contributions(w: npt.ArrayLike, scenarios: npt.ArrayLike) -> FloatArray:
    w_ = np.asarray(w, dtype=float)
    r = np.asarray(scenarios, dtype=float)
    if r.ndim != 2 or r.shape[1] != w_.size:
        raise ValueError(f"scenarios must have shape (S, {w_.size}), got {r.shape}")
    out: FloatArray = r * w_
    return out


def simulation_component_es(w: npt.ArrayLike, scenarios: npt.ArrayLike, alpha: float) -> FloatArray:
    """ES components ``-E[w_i r_i | pnl <= -VaR]``, shape (N,), BRL.

    Parameters
    ----------
    w : array, shape (N,)
        Exposures in BRL notional.
    scenarios : array, shape (S, N)
        Scenario returns per unit notional (historical or simulated).
    alpha : float
        Confidence in (0, 1).

    Returns
    -------
    ndarray, shape (N,)
        Sums exactly to ``historical_es(scenarios @ w, alpha)``.
    """
    contrib = _scenario_contributions(w, scenarios)
    pnl = contrib.sum(axis=1)
    tail = pnl <= tail_threshold(pnl, alpha)
    out: FloatArray = -contrib[tail].mean(axis=0)
    return out


def simulation_component_var(
    w: npt.ArrayLike, scenarios: npt.ArrayLike, alpha: float, bandwidth: float | None = None
) -> FloatArray:
    """Kernel VaR components ``-E[w_i r_i | pnl ~= -VaR]``, shape (N,), BRL.

    Parameters
    ----------
    w, scenarios, alpha : as in :func:`simulation_component_es`.
    bandwidth : float, optional
        Standard deviation of the Gaussian kernel around the VaR scenario's P&L, in BRL.
        Default: Silverman's rule ``1.06 std(pnl) S^(-1/5)``.

    Returns
    -------
    ndarray, shape (N,)
        Rescaled so that they sum exactly to ``historical_var(scenarios @ w, alpha)``.
    """
    contrib = _scenario_contributions(w, scenarios)
    pnl = contrib.sum(axis=1)
    var = historical_var(pnl, alpha)
    h = 1.06 * pnl.std() * pnl.size ** (-0.2) if bandwidth is None else bandwidth
    if not h > 0:
        raise ValueError(f"bandwidth must be > 0, got {h!r}")
    k = np.exp(-0.5 * ((pnl + var) / h) ** 2)
    raw = -(k @ contrib) / k.sum()
    total = raw.sum()
    if total == 0.0:
        raise ValueError("kernel components sum to zero: cannot rescale to VaR")
    out: FloatArray = raw * (var / total)
    return out


def aggregate_components(components: pd.Series, groups: pd.Series) -> pd.Series:
    """Sum components by group (strategy, asset class...).

    Parameters
    ----------
    components : Series
        Component VaR or ES in BRL, indexed by position.
    groups : Series
        Group label per position (position -> group). Every position must have one.

    Returns
    -------
    Series
        Component sum per group (BRL), indexed by group, sorted by label.

    Raises
    ------
    ValueError
        Listing the positions that have no group.
    """
    missing = components.index.difference(groups.dropna().index)
    if len(missing) > 0:
        raise ValueError(f"positions without a group: {sorted(map(str, missing))}")
    labels = groups.reindex(components.index)
    return components.groupby(labels).sum().rename(components.name)
