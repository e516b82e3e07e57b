"""The column families the point-in-time loader reads, one gold table each.

A column name is ``<family>:<id>``; a bare series id (``bcb_sgs__433``) is an observation.

========================  ===================================  ==========================
column                    gold table                           value
========================  ===================================  ==========================
``bcb_sgs__433``          fct_observations (vintaged)          as published (dim_series)
``macro:ipca_12m``        fct_macro_features (vintaged)        the feature's unit
``market:<feature_id>``   fct_market_features (per calendar)   e.g. realized_vol_21d.yahoo__BVSP
``panel:<series_id>``     fct_business_day_panel (calendar)    as published, null when stale
``di1:<tenor_bd>``        fct_di1_curve_tenors                 rate % p.a. (bus/252)
``br_nominal:<tenor_bd>`` fct_br_government_curves             nominal zero rate % p.a.
``br_real:<tenor_bd>``    fct_br_government_curves             real zero rate % p.a.
``br_breakeven:<tenor>``  fct_br_government_curves             breakeven % p.a.
``ust_par:<tenor_code>``  fct_ust_curve_tenors                 par yield % p.a.
``ust_zero:<tenor_code>`` fct_ust_curve_tenors                 zero rate % p.a.
``fwd:<curve>.<code>``    fct_curve_forwards                   forward rate % p.a.
========================  ===================================  ==========================

Vintaged tables keep every vintage: the loader takes, per date, the latest one known before
the cut-off. The others hold one row per date that was known by the end of that date; the
loader drops rows known after the cut-off.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    table: str
    id_sql: str  # SQL expression of the id within the family
    date_column: str
    value_column: str
    vintaged: bool = False
    by_calendar: bool = False
    # Calendar days after which the newest value counts as stale (series use dim_series).
    staleness_days: int = 5


FAMILIES: dict[str, Family] = {
    "": Family("gold.fct_observations", "series_id", "observation_date", "value", vintaged=True),
    "macro": Family(
        "gold.fct_macro_features",
        "feature_id",
        "observation_date",
        "value",
        vintaged=True,
        staleness_days=75,
    ),
    "market": Family(
        "gold.fct_market_features", "feature_id", "feature_date", "value", by_calendar=True
    ),
    "panel": Family(
        "gold.fct_business_day_panel", "series_id", "panel_date", "value", by_calendar=True
    ),
    "di1": Family("gold.fct_di1_curve_tenors", "tenor_bd::text", "trade_date", "rate_pct"),
    "br_nominal": Family(
        "gold.fct_br_government_curves", "tenor_bd::text", "curve_date", "nominal_rate_pct"
    ),
    "br_real": Family(
        "gold.fct_br_government_curves", "tenor_bd::text", "curve_date", "real_rate_pct"
    ),
    "br_breakeven": Family(
        "gold.fct_br_government_curves", "tenor_bd::text", "curve_date", "breakeven_pct"
    ),
    "ust_par": Family("gold.fct_ust_curve_tenors", "tenor_code", "curve_date", "par_yield_pct"),
    "ust_zero": Family("gold.fct_ust_curve_tenors", "tenor_code", "curve_date", "zero_rate_pct"),
    "fwd": Family(
        "gold.fct_curve_forwards",
        "curve_code || '.' || forward_code",
        "curve_date",
        "forward_rate_pct",
    ),
}


def split_column(column: str) -> tuple[str, str]:
    """``'macro:ipca_12m'`` -> ``('macro', 'ipca_12m')``; a bare series id has family ``''``."""
    family, sep, ident = column.partition(":")
    if not sep:
        return "", column
    if family not in FAMILIES or not family:
        known = ", ".join(sorted(f for f in FAMILIES if f))
        raise ValueError(f"unknown column family {family!r} in {column!r}; known: {known}")
    if not ident:
        raise ValueError(f"column {column!r} names no id after {family!r}:")
    return family, ident
