"""FX carry-to-risk: long BRL when the CDI–fed funds carry is large against USD/BRL volatility.

    ratio = (CDI − FF) / σ

with CDI the annualised CDI (% p.a., bus/252, from SGS 12 in % per business day), FF the
effective fed funds rate (% p.a.) and σ the annualised realised volatility (%) of daily log
changes of the PTAX (SGS 1, BRL per USD). The ratio is the ex-ante Sharpe ratio of the carry
trade if spot does not move (the "carry-to-risk" of Menkhoff, Sarno, Schmeling and Schrimpf
2012, Journal of Finance). It is the strategy's z-score; a positive carry pays to be short
USD/BRL, so the USDBRL exposure is ``−clip(ratio / z_cap, −1, 1)``.

The module also holds the small helpers every FX/rates strategy of this family uses
(point-in-time cut, volatility per business day, exit levels).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from macro_models.strategies.base import StrategySignal, TargetExposure

PTAX = "panel:bcb_sgs__1"
CDI = "panel:bcb_sgs__12"
FED_FUNDS = "panel:fred__DFF"


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


class FxCarryToRisk:
    """Parameters
    ----------
    vol_window : int
        Business days of PTAX log changes in the realised volatility (63 ≈ 3 months).
    z_cap : float
        Carry-to-risk ratio at which the exposure is full size (1.0: a carry Sharpe of one).
    horizon_days : int
        Business days the trade is meant to run; stops and targets are ``k·σ·√horizon`` away.
    stop_sigmas, take_profit_sigmas : float
        k of the stop and of the take-profit, in σ over the horizon.
    """

    strategy_id = "fx_carry_to_risk"
    asset_class = "fx"
    columns = (PTAX, CDI, FED_FUNDS)
    lookback_days = 140

    def __init__(
        self,
        vol_window: int = 63,
        z_cap: float = 1.0,
        horizon_days: int = 21,
        stop_sigmas: float = 1.5,
        take_profit_sigmas: float = 2.0,
    ) -> None:
        self.vol_window = vol_window
        self.z_cap = z_cap
        self.horizon_days = horizon_days
        self.stop_sigmas = stop_sigmas
        self.take_profit_sigmas = take_profit_sigmas

    def _check(self) -> None:
        check_positive(
            vol_window=self.vol_window,
            z_cap=self.z_cap,
            horizon_days=self.horizon_days,
            stop_sigmas=self.stop_sigmas,
            take_profit_sigmas=self.take_profit_sigmas,
        )
        if self.vol_window < 2:
            raise ValueError(f"vol_window must be at least 2, got {self.vol_window}")

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal:
        """``data``: the loader frame of ``columns`` (dates × columns), point-in-time."""
        self._check()
        data = upto(data, as_of)
        spot, spot_date = last_value(data, PTAX)
        cdi_day, _ = last_value(data, CDI)
        ff, _ = last_value(data, FED_FUNDS)
        cdi = ((1 + cdi_day / 100) ** 252 - 1) * 100
        sigma_day = vol_per_day(data[PTAX], self.vol_window, log=True)
        vol = sigma_day * np.sqrt(252) * 100
        carry = cdi - ff
        ratio = carry / vol
        exposure = -float(np.clip(ratio / self.z_cap, -1, 1))
        stop, take = exit_levels(
            spot,
            sigma_day * np.sqrt(self.horizon_days),
            exposure,
            self.stop_sigmas,
            self.take_profit_sigmas,
            log=True,
        )
        side = "short" if exposure < 0 else "long" if exposure > 0 else "flat"
        return StrategySignal(
            strategy_id=self.strategy_id,
            as_of_date=as_of,
            exposures=[TargetExposure("USDBRL", exposure, float(ratio), spot, stop, take)],
            rationale=(
                f"CDI {cdi:.2f}% − FF {ff:.2f}% = carry {carry:+.2f} pp over USD/BRL vol "
                f"{vol:.1f}%: carry-to-risk {ratio:+.2f}, {side} USDBRL"
            ),
            diagnostics={
                "cdi_pct": round(cdi, 4),
                "fed_funds_pct": ff,
                "carry_pp": round(carry, 4),
                "vol_pct": round(vol, 4),
                "carry_to_risk": round(float(ratio), 4),
                "spot_date": spot_date.date().isoformat(),
                "stale": list(data.attrs.get("stale", [])),
                "params": {
                    "vol_window": self.vol_window,
                    "z_cap": self.z_cap,
                    "horizon_days": self.horizon_days,
                    "stop_sigmas": self.stop_sigmas,
                    "take_profit_sigmas": self.take_profit_sigmas,
                },
            },
        )
