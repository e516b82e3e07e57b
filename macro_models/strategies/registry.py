"""Every strategy the fund runs, registered explicitly (no import side effects)."""

from __future__ import annotations

from macro_models.strategies.base import Strategy
from macro_models.strategies.cross_asset_regime_allocation import RegimeAllocation
from macro_models.strategies.cross_asset_risk_appetite import RiskAppetite
from macro_models.strategies.event_copom import CopomEvent
from macro_models.strategies.event_fomc import FomcEvent
from macro_models.strategies.fx_beer_misalignment import FxBeerMisalignment
from macro_models.strategies.fx_carry_momentum import FxCarryMomentum
from macro_models.strategies.fx_carry_to_risk import FxCarryToRisk
from macro_models.strategies.inflation_breakeven_vs_focus import BreakevenVsFocus
from macro_models.strategies.inflation_carry_ntnb import NtnbInflationCarry
from macro_models.strategies.rates_br_us_spread import RatesBrUsSpread
from macro_models.strategies.rates_di_slope_vs_policy import RatesDiSlopeVsPolicy
from macro_models.strategies.rates_term_premium_vs_focus import RatesTermPremiumVsFocus

STRATEGIES: dict[str, type[Strategy]] = {
    s.strategy_id: s  # type: ignore[misc]
    for s in (
        FxCarryToRisk,
        FxCarryMomentum,
        FxBeerMisalignment,
        RatesDiSlopeVsPolicy,
        RatesTermPremiumVsFocus,
        RatesBrUsSpread,
        BreakevenVsFocus,
        NtnbInflationCarry,
        RegimeAllocation,
        RiskAppetite,
        CopomEvent,
        FomcEvent,
    )
}
