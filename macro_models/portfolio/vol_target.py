"""Scale a weight vector to an ex-ante volatility target, under a gross leverage cap.

Weights are signed notional / NAV; the covariance is of daily returns per unit notional, so
the ex-ante annual volatility of ``w`` is ``sqrt(w' Σ w · periods)``.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import pandas as pd


class VolTargetResult(NamedTuple):
    """``weights`` scaled by ``scale``; ``binding`` says what set the scale: the vol
    ``"target"``, the ``"leverage"`` cap, or ``"zero"`` when the input had no risk."""

    weights: pd.Series
    scale: float
    binding: Literal["target", "leverage", "zero"]
    ex_ante_vol: float


def portfolio_vol(weights: np.ndarray, cov: np.ndarray, periods: int = 252) -> float:
    """Ex-ante annualised volatility of a portfolio.

    Parameters
    ----------
    weights : ndarray, shape (n,)
        Fractions of NAV.
    cov : ndarray, shape (n, n)
        Covariance of per-period returns per unit notional.
    periods : int
        Periods per year (252 for daily data).

    Returns
    -------
    float
        ``sqrt(w' Σ w · periods)``, a fraction of NAV per year.
    """
    w = np.asarray(weights, dtype=float)
    variance = float(w @ np.asarray(cov, dtype=float) @ w)
    return float(np.sqrt(max(variance, 0.0) * periods))


def vol_target(
    weights: pd.Series,
    cov: pd.DataFrame,
    target_vol_annual: float,
    periods: int = 252,
    max_leverage: float | None = None,
) -> VolTargetResult:
    """Scale ``weights`` so the ex-ante annual vol equals ``target_vol_annual``.

    Parameters
    ----------
    weights : Series, indexed by instrument_id
        Fractions of NAV (any scale; only directions and ratios matter).
    cov : DataFrame, instrument_id × instrument_id
        Covariance of per-period returns per unit notional; must cover ``weights.index``.
    target_vol_annual : float
        Target annualised volatility, a fraction of NAV (0.10 = 10 % a year). Positive.
    periods : int
        Periods per year of ``cov``.
    max_leverage : float, optional
        Cap on gross exposure ``sum |w|`` after scaling. When the target would need more, the
        weights are scaled to the cap instead and ``binding == "leverage"`` (the vol is then
        below target).

    Returns
    -------
    VolTargetResult
        Scaled weights, the scale factor, what bound, and the resulting ex-ante vol.
    """
    if target_vol_annual <= 0:
        raise ValueError(f"target_vol_annual must be positive, got {target_vol_annual}")
    if max_leverage is not None and max_leverage <= 0:
        raise ValueError(f"max_leverage must be positive, got {max_leverage}")
    if periods <= 0:
        raise ValueError(f"periods must be positive, got {periods}")
    sigma = cov.loc[weights.index, weights.index].to_numpy(dtype=float)
    w = weights.to_numpy(dtype=float)
    vol = portfolio_vol(w, sigma, periods)
    if vol <= 0:
        return VolTargetResult(weights * 0.0, 0.0, "zero", 0.0)
    scale = target_vol_annual / vol
    binding: Literal["target", "leverage", "zero"] = "target"
    gross = float(np.abs(w).sum())
    if max_leverage is not None and scale * gross > max_leverage:
        scale = max_leverage / gross
        binding = "leverage"
    return VolTargetResult(weights * scale, float(scale), binding, scale * vol)
