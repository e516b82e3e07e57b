"""Rates: the DI1 slope against the policy path the short end prices.

On each DI1 date of a trailing window,

    slope = DI1(long tenor) − DI1(short tenor),    path = DI1(short tenor) − Selic target

(pp; ``path`` is the tightening (+) or easing (−) the one-year rate prices over the current
Selic). The slope is regressed by OLS on the path (curves steepen when hikes are priced and
invert when cuts are); the z-score is today's residual over the regression's standard error. A
positive z is a curve steeper than the priced policy path justifies: receive the long end
(DI1 exposure ``−clip(z / z_cap, −1, 1)``, levels in the long tenor's rate, % p.a. bus/252).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import statsmodels.api as sm

from macro_models.strategies.base import StrategySignal, TargetExposure
from macro_models.strategies.levels import (
    check_fresh,
    check_positive,
    exit_levels,
    upto,
    vol_per_day,
)

SELIC = "panel:bcb_sgs__432"
SHORT = "di1:252"
LONG = "di1:1260"


def slope_and_path(data: pd.DataFrame) -> pd.DataFrame:
    """Per DI1 date with both tenors: ``long``, ``slope`` and ``path`` (pp).

    The Selic target of a date is the latest one known on it (carried forward).
    """
    selic = data[SELIC].ffill()
    curve = data[[SHORT, LONG]].assign(selic=selic).dropna()
    return pd.DataFrame(
        {
            "long": curve[LONG],
            "slope": curve[LONG] - curve[SHORT],
            "path": curve[SHORT] - curve["selic"],
        }
    )


class RatesDiSlopeVsPolicy:
    """Parameters
    ----------
    window : int
        DI1 curve dates in the trailing regression (126 ≈ six months of daily curves).
    min_obs : int
        Fewest curve dates the regression accepts (at least 10; the real DI1 history is weekly).
    z_cap : float
        |z| at which the exposure is full size.
    horizon_days : int
        Business days the trade is meant to run; stops and targets are ``k·σ·√horizon`` away,
        σ the daily volatility of the long tenor's rate (pp).
    stop_sigmas, take_profit_sigmas : float
        k of the stop and of the take-profit.
    max_stale_days : int
        Calendar days after which the newest DI1 curve is too old to trade on (the real DI1
        history is weekly: at least 7).
    """

    strategy_id = "rates_di_slope_vs_policy"
    asset_class = "rates"
    columns = (SHORT, LONG, SELIC)
    lookback_days = 400

    def __init__(
        self,
        window: int = 126,
        min_obs: int = 26,
        z_cap: float = 2.0,
        horizon_days: int = 21,
        stop_sigmas: float = 1.5,
        take_profit_sigmas: float = 2.0,
        max_stale_days: int = 10,
    ) -> None:
        self.window = window
        self.min_obs = min_obs
        self.z_cap = z_cap
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
        missing = [c for c in self.columns if c not in data]
        if missing:
            raise ValueError(f"input columns missing: {', '.join(missing)}")
        sample = slope_and_path(upto(data, as_of)).iloc[-self.window :]
        if len(sample) < self.min_obs:
            raise ValueError(
                f"slope regression needs {self.min_obs} curve dates, got {len(sample)}"
            )
        check_fresh(sample.index[-1], as_of, self.max_stale_days, "the DI1 curve")
        fit = sm.OLS(sample["slope"], sm.add_constant(sample[["path"]])).fit()
        resid = float(fit.resid.iloc[-1])
        if not fit.scale > 0:
            raise ValueError("the slope regression fits exactly: no residual scale")
        z = resid / float(np.sqrt(fit.scale))
        exposure = -float(np.clip(z / self.z_cap, -1, 1))
        entry = float(sample["long"].iloc[-1])
        sigma_day = vol_per_day(sample["long"], self.window, log=False)
        stop, take = exit_levels(
            entry,
            sigma_day * np.sqrt(self.horizon_days),
            exposure,
            self.stop_sigmas,
            self.take_profit_sigmas,
            log=False,
        )
        last = sample.iloc[-1]
        side = "receive" if exposure < 0 else "pay" if exposure > 0 else "flat"
        return StrategySignal(
            strategy_id=self.strategy_id,
            as_of_date=as_of,
            exposures=[TargetExposure("DI1", exposure, float(z), entry, stop, take)],
            rationale=(
                f"DI1 {LONG.split(':')[1]}bd−{SHORT.split(':')[1]}bd slope "
                f"{last['slope']:+.2f} pp vs {fit.fittedvalues.iloc[-1]:+.2f} pp fitted on the "
                f"priced policy path {last['path']:+.2f} pp: z {z:+.2f}, {side} the "
                f"{LONG.split(':')[1]}bd tenor"
            ),
            diagnostics={
                "tenor_bd": int(LONG.split(":")[1]),
                "curve_date": sample.index[-1].date().isoformat(),
                "slope_pp": round(float(last["slope"]), 4),
                "policy_path_pp": round(float(last["path"]), 4),
                "residual_pp": round(resid, 4),
                "coefficients": {k: round(float(v), 6) for k, v in fit.params.items()},
                "obs": len(sample),
                "stale": list(data.attrs.get("stale", [])),
                "params": {
                    "window": self.window,
                    "min_obs": self.min_obs,
                    "z_cap": self.z_cap,
                    "horizon_days": self.horizon_days,
                    "stop_sigmas": self.stop_sigmas,
                    "take_profit_sigmas": self.take_profit_sigmas,
                    "max_stale_days": self.max_stale_days,
                },
            },
        )
