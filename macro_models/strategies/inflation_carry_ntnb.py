"""Short NTN-B inflation carry: own the 1-year real bond when the IPCA run-rate beats breakeven.

A 1-year NTN-B funded at the 1-year nominal rate earns, over the next year,

    carry = (1 + r_real) (1 + π) − 1 − i_nominal                        (pp p.a.)

with π the inflation that accrues to the bond's principal (VNA). The run-rate known today,
the seasonally adjusted IPCA 3-month SAAR (``macro:ipca_3m_saar``), stands in for π: when it
beats the breakeven the bond carries positively. The signal is carry over risk:

    z = carry · h/252 / (D · σ · √h)

h the horizon in sessions, D = 1 the duration of the 1-year zero in years and σ the sd of the
real yield's change between consecutive observations. Exposure z/``full_z`` capped at ±1,
flat while |z| < ``entry_z``. NTNB +1 = long the bond (gains when the real yield falls).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from macro_models.strategies.base import StrategySignal, TargetExposure

REAL = "br_real:252"
NOMINAL = "br_nominal:252"
IPCA_3M = "macro:ipca_3m_saar"
DURATION_YEARS = 1.0  # 252-bd zero


def carry_pp(real_pct: float, nominal_pct: float, inflation_pct: float) -> float:
    """Expected real-bond return over nominal funding, % p.a."""
    return ((1 + real_pct / 100) * (1 + inflation_pct / 100) - 1) * 100 - nominal_pct


class NtnbInflationCarry:
    """Parameters
    ----------
    vol_window : int
        Observations of real-yield changes in σ (at least 2).
    entry_z, full_z : float
        Carry-to-risk from which a position is taken and at which it is full (0 <= entry < full).
    horizon_days : int
        Holding horizon h in sessions.
    stop_sigmas, take_profit_sigmas : float
        Stop and take-profit distances in σ·√h of the real yield.
    """

    strategy_id = "inflation_carry_ntnb"
    asset_class = "inflation"
    columns = (REAL, NOMINAL, IPCA_3M)
    lookback_days = 200

    def __init__(
        self,
        vol_window: int = 63,
        entry_z: float = 0.25,
        full_z: float = 1.0,
        horizon_days: int = 63,
        stop_sigmas: float = 1.5,
        take_profit_sigmas: float = 2.0,
    ) -> None:
        self.vol_window = vol_window
        self.entry_z = entry_z
        self.full_z = full_z
        self.horizon_days = horizon_days
        self.stop_sigmas = stop_sigmas
        self.take_profit_sigmas = take_profit_sigmas

    def _check(self) -> None:
        if self.vol_window < 2:
            raise ValueError(f"vol_window must be >= 2, got {self.vol_window}")
        if not 0 <= self.entry_z < self.full_z:
            raise ValueError(f"need 0 <= entry_z < full_z, got {self.entry_z}, {self.full_z}")
        if self.horizon_days < 1 or self.stop_sigmas <= 0 or self.take_profit_sigmas <= 0:
            raise ValueError("horizon_days, stop_sigmas and take_profit_sigmas must be > 0")

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal:
        self._check()
        data = data.loc[: pd.Timestamp(as_of)]
        curve = data[[REAL, NOMINAL]].dropna()
        inflation = data[IPCA_3M].dropna()
        if curve.empty or inflation.empty:
            raise ValueError(f"no real/nominal curve or IPCA 3m SAAR known at {as_of}")
        real, nominal = (float(v) for v in curve.iloc[-1])
        pi = float(inflation.iloc[-1])
        carry = carry_pp(real, nominal, pi)
        step = curve[REAL].diff().dropna().iloc[-self.vol_window :]
        if len(step) < 2:
            raise ValueError(f"{len(step)} real-yield changes, need 2 for the risk")
        sigma = float(step.std(ddof=1))
        risk = DURATION_YEARS * sigma * np.sqrt(self.horizon_days)
        z = carry * self.horizon_days / 252 / risk if risk > 0 else 0.0
        lean = float(np.clip(z / self.full_z, -1, 1))
        exposure = lean if abs(z) >= self.entry_z else 0.0
        up = -int(np.sign(lean))  # a long bond gains when the yield falls
        move = sigma * np.sqrt(self.horizon_days)
        stop = real - up * self.stop_sigmas * move
        tp = real + up * self.take_profit_sigmas * move
        leg = TargetExposure("NTNB", exposure, z, real, stop, tp)
        breakeven = ((1 + nominal / 100) / (1 + real / 100) - 1) * 100
        rationale = (
            f"IPCA 3m SAAR {pi:.2f}% vs 1y breakeven {breakeven:.2f}%: NTN-B 1y carry "
            f"{carry:+.2f} pp p.a. over DI, {z:+.2f}x its {self.horizon_days}-session risk; "
            + ("long" if exposure > 0 else "short" if exposure < 0 else "flat")
            + " NTNB"
        )
        return StrategySignal(
            self.strategy_id,
            as_of,
            [leg],
            rationale,
            {
                "carry_pp": carry,
                "real_pct": real,
                "nominal_pct": nominal,
                "breakeven_pct": breakeven,
                "ipca_3m_saar_pct": pi,
                "ipca_month": inflation.index[-1].date().isoformat(),
                "curve_date": curve.index[-1].date().isoformat(),
                "real_yield_sd_pp": sigma,
            },
        )
