"""FX BEER misalignment: USD/BRL against a behavioural equilibrium real exchange rate.

A compact BEER in the spirit of Clark and MacDonald (1998): on monthly data, the log real
exchange rate

    q = ln(S · P_US / P_BR)

(S the month-end PTAX in BRL per USD, P_US the US CPI, P_BR the IPCA index cumulated from its
monthly changes) is regressed by OLS, over a trailing window of months, on the ex-post real
interest-rate differential

    rd = (Selic − IPCA 12m) − (fed funds − US CPI 12m)    (pp)

and the log Brent price (Brazil's terms of trade). The misalignment is today's q (latest PTAX,
latest known price levels) minus the fitted value at today's fundamentals; its z-score divides
by the standard error of the regression. A positive misalignment is a real USD/BRL above fair
value, BRL cheap: short USDBRL, exposure ``−clip(z / z_cap, −1, 1)``. The take-profit is the
spot at which q would sit on fair value; the stop is ``k·σ·√horizon`` against the position.

Self-contained on purpose (it does not use the FX agent's model); the regression uses only
months already known at the date, and every fit is one-sided.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import statsmodels.api as sm

from macro_models.strategies.base import StrategySignal, TargetExposure
from macro_models.strategies.fx_carry_to_risk import FED_FUNDS, PTAX
from macro_models.strategies.levels import (
    check_positive,
    exit_levels,
    last_value,
    upto,
    vol_per_day,
)

IPCA = "bcb_sgs__433"
US_CPI = "fred__CPIAUCSL"
SELIC = "panel:bcb_sgs__432"
BRENT = "panel:fred__DCOILBRENTEU"


def monthly_fundamentals(data: pd.DataFrame) -> pd.DataFrame:
    """Monthly frame (PeriodIndex) of ``q``, ``rd`` and ``oil`` (log Brent) from loader columns.

    A month is kept only if all its inputs are known; the IPCA months must be contiguous (the
    index is cumulated from monthly changes).

    Raises
    ------
    ValueError
        If the IPCA monthly changes have a gap.
    """

    def month_last(column: str) -> pd.Series:
        s = data[column].dropna()
        return s.groupby(s.index.to_period("M")).last()

    ipca = month_last(IPCA)
    if len(ipca) and (ipca.index[-1] - ipca.index[0]).n + 1 != len(ipca):
        raise ValueError("IPCA monthly changes have gaps; the price index cannot be cumulated")
    p_br = np.log1p(ipca / 100).cumsum()
    us_cpi = month_last(US_CPI)
    if len(us_cpi):
        us_cpi = us_cpi.reindex(pd.period_range(us_cpi.index[0], us_cpi.index[-1], freq="M"))
    p_us = np.log(us_cpi)
    brent = data[BRENT].dropna()
    frame = pd.DataFrame(
        {
            "s": np.log(month_last(PTAX)),
            "p_br": p_br,
            "p_us": p_us,
            "infl_br": (np.exp(p_br - p_br.shift(12)) - 1) * 100,
            "infl_us": (np.exp(p_us - p_us.shift(12)) - 1) * 100,
            "selic": month_last(SELIC),
            "ff": month_last(FED_FUNDS),
            "oil": np.log(brent.groupby(brent.index.to_period("M")).mean()),
        }
    )
    frame["q"] = frame["s"] + frame["p_us"] - frame["p_br"]
    frame["rd"] = (frame["selic"] - frame["infl_br"]) - (frame["ff"] - frame["infl_us"])
    return frame


class FxBeerMisalignment:
    """Parameters
    ----------
    window : int
        Months in the trailing regression (60 = five years).
    min_months : int
        Fewest complete months the regression accepts (at least 6).
    z_cap : float
        |z| of the misalignment at which the exposure is full size.
    horizon_days : int
        Business days the trade is meant to run (valuation trades are slow: 63).
    stop_sigmas : float
        The stop is ``stop_sigmas·σ·√horizon`` against the position (σ: daily PTAX log vol over
        the last 63 business days).
    """

    strategy_id = "fx_beer_misalignment"
    asset_class = "fx"
    columns = (PTAX, IPCA, US_CPI, SELIC, FED_FUNDS, BRENT)
    lookback_days = 2400  # 60 months of regression + 12 for the inflation rates + slack

    def __init__(
        self,
        window: int = 60,
        min_months: int = 36,
        z_cap: float = 2.0,
        horizon_days: int = 63,
        stop_sigmas: float = 1.5,
    ) -> None:
        self.window = window
        self.min_months = min_months
        self.z_cap = z_cap
        self.horizon_days = horizon_days
        self.stop_sigmas = stop_sigmas

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal:
        """``data``: the loader frame of ``columns`` (dates × columns), point-in-time."""
        check_positive(z_cap=self.z_cap, horizon_days=self.horizon_days)
        check_positive(stop_sigmas=self.stop_sigmas)
        if not 6 <= self.min_months <= self.window:
            raise ValueError(
                f"min_months must be in [6, window={self.window}], got {self.min_months}"
            )
        missing = [c for c in self.columns if c not in data]
        if missing:
            raise ValueError(f"input columns missing: {', '.join(missing)}")
        data = upto(data, as_of)
        monthly = monthly_fundamentals(data)
        sample = monthly.dropna(subset=["q", "rd", "oil"]).iloc[-self.window :]
        if len(sample) < self.min_months:
            raise ValueError(
                f"BEER regression needs {self.min_months} complete months, got {len(sample)}"
            )
        x = sm.add_constant(sample[["rd", "oil"]])
        fit = sm.OLS(sample["q"], x).fit()
        spot, spot_date = last_value(data, PTAX)
        # Today's fundamentals: the latest known value of each (price levels lag about a month).
        latest = monthly.ffill().iloc[-1].copy()
        latest["rd"] = (latest["selic"] - latest["infl_br"]) - (latest["ff"] - latest["infl_us"])
        q_now = np.log(spot) + latest["p_us"] - latest["p_br"]
        fair = float(fit.params @ np.array([1.0, latest["rd"], latest["oil"]]))
        gap = float(q_now - fair)
        se = float(np.sqrt(fit.scale))
        if not se > 0:
            raise ValueError("the BEER regression fits exactly: no residual scale")
        z = gap / se
        exposure = -float(np.clip(z / self.z_cap, -1, 1))
        sigma_day = vol_per_day(data[PTAX], 63, log=True)
        stop, _ = exit_levels(
            spot, sigma_day * np.sqrt(self.horizon_days), exposure, self.stop_sigmas, 0, log=True
        )
        take = spot * float(np.exp(-gap))
        side = "short" if exposure < 0 else "long" if exposure > 0 else "flat"
        return StrategySignal(
            strategy_id=self.strategy_id,
            as_of_date=as_of,
            exposures=[TargetExposure("USDBRL", exposure, float(z), spot, stop, take)],
            rationale=(
                f"real USD/BRL {gap * 100:+.1f}% from its BEER fair value (spot fair "
                f"{take:.4f} vs {spot:.4f}; real rate differential {latest['rd']:+.2f} pp): "
                f"z {z:+.2f}, {side} USDBRL"
            ),
            diagnostics={
                "misalignment_pct": round(gap * 100, 4),
                "fair_spot": round(take, 6),
                "real_rate_differential_pp": round(float(latest["rd"]), 4),
                "coefficients": {k: round(float(v), 6) for k, v in fit.params.items()},
                "r_squared": round(float(fit.rsquared), 4),
                "months": len(sample),
                "sample": [str(sample.index[0]), str(sample.index[-1])],
                "spot_date": spot_date.date().isoformat(),
                "stale": list(data.attrs.get("stale", [])),
                "params": {
                    "window": self.window,
                    "min_months": self.min_months,
                    "z_cap": self.z_cap,
                    "horizon_days": self.horizon_days,
                    "stop_sigmas": self.stop_sigmas,
                },
            },
        )
