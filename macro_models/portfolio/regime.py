"""Per-instrument multipliers from regime probabilities.

The cross-asset agent gives probabilities per regime (``{"risk_on": .7, "risk_off": .3}`` or
``{"goldilocks": .., "reflation": .., "stagflation": .., "slowdown": ..}``). A multiplier table
says, per regime, how much to trust a *long* view (in the fund's sign convention) on each asset
class, e.g. ``{"risk_off": {"equity": 0.5, "fx": 1.5}}``: in risk-off, long equity views are
worth half, long-USD views half as much again. The expected multiplier under the regime
probabilities is the instrument's multiplier; how it is used on short views is up to the caller
(see ``black_litterman.views_from_signals``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def regime_multipliers(
    probabilities: Mapping[str, float],
    multipliers: Mapping[str, float | Mapping[str, float]],
    asset_class: pd.Series,
) -> pd.Series:
    """Probability-weighted multiplier per instrument.

    Parameters
    ----------
    probabilities : mapping regime -> probability
        Non-negative; renormalised to sum 1.
    multipliers : mapping regime -> multiplier or mapping asset_class -> multiplier
        Positive multipliers. A scalar applies to every asset class; a missing regime or
        asset class counts as 1 (no adjustment).
    asset_class : Series, indexed by instrument_id
        Asset class of each instrument (rates, inflation, fx, equity).

    Returns
    -------
    Series, indexed by instrument_id
        ``m_i = Σ_r p_r · m[r][class_i]``.
    """
    total = float(sum(probabilities.values()))
    if total <= 0 or any(p < 0 for p in probabilities.values()):
        raise ValueError(f"probabilities must be non-negative with a positive sum, got {total}")
    out = pd.Series(0.0, index=asset_class.index, name="regime_multiplier")
    for regime, p in probabilities.items():
        table = multipliers.get(regime, 1.0)
        if isinstance(table, Mapping):
            m = asset_class.map(lambda c, t=table: float(t.get(c, 1.0)))
        else:
            m = pd.Series(float(table), index=asset_class.index)
        if (m <= 0).any():
            raise ValueError(f"multipliers must be positive, got {dict(m)} for {regime}")
        out += p / total * m
    return out
