"""Risk appetite: a composite z-score of VIX, HY OAS and equity momentum → IND, ES, USDBRL.

    RA = mean(−z_VIX, −z_HYOAS, m_SPX, m_IBOV)

z_VIX and z_HYOAS are level z-scores over the last ``zscore_days`` sessions (current value
included, sample sd: the definition of gold's ``market:level_zscore_252d``); m is the
``momentum_days`` sum of daily log returns over the sd of daily log returns in the last
``vol_days`` sessions times √momentum_days (a t-statistic of the trend). All inputs come from
the B3 business-day panel (``panel:``), because gold's market features live on each series'
home calendar and a single B3 load would miss the NYSE ones (VIX, HY OAS, S&P). Components
missing at the date (or with fewer than ``min_obs`` values) are left out of the mean and
listed in the diagnostics.

Trend-following: risk-on (RA ≥ ``entry_z``) buys IND and ES and sells USDBRL (the real gains
with risk appetite); risk-off the reverse. Exposure RA/``full_z`` capped at ±1.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from macro_models.strategies.base import StrategySignal, TargetExposure

VIX = "panel:fred__VIXCLS"
HY_OAS = "panel:fred__BAMLH0A0HYM2"
IBOV = "panel:yahoo__BVSP"
SPX = "panel:yahoo__GSPC"
PTAX = "panel:bcb_sgs__1"
# instrument -> (price column, sign of exposure per unit of risk appetite)
LEGS = {"IND": (IBOV, 1), "ES": (SPX, 1), "USDBRL": (PTAX, -1)}


def level_z(levels: pd.Series, window: int, min_obs: int) -> float:
    """(x_t − mean) / sample sd of the last ``window`` values, x_t included; NaN if too few."""
    x = levels.dropna().iloc[-window:]
    if len(x) < min_obs:
        return float("nan")
    sd = float(x.std(ddof=1))
    return float((x.iloc[-1] - x.mean()) / sd) if sd else 0.0


def momentum_z(prices: pd.Series, momentum_days: int, vol_days: int, min_obs: int) -> float:
    """Sum of the last ``momentum_days`` log returns / (sd of the last ``vol_days`` · √m)."""
    r = np.log(prices.dropna()).diff().dropna()
    if len(r) < max(momentum_days, min_obs):
        return float("nan")
    sd = float(r.iloc[-vol_days:].std(ddof=1))
    return float(r.iloc[-momentum_days:].sum() / (sd * np.sqrt(momentum_days))) if sd else 0.0


class RiskAppetite:
    """Parameters
    ----------
    zscore_days : int
        Sessions of the VIX and HY OAS level z-scores.
    momentum_days, vol_days : int
        Sessions of the equity trend and of the sd that scales it.
    min_obs : int
        Fewest values a component needs (at least 2).
    entry_z, full_z : float
        |RA| from which a position is taken and at which it is full (0 <= entry < full).
    horizon_days : int
        Holding horizon in sessions.
    stop_sigmas, take_profit_sigmas : float
        Stop and take-profit distances in sd of the log price over the horizon.
    max_quote_age_days : int
        An instrument whose last price is older (calendar days) gets no exposure.
    """

    strategy_id = "cross_asset_risk_appetite"
    asset_class = "cross_asset"
    columns = (VIX, HY_OAS, IBOV, SPX, PTAX)
    lookback_days = 400

    def __init__(
        self,
        zscore_days: int = 252,
        momentum_days: int = 63,
        vol_days: int = 252,
        min_obs: int = 126,
        entry_z: float = 0.25,
        full_z: float = 1.5,
        horizon_days: int = 21,
        stop_sigmas: float = 2.0,
        take_profit_sigmas: float = 3.0,
        max_quote_age_days: int = 10,
    ) -> None:
        self.zscore_days = zscore_days
        self.momentum_days = momentum_days
        self.vol_days = vol_days
        self.min_obs = min_obs
        self.entry_z = entry_z
        self.full_z = full_z
        self.horizon_days = horizon_days
        self.stop_sigmas = stop_sigmas
        self.take_profit_sigmas = take_profit_sigmas
        self.max_quote_age_days = max_quote_age_days

    def _check(self) -> None:
        windows = (self.zscore_days, self.momentum_days, self.vol_days)
        if not 2 <= self.min_obs <= min(self.zscore_days, self.vol_days) or min(windows) < 2:
            raise ValueError(
                f"need 2 <= min_obs <= zscore_days, vol_days and windows >= 2, got "
                f"min_obs={self.min_obs}, windows={windows}"
            )
        if not 0 <= self.entry_z < self.full_z:
            raise ValueError(f"need 0 <= entry_z < full_z, got {self.entry_z}, {self.full_z}")
        if self.horizon_days < 1 or self.stop_sigmas <= 0 or self.take_profit_sigmas <= 0:
            raise ValueError("horizon_days, stop_sigmas and take_profit_sigmas must be > 0")
        if self.max_quote_age_days < 0:
            raise ValueError(f"max_quote_age_days must be >= 0, got {self.max_quote_age_days}")

    def components(self, data: pd.DataFrame, as_of: date) -> dict[str, float]:
        """Signed components (+ = risk-on): −z_VIX, −z_HYOAS, m_SPX, m_IBOV; NaN when the
        series is missing, too short or stale at ``as_of``."""
        z, n = self.zscore_days, self.min_obs
        m, v = self.momentum_days, self.vol_days

        def fresh(col: str) -> pd.Series:
            s = data[col].dropna()
            old = s.empty or (as_of - s.index[-1].date()).days > self.max_quote_age_days
            return s.iloc[:0] if old else s

        return {
            "vix": -level_z(fresh(VIX), z, n),
            "hy_oas": -level_z(fresh(HY_OAS), z, n),
            "spx_momentum": momentum_z(fresh(SPX), m, v, n),
            "ibov_momentum": momentum_z(fresh(IBOV), m, v, n),
        }

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal:
        self._check()
        data = data.loc[: pd.Timestamp(as_of)]
        parts = self.components(data, as_of)
        have = {k: v for k, v in parts.items() if np.isfinite(v)}
        if not have:
            raise ValueError(f"no risk-appetite component known at {as_of}")
        ra = float(np.mean(list(have.values())))
        lean = float(np.clip(ra / self.full_z, -1, 1))
        scale = lean if abs(ra) >= self.entry_z else 0.0
        legs, stale = [], []
        for inst, (col, sign) in LEGS.items():
            q = data[col].dropna()
            if len(q) < 3:
                raise ValueError(f"{inst}: {len(q)} prices of {col} known, need 3")
            entry = float(q.iloc[-1])
            sd = float(np.log(q).diff().dropna().iloc[-self.vol_days :].std(ddof=1))
            sd *= np.sqrt(self.horizon_days)
            d = sign * int(np.sign(lean))
            stop = entry * np.exp(-d * self.stop_sigmas * sd)
            tp = entry * np.exp(d * self.take_profit_sigmas * sd)
            fresh = (as_of - q.index[-1].date()).days <= self.max_quote_age_days
            if not fresh:
                stale.append(inst)
            exposure = sign * scale if fresh else 0.0
            legs.append(TargetExposure(inst, exposure, sign * ra, entry, stop, tp))
        mood = "risk-on" if scale > 0 else "risk-off" if scale < 0 else "neutral"
        rationale = (
            f"risk appetite {ra:+.2f} ({mood}): "
            + ", ".join(f"{k} {v:+.2f}" for k, v in parts.items())
            + "; long IND/ES and short USDBRL scale with it"
            + (f"; no exposure on stale {', '.join(stale)}" if stale else "")
        )
        return StrategySignal(
            self.strategy_id,
            as_of,
            legs,
            rationale,
            {
                "risk_appetite": ra,
                # None, not NaN, for a missing component: the signal goes to JSON.
                "components": {k: (v if np.isfinite(v) else None) for k, v in parts.items()},
                "missing": sorted(set(parts) - set(have)),
                "stale": stale,
            },
        )
