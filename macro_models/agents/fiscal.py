"""Fiscal agent: public-debt dynamics, a debt-sustainability projection and a risk-premium view.

The debt ratio (d, % of GDP) moves with the interest-growth differential and the primary
surplus (pb, % of GDP):

    d_{t+1} = d_t · (1 + r) / (1 + g) − pb

with r the nominal interest rate on the debt and g nominal GDP growth (decimals, per year).
The primary surplus that holds the ratio still is pb* = d · (r − g) / (1 + g). A surplus short
of pb* lets the debt ratio drift up and should lift Brazil's fiscal risk premium.

Inputs, as known at the date: r is the Selic target (most federal debt is floating or short, so
the policy rate is the marginal cost of debt); g is the 12-month nominal GDP growth from the
BCB's monthly GDP (SGS 4380, or SGS 4382 when 4380 is missing); d is the general-government
gross debt (SGS 13762) and pb is minus the 12-month primary result (SGS 5793 carries the NFSP
sign: positive = deficit), both read from ``fct_macro_features``. Missing inputs lower the
confidence and are named in the diagnostics; without the debt the view rests on r − g alone.

Signal ``br_fiscal_risk_premium_rising``: +1 = the fiscal risk premium should rise (short BRL,
pay long DI), −1 = it should fall (long BRL, receive long DI).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from macro_models.agents.report import AgentReport, AgentSignal, Direction

SELIC = "bcb_sgs__432"
GDP_MONTHLY = "bcb_sgs__4380"
GDP_12M = "bcb_sgs__4382"
GROSS_DEBT = "macro:fiscal_gross_debt"
PRIMARY_DEFICIT = "macro:fiscal_primary_deficit_12m"
COLUMNS = (SELIC, GDP_MONTHLY, GDP_12M, GROSS_DEBT, PRIMARY_DEFICIT)
SIGNAL_ID = "br_fiscal_risk_premium_rising"


def load_inputs(loader, as_of: date, lookback_days: int = 900) -> pd.DataFrame:
    """The agent's columns known at ``as_of`` (``COLUMNS``; one column per name, NaN-filled).

    Columns with nothing known are kept as all-NaN and listed in ``frame.attrs["missing"]``,
    so that the model can say what it lacked instead of failing.
    """
    return load_available(loader, COLUMNS, as_of - timedelta(days=lookback_days), as_of, as_of)


def load_available(loader, columns, start: date, end: date, as_of: date) -> pd.DataFrame:
    """``loader.load`` that tolerates columns with nothing known (all-NaN, in attrs["missing"])."""
    try:
        frame = loader.load(list(columns), start, end, as_of)
        frame.attrs["missing"] = []
        return frame
    except ValueError:
        pass
    parts, missing = [], []
    for column in columns:
        try:
            parts.append(loader.load([column], start, end, as_of))
        except ValueError:
            missing.append(column)
    frame = pd.concat(parts, axis=1).sort_index() if parts else pd.DataFrame()
    frame = frame.reindex(columns=list(columns))
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    frame.attrs["missing"] = missing
    return frame


def project_debt(debt: float, rate: float, growth: float, primary: float, years: int) -> np.ndarray:
    """Debt/GDP path (%) for constant r, g (% p.a.) and primary surplus (% of GDP).

    Returns
    -------
    numpy.ndarray, shape (years + 1,)
        d_0 … d_years, d_0 = ``debt``.
    """
    if years < 1:
        raise ValueError(f"years must be at least 1, got {years}")
    factor = (1 + rate / 100) / (1 + growth / 100)
    path = np.empty(years + 1)
    path[0] = debt
    for t in range(years):
        path[t + 1] = path[t] * factor - primary
    return path


def stabilising_primary(debt: float, rate: float, growth: float) -> float:
    """pb* = d·(r − g)/(1 + g): the primary surplus (% of GDP) that keeps d constant."""
    return debt * (rate - growth) / 100 / (1 + growth / 100)


def nominal_gdp_growth(gdp_monthly: pd.Series, gdp_12m: pd.Series) -> tuple[float, str] | None:
    """12-month nominal GDP growth (%) and the month it ends on, or None if it cannot be had.

    From monthly GDP: the last 12 months' sum over the 12 before (24 contiguous months needed);
    otherwise from the 12-month GDP: the last value over the value 12 months earlier.
    """
    m = gdp_monthly.dropna().sort_index()
    months = pd.PeriodIndex(pd.DatetimeIndex(m.index), freq="M")
    if len(m) >= 24 and months.is_unique and (months[-1] - months[-24]).n == 23:
        v = m.to_numpy()
        return (v[-12:].sum() / v[-24:-12].sum() - 1) * 100, str(months[-1])
    a = gdp_12m.dropna().sort_index()
    a.index = pd.PeriodIndex(pd.DatetimeIndex(a.index), freq="M")
    a = a[~a.index.duplicated(keep="last")]
    if len(a) and (a.index[-1] - 12) in a.index:
        return (a.iloc[-1] / a[a.index[-1] - 12] - 1) * 100, str(a.index[-1])
    return None


def _col(data: pd.DataFrame, column: str) -> pd.Series:
    return data[column] if column in data else pd.Series(dtype=float)


def _last(series: pd.Series) -> tuple[float, str] | None:
    s = series.dropna().sort_index()
    return (float(s.iloc[-1]), s.index[-1].date().isoformat()) if len(s) else None


class FiscalAgent:
    """Parameters
    ----------
    horizon_years : int
        Length of the debt projection, years.
    adjustment_primary_pp : float
        The adjustment scenario's extra primary surplus, pp of GDP.
    stress_rate_pp, stress_growth_pp, stress_primary_pp : float
        The stress scenario: r higher, g lower and the primary surplus lower by these, pp.
    gap_band : float
        |pb* − pb| in pp of GDP below which the view is neutral.
    rate_growth_band : float
        |r − g| in pp below which the view is neutral when the debt is unknown.
    """

    agent_id = "fiscal"

    def __init__(
        self,
        horizon_years: int = 10,
        adjustment_primary_pp: float = 1.5,
        stress_rate_pp: float = 3.0,
        stress_growth_pp: float = 2.0,
        stress_primary_pp: float = 1.0,
        gap_band: float = 0.5,
        rate_growth_band: float = 2.0,
    ) -> None:
        self.horizon_years = horizon_years
        self.adjustment_primary_pp = adjustment_primary_pp
        self.stress_rate_pp = stress_rate_pp
        self.stress_growth_pp = stress_growth_pp
        self.stress_primary_pp = stress_primary_pp
        self.gap_band = gap_band
        self.rate_growth_band = rate_growth_band

    def _check(self) -> None:
        if int(self.horizon_years) != self.horizon_years or self.horizon_years < 5:
            raise ValueError(f"horizon_years must be an integer >= 5, got {self.horizon_years}")
        if self.gap_band < 0 or self.rate_growth_band < 0:
            raise ValueError("gap_band and rate_growth_band must be non-negative")

    def scenarios(
        self, rate: float, growth: float, primary: float
    ) -> dict[str, tuple[float, float, float]]:
        """(r % p.a., g % p.a., pb % of GDP) per scenario: baseline, adjustment and stress."""
        return {
            "baseline": (rate, growth, primary),
            "adjustment": (rate, growth, primary + self.adjustment_primary_pp),
            "stress": (
                rate + self.stress_rate_pp,
                growth - self.stress_growth_pp,
                primary - self.stress_primary_pp,
            ),
        }

    def run(self, data: pd.DataFrame, as_of: date) -> AgentReport:
        """``data``: columns ``COLUMNS`` (absent or all-NaN ones count as missing), point-in-time
        for ``as_of``; rows dated after ``as_of`` are ignored."""
        self._check()
        data = data.loc[data.index <= pd.Timestamp(as_of)]
        selic, debt = _last(_col(data, SELIC)), _last(_col(data, GROSS_DEBT))
        deficit = _last(_col(data, PRIMARY_DEFICIT))
        growth = nominal_gdp_growth(_col(data, GDP_MONTHLY), _col(data, GDP_12M))
        missing = [
            name
            for name, value in [
                (f"Selic target ({SELIC})", selic),
                (f"nominal GDP growth ({GDP_MONTHLY} or {GDP_12M})", growth),
                (f"gross debt ({GROSS_DEBT})", debt),
                (f"primary result ({PRIMARY_DEFICIT})", deficit),
            ]
            if value is None
        ]
        diagnostics: dict = {
            "missing_inputs": missing,
            "selic_pct": selic and selic[0],
            "nominal_gdp_growth_12m_pct": growth and round(growth[0], 4),
            "gdp_last_month": growth and growth[1],
            "gross_debt_pct_gdp": debt and debt[0],
            "gross_debt_month": debt and debt[1],
            "primary_surplus_12m_pct_gdp": deficit and -deficit[0],
            "params": self._params(),
        }
        if selic is None or growth is None:
            return self._report(as_of, 0, 0.0, 0.0, "no view: r or g unknown", [], diagnostics)
        r, g = selic[0], growth[0]
        rg = r - g
        diagnostics["rate_growth_diff_pp"] = round(rg, 4)
        snowball = ((1 + r / 100) / (1 + g / 100)) ** self.horizon_years
        diagnostics["snowball_factor_horizon"] = round(snowball, 4)
        drivers = [f"r − g = {r:.2f}% − {g:.2f}% = {rg:+.2f} pp"]
        if debt is None:
            score, band, scale = rg, self.rate_growth_band, 10.0
            confidence = 0.2
            rationale = f"debt unknown: r − g = {rg:+.2f} pp alone"
        else:
            pb = -deficit[0] if deficit is not None else 0.0
            d = debt[0]
            pb_star = stabilising_primary(d, r, g)
            score, band, scale = pb_star - pb, self.gap_band, 3.0
            confidence = 0.6 if deficit is not None else 0.35
            rationale = f"pb* − pb = {pb_star:.2f} − {pb:.2f} = {score:+.2f} pp of GDP"
            drivers += [
                f"gross debt {d:.1f}% of GDP ({debt[1]})",
                f"primary surplus {pb:+.2f}% of GDP"
                + ("" if deficit is not None else " (unknown: taken as 0)"),
                f"debt-stabilising primary surplus {pb_star:+.2f}% of GDP",
            ]
            diagnostics["stabilising_primary_pct_gdp"] = round(pb_star, 4)
            diagnostics["primary_gap_pp"] = round(score, 4)
            diagnostics["projection"] = {
                name: {
                    "rate_pct": s[0],
                    "growth_pct": round(s[1], 4),
                    "primary_pct_gdp": round(s[2], 4),
                    "debt_path_pct_gdp": [
                        round(x, 4) for x in project_debt(d, s[0], s[1], s[2], self.horizon_years)
                    ],
                }
                for name, s in self.scenarios(r, g, pb).items()
            }
        direction: Direction = 0 if abs(score) < band else (1 if score > 0 else -1)
        strength = float(min(abs(score) / scale, 1.0))
        return self._report(as_of, direction, strength, confidence, rationale, drivers, diagnostics)

    def _params(self) -> dict:
        return {
            "horizon_years": self.horizon_years,
            "adjustment_primary_pp": self.adjustment_primary_pp,
            "stress_rate_pp": self.stress_rate_pp,
            "stress_growth_pp": self.stress_growth_pp,
            "stress_primary_pp": self.stress_primary_pp,
            "gap_band": self.gap_band,
            "rate_growth_band": self.rate_growth_band,
        }

    def _report(
        self,
        as_of: date,
        direction: Direction,
        strength: float,
        confidence: float,
        rationale: str,
        drivers: list[str],
        diagnostics: dict,
    ) -> AgentReport:
        word = {1: "rising", -1: "falling", 0: "stable"}[direction]
        proj = diagnostics.get("projection")
        if proj:
            base = proj["baseline"]["debt_path_pct_gdp"]
            tail = f"; baseline debt {base[0]:.1f}% → {base[-1]:.1f}% in {self.horizon_years}y"
        else:
            tail = ""
        missing = diagnostics["missing_inputs"]
        risks = [f"missing input: {m}" for m in missing] + [
            "r is the Selic target, not the debt's implicit rate (its maturity and indexation "
            "mix are ignored)",
            "trailing 12-month nominal growth is taken to persist over the horizon",
        ]
        return AgentReport(
            agent_id=self.agent_id,
            as_of_date=as_of,
            headline=f"Fiscal risk premium {word} ({rationale}){tail}",
            signals=[
                AgentSignal(
                    signal_id=SIGNAL_ID,
                    direction=direction,
                    strength=round(strength, 4),
                    confidence=round(float(np.clip(confidence, 0.0, 1.0)), 4),
                    horizon="12m",
                    rationale=(
                        f"{rationale}; +1 = fiscal risk premium should rise (short BRL, pay "
                        "long DI), −1 = should fall (long BRL, receive long DI)"
                    ),
                )
            ],
            key_drivers=drivers,
            risks=risks,
            diagnostics=diagnostics,
        )
