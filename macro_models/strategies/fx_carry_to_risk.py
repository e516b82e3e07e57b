"""FX carry-to-risk: long BRL when the CDI–fed funds carry is large against USD/BRL volatility.

    ratio = (CDI − FF) / σ

with CDI the annualised CDI (% p.a., bus/252, from SGS 12 in % per business day), FF the
effective fed funds rate (% p.a.) and σ the annualised realised volatility (%) of daily log
changes of the PTAX (SGS 1, BRL per USD). The ratio is the ex-ante Sharpe ratio of the carry
trade if spot does not move (the "carry-to-risk" of Menkhoff, Sarno, Schmeling and Schrimpf
2012, Journal of Finance). It is the strategy's z-score; a positive carry pays to be short
USD/BRL, so the USDBRL exposure is ``−clip(ratio / z_cap, −1, 1)``.

The helpers it shares with the other strategies live in macro_models.strategies.levels.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from macro_models.strategies.base import StrategySignal, TargetExposure
from macro_models.strategies.levels import (
    check_positive,
    exit_levels,
    last_value,
    upto,
    vol_per_day,
)

PTAX = "panel:bcb_sgs__1"
CDI = "panel:bcb_sgs__12"
FED_FUNDS = "panel:fred__DFF"


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
