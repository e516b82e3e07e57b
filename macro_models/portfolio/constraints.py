"""Portfolio limits: gross and net per asset class, total gross, net DV01 and net FX delta.

Every limit is enforced by scaling down the positions it measures, never by flipping or
re-weighting them, so a limit keeps the book's shape within its scope:

- gross / net per asset class: scale that class's weights (gross = Σ|w|, net = |Σw|, both
  fractions of NAV);
- total gross: scale every weight;
- DV01: the budget is on the *signed net* DV01 of the book, ``|Σ_i w_i · nav · D_i / 10 000|``
  in BRL per basis point, so a paid DI1 hedging a long NTN-B uses no budget; the weights with a
  non-zero duration (rates and inflation) are scaled. ``D_i`` (``meta["mod_duration"]``, years)
  is signed in the fund's sign convention: positive when a +1 weight gains as rates fall
  (long ZN, NTNB, LTN, received DAP), negative for DI1, where +1 pays the rate;
- FX delta: the budget is on ``|Σ_i w_i · fx_delta_i|``, the net USD delta as a fraction of NAV
  (``fx_delta`` is +1 for USDBRL and DOL, and the USD share of ES and ZN notional); the weights
  with a non-zero FX delta are scaled.

Because a limit scales a subset, it can move a measure of an overlapping subset (scaling ES for
FX can change the equity net). The limits are therefore applied in passes until none binds
beyond its limit; if that has not settled after ``_MAX_PASSES``, the whole book is scaled by the
tightest remaining ratio, which satisfies every limit at once (all measures are homogeneous of
degree 1). The result is a fixed point: applying the limits again changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

META_COLUMNS = ["asset_class", "mod_duration", "fx_delta"]
_MAX_PASSES = 20
_TOL = 1e-9


@dataclass(frozen=True)
class PortfolioLimits:
    """Risk limits; ``None`` (or an absent asset class) means no limit.

    Parameters
    ----------
    gross_by_class : mapping asset_class -> float
        Max ``Σ|w|`` within the class, fraction of NAV.
    net_by_class : mapping asset_class -> float
        Max ``|Σw|`` within the class, fraction of NAV.
    total_gross : float, optional
        Max ``Σ|w|`` over the book, fraction of NAV.
    dv01_budget_brl : float, optional
        Max ``|net DV01|`` in BRL per bp, for the NAV the limits are applied with.
    fx_delta_limit : float, optional
        Max ``|net USD delta|``, fraction of NAV.
    """

    gross_by_class: Mapping[str, float] = field(default_factory=dict)
    net_by_class: Mapping[str, float] = field(default_factory=dict)
    total_gross: float | None = None
    dv01_budget_brl: float | None = None
    fx_delta_limit: float | None = None

    def __post_init__(self) -> None:
        named: dict[str, float | None] = {
            f"gross_by_class[{k}]": v for k, v in self.gross_by_class.items()
        }
        named |= {f"net_by_class[{k}]": v for k, v in self.net_by_class.items()}
        named |= {
            "total_gross": self.total_gross,
            "dv01_budget_brl": self.dv01_budget_brl,
            "fx_delta_limit": self.fx_delta_limit,
        }
        for name, value in named.items():
            if value is not None and not value > 0:
                raise ValueError(f"{name} must be positive, got {value}")


class _Limit(NamedTuple):
    name: str
    unit: str
    loadings: np.ndarray
    gross: bool
    limit: float

    def value(self, w: np.ndarray) -> float:
        x = np.abs(w) if self.gross else w
        return float(self.loadings @ x)


def _build(limits: PortfolioLimits, meta: pd.DataFrame, nav: float) -> list[_Limit]:
    cls = meta["asset_class"].to_numpy()
    out = [
        _Limit(f"gross:{c}", "nav", (cls == c).astype(float), True, float(v))
        for c, v in limits.gross_by_class.items()
    ]
    out += [
        _Limit(f"net:{c}", "nav", (cls == c).astype(float), False, float(v))
        for c, v in limits.net_by_class.items()
    ]
    if limits.total_gross is not None:
        out.append(_Limit("total_gross", "nav", np.ones(len(cls)), True, limits.total_gross))
    if limits.dv01_budget_brl is not None:
        dv01 = nav * meta["mod_duration"].to_numpy(dtype=float) / 10_000
        out.append(_Limit("net_dv01", "brl_per_bp", dv01, False, limits.dv01_budget_brl))
    if limits.fx_delta_limit is not None:
        fx = meta["fx_delta"].to_numpy(dtype=float)
        out.append(_Limit("net_fx_delta", "nav", fx, False, limits.fx_delta_limit))
    return out


def _one_pass(w: np.ndarray, rules: list[_Limit]) -> bool:
    changed = False
    for rule in rules:
        value = abs(rule.value(w))
        if value > rule.limit * (1 + _TOL):
            scope = rule.loadings != 0
            w[scope] *= rule.limit / value
            changed = True
    return changed


def _enforce(w: np.ndarray, rules: list[_Limit]) -> np.ndarray:
    w = w.copy()
    for _ in range(_MAX_PASSES):
        if not _one_pass(w, rules):
            return w
    ratios = [r.limit / abs(r.value(w)) for r in rules if abs(r.value(w)) > 0]
    return w * min([1.0, *ratios])


def _check_inputs(weights: pd.Series, meta: pd.DataFrame, nav: float) -> None:
    if not nav > 0:
        raise ValueError(f"nav must be positive, got {nav}")
    missing_cols = [c for c in META_COLUMNS if c not in meta.columns]
    if missing_cols:
        raise ValueError(f"meta is missing columns: {missing_cols}")
    missing = weights.index.difference(meta.index)
    if len(missing):
        raise ValueError(f"meta is missing instruments: {sorted(missing)}")


def apply_limits(
    weights: pd.Series, meta: pd.DataFrame, nav: float, limits: PortfolioLimits
) -> tuple[pd.Series, pd.DataFrame]:
    """Scale ``weights`` down until every limit holds.

    Parameters
    ----------
    weights : Series, indexed by instrument_id
        Fractions of NAV, signed in the fund's sign convention.
    meta : DataFrame, indexed by instrument_id
        ``asset_class`` (rates, inflation, fx, equity), ``mod_duration`` (years, signed, 0 for
        non-rate instruments) and ``fx_delta`` (USD delta per unit weight).
    nav : float
        Net asset value in BRL; only the DV01 measure depends on it.
    limits : PortfolioLimits

    Returns
    -------
    weights : Series
        Limited weights, same index.
    report : DataFrame, indexed by constraint
        ``value_before``, ``value_after`` (signed for net measures), ``limit``, ``unit``
        (``nav`` = fraction of NAV, ``brl_per_bp``) and ``binding`` (``|value_after|`` at the
        limit).
    """
    _check_inputs(weights, meta, nav)
    rules = _build(limits, meta.loc[weights.index], nav)
    before = weights.to_numpy(dtype=float)
    after = _enforce(before, rules)
    report = pd.DataFrame(
        {
            "value_before": [r.value(before) for r in rules],
            "value_after": [r.value(after) for r in rules],
            "limit": [r.limit for r in rules],
            "unit": [r.unit for r in rules],
        },
        index=pd.Index([r.name for r in rules], name="constraint"),
    )
    report["binding"] = report["value_after"].abs() >= report["limit"] * (1 - _TOL)
    return pd.Series(after, index=weights.index, name=weights.name), report
