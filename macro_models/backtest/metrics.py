"""Performance metrics of a daily return series: plain functions, array or Series in, float out.

Conventions shared by every function:

- ``returns`` are daily *simple* returns, already net of costs and in excess of the risk-free
  rate (the engine does both), so the Sharpe ratio is ``mean / std`` with no rate subtracted.
- ``periods`` is the number of returns per year (252 business days); ratios and volatilities are
  annualised by ``sqrt(periods)``, returns geometrically.
- Inputs must be finite and greater than -1 (a return of -100% ends the NAV path); anything else
  raises ``ValueError`` naming the offending argument.
- A ratio whose denominator is zero (no volatility, no drawdown, no non-zero day) is ``nan``.

The probabilistic and deflated Sharpe ratios follow Bailey & López de Prado, "The Sharpe Ratio
Efficient Frontier" (J. of Risk, 2012) and "The Deflated Sharpe Ratio" (J. Portfolio Management,
2014). Their Sharpe ratios are *per period* (not annualised) and their kurtosis is the plain
(non-excess) fourth standardised moment, 3 for a normal distribution.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

PERIODS_PER_YEAR = 252
# Below this a daily standard deviation is rounding noise (constant series), not risk.
_TINY = 1e-12


class Drawdown(NamedTuple):
    """The deepest peak-to-trough fall of a NAV path.

    ``depth`` is the fall as a negative fraction of the peak NAV (-0.25 = a 25% drawdown).
    ``peak`` is the close at which the NAV last stood at its high before the trough (one business
    day before the first date when the fall starts on the first day), ``trough`` the close of the
    low and ``recovery`` the first close back at or above the peak, ``None`` if the path never
    got back. ``duration`` counts business days (Mon-Fri) from ``peak`` to ``recovery``, or to
    the last date when unrecovered. With no drawdown at all the dates are ``None`` and depth and
    duration are 0.
    """

    depth: float
    peak: pd.Timestamp | None
    trough: pd.Timestamp | None
    recovery: pd.Timestamp | None
    duration: int


def _returns_array(returns: ArrayLike, name: str = "returns", min_len: int = 1) -> NDArray:
    arr = np.asarray(returns, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size < min_len:
        raise ValueError(f"{name} needs at least {min_len} observations, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if np.any(arr <= -1):
        raise ValueError(f"{name} contains a return <= -100% ({arr.min()})")
    return arr


def _check_periods(periods: int) -> None:
    if periods <= 0:
        raise ValueError(f"periods must be positive, got {periods}")


def annualised_return(returns: ArrayLike, periods: int = PERIODS_PER_YEAR) -> float:
    """Geometric annual return (CAGR): ``prod(1 + r) ** (periods / n) - 1``.

    Parameters
    ----------
    returns : array-like, shape (n,)
        Daily simple excess returns, fractions (0.01 = 1%).
    periods : int
        Returns per year.

    Returns
    -------
    float
        Annual compounded return as a fraction.
    """
    _check_periods(periods)
    r = _returns_array(returns)
    return float(np.expm1(np.log1p(r).sum() * periods / r.size))


def annualised_volatility(returns: ArrayLike, periods: int = PERIODS_PER_YEAR) -> float:
    """Sample standard deviation (ddof=1) of ``returns`` times ``sqrt(periods)``; shape (n>=2,)."""
    _check_periods(periods)
    r = _returns_array(returns, min_len=2)
    return float(r.std(ddof=1) * np.sqrt(periods))


def sharpe_ratio(returns: ArrayLike, periods: int = PERIODS_PER_YEAR) -> float:
    """Annualised Sharpe ratio ``mean / std(ddof=1) * sqrt(periods)`` of excess returns.

    Parameters
    ----------
    returns : array-like, shape (n,), n >= 2
        Daily simple excess returns.
    periods : int
        Returns per year; pass 1 for the per-period ratio used by the PSR and DSR.

    Returns
    -------
    float
        The annualised Sharpe ratio, ``nan`` when the standard deviation is zero.
    """
    _check_periods(periods)
    r = _returns_array(returns, min_len=2)
    sd = r.std(ddof=1)
    if sd < _TINY:
        return float("nan")
    return float(r.mean() / sd * np.sqrt(periods))


def sortino_ratio(returns: ArrayLike, periods: int = PERIODS_PER_YEAR) -> float:
    """Annualised Sortino ratio: mean excess return over the downside deviation below 0.

    The downside deviation is ``sqrt(mean(min(r, 0) ** 2))`` taken over *all* n observations
    (Sortino & Price 1994), not only the negative ones, so it is comparable to a standard
    deviation. ``nan`` when there is no negative return.

    Parameters
    ----------
    returns : array-like, shape (n,), n >= 2
        Daily simple excess returns (the target is 0 because they are already in excess).
    periods : int
        Returns per year.
    """
    _check_periods(periods)
    r = _returns_array(returns, min_len=2)
    downside = np.sqrt(np.mean(np.minimum(r, 0.0) ** 2))
    if downside < _TINY:
        return float("nan")
    return float(r.mean() / downside * np.sqrt(periods))


def drawdown_series(returns: pd.Series) -> pd.Series:
    """Underwater curve: NAV over its running peak minus one, at each date; values <= 0.

    The NAV starts at 1 before the first return, so a loss on the first day is a drawdown.
    """
    r = _returns_array(returns)
    wealth = np.cumprod(1.0 + r)
    peak = np.maximum.accumulate(np.maximum(wealth, 1.0))
    return pd.Series(wealth / peak - 1.0, index=getattr(returns, "index", None), name="drawdown")


def max_drawdown(returns: pd.Series) -> Drawdown:
    """The deepest drawdown of the NAV path of ``returns``, with its dates and duration.

    Parameters
    ----------
    returns : pandas.Series, shape (n,)
        Daily simple returns on a sorted DatetimeIndex.

    Returns
    -------
    Drawdown
        ``(depth, peak, trough, recovery, duration)``; see :class:`Drawdown`.
    """
    if not isinstance(returns, pd.Series) or not isinstance(returns.index, pd.DatetimeIndex):
        raise ValueError("returns must be a pandas Series on a DatetimeIndex")
    if not returns.index.is_monotonic_increasing:
        raise ValueError("returns index must be sorted increasingly")
    r = _returns_array(returns)
    # Position 0 is the starting NAV of 1, the close before the first return.
    wealth = np.concatenate([[1.0], np.cumprod(1.0 + r)])
    running_peak = np.maximum.accumulate(wealth)
    underwater = wealth / running_peak - 1.0
    trough_pos = int(np.argmin(underwater))
    depth = float(underwater[trough_pos])
    if depth >= 0:
        return Drawdown(0.0, None, None, None, 0)
    peak_pos = int(np.argmax(wealth[: trough_pos + 1]))
    dates = returns.index
    start = dates[0] - pd.offsets.BDay(1)

    def date_at(pos: int) -> pd.Timestamp:
        return pd.Timestamp(start if pos == 0 else dates[pos - 1])

    # A relative tolerance so that e.g. -10% then +11.11...% counts as a recovery.
    back = np.flatnonzero(wealth[trough_pos:] >= wealth[peak_pos] * (1 - 1e-12))
    recovery = date_at(trough_pos + int(back[0])) if back.size else None
    end = recovery if recovery is not None else pd.Timestamp(dates[-1])
    peak = date_at(peak_pos)
    duration = int(np.busday_count(peak.date(), end.date()))
    return Drawdown(depth, peak, date_at(trough_pos), recovery, duration)


def max_drawdown_depth(returns: ArrayLike) -> float:
    """Depth of the deepest drawdown as a negative fraction (0 if none); shape (n,)."""
    r = _returns_array(returns)
    wealth = np.concatenate([[1.0], np.cumprod(1.0 + r)])
    return float(np.min(wealth / np.maximum.accumulate(wealth) - 1.0))


def calmar_ratio(returns: ArrayLike, periods: int = PERIODS_PER_YEAR) -> float:
    """Geometric annual return over the absolute maximum drawdown; ``nan`` without drawdown."""
    depth = max_drawdown_depth(returns)
    if depth > -_TINY:
        return float("nan")
    return annualised_return(returns, periods) / abs(depth)


def hit_rate(returns: ArrayLike) -> float:
    """Share of the non-zero days that are positive (flat days are not trades); ``nan`` if none."""
    r = _returns_array(returns)
    active = r[r != 0]
    if active.size == 0:
        return float("nan")
    return float(np.mean(active > 0))


def turnover(weights: pd.DataFrame, periods: int = PERIODS_PER_YEAR) -> float:
    """Annualised one-way turnover: ``mean_t(sum_i |w[t, i] - w[t-1, i]|) / 2 * periods``.

    Halving counts a switch from one position to another once (sell 10% of A to buy 10% of B is
    10% turnover, not 20%). The initial build from cash is not counted, because it does not
    recur; missing weights are treated as 0 (not held).

    Parameters
    ----------
    weights : pandas.DataFrame, shape (n_dates >= 2, n_instruments)
        Positions as fractions of NAV, one row per date.
    periods : int
        Rows per year.

    Returns
    -------
    float
        Annual turnover as a multiple of NAV (2.0 = the book traded twice a year).
    """
    _check_periods(periods)
    if not isinstance(weights, pd.DataFrame) or weights.shape[0] < 2:
        raise ValueError("weights must be a DataFrame with at least 2 rows")
    w = weights.fillna(0.0).to_numpy(dtype=float)
    if not np.all(np.isfinite(w)):
        raise ValueError("weights contains infinite values")
    traded = np.abs(np.diff(w, axis=0)).sum(axis=1) / 2.0
    return float(traded.mean() * periods)


def skewness(returns: ArrayLike) -> float:
    """Skewness ``m3 / m2 ** 1.5`` from population moments; ``nan`` for a constant series."""
    r = _returns_array(returns, min_len=2)
    if r.std() < _TINY:
        return float("nan")
    return float(stats.skew(r, bias=True))


def kurtosis(returns: ArrayLike) -> float:
    """Plain (non-excess) kurtosis ``m4 / m2 ** 2``, 3 for a normal; ``nan`` if constant."""
    r = _returns_array(returns, min_len=2)
    if r.std() < _TINY:
        return float("nan")
    return float(stats.kurtosis(r, fisher=False, bias=True))


def _check_moments(n: int, kurt: float) -> None:
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    if kurt < 1:
        raise ValueError(f"kurt must be the plain (non-excess) kurtosis, >= 1, got {kurt}")


def probabilistic_sharpe_ratio(
    sr: float, n: int, skew: float, kurt: float, sr_benchmark: float = 0.0
) -> float:
    """Probability that the true Sharpe ratio exceeds ``sr_benchmark`` (Bailey & LdP 2012).

    ``PSR = Phi((sr - sr*) sqrt(n - 1) / sqrt(1 - skew sr + (kurt - 1) / 4 sr^2))``.

    Parameters
    ----------
    sr : float
        Observed Sharpe ratio *per period* (daily, not annualised).
    n : int
        Number of return observations.
    skew, kurt : float
        Skewness and plain (non-excess) kurtosis of the returns.
    sr_benchmark : float
        Benchmark Sharpe ratio per period.

    Returns
    -------
    float
        A probability in [0, 1].
    """
    _check_moments(n, kurt)
    var = 1.0 - skew * sr + (kurt - 1.0) / 4.0 * sr**2
    if var <= 0:
        raise ValueError(f"skew={skew} and kurt={kurt} give a non-positive variance at sr={sr}")
    z = (sr - sr_benchmark) * np.sqrt(n - 1.0) / np.sqrt(var)
    return float(stats.norm.cdf(z))


def expected_max_sharpe(var_of_trial_srs: float, n_trials: int) -> float:
    """Expected maximum Sharpe ratio of ``n_trials`` independent skill-less trials.

    ``E[max SR] = sqrt(V) ((1 - g) Phi^-1(1 - 1/N) + g Phi^-1(1 - 1/(N e)))`` with ``g`` the
    Euler-Mascheroni constant (Bailey & López de Prado 2014, eq. 5 with a zero mean).

    Parameters
    ----------
    var_of_trial_srs : float
        Variance ``V`` of the trials' Sharpe ratios, in the units of the result (per period for
        the DSR; annualised variance gives an annualised maximum).
    n_trials : int
        Number ``N >= 2`` of independent trials.
    """
    if var_of_trial_srs < 0:
        raise ValueError(f"var_of_trial_srs must be non-negative, got {var_of_trial_srs}")
    if n_trials < 2:
        raise ValueError(f"n_trials must be at least 2, got {n_trials}")
    g = np.euler_gamma
    z1 = stats.norm.ppf(1.0 - 1.0 / n_trials)
    z2 = stats.norm.ppf(1.0 - 1.0 / (n_trials * np.e))
    return float(np.sqrt(var_of_trial_srs) * ((1.0 - g) * z1 + g * z2))


def deflated_sharpe_ratio(
    sr: float,
    n: int,
    skew: float,
    kurt: float,
    trials: ArrayLike | tuple[float, int],
) -> float:
    """PSR against the Sharpe ratio expected from the best of many luck-only trials (DSR).

    Parameters
    ----------
    sr : float
        Observed Sharpe ratio per period of the selected strategy.
    n : int
        Number of return observations.
    skew, kurt : float
        Skewness and plain (non-excess) kurtosis of its returns.
    trials : array-like of shape (n_trials,) or tuple (variance, n_trials)
        Either the per-period Sharpe ratios of all the trials (their sample variance, ddof=1,
        is used) or, as a *tuple*, that variance and the number of trials directly.

    Returns
    -------
    float
        ``probabilistic_sharpe_ratio(sr, n, skew, kurt, expected_max_sharpe(V, N))``.
    """
    if isinstance(trials, tuple):
        var, n_trials = float(trials[0]), int(trials[1])
    else:
        srs = np.asarray(trials, dtype=float)
        if srs.ndim != 1 or srs.size < 2 or not np.all(np.isfinite(srs)):
            raise ValueError("trials must hold at least 2 finite Sharpe ratios")
        var, n_trials = float(srs.var(ddof=1)), int(srs.size)
    sr0 = expected_max_sharpe(var, n_trials)
    return probabilistic_sharpe_ratio(sr, n, skew, kurt, sr_benchmark=sr0)


def _date(ts: pd.Timestamp | None) -> str:
    return "" if ts is None else ts.strftime("%Y-%m-%d")


def summary(
    returns: pd.Series,
    weights: pd.DataFrame | None = None,
    trial_sharpes: Sequence[float] | NDArray | None = None,
    periods: int = PERIODS_PER_YEAR,
) -> dict[str, float | str]:
    """All the metrics of this module for one return series, as a flat dict.

    Parameters
    ----------
    returns : pandas.Series, shape (n >= 2,)
        Daily simple excess returns, net of costs, on a sorted DatetimeIndex.
    weights : pandas.DataFrame, optional
        Positions (dates x instruments, fractions of NAV) for ``turnover``.
    trial_sharpes : array-like, optional
        *Annualised* Sharpe ratios of every variant tried, the chosen one included; when given,
        ``dsr`` is the deflated Sharpe ratio of ``returns`` (converted to per period).
    periods : int
        Returns per year.

    Returns
    -------
    dict
        ``n_days, start, end, ann_return, ann_vol, sharpe, sortino, calmar, max_drawdown,
        max_dd_peak, max_dd_trough, max_dd_recovery ('' if not recovered), max_dd_days,
        hit_rate, skewness, kurtosis, psr`` and, when their inputs are given, ``turnover`` and
        ``dsr``. Dates are ISO strings, fractions are not in percent.
    """
    r = _returns_array(returns, min_len=2)
    dd = max_drawdown(returns)
    sr = sharpe_ratio(r, periods)
    skew, kurt = skewness(r), kurtosis(r)
    out: dict[str, float | str] = {
        "n_days": r.size,
        "start": _date(pd.Timestamp(returns.index[0])),
        "end": _date(pd.Timestamp(returns.index[-1])),
        "ann_return": annualised_return(r, periods),
        "ann_vol": annualised_volatility(r, periods),
        "sharpe": sr,
        "sortino": sortino_ratio(r, periods),
        "calmar": calmar_ratio(r, periods),
        "max_drawdown": dd.depth,
        "max_dd_peak": _date(dd.peak),
        "max_dd_trough": _date(dd.trough),
        "max_dd_recovery": _date(dd.recovery),
        "max_dd_days": dd.duration,
        "hit_rate": hit_rate(r),
        "skewness": skew,
        "kurtosis": kurt,
    }
    sr_period = sr / np.sqrt(periods)
    moments_ok = np.isfinite(sr_period) and np.isfinite(kurt)
    out["psr"] = (
        probabilistic_sharpe_ratio(sr_period, r.size, skew, kurt) if moments_ok else float("nan")
    )
    if weights is not None:
        out["turnover"] = turnover(weights, periods)
    if trial_sharpes is not None:
        trials = np.asarray(trial_sharpes, dtype=float) / np.sqrt(periods)
        out["dsr"] = (
            deflated_sharpe_ratio(sr_period, r.size, skew, kurt, trials)
            if moments_ok
            else float("nan")
        )
    return out
