"""Rates: the one-year DI1 rate against the Selic path the Focus survey expects.

The expected average Selic over the next year is built from the current Selic target S and the
Focus median for the Selic at the end of the current year F: linear from S to F until 31
December (a fraction f of the year, capped at 1), flat at F afterwards,

    E = f·(S + F)/2 + (1 − f)·F,    premium = DI1(252bd) − E    (pp)

and the z-score is ``(premium − neutral_premium) / premium_scale``. A premium above its neutral
level pays to receive: DI1 exposure ``−clip(z / z_cap, −1, 1)`` (levels in the 252bd rate,
% p.a. bus/252). The CDI runs about 0.10 pp under the Selic target; that is left in the
premium, which is why ``neutral_premium`` is a parameter.
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
    last_value,
    upto,
    vol_per_day,
)

DI1_1Y = "di1:252"
SELIC = "panel:bcb_sgs__432"
FOCUS_SELIC = "panel:bcb_focus__selic_annual_median"


def expected_selic(selic: float, focus_year_end: float, as_of: date) -> float:
    """E above (% p.a.): the one-year average of a linear path to the Focus year-end Selic."""
    f = min((date(as_of.year, 12, 31) - as_of).days / 365.0, 1.0)
    return f * (selic + focus_year_end) / 2 + (1 - f) * focus_year_end


class RatesTermPremiumVsFocus:
    """Parameters
    ----------
    neutral_premium : float
        Premium (pp) at which the strategy is flat (0.5: a modest positive term premium).
    premium_scale : float
        pp of premium per unit of z.
    z_cap : float
        |z| at which the exposure is full size.
    vol_window : int
        DI1 curve dates in the volatility of the 252bd rate.
    horizon_days : int
        Business days the trade is meant to run; stops and targets are ``k·σ·√horizon`` away.
    stop_sigmas, take_profit_sigmas : float
        k of the stop and of the take-profit.
    max_stale_days : int
        Calendar days after which the newest DI1 curve is too old to trade on (the real DI1
        history is weekly: at least 7).
    """

    strategy_id = "rates_term_premium_vs_focus"
    asset_class = "rates"
    columns = (DI1_1Y, SELIC, FOCUS_SELIC)
    lookback_days = 120

    def __init__(
        self,
        neutral_premium: float = 0.5,
        premium_scale: float = 0.5,
        z_cap: float = 2.0,
        vol_window: int = 63,
        horizon_days: int = 21,
        stop_sigmas: float = 1.5,
        take_profit_sigmas: float = 2.0,
        max_stale_days: int = 10,
    ) -> None:
        self.neutral_premium = neutral_premium
        self.premium_scale = premium_scale
        self.z_cap = z_cap
        self.vol_window = vol_window
        self.horizon_days = horizon_days
        self.stop_sigmas = stop_sigmas
        self.take_profit_sigmas = take_profit_sigmas
        self.max_stale_days = max_stale_days

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal:
        """``data``: the loader frame of ``columns`` (dates × columns), point-in-time."""
        check_positive(
            premium_scale=self.premium_scale,
            z_cap=self.z_cap,
            vol_window=self.vol_window,
            horizon_days=self.horizon_days,
            stop_sigmas=self.stop_sigmas,
            take_profit_sigmas=self.take_profit_sigmas,
            max_stale_days=self.max_stale_days,
        )
        data = upto(data, as_of)
        rate, curve_date = last_value(data, DI1_1Y)
        check_fresh(curve_date, as_of, self.max_stale_days, "the DI1 curve")
        selic, _ = last_value(data, SELIC)
        focus, focus_date = last_value(data, FOCUS_SELIC)
        expected = expected_selic(selic, focus, as_of)
        premium = rate - expected
        z = (premium - self.neutral_premium) / self.premium_scale
        exposure = -float(np.clip(z / self.z_cap, -1, 1))
        sigma_day = vol_per_day(data[DI1_1Y], self.vol_window, log=False)
        stop, take = exit_levels(
            rate,
            sigma_day * np.sqrt(self.horizon_days),
            exposure,
            self.stop_sigmas,
            self.take_profit_sigmas,
            log=False,
        )
        side = "receive" if exposure < 0 else "pay" if exposure > 0 else "flat"
        return StrategySignal(
            strategy_id=self.strategy_id,
            as_of_date=as_of,
            exposures=[TargetExposure("DI1", exposure, float(z), rate, stop, take)],
            rationale=(
                f"DI1 1y {rate:.2f}% vs {expected:.2f}% expected average Selic (Selic "
                f"{selic:.2f}%, Focus year-end {focus:.2f}%): premium {premium:+.2f} pp, "
                f"z {z:+.2f}, {side} the 252bd tenor"
            ),
            diagnostics={
                "di1_252_pct": rate,
                "selic_pct": selic,
                "focus_selic_year_end_pct": focus,
                "expected_selic_pct": round(expected, 4),
                "premium_pp": round(premium, 4),
                "curve_date": curve_date.date().isoformat(),
                "focus_date": focus_date.date().isoformat(),
                "stale": list(data.attrs.get("stale", [])),
                "params": {
                    "neutral_premium": self.neutral_premium,
                    "premium_scale": self.premium_scale,
                    "z_cap": self.z_cap,
                    "vol_window": self.vol_window,
                    "horizon_days": self.horizon_days,
                    "stop_sigmas": self.stop_sigmas,
                    "take_profit_sigmas": self.take_profit_sigmas,
                    "max_stale_days": self.max_stale_days,
                },
            },
        )
