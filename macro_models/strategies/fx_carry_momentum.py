"""FX carry-adjusted momentum: follow the excess return of being long BRL over a look-back.

    x = −ln(S_T / S_{T−h}) + (CDI − FF)/100 · h/252,    z = x / (σ·√h)

with S the PTAX (BRL per USD), h the look-back in business days, CDI and FF the mean
annualised CDI and fed funds rates (% p.a.) over the look-back and σ the standard deviation of
daily PTAX log changes over it. x is the log excess return of a long-BRL position funded in
USD (spot move plus carry); z is its t-statistic, the time-series momentum signal of Moskowitz,
Ooi and Pedersen (2012, Journal of Financial Economics) applied to the carry-inclusive return.
A positive z (BRL has paid) is a short USDBRL: exposure ``−clip(z / z_cap, −1, 1)``.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from macro_models.strategies.base import StrategySignal, TargetExposure
from macro_models.strategies.fx_carry_to_risk import CDI, FED_FUNDS, PTAX
from macro_models.strategies.levels import (
    check_positive,
    exit_levels,
    last_value,
    upto,
    vol_per_day,
)


class FxCarryMomentum:
    """Parameters
    ----------
    lookback : int
        h, business days (PTAX observations) of the momentum window (63 ≈ 3 months).
    z_cap : float
        |z| at which the exposure is full size.
    horizon_days : int
        Business days the trade is meant to run; stops and targets are ``k·σ·√horizon`` away.
    stop_sigmas, take_profit_sigmas : float
        k of the stop and of the take-profit, in σ over the horizon.
    """

    strategy_id = "fx_carry_momentum"
    asset_class = "fx"
    columns = (PTAX, CDI, FED_FUNDS)
    lookback_days = 140

    def __init__(
        self,
        lookback: int = 63,
        z_cap: float = 2.0,
        horizon_days: int = 21,
        stop_sigmas: float = 1.5,
        take_profit_sigmas: float = 2.0,
    ) -> None:
        self.lookback = lookback
        self.z_cap = z_cap
        self.horizon_days = horizon_days
        self.stop_sigmas = stop_sigmas
        self.take_profit_sigmas = take_profit_sigmas

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal:
        """``data``: the loader frame of ``columns`` (dates × columns), point-in-time."""
        check_positive(
            lookback=self.lookback,
            z_cap=self.z_cap,
            horizon_days=self.horizon_days,
            stop_sigmas=self.stop_sigmas,
            take_profit_sigmas=self.take_profit_sigmas,
        )
        data = upto(data, as_of)
        spot_series = data[PTAX].dropna() if PTAX in data else pd.Series(dtype=float)
        h = self.lookback
        if len(spot_series) < h + 1:
            raise ValueError(f"momentum needs {h + 1} PTAX observations, got {len(spot_series)}")
        spot, spot_date = last_value(data, PTAX)
        start_date = spot_series.index[-h - 1]
        window = data.loc[data.index >= start_date]
        cdi_day = window[CDI].dropna()
        ff = window[FED_FUNDS].dropna()
        if cdi_day.empty or ff.empty:
            raise ValueError("no CDI or fed funds rate known in the momentum window")
        cdi = float((((1 + cdi_day / 100) ** 252 - 1) * 100).mean())
        carry = (cdi - float(ff.mean())) / 100 * h / 252
        spot_return = -float(np.log(spot / spot_series.iloc[-h - 1]))
        excess = spot_return + carry
        sigma_day = vol_per_day(spot_series, h, log=True)
        z = excess / (sigma_day * np.sqrt(h))
        exposure = -float(np.clip(z / self.z_cap, -1, 1))
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
            exposures=[TargetExposure("USDBRL", exposure, float(z), spot, stop, take)],
            rationale=(
                f"long BRL returned {excess * 100:+.2f}% over {h} business days "
                f"(spot {spot_return * 100:+.2f}%, carry {carry * 100:+.2f}%): "
                f"z {z:+.2f}, {side} USDBRL"
            ),
            diagnostics={
                "excess_return_pct": round(excess * 100, 4),
                "spot_return_pct": round(spot_return * 100, 4),
                "carry_return_pct": round(carry * 100, 4),
                "window_start": start_date.date().isoformat(),
                "spot_date": spot_date.date().isoformat(),
                "stale": list(data.attrs.get("stale", [])),
                "params": {
                    "lookback": self.lookback,
                    "z_cap": self.z_cap,
                    "horizon_days": self.horizon_days,
                    "stop_sigmas": self.stop_sigmas,
                    "take_profit_sigmas": self.take_profit_sigmas,
                },
            },
        )
