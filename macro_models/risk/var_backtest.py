"""VaR backtests: Kupiec's proportion of failures, Christoffersen's independence and
conditional coverage, and a point-in-time rolling VaR backtest.

A hit (exception) is a day whose realised P&L is below minus the VaR forecast for that day.
Likelihood ratios use ``0 * log(0) = 0``, so no exception (or all exceptions) is allowed.

References: P. Kupiec (1995), "Techniques for verifying the accuracy of risk measurement
models", J. Derivatives 3; P. Christoffersen (1998), "Evaluating interval forecasts",
International Economic Review 39.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special, stats

from macro_models.risk.covariance import scaled_ledoit_wolf
from macro_models.risk.montecarlo import monte_carlo_var
from macro_models.risk.var import check_alpha, historical_var, parametric_var

FloatArray = npt.NDArray[np.float64]
Method = Literal["historical", "parametric", "monte_carlo"]


def _bernoulli_loglik(successes: float, failures: float, p: float) -> float:
    return float(special.xlogy(successes, p) + special.xlog1py(failures, -p))


def kupiec_pof(exceptions: int, n: int, alpha: float) -> tuple[float, float]:
    """Kupiec's proportion-of-failures likelihood ratio and its chi-square(1) p-value.

    ``LR = -2 [ln L(1 - alpha) - ln L(x / n)]`` with ``L(p) = (1 - p)^(n - x) p^x``.

    Parameters
    ----------
    exceptions : int
        x, the number of hits, 0 <= x <= n.
    n : int
        Number of days, > 0.
    alpha : float
        VaR confidence (expected hit rate ``1 - alpha``).
    """
    p = 1.0 - check_alpha(alpha)
    if n <= 0 or not 0 <= exceptions <= n:
        raise ValueError(f"need n > 0 and 0 <= exceptions <= n, got {exceptions=}, {n=}")
    x, rest = float(exceptions), float(n - exceptions)
    lr = -2.0 * (_bernoulli_loglik(x, rest, p) - _bernoulli_loglik(x, rest, x / n))
    lr = max(lr, 0.0)
    return lr, float(stats.chi2.sf(lr, 1))


def _transitions(hits: npt.ArrayLike) -> tuple[int, int, int, int]:
    h = np.asarray(hits, dtype=bool)
    if h.ndim != 1 or h.size < 2:
        raise ValueError(f"hits must be a 1-D boolean array of length >= 2, got shape {h.shape}")
    prev, nxt = h[:-1], h[1:]
    n00 = int(np.sum(~prev & ~nxt))
    n01 = int(np.sum(~prev & nxt))
    n10 = int(np.sum(prev & ~nxt))
    n11 = int(np.sum(prev & nxt))
    return n00, n01, n10, n11


def christoffersen_independence(hits: npt.ArrayLike) -> tuple[float, float]:
    """Christoffersen's independence LR (first-order Markov vs i.i.d.) and chi-square(1) p.

    ``LR = -2 [ln L(pi) - ln L(pi01, pi11)]`` from the transition counts ``n_ij`` (day t-1 in
    state i, day t in j): ``pi01 = n01 / (n00 + n01)``, ``pi11 = n11 / (n10 + n11)``,
    ``pi = (n01 + n11) / (T - 1)``.
    """
    n00, n01, n10, n11 = _transitions(hits)
    pi = (n01 + n11) / (n00 + n01 + n10 + n11)
    pi01 = n01 / (n00 + n01) if n00 + n01 else 0.0
    pi11 = n11 / (n10 + n11) if n10 + n11 else 0.0
    restricted = _bernoulli_loglik(n01 + n11, n00 + n10, pi)
    unrestricted = _bernoulli_loglik(n01, n00, pi01) + _bernoulli_loglik(n11, n10, pi11)
    lr = max(-2.0 * (restricted - unrestricted), 0.0)
    return lr, float(stats.chi2.sf(lr, 1))


def christoffersen_cc(hits: npt.ArrayLike, alpha: float) -> tuple[float, float]:
    """Conditional coverage: Kupiec's LR on all the hits plus the independence LR, chi2(2)."""
    h = np.asarray(hits, dtype=bool)
    lr = kupiec_pof(int(h.sum()), h.size, alpha)[0] + christoffersen_independence(h)[0]
    return lr, float(stats.chi2.sf(lr, 2))


