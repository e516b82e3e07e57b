"""Helpers the strategies share: the point-in-time cut, last values, volatility per business
day, exit levels, parameter and freshness checks, and the ZN price of a 10-year yield."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd


def upto(data: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Rows dated at or before ``as_of`` (a strategy never reads later rows), sorted."""
    out = data.sort_index()
    return out.loc[out.index <= pd.Timestamp(as_of)]


def last_value(data: pd.DataFrame, column: str) -> tuple[float, pd.Timestamp]:
    """Newest non-null value of ``column`` and its date.

    Raises
    ------
    ValueError
        If the column is absent or has no value.
    """
    if column not in data:
        raise ValueError(f"input column {column!r} missing")
    s = data[column].dropna()
    if s.empty:
        raise ValueError(f"no value of {column!r} known")
    return float(s.iloc[-1]), s.index[-1]


def vol_per_day(series: pd.Series, window: int, log: bool) -> float:
    """Standard deviation of changes per business day over the last ``window`` changes.

    ``series`` may be sampled irregularly (weekly DI1): each change is divided by the square
    root of its length in weekdays (at least one; holidays are not known here), so that the
    result is comparable across sampling frequencies. ``log`` uses log changes (prices) instead
    of differences (rates).

    Raises
    ------
    ValueError
        If fewer than 3 observations are available, or the series does not move.
    """
    s = series.dropna().sort_index().iloc[-(window + 1) :]
    if len(s) < 3:
        raise ValueError(f"volatility needs at least 3 observations, got {len(s)}")
    values = np.log(s.to_numpy()) if log else s.to_numpy()
    days = s.index.to_numpy().astype("datetime64[D]")
    bdays = np.maximum(np.busday_count(days[:-1], days[1:]), 1)
    sigma = float(np.std(np.diff(values) / np.sqrt(bdays), ddof=1))
    if not sigma > 0:
        raise ValueError(f"volatility of {series.name!r} is zero over the window")
    return sigma


def exit_levels(
    entry: float, move: float, direction: float, k_stop: float, k_take: float, log: bool
) -> tuple[float, float]:
    """Stop and take-profit ``k·move`` away from ``entry`` against / with the position.

    ``move`` is one standard deviation over the horizon (in log units if ``log``, otherwise in
    the level's units); ``direction`` is the sign of the exposure (0 gives both at ``entry``).
    """
    d = float(np.sign(direction))
    if log:
        return entry * float(np.exp(-d * k_stop * move)), entry * float(np.exp(d * k_take * move))
    return entry - d * k_stop * move, entry + d * k_take * move


def check_positive(**params: float) -> None:
    for name, value in params.items():
        if not value > 0:
            raise ValueError(f"{name} must be positive, got {value}")


def check_fresh(last: pd.Timestamp, as_of: date, max_stale_days: int, what: str) -> None:
    """Raise ValueError if ``last`` is more than ``max_stale_days`` calendar days before as_of."""
    age = (pd.Timestamp(as_of) - last).days
    if age > max_stale_days:
        raise ValueError(f"{what} last known on {last.date()}, {age} days before {as_of}")


def zn_prices(yield_pct: npt.ArrayLike, coupon_pct: float = 6.0, years: int = 10) -> np.ndarray:
    """Price per 100 of a semiannual ``coupon_pct`` bond of ``years`` years at each yield
    (% p.a.; NaN gives NaN). With the defaults, the ZN quote: the 10-year 6 % note of the
    contract's standard."""
    y = np.asarray(yield_pct, dtype=float) / 200
    n, c = 2 * years, coupon_pct / 2
    safe = np.where(y == 0, 1.0, y)
    annuity = np.where(y == 0, n, (1 - (1 + y) ** -n) / safe)
    return np.asarray(c * annuity + 100 * (1 + y) ** -n)


def zn_price(yield_pct: float, coupon_pct: float = 6.0, years: int = 10) -> float:
    """``zn_prices`` of one yield."""
    return float(zn_prices(yield_pct, coupon_pct, years))
