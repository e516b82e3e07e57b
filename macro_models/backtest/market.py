"""Daily excess returns of the instruments the fund trades, per unit of BRL notional.

One row per B3 session, one column per instrument, in each instrument's strategy convention
(``TargetExposure``: DI1 +1 = pay the rate; USDBRL +1 = long dollars; IND, ES, ZN, NTNB +1 =
long the price). A return is the P&L of R$ 1 of notional held from the previous session's close
to this one's, in excess of the fund's cash, which earns the CDI (BRL instruments, and the
BRL cash of USD ones) or fed funds (the USD leg):

* DI1: B3's daily settlement of a constant-maturity contract (``tenor_bd`` = 252 business days):
  ``−(PU_t − PU_{t−1}·FC)/PU_{t−1}`` for a payer, with PU from the 1-year rate and FC the CDI
  accrual (``instruments.di1.daily_settlement``). The contract is one day shorter at t; its
  rate is taken from the same tenor (roll-down is not modelled).
* USDBRL: spot plus carry, ``S_t/S_{t−1}·(1 + FF·c/360) − (1 + CDI)^n``.
* IND: Ibovespa (a total-return index) over the CDI, the return of the future.
* ES: S&P 500 price return plus a dividend yield over fed funds, in BRL (× S_t/S_{t−1}).
* ZN: the price of the 6 % 10-year note at the 10-year yield (the duration approximation with
  convexity) plus the yield-over-funding carry, in BRL.
* NTNB: a constant-maturity real zero bond (``ntnb_tenor_bd``) accruing the last known monthly
  IPCA (the VNA's projection) over the CDI.

n = national business days between the sessions (the CDI's days), c = calendar days.
Every input comes from the point-in-time loader: a session's value is what was known by its end,
so returns for day D are known at D's close. Each instrument reads a chain of sources and takes
the first one with a return that day (returns, not levels, are chained, so sources never splice
at different levels).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd

from macro_models.instruments import di1
from macro_models.strategies.levels import zn_prices

CDI = "panel:bcb_sgs__12"  # % per business day
FED_FUNDS = "panel:fred__DFF"  # % p.a., act/360
IPCA_MOM = "panel:bcb_sgs__433"  # % m/m
USDBRL = ("panel:bcb_sgs__1", "panel:bcb_ptax__USD")
IBOV = ("panel:b3_index__IBOV", "panel:yahoo__BVSP")
SPX = ("panel:yahoo__GSPC", "panel:fred__SP500")
UST10 = ("ust_par:10Y", "panel:fred__DGS10", "panel:treasury__10Y")
DI1_1Y = ("di1:252", "br_nominal:252")
NTNB_5Y = ("br_real:1260",)

INSTRUMENTS = ("DI1", "USDBRL", "IND", "ES", "ZN", "NTNB")
SOURCES: dict[str, tuple[str, ...]] = {
    "DI1": DI1_1Y,
    "USDBRL": USDBRL,
    "IND": IBOV,
    "ES": SPX,
    "ZN": UST10,
    "NTNB": NTNB_5Y,
}
# Values held over non-session days (US holidays, curves with gaps) at most this many sessions.
MAX_CARRY_SESSIONS = 5


@dataclass(frozen=True)
class MarketReturns:
    """``returns``: sessions × instruments; ``source``: which input gave each return."""

    returns: pd.DataFrame
    source: pd.DataFrame
    rates: pd.DataFrame  # cdi_factor, ff_factor, fx_factor per session
    # Return of a +1 position per +1 bp of its yield (DV01 per unit notional), rates instruments.
    dv01: pd.DataFrame


def columns_needed() -> list[str]:
    cols = [CDI, FED_FUNDS, IPCA_MOM]
    for chain in SOURCES.values():
        cols.extend(chain)
    return list(dict.fromkeys(cols))


def _national_days(index: pd.DatetimeIndex) -> np.ndarray:
    days = index.to_numpy().astype("datetime64[D]")
    n = np.busday_count(days[:-1], days[1:], busdaycal=di1._calendar())
    return np.concatenate([[np.nan], np.maximum(n, 1).astype(float)])


def _calendar_days(index: pd.DatetimeIndex) -> np.ndarray:
    return np.concatenate(
        [[np.nan], np.diff(index.to_numpy()).astype("timedelta64[D]").astype(float)]
    )


def _chain(parts: list[pd.Series]) -> tuple[pd.Series, pd.Series]:
    """First non-null return per session across sources, and the source it came from."""
    out = pd.Series(np.nan, index=parts[0].index)
    src = pd.Series(None, index=parts[0].index, dtype=object)
    for part in parts:
        take = out.isna() & part.notna()
        out[take] = part[take]
        src[take] = part.name
    return out, src


def _di1(rate: pd.Series, cdi_pct_year: pd.Series, n: pd.Series, tenor_bd: int) -> pd.Series:
    r = rate.shift(1)
    pu_prev = di1.pu_from_rate(r.to_numpy(), tenor_bd)
    pu_now = di1.pu_from_rate(rate.to_numpy(), np.maximum(tenor_bd - n.fillna(0).to_numpy(), 0))
    adjustment = di1.daily_settlement(pu_now, pu_prev, cdi_pct_year.shift(1).to_numpy(), 1, n)
    return pd.Series(-np.asarray(adjustment) / pu_prev, index=rate.index, name=rate.name)


def _ntnb(real: pd.Series, ipca_mom: pd.Series, cdi_f: pd.Series, n: pd.Series, tenor: int):
    price = (1 + real / 100) ** (-tenor / 252)
    rolled = (1 + real / 100) ** (-(tenor - n) / 252)
    inflation = (1 + ipca_mom.shift(1) / 100) ** (n / 21)
    return (rolled / price.shift(1) * inflation - cdi_f).rename(real.name)


def build_returns(
    panel: pd.DataFrame,
    sessions: pd.DatetimeIndex,
    di1_tenor_bd: int = 252,
    ntnb_tenor_bd: int = 1260,
    es_dividend_yield: float = 0.016,
) -> MarketReturns:
    """Excess returns from a loader frame of ``columns_needed()`` (missing columns allowed).

    Parameters
    ----------
    panel : DataFrame
        Loader frame (dates × loader columns); levels as published (rates in % p.a.).
    sessions : DatetimeIndex
        The B3 sessions to report on; values are carried over at most MAX_CARRY_SESSIONS.
    es_dividend_yield : float
        Annual dividend yield the S&P 500 future's price return omits (decimal).
    """
    p = panel.reindex(panel.index.union(sessions)).sort_index()
    p = p.ffill(limit=MAX_CARRY_SESSIONS).reindex(sessions)
    # Curves exist only on their own dates: a return needs an observation at both ends, or a
    # weekly curve would show four still days and a week's move in one.
    dated = [c for c in p.columns if not c.startswith("panel:")]
    p[dated] = panel[dated].reindex(sessions)
    idx = p.index
    n = pd.Series(_national_days(idx), index=idx)
    c = pd.Series(_calendar_days(idx), index=idx)
    cdi_day = p.get(CDI, pd.Series(np.nan, index=idx))
    cdi_f = (1 + cdi_day.shift(1) / 100) ** n
    cdi_year = ((1 + cdi_day / 100) ** 252 - 1) * 100
    ff = p.get(FED_FUNDS, pd.Series(np.nan, index=idx))
    ff_f = 1 + ff.shift(1) / 100 * c / 360

    def col(name: str) -> pd.Series:
        return p[name] if name in p else pd.Series(np.nan, index=idx, name=name)

    fx_parts = [(col(s) / col(s).shift(1)).rename(s) for s in USDBRL]
    fx_move, fx_src = _chain(fx_parts)
    out: dict[str, tuple[pd.Series, pd.Series]] = {}
    out["USDBRL"] = (fx_move * ff_f - cdi_f, fx_src)
    out["IND"] = _chain([(col(s) / col(s).shift(1) - cdi_f).rename(s) for s in IBOV])
    dy = 1 + es_dividend_yield * c / 365
    out["ES"] = _chain([((col(s) / col(s).shift(1) * dy - ff_f) * fx_move).rename(s) for s in SPX])
    zn = []
    for s in UST10:
        y = col(s)
        price = pd.Series(zn_prices(y.to_numpy()), index=idx)
        carry = (y.shift(1) - ff.shift(1)) / 100 * c / 360
        zn.append(((price / price.shift(1) - 1 + carry) * fx_move).rename(s))
    out["ZN"] = _chain(zn)
    out["DI1"] = _chain([_di1(col(s), cdi_year, n, di1_tenor_bd) for s in DI1_1Y])
    ipca = col(IPCA_MOM)
    out["NTNB"] = _chain([_ntnb(col(s), ipca, cdi_f, n, ntnb_tenor_bd) for s in NTNB_5Y])
    returns = pd.DataFrame({k: v[0] for k, v in out.items()})[list(INSTRUMENTS)]
    source = pd.DataFrame({k: v[1] for k, v in out.items()})[list(INSTRUMENTS)]
    returns.index.name = source.index.name = "date"
    rates = pd.DataFrame({"cdi_factor": cdi_f, "ff_factor": ff_f, "fx_factor": fx_move})
    dv01 = _dv01(p, idx, di1_tenor_bd, ntnb_tenor_bd)
    return MarketReturns(returns.iloc[1:], source.iloc[1:], rates.iloc[1:], dv01.iloc[1:])


def _first_level(p: pd.DataFrame, chain: tuple[str, ...], idx: pd.DatetimeIndex) -> pd.Series:
    out = pd.Series(np.nan, index=idx)
    for name in chain:
        if name in p:
            out = out.fillna(p[name])
    return out.ffill(limit=MAX_CARRY_SESSIONS)


def rate_sensitivities(
    di1_pct: npt.ArrayLike,
    real_pct: npt.ArrayLike,
    ust_pct: npt.ArrayLike,
    di1_tenor_bd: int = 252,
    ntnb_tenor_bd: int = 1260,
) -> dict[str, np.ndarray]:
    """Return of a +1 position per +1 bp of its yield (DV01 per unit notional), % p.a. inputs.

    A DI1 payer gains ``(du/252)/(1+r)`` (B3's DV01 over the PU); the real zero loses its
    modified duration; ZN loses ``−dP/dy / P`` of the 6 % note (central difference).
    Minus 10,000 times these are the signed modified durations the portfolio limits use.
    """
    di1 = np.asarray(di1_pct, dtype=float)
    real = np.asarray(real_pct, dtype=float)
    ust = np.asarray(ust_pct, dtype=float)
    zn_slope = (zn_prices(ust + 0.01) - zn_prices(ust - 0.01)) / 2 / zn_prices(ust)
    return {
        "DI1": di1_tenor_bd / 252 / (1 + di1 / 100) / 10_000,
        "NTNB": -ntnb_tenor_bd / 252 / (1 + real / 100) / 10_000,
        "ZN": zn_slope,
    }


def _dv01(p: pd.DataFrame, idx: pd.DatetimeIndex, di1_tenor: int, ntnb_tenor: int) -> pd.DataFrame:
    di, real, ust = (_first_level(p, chain, idx).to_numpy() for chain in (DI1_1Y, NTNB_5Y, UST10))
    return pd.DataFrame(rate_sensitivities(di, real, ust, di1_tenor, ntnb_tenor), index=idx)


def load_returns(engine, start: date, end: date, as_of: date | None = None) -> MarketReturns:
    """Returns for the B3 sessions in [start, end], from gold as known at ``as_of`` (default
    ``end``). Sources with nothing in the window are skipped."""
    from macro_models.calendars import business_days
    from macro_models.pit import PointInTimeLoader

    as_of = as_of or end
    loader = PointInTimeLoader(engine, calendar="B3")
    lead = start - timedelta(days=15)
    frames = []
    for column in columns_needed():
        try:
            frames.append(loader.load([column], lead, end, as_of))
        except ValueError:
            continue
    panel = pd.concat(frames, axis=1) if frames else pd.DataFrame()
    sessions = pd.DatetimeIndex(business_days(lead, end, "B3"))
    result = build_returns(panel, sessions)
    keep = result.returns.index >= pd.Timestamp(start)
    return MarketReturns(
        result.returns[keep], result.source[keep], result.rates[keep], result.dv01[keep]
    )
