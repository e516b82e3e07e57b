"""The parameter variants a backtest tries per strategy: the walk-forward's candidates and the
trials the deflated Sharpe ratio is deflated by.

One signal parameter per strategy, three values around the default (the default first), kept
inside each strategy's ``lookback_days`` so that every variant sees the history it needs.
"""

from __future__ import annotations

from typing import Any

VARIANTS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "fx_carry_to_risk": ("vol_window", (63, 21, 126)),
    "fx_carry_momentum": ("lookback", (63, 21, 42)),
    "fx_beer_misalignment": ("window", (60, 48, 36)),
    "rates_di_slope_vs_policy": ("window", (126, 63, 252)),
    "rates_term_premium_vs_focus": ("premium_scale", (0.5, 0.25, 1.0)),
    "rates_br_us_spread": ("window", (252, 63, 126)),
    "inflation_breakeven_vs_focus": ("entry_z", (1.0, 0.5, 1.5)),
    "inflation_carry_ntnb": ("entry_z", (0.25, 0.0, 0.5)),
    "cross_asset_regime_allocation": ("growth_scale", (2.0, 1.0, 3.0)),
    "cross_asset_risk_appetite": ("momentum_days", (63, 21, 126)),
    "event_copom": ("entry_z", (0.3, 0.15, 0.6)),
    "event_fomc": ("entry_z", (0.3, 0.15, 0.6)),
}


def variant_kwargs(strategy_id: str) -> list[dict[str, Any]]:
    """Keyword arguments of each variant, the default first ([{}] if none are defined)."""
    if strategy_id not in VARIANTS:
        return [{}]
    name, values = VARIANTS[strategy_id]
    return [{name: v} for v in values]


def variant_id(strategy_id: str, kwargs: dict[str, Any]) -> str:
    return strategy_id + "".join(f"[{k}={v}]" for k, v in kwargs.items())