def _weights_matrix(
    weights: npt.ArrayLike | pd.Series | pd.DataFrame, returns: pd.DataFrame
) -> FloatArray:
    if isinstance(weights, pd.Series):
        weights = weights.reindex(returns.columns).to_numpy(dtype=float)
    elif isinstance(weights, pd.DataFrame):
        weights = weights.reindex(index=returns.index, columns=returns.columns).to_numpy(float)
    w = np.asarray(weights, dtype=float)
    if w.shape == (returns.shape[1],):
        w = np.broadcast_to(w, returns.shape)
    if w.shape != returns.shape:
        raise ValueError(f"weights must have shape (N,) or {returns.shape}, got {w.shape}")
    return w


def _one_var(
    past: FloatArray, w: FloatArray, alpha: float, method: Method, mc: dict[str, Any]
) -> float:
    past = past[~np.isnan(past).any(axis=1)]
    if method == "historical":
        return historical_var(past @ w, alpha)
    if method == "parametric":
        return parametric_var(w, scaled_ledoit_wolf(past)[0], alpha)
    return monte_carlo_var(w, past, alpha, **mc).var


def rolling_var_backtest(
    returns: pd.DataFrame,
    weights: npt.ArrayLike | pd.Series | pd.DataFrame,
    window: int = 250,
    alpha: float = 0.99,
    method: Method = "historical",
    step: int = 1,
    n_scenarios: int = 2_000,
    seed: int = 0,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Point-in-time rolling VaR and its backtest.

    Parameters
    ----------
    returns : DataFrame, shape (T, N)
        Daily simple returns per unit notional, one column per instrument.
    weights : array (N,) or (T, N), Series or DataFrame
        Exposures in BRL; row t is the book held over day t (known before day t).
    window : int
        Days of history per estimate; VaR for day t uses rows t-window .. t-1 only (rows with
        a NaN are dropped from the window).
    alpha : float
        VaR confidence.
    method : {"historical", "parametric", "monte_carlo"}
        Empirical quantile of the window's P&L; Gaussian with zero mean and the Ledoit-Wolf
        covariance (shrunk correlation, sample vols: ``scaled_ledoit_wolf``); or
        :func:`monte_carlo_var` (t copula, ``n_scenarios``, ``seed`` every day).
    step : int
        Evaluate every ``step``-th day from ``window`` on (rows only for those days).

    Returns
    -------
    frame : DataFrame
        Indexed by the evaluated days: ``var`` (BRL), ``pnl`` (realised BRL, NaN when a return
        is missing) and ``hit`` (``pnl < -var``).
    summary : dict
        n (days with a P&L), exceptions, expected, hit_rate, kupiec_lr, kupiec_p,
        christoffersen_lr, christoffersen_p (independence), cc_lr, cc_p.
    """
    check_alpha(alpha)
    if method not in ("historical", "parametric", "monte_carlo"):
        raise ValueError(f"method must be historical, parametric or monte_carlo, got {method!r}")
    if window < 2 or step < 1 or window >= len(returns):
        raise ValueError(f"need 2 <= window < T and step >= 1, got {window=}, {step=}")
    r = returns.to_numpy(dtype=float)
    w = _weights_matrix(weights, returns)
    days = np.arange(window, len(r), step)
    mc = {"n_scenarios": n_scenarios, "seed": seed}
    var = np.array([_one_var(r[t - window : t], w[t], alpha, method, mc) for t in days])
    pnl = np.einsum("ij,ij->i", r[days], w[days])
    frame = pd.DataFrame({"var": var, "pnl": pnl, "hit": pnl < -var}, index=returns.index[days])
    return frame, backtest_summary(frame["hit"][frame["pnl"].notna()].to_numpy(), alpha)


def backtest_summary(hits: npt.ArrayLike, alpha: float) -> dict[str, float]:
    """Counts and the three tests for a hit sequence (see :func:`rolling_var_backtest`)."""
    h = np.asarray(hits, dtype=bool)
    n, x = h.size, int(h.sum())
    kupiec = kupiec_pof(x, n, alpha)
    independence = christoffersen_independence(h)
    cc = christoffersen_cc(h, alpha)
    return {
        "n": float(n),
        "exceptions": float(x),
        "expected": n * (1.0 - alpha),
        "hit_rate": x / n,
        "kupiec_lr": kupiec[0],
        "kupiec_p": kupiec[1],
        "christoffersen_lr": independence[0],
        "christoffersen_p": independence[1],
        "cc_lr": cc[0],
        "cc_p": cc[1],
    }
