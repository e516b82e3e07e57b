"""Growth/inflation regime allocation across IND, ES, DI1, ZN and USDBRL.

The regime is the sign of two Brazilian momentum measures, both known at the date:

* growth: the 3-month change of the IBC-Br's year-on-year growth (SGS 24363),
  g = yoy_t − yoy_{t−3}, yoy_t = (Σ x_{t−2..t} / Σ x_{t−14..t−12} − 1)·100, over
  ``growth_scale`` (pp) → z_g. Year-on-year of 3-month sums because the series as stored is
  not seasonally adjusted whatever the catalog says (January ~8 % under December, March
  ~9 % over February in 2022), and the same months compared need no adjustment;
* inflation: IPCA 3m SAAR − IPCA 12m (``macro:``), accelerating when > 0, over
  ``inflation_scale`` (pp) → z_π.

Each regime maps to a fixed allocation (``ALLOCATIONS``: the textbook investment clock, e.g.
equities and received rates when growth rises and inflation falls); the weights are scaled by
min(|z_g|, |z_π|) capped at 1, so an ambiguous regime (one measure near zero) is held small.
DI1 +1 = pay (long the rate); ZN +1 = long the future (price); USDBRL +1 = long dollars.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from macro_models.strategies.base import StrategySignal, TargetExposure
from macro_models.strategies.levels import zn_price

IBC = "bcb_sgs__24363"
IPCA_3M = "macro:ipca_3m_saar"
IPCA_12M = "macro:ipca_12m"
DI = "di1:252"
UST10 = "ust_par:10Y"
IBOV = "panel:yahoo__BVSP"
SPX = "panel:yahoo__GSPC"
PTAX = "panel:bcb_sgs__1"

# (growth up, inflation up) -> weights per instrument.
ALLOCATIONS: dict[tuple[bool, bool], dict[str, float]] = {
    (True, False): {"IND": 1.0, "ES": 1.0, "DI1": -1.0, "ZN": 1.0, "USDBRL": -1.0},  # goldilocks
    (True, True): {"IND": 1.0, "ES": 0.5, "DI1": 1.0, "ZN": -1.0, "USDBRL": -0.5},  # reflation
    (False, True): {"IND": -1.0, "ES": -0.5, "DI1": 1.0, "ZN": -0.5, "USDBRL": 1.0},  # stagflation
    (False, False): {"IND": -1.0, "ES": -1.0, "DI1": -1.0, "ZN": 1.0, "USDBRL": 1.0},  # slowdown
}
NAMES = {
    (True, False): "goldilocks",
    (True, True): "reflation",
    (False, True): "stagflation",
    (False, False): "slowdown",
}
# instrument -> (column, kind): price levels move multiplicatively, yields additively.
QUOTES = {
    "IND": (IBOV, "price"),
    "ES": (SPX, "price"),
    "DI1": (DI, "yield"),
    "ZN": (UST10, "zn"),
    "USDBRL": (PTAX, "price"),
}


def growth_momentum(index: pd.Series) -> tuple[float, pd.Timestamp]:
    """yoy_t − yoy_{t−3} (pp), yoy of 3-month sums, from the last 18 contiguous months."""
    s = index.dropna()
    if len(s) < 18:
        raise ValueError(f"IBC-Br growth momentum needs 18 monthly values, got {len(s)}")
    last = s.iloc[-18:]
    months = pd.PeriodIndex(pd.DatetimeIndex(last.index), freq="M")
    if not months.is_unique or (months[-1] - months[0]).n != 17:
        raise ValueError(f"the last 18 IBC-Br months are not contiguous: {months[0]}..{months[-1]}")
    x = last.to_numpy(dtype=float)
    sums = np.convolve(x, np.ones(3), mode="valid")  # sums[j] = x[j] + x[j+1] + x[j+2]
    yoy_now = (sums[15] / sums[3] - 1) * 100
    yoy_before = (sums[12] / sums[0] - 1) * 100
    return float(yoy_now - yoy_before), s.index[-1]


def levels(kind: str, quotes: pd.Series, gain_dir: int, vol_obs: int, h: int, k_stop, k_tp):
    """Entry, stop and take-profit in the quote convention for a position gaining if the quote
    moves ``gain_dir`` (a ZN long gains when its price rises, i.e. when the yield falls)."""
    q = quotes.dropna()
    entry = float(q.iloc[-1])
    if kind == "price":
        sd = float(np.log(q).diff().dropna().iloc[-vol_obs:].std(ddof=1)) * np.sqrt(h)
        return entry, entry * np.exp(-gain_dir * k_stop * sd), entry * np.exp(gain_dir * k_tp * sd)
    sd = float(q.diff().dropna().iloc[-vol_obs:].std(ddof=1)) * np.sqrt(h)
    if kind == "yield":
        return entry, entry - gain_dir * k_stop * sd, entry + gain_dir * k_tp * sd
    # zn: the yield moves against the price.
    return (
        zn_price(entry),
        zn_price(entry + gain_dir * k_stop * sd),
        zn_price(entry - gain_dir * k_tp * sd),
    )


class RegimeAllocation:
    """Parameters
    ----------
    growth_scale, inflation_scale : float
        pp of IBC-Br yoy change and of IPCA acceleration that count as a full signal.
    vol_obs : int
        Observations of quote changes behind the stop and take-profit (at least 2).
    horizon_days : int
        Holding horizon in sessions (monthly rebalancing by default).
    stop_sigmas, take_profit_sigmas : float
        Stop and take-profit distances in sd of the quote's change over the horizon.
    max_quote_age_days : int
        An instrument whose last quote is older (calendar days) gets no exposure.
    """

    strategy_id = "cross_asset_regime_allocation"
    asset_class = "cross_asset"
    columns = (IBC, IPCA_3M, IPCA_12M, DI, UST10, IBOV, SPX, PTAX)
    lookback_days = 640

    def __init__(
        self,
        growth_scale: float = 2.0,
        inflation_scale: float = 1.0,
        vol_obs: int = 63,
        horizon_days: int = 21,
        stop_sigmas: float = 2.0,
        take_profit_sigmas: float = 3.0,
        max_quote_age_days: int = 10,
    ) -> None:
        self.growth_scale = growth_scale
        self.inflation_scale = inflation_scale
        self.vol_obs = vol_obs
        self.horizon_days = horizon_days
        self.stop_sigmas = stop_sigmas
        self.take_profit_sigmas = take_profit_sigmas
        self.max_quote_age_days = max_quote_age_days

    def _check(self) -> None:
        if self.growth_scale <= 0 or self.inflation_scale <= 0:
            raise ValueError("growth_scale and inflation_scale must be > 0")
        if self.vol_obs < 2:
            raise ValueError(f"vol_obs must be >= 2, got {self.vol_obs}")
        if self.horizon_days < 1 or self.stop_sigmas <= 0 or self.take_profit_sigmas <= 0:
            raise ValueError("horizon_days, stop_sigmas and take_profit_sigmas must be > 0")
        if self.max_quote_age_days < 0:
            raise ValueError(f"max_quote_age_days must be >= 0, got {self.max_quote_age_days}")

    def regime(self, data: pd.DataFrame) -> tuple[tuple[bool, bool], float, float, dict]:
        growth, growth_month = growth_momentum(data[IBC])
        infl = data[[IPCA_3M, IPCA_12M]].dropna()
        if infl.empty:
            raise ValueError("no IPCA 3m SAAR / 12m month known")
        accel = float(infl[IPCA_3M].iloc[-1] - infl[IPCA_12M].iloc[-1])
        z_g, z_pi = growth / self.growth_scale, accel / self.inflation_scale
        info = {
            "ibc_br_yoy_change_pp": growth,
            "ibc_br_month": growth_month.date().isoformat(),
            "ipca_acceleration_pp": accel,
            "ipca_month": infl.index[-1].date().isoformat(),
            "z_growth": z_g,
            "z_inflation": z_pi,
        }
        return (z_g >= 0, z_pi >= 0), z_g, z_pi, info

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal:
        self._check()
        data = data.loc[: pd.Timestamp(as_of)]
        key, z_g, z_pi, info = self.regime(data)
        strength = min(abs(z_g), abs(z_pi))
        scale = min(strength, 1.0)
        legs, quote_dates, stale = [], {}, []
        for inst, weight in ALLOCATIONS[key].items():
            col, kind = QUOTES[inst]
            q = data[col].dropna()
            if len(q) < 3:
                raise ValueError(f"{inst}: {len(q)} quotes of {col} known, need 3")
            quote_dates[inst] = q.index[-1].date().isoformat()
            fresh = (as_of - q.index[-1].date()).days <= self.max_quote_age_days
            if not fresh:
                stale.append(inst)
            entry, stop, tp = levels(
                kind,
                q,
                int(np.sign(weight)),
                self.vol_obs,
                self.horizon_days,
                self.stop_sigmas,
                self.take_profit_sigmas,
            )
            legs.append(
                TargetExposure(
                    inst,
                    weight * scale if fresh else 0.0,
                    float(np.sign(weight) * strength),
                    entry,
                    stop,
                    tp,
                )
            )
        rationale = (
            f"{NAMES[key]}: IBC-Br yoy {info['ibc_br_yoy_change_pp']:+.2f} pp in 3m "
            f"(z {z_g:+.2f}), IPCA 3m saar − 12m {info['ipca_acceleration_pp']:+.2f} pp "
            f"(z {z_pi:+.2f}); allocation scaled by {scale:.2f}"
            + (f"; no exposure on stale {', '.join(stale)}" if stale else "")
        )
        info.update(regime=NAMES[key], scale=scale, quote_dates=quote_dates, stale=stale)
        return StrategySignal(self.strategy_id, as_of, legs, rationale, info)
