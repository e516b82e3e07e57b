"""Rates: mean reversion of the Brazil–US five-year rate spread.

    spread = DI1(1260bd) − UST par(5Y)    (pp)

on each DI1 date (the UST yield of a date is the latest one known on it). The z-score is
today's spread against the mean and standard deviation of the trailing window (today
included). A wide spread (z > 0) is expected to narrow: receive DI1 (exposure
``−clip(z / z_cap, −1, 1)``) and sell the ZN future (long the US rate) for ``us_weight`` times
as much risk. DI1 levels are in the 1260bd rate (% p.a. bus/252); ZN levels are prices per 100
of a 6 % semiannual ten-year note at the 10Y par yield (the contract's notional coupon; the
catalog's duration approximation, cheapest-to-deliver not modelled).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from macro_models.strategies.base import StrategySignal, TargetExposure
from macro_models.strategies.levels import (
    check_fresh,
    check_positive,
    exit_levels,
    upto,
    vol_per_day,
    zn_price,
)

DI1_5Y = "di1:1260"
UST_5Y = "ust_par:5Y"
UST_10Y = "ust_par:10Y"


class RatesBrUsSpread:
    """Parameters
    ----------
    window : int
        DI1 curve dates in the trailing mean and standard deviation (252 ≈ a year daily).
    min_obs : int
        Fewest curve dates accepted (at least 10; the real DI1 history is weekly).
    z_cap : float
        |z| at which the exposure is full size.
    us_weight : float
        Risk of the ZN leg per unit of DI1 risk, in [0, 1] (0: DI1 alone).
    horizon_days : int
        Business days the trade is meant to run; stops and targets are ``k·σ·√horizon`` away,
        σ the daily volatility of each leg's rate (pp).
    stop_sigmas, take_profit_sigmas : float
        k of the stop and of the take-profit.
    max_stale_days : int
        Calendar days after which the newest DI1 curve is too old to trade on (the real DI1
        history is weekly: at least 7).
    """

    strategy_id = "rates_br_us_spread"
    asset_class = "rates"
    columns = (DI1_5Y, UST_5Y, UST_10Y)
    lookback_days = 400

    def __init__(
        self,
        window: int = 252,
        min_obs: int = 26,
        z_cap: float = 2.0,
        us_weight: float = 0.5,
        horizon_days: int = 21,
        stop_sigmas: float = 1.5,
        take_profit_sigmas: float = 2.0,
        max_stale_days: int = 10,
    ) -> None:
        self.window = window
        self.min_obs = min_obs
        self.z_cap = z_cap
        self.us_weight = us_weight
        self.horizon_days = horizon_days
        self.stop_sigmas = stop_sigmas
        self.take_profit_sigmas = take_profit_sigmas
        self.max_stale_days = max_stale_days

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal:
        """``data``: the loader frame of ``columns`` (dates × columns), point-in-time."""
        check_positive(
            z_cap=self.z_cap,
            horizon_days=self.horizon_days,
            stop_sigmas=self.stop_sigmas,
            take_profit_sigmas=self.take_profit_sigmas,
            max_stale_days=self.max_stale_days,
        )
        if not 10 <= self.min_obs <= self.window:
            raise ValueError(f"min_obs must be in [10, window={self.window}], got {self.min_obs}")
        if not 0 <= self.us_weight <= 1:
            raise ValueError(f"us_weight must be in [0, 1], got {self.us_weight}")
        missing = [c for c in self.columns if c not in data]
        if missing:
            raise ValueError(f"input columns missing: {', '.join(missing)}")
        data = upto(data, as_of)
        ust = data[[UST_5Y, UST_10Y]].ffill()
        legs = pd.DataFrame({"br": data[DI1_5Y], "us5": ust[UST_5Y], "us10": ust[UST_10Y]})
        legs = legs.dropna().iloc[-self.window :]
        if len(legs) < self.min_obs:
            raise ValueError(f"spread z-score needs {self.min_obs} curve dates, got {len(legs)}")
        check_fresh(legs.index[-1], as_of, self.max_stale_days, "the DI1 curve")
        spread = legs["br"] - legs["us5"]
        if not spread.std(ddof=1) > 0:
            raise ValueError("the BR-US spread does not move over the window")
        z = float((spread.iloc[-1] - spread.mean()) / spread.std(ddof=1))
        exposure = -float(np.clip(z / self.z_cap, -1, 1))
        br, us10 = float(legs["br"].iloc[-1]), float(legs["us10"].iloc[-1])
        root_h = np.sqrt(self.horizon_days)
        br_stop, br_take = exit_levels(
            br,
            vol_per_day(legs["br"], self.window, log=False) * root_h,
            exposure,
            self.stop_sigmas,
            self.take_profit_sigmas,
            log=False,
        )
        zn_exposure = exposure * self.us_weight
        # A short ZN is long the US rate: the exit levels are set on the yield, then priced.
        y_stop, y_take = exit_levels(
            us10,
            vol_per_day(data[UST_10Y], self.window, log=False) * root_h,
            -zn_exposure,
            self.stop_sigmas,
            self.take_profit_sigmas,
            log=False,
        )
        side = "receive" if exposure < 0 else "pay" if exposure > 0 else "flat"
        return StrategySignal(
            strategy_id=self.strategy_id,
            as_of_date=as_of,
            exposures=[
                TargetExposure("DI1", exposure, z, br, br_stop, br_take),
                TargetExposure(
                    "ZN", zn_exposure, z, zn_price(us10), zn_price(y_stop), zn_price(y_take)
                ),
            ],
            rationale=(
                f"DI1 5y {br:.2f}% − UST 5y {legs['us5'].iloc[-1]:.2f}% = {spread.iloc[-1]:.2f} "
                f"pp vs a {len(legs)}-date mean of {spread.mean():.2f} pp: z {z:+.2f}, {side} "
                f"DI1 against the ZN leg"
            ),
            diagnostics={
                "spread_pp": round(float(spread.iloc[-1]), 4),
                "spread_mean_pp": round(float(spread.mean()), 4),
                "spread_std_pp": round(float(spread.std(ddof=1)), 4),
                "ust_10y_pct": us10,
                "curve_date": legs.index[-1].date().isoformat(),
                "obs": len(legs),
                "stale": list(data.attrs.get("stale", [])),
                "params": {
                    "window": self.window,
                    "min_obs": self.min_obs,
                    "z_cap": self.z_cap,
                    "us_weight": self.us_weight,
                    "horizon_days": self.horizon_days,
                    "stop_sigmas": self.stop_sigmas,
                    "take_profit_sigmas": self.take_profit_sigmas,
                    "max_stale_days": self.max_stale_days,
                },
            },
        )
