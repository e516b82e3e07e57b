"""A backward-looking Phillips curve for Brazil's IPCA, fitted by OLS with HAC standard errors.

Monthly, with t the month whose IPCA is explained and every regressor known before it:

    π_t = c + β_e·E_{t-1} + β_π·π³_{t-1} + β_y·gap_{t-2} + β_fx·Δfx_{t-1} + ε_t

π_t is the seasonally adjusted IPCA m/m annualised (% p.a.), E the Focus median of IPCA over the
next 12 months (last survey of the month, %), π³ the 3m SAAR of the adjusted IPCA (% p.a.),
gap the IBC-Br output gap (% of trend, one-sided HP filter) and Δfx the 12-month change of the
monthly average USD/BRL (%, + = BRL weaker). The gap enters two months back because IBC-Br comes
out about six weeks after its month, a month after the IPCA. Everything here is one-sided: a
value for month m uses data up to m only (no centred filters), so appending later months leaves
earlier rows unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tsa.filters.hp_filter import hpfilter

REGRESSORS = ("expectations", "lagged_inflation", "output_gap", "fx_change")


def to_monthly(series: pd.Series | None, how: str = "last") -> pd.Series:
    """A dated series as one value per month (PeriodIndex, freq M): the month's last or mean.

    NaN rows (the holes of a wide frame) are dropped first; ``None`` gives an empty series.
    """
    if series is None:
        return pd.Series(dtype=float, index=pd.PeriodIndex([], freq="M"))
    s = series.dropna().sort_index()
    months = pd.DatetimeIndex(s.index).to_period("M")
    grouped = s.groupby(months)
    out = grouped.last() if how == "last" else grouped.mean()
    return out.astype(float)


def seasonally_adjust(
    monthly_pct: pd.Series, max_years: int = 5, min_years: int = 3
) -> pd.DataFrame:
    """One-sided seasonal adjustment of monthly % changes (the rule of fct_macro_features).

    deviation(M) = x(M) − mean x(M−11..M); factor(M) = mean deviation of the same calendar month
    one to ``max_years`` years before M, with at least ``min_years`` of them including last
    year's; SA(M) = x(M) − factor(M). Only years before M enter M's factor.

    Parameters
    ----------
    monthly_pct : Series, PeriodIndex (freq M)
        Monthly % changes, contiguous or with gaps (a gap voids the windows that cover it).

    Returns
    -------
    DataFrame indexed by month with ``factor`` (pp m/m) and ``sa`` (% m/m SA); NaN where the
    history is too short.
    """
    if not (1 <= min_years <= max_years):
        raise ValueError(f"need 1 <= min_years <= max_years, got {min_years} and {max_years}")
    x = monthly_pct.sort_index()
    if len(x):
        x = x.reindex(pd.period_range(x.index[0], x.index[-1], freq="M"))
    deviation = x - x.rolling(12, min_periods=12).mean()
    lagged = pd.concat([deviation.shift(12 * k) for k in range(1, max_years + 1)], axis=1)
    enough = (lagged.notna().sum(axis=1) >= min_years) & lagged.iloc[:, 0].notna()
    factor = lagged.mean(axis=1).where(enough)
    return pd.DataFrame({"factor": factor, "sa": x - factor})


def one_sided_hp_gap(
    level: pd.Series, lamb: float = 14400.0, min_obs: int = 24, window: int = 120
) -> pd.Series:
    """Output gap (% of trend) from a one-sided HP filter: each month's trend comes from a
    two-sided HP filter run on the ``window`` months up to that month only (its end point).

    Parameters
    ----------
    level : Series, PeriodIndex (freq M)
        Activity index (IBC-Br SA), positive.
    lamb : float
        HP smoothing parameter (14 400 for monthly data).
    min_obs : int
        Months needed before the first gap.
    """
    if min_obs < 3:
        raise ValueError(f"min_obs must be at least 3, got {min_obs}")
    logs = 100 * np.log(level.dropna().sort_index().astype(float))
    gap = pd.Series(np.nan, index=logs.index, dtype=float)
    values = logs.to_numpy()
    for i in range(min_obs - 1, len(values)):
        chunk = values[max(0, i + 1 - window) : i + 1]
        _, trend = hpfilter(chunk, lamb=lamb)
        gap.iloc[i] = chunk[-1] - np.asarray(trend)[-1]
    return gap


def phillips_design(
    inflation_sa: pd.Series,
    expectations: pd.Series,
    activity: pd.Series,
    fx: pd.Series,
    lamb: float = 14400.0,
) -> pd.DataFrame:
    """The monthly regression frame, one row per month up to the month after the last IPCA.

    Parameters
    ----------
    inflation_sa : Series, PeriodIndex (freq M)
        IPCA m/m SA (%). Its last month T fixes the forecast month T+1 (the last row, y NaN).
    expectations, activity, fx : Series, PeriodIndex (freq M)
        Focus IPCA 12m median (%), IBC-Br SA (index), monthly mean USD/BRL (BRL per USD); any
        may be empty, leaving that column NaN.

    Returns
    -------
    DataFrame with ``y`` (% p.a.) and the columns of REGRESSORS, before lagging is undone: the
    row of month t holds y_t and the regressors as dated in the module docstring.
    """
    sa = inflation_sa.dropna().sort_index()
    if sa.empty:
        raise ValueError("no seasonally adjusted IPCA to build the Phillips curve on")
    last = sa.index[-1]
    parts = [s.index[0] for s in (sa, expectations, activity, fx) if len(s)]
    months = pd.period_range(min(parts), last + 1, freq="M")
    sa = sa.reindex(months)
    growth = 1 + sa / 100
    saar_3m = (growth.rolling(3, min_periods=3).apply(np.prod, raw=True) ** 4 - 1) * 100
    gap = one_sided_hp_gap(activity, lamb=lamb) if len(activity) else pd.Series(dtype=float)
    fx_m = fx.reindex(months)
    return pd.DataFrame(
        {
            "y": (growth**12 - 1) * 100,
            "expectations": expectations.reindex(months).shift(1),
            "lagged_inflation": saar_3m.shift(1),
            "output_gap": gap.reindex(months).shift(2),
            "fx_change": ((fx_m / fx_m.shift(12) - 1) * 100).shift(1),
        },
        index=months,
    )


class PhillipsCurve:
    """OLS of y on a constant and regressors, with Newey-West (HAC) standard errors.

    Parameters
    ----------
    hac_maxlags : int
        Newey-West truncation lag (months).
    """

    def __init__(self, hac_maxlags: int = 6) -> None:
        self.hac_maxlags = hac_maxlags

    def fit(self, X: pd.DataFrame, y: pd.Series) -> PhillipsCurve:
        """Fit on rows where y and every column of X are known.

        Sets ``params_``, ``bse_``, ``tvalues_`` (Series incl. ``const``), ``rsquared_``,
        ``nobs_`` and ``sample_`` (first and last index used).
        """
        if self.hac_maxlags < 0:
            raise ValueError(f"hac_maxlags must be >= 0, got {self.hac_maxlags}")
        data = pd.concat([y.rename("y"), X], axis=1).dropna()
        if len(data) <= X.shape[1] + 1:
            raise ValueError(f"{len(data)} complete rows cannot fit {X.shape[1]} regressors")
        model = sm.OLS(data["y"], sm.add_constant(data[list(X.columns)], has_constant="add"))
        result = model.fit(cov_type="HAC", cov_kwds={"maxlags": self.hac_maxlags})
        self.params_ = result.params
        self.bse_ = result.bse
        self.tvalues_ = result.tvalues
        self.rsquared_ = float(result.rsquared)
        self.nobs_ = int(result.nobs)
        self.sample_ = (data.index[0], data.index[-1])
        return self

    def predict(self, X: pd.DataFrame) -> pd.Series:
        """Fitted values for rows of X (same columns as in ``fit``)."""
        cols = [c for c in self.params_.index if c != "const"]
        return self.params_["const"] + X[cols] @ self.params_[cols]


def fit_and_forecast(
    inflation_sa: pd.Series,
    expectations: pd.Series,
    activity: pd.Series,
    fx: pd.Series,
    window_months: int = 120,
    min_obs: int = 36,
    hac_maxlags: int = 6,
    lamb: float = 14400.0,
) -> dict[str, Any] | str:
    """Fit the curve on the last ``window_months`` complete months and forecast the next one.

    Inputs as in ``phillips_design``. A regressor a month or two late for the forecast row
    (IBC-Br comes after the IPCA) carries its last value forward; one later than that is
    dropped from the curve altogether, and so is one with no history.

    Returns
    -------
    dict
        Coefficients, t-values (HAC), R², sample, the forecast (% p.a. SAAR) and which
        regressors were used, dropped or carried forward (JSON-ready).
    str
        Why no curve could be fitted.
    """
    if inflation_sa.dropna().empty:
        return "under 3 years of IPCA for seasonal factors"
    design = phillips_design(inflation_sa, expectations, activity, fx, lamb=lamb)
    history, row = design.iloc[:-1], design.iloc[-1].copy()
    used: list[str] = []
    dropped: list[str] = []
    carried: list[str] = []
    for col in REGRESSORS:
        recent = design[col].iloc[-3:].dropna()
        if pd.isna(row[col]) and not recent.empty:
            row[col] = recent.iloc[-1]
            carried.append(col)
        (used if pd.notna(row[col]) else dropped).append(col)
    if "lagged_inflation" not in used:
        return "no seasonally adjusted IPCA for the forecast"
    sample = history[["y", *used]].dropna().iloc[-window_months:]
    if len(sample) < min_obs:
        return f"{len(sample)} complete months < {min_obs}"
    curve = PhillipsCurve(hac_maxlags=hac_maxlags).fit(sample[used], sample["y"])
    forecast = float(curve.predict(row[used].to_frame().T).iloc[0])
    gap = row["output_gap"]
    return {
        "dependent": "IPCA m/m SA annualised, % p.a.",
        "coefficients": {k: round(float(x), 6) for k, x in curve.params_.items()},
        "tvalues": {k: round(float(x), 4) for k, x in curve.tvalues_.items()},
        "rsquared": round(curve.rsquared_, 6),
        "nobs": curve.nobs_,
        "sample": [str(curve.sample_[0]), str(curve.sample_[1])],
        "hac_maxlags": hac_maxlags,
        "forecast_month": str(design.index[-1]),
        "forecast_saar_pct": round(forecast, 4),
        "regressors_used": used,
        "regressors_dropped": dropped,
        "regressors_carried_forward": carried,
        "latest_output_gap_pct": None if pd.isna(gap) else round(float(gap), 4),
    }
