"""The pieces of the daily risk report, as plain functions of arrays and frames.

Conventions: ``w`` is the book in BRL notional per instrument (signed, fund convention),
``returns`` daily excess returns per unit notional (sessions × instruments, same convention),
VaR and ES positive losses in BRL over one day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from macro_models.risk.decomposition import (
    aggregate_components,
    parametric_component_var,
    simulation_component_var,
)
from macro_models.risk.montecarlo import simulate_returns
from macro_models.risk.var import historical_es, historical_var, parametric_es, parametric_var

ALPHAS = (0.95, 0.99)
METHODS = ("historical", "parametric", "monte_carlo")


def var_es_table(
    w: np.ndarray,
    returns: np.ndarray,
    cov: np.ndarray,
    seed: int,
    n_scenarios: int = 10_000,
) -> dict[str, dict[str, dict[str, float]]]:
    """VaR and ES at 95 and 99 % by the three methods, BRL.

    Parameters
    ----------
    w : array, shape (N,)
        Book in BRL notional.
    returns : array, shape (T, N)
        Complete rows of daily returns (historical scenarios, and the Monte Carlo fit).
    cov : array, shape (N, N)
        Daily covariance for the Gaussian method (zero mean).
    seed : int
        Seed of the Monte Carlo draw (t copula with t marginals, ``n_scenarios``); one draw
        serves both confidences.

    Returns
    -------
    dict
        ``table[method][str(alpha)] = {"var": .., "es": ..}``.
    """
    hist = returns @ w
    mc = simulate_returns(returns, n_scenarios=n_scenarios, copula="t", seed=seed) @ w
    out: dict[str, dict[str, dict[str, float]]] = {m: {} for m in METHODS}
    for a in ALPHAS:
        key = str(a)
        out["historical"][key] = {"var": historical_var(hist, a), "es": historical_es(hist, a)}
        out["parametric"][key] = {
            "var": parametric_var(w, cov, a),
            "es": parametric_es(w, cov, a),
        }
        out["monte_carlo"][key] = {"var": historical_var(mc, a), "es": historical_es(mc, a)}
    return out


def component_var(
    w: pd.Series, returns: np.ndarray, cov: np.ndarray, alpha: float = 0.99
) -> pd.DataFrame:
    """Euler components of VaR by position, BRL: ``parametric`` (exact gradient) and
    ``historical`` (kernel estimate around the VaR scenario, rescaled to sum to the VaR).

    Returns
    -------
    DataFrame, indexed like ``w``
        Two columns, each summing to its method's VaR at ``alpha``.
    """
    x = w.to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "parametric": parametric_component_var(x, cov, alpha),
            "historical": simulation_component_var(x, returns, alpha),
        },
        index=w.index,
    )


def by_group(components: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Each column of ``components`` summed by ``groups`` (position -> label)."""
    return pd.DataFrame({c: aggregate_components(components[c], groups) for c in components})


def allocate_to_strategies(components: pd.Series, contributions: pd.DataFrame) -> pd.Series:
    """Split each position's component pro rata to the strategies' signed contributions.

    Parameters
    ----------
    components : Series, indexed by instrument
        Component VaR per position, BRL.
    contributions : DataFrame, strategy × instrument
        ``c_si = w_s x_si / Σ_s w_s`` (confidence-weighted vote, as in the aggregator), so
        that ``Σ_s c_si`` is the aggregated exposure of instrument ``i`` before crowding.

    Returns
    -------
    Series, indexed by strategy (plus ``"unattributed"``)
        ``Σ_i component_i · c_si / Σ_s c_si``: a strategy that voted against the book gets a
        negative share. Positions with no net contribution (or no vote) are ``unattributed``.
        Sums to ``components.sum()``.
    """
    c = contributions.reindex(columns=components.index).fillna(0.0)
    total = c.sum(axis=0)
    ok = total.abs() > 1e-12
    shares = c.loc[:, ok] / total[ok]
    out = shares.mul(components[ok], axis=1).sum(axis=1)
    rest = float(components[~ok].sum())
    if rest != 0.0 or out.empty:
        out["unattributed"] = rest
    return out.sort_values(ascending=False)


def drawdown(pnl: np.ndarray, nav: float) -> dict[str, float]:
    """Current and maximum drawdown of ``nav + cumsum(pnl)`` (fractions, positive)."""
    path = nav + np.cumsum(np.asarray(pnl, dtype=float))
    peak = np.maximum.accumulate(np.concatenate([[nav], path]))[1:]
    dd = 1.0 - path / peak
    return {"current": float(dd[-1]) if dd.size else 0.0, "max": float(dd.max(initial=0.0))}
