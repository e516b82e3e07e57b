"""Breakeven inflation from DI against Focus: trade the 1-year inflation premium back to its mean.

    breakeven = (1 + DI(252 bd)) / (1 + NTN-B real(252 bd)) − 1          (% p.a., Fisher)
    premium   = breakeven − Focus IPCA 12m median                        (pp)
    z         = (premium − mean) / sd over the last ``window`` observations

A premium ``entry_z`` sd above its mean (markets price more inflation than economists expect,
relative to the usual gap) sells breakeven: short NTN-B and receive DI1; a premium as far below
buys it (long NTN-B, pay DI1). Exposure −z/``full_z``, capped at ±1, the same on both legs
(same tenor, so roughly DV01-matched). On dates without a DI1 quote the government curve's own
breakeven (``br_breakeven:252``, nominal against real ANBIMA zero rates) stands in.

Sign conventions: DI1 +1 = long the rate (pay fixed); NTNB +1 = long the bond (gains when the
real yield falls), so NTNB's stop is *above* its entry yield when long.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from macro_models.strategies.base import StrategySignal, TargetExposure

DI = "di1:252"
REAL = "br_real:252"
BREAKEVEN = "br_breakeven:252"
FOCUS = "panel:bcb_focus__ipca_12m_median"


def fisher_breakeven(nominal_pct: pd.Series, real_pct: pd.Series) -> pd.Series:
    """(1 + i) / (1 + r) − 1 in % p.a. from nominal and real rates in % p.a."""
    return ((1 + nominal_pct / 100) / (1 + real_pct / 100) - 1) * 100


def _yield_levels(entry: float, sigma: float, up: int, stop: float, tp: float) -> tuple:
    """Stop and take-profit of a position that gains when the yield moves ``up`` (±1)."""
    return entry - up * stop * sigma, entry + up * tp * sigma


class BreakevenVsFocus:
    """Parameters
    ----------
    window : int
        Observations (sessions) of the premium in the z-score, at least 2.
    min_obs : int
        Fewest premium observations to trade on.
    entry_z, full_z : float
        |z| from which a position is taken, and at which it is full size (0 <= entry < full).
    horizon_days : int
        Sessions the trade is meant to last; scales the stop and take-profit.
    stop_sigmas, take_profit_sigmas : float
        Stop and take-profit distances in sd of the yield's change over the horizon.
    max_quote_age_days : int
        Oldest DI1 / NTN-B quote (calendar days before the date) to trade on; with an older one
        the book stays flat (DI1 is quoted weekly in parts of the history).
    """

    strategy_id = "inflation_breakeven_vs_focus"
    asset_class = "inflation"
    columns = (DI, REAL, BREAKEVEN, FOCUS)
    lookback_days = 550

    def __init__(
        self,
        window: int = 252,
        min_obs: int = 20,
        entry_z: float = 1.0,
        full_z: float = 2.0,
        horizon_days: int = 21,
        stop_sigmas: float = 2.0,
        take_profit_sigmas: float = 3.0,
        max_quote_age_days: int = 10,
    ) -> None:
        self.window = window
        self.min_obs = min_obs
        self.entry_z = entry_z
        self.full_z = full_z
        self.horizon_days = horizon_days
        self.stop_sigmas = stop_sigmas
        self.take_profit_sigmas = take_profit_sigmas
        self.max_quote_age_days = max_quote_age_days

    def _check(self) -> None:
        if self.window < 2 or not 2 <= self.min_obs <= self.window:
            raise ValueError(f"need 2 <= min_obs <= window, got {self.min_obs}, {self.window}")
        if not 0 <= self.entry_z < self.full_z:
            raise ValueError(f"need 0 <= entry_z < full_z, got {self.entry_z}, {self.full_z}")
        if self.horizon_days < 1 or self.stop_sigmas <= 0 or self.take_profit_sigmas <= 0:
            raise ValueError("horizon_days, stop_sigmas and take_profit_sigmas must be > 0")
        if self.max_quote_age_days < 0:
            raise ValueError(f"max_quote_age_days must be >= 0, got {self.max_quote_age_days}")

    def premium(self, data: pd.DataFrame) -> pd.Series:
        """Breakeven − Focus (pp) on each date with a breakeven; DI-based where DI is quoted."""
        be = fisher_breakeven(data[DI], data[REAL]).combine_first(data[BREAKEVEN])
        # The panel's Focus value on a date was known on that date: carrying it is safe.
        return (be - data[FOCUS].ffill()).dropna()

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal:
        self._check()
        data = data.loc[: pd.Timestamp(as_of)]
        premium = self.premium(data)
        if len(premium) < self.min_obs:
            raise ValueError(f"{len(premium)} premium observations, need {self.min_obs}")
        hist = premium.iloc[-self.window :]
        now, sd = float(hist.iloc[-1]), float(hist.std(ddof=1))
        z = (now - float(hist.mean())) / sd if sd > 0 else 0.0
        lean = float(np.clip(-z / self.full_z, -1, 1))
        exposure = lean if abs(z) >= self.entry_z else 0.0
        up = int(np.sign(lean))  # +1: long breakeven (gains if DI rises, if real yield falls)
        quotes = {col: data[col].dropna() for col in (REAL, DI)}
        for col, rates in quotes.items():
            if rates.empty:
                raise ValueError(f"no {col} quote known at {as_of}")
        ages = {c: (as_of - r.index[-1].date()).days for c, r in quotes.items()}
        stale = sorted(c for c, age in ages.items() if age > self.max_quote_age_days)
        if stale:
            exposure = 0.0
        legs = []
        for inst, col, gain_dir in (("NTNB", REAL, -up), ("DI1", DI, up)):
            rates = quotes[col]
            entry = float(rates.iloc[-1])
            step = rates.diff().dropna().iloc[-self.window :]
            sigma = float(step.std(ddof=1)) * np.sqrt(self.horizon_days) if len(step) > 1 else 0
            stop, tp = _yield_levels(
                entry, sigma, gain_dir, self.stop_sigmas, self.take_profit_sigmas
            )
            legs.append(TargetExposure(inst, exposure, z, entry, stop, tp))
        word = "sell" if exposure < 0 else "buy" if exposure > 0 else "no trade in"
        focus = float(data[FOCUS].ffill().loc[premium.index[-1]])
        rationale = (
            f"1y breakeven {now + focus:.2f}% vs Focus IPCA 12m {focus:.2f}%: "
            f"premium {now:+.2f} pp, z {z:+.2f} "
            f"over {len(hist)} obs; {word} breakeven (NTNB long + DI1 pay = long)"
            + (f"; flat: stale quotes {', '.join(stale)}" if stale else "")
        )
        return StrategySignal(
            self.strategy_id,
            as_of,
            legs,
            rationale,
            {
                "breakeven_pct": now + focus,
                "focus_ipca_12m_pct": focus,
                "premium_pp": now,
                "premium_mean_pp": float(hist.mean()),
                "premium_sd_pp": sd,
                "premium_date": premium.index[-1].date().isoformat(),
                "di_based": bool(pd.notna(data[DI].get(premium.index[-1]))),
                "n_obs": len(hist),
                "quote_age_days": ages,
                "stale": stale,
            },
        )
