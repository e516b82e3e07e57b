"""The six FX and rates strategies on the real gold data, month ends 2012-2023.

Each strategy runs through ``PointInTimeLoader.load(s.columns, as_of − lookback, as_of,
as_of)``. Dates whose inputs are missing (the loader's ValueError) or too short or stale for
the model (the strategy's ValueError) are recorded, not failures: the real DI1 history is
weekly 2021-22 only, the Focus Selic starts in 2022, the BEER needs three years of months.
"""

from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd
import pytest

from macro_models.pit.loader import PointInTimeLoader
from macro_models.strategies.base import StrategySignal
from macro_models.strategies.fx_beer_misalignment import FxBeerMisalignment
from macro_models.strategies.fx_carry_momentum import FxCarryMomentum
from macro_models.strategies.fx_carry_to_risk import FxCarryToRisk
from macro_models.strategies.rates_br_us_spread import RatesBrUsSpread
from macro_models.strategies.rates_di_slope_vs_policy import RatesDiSlopeVsPolicy
from macro_models.strategies.rates_term_premium_vs_focus import RatesTermPremiumVsFocus

pytestmark = pytest.mark.slow

STRATEGIES = (
    FxCarryToRisk,
    FxCarryMomentum,
    FxBeerMisalignment,
    RatesDiSlopeVsPolicy,
    RatesTermPremiumVsFocus,
    RatesBrUsSpread,
)
MONTH_ENDS = [d.date() for d in pd.date_range("2012-01-31", "2023-12-31", freq="ME")]
# Fewest month ends with a signal: FX all; BEER from 2014; DI1 curves only mid-2021 to 2022.
MIN_SIGNALS = {
    "fx_carry_to_risk": 144,
    "fx_carry_momentum": 144,
    "fx_beer_misalignment": 110,
    "rates_di_slope_vs_policy": 15,
    "rates_term_premium_vs_focus": 10,
    "rates_br_us_spread": 15,
}


@pytest.fixture(scope="module")
def runs(real_gold_engine):
    loader = PointInTimeLoader(real_gold_engine)
    out: dict[str, tuple[dict, dict]] = {}
    for cls in STRATEGIES:
        strategy = cls()
        signals, skipped = {}, {}
        for as_of in MONTH_ENDS:
            try:
                data = loader.load(
                    strategy.columns, as_of - timedelta(days=strategy.lookback_days), as_of, as_of
                )
                signals[as_of] = strategy.signal(data, as_of)
            except ValueError as exc:
                skipped[as_of] = str(exc)
        out[cls.strategy_id] = (signals, skipped)
    return out


@pytest.mark.parametrize("strategy_id", list(MIN_SIGNALS))
def test_every_month_end_gives_a_signal_or_a_recorded_reason(runs, strategy_id):
    signals, skipped = runs[strategy_id]
    assert len(signals) + len(skipped) == len(MONTH_ENDS)
    assert len(signals) >= MIN_SIGNALS[strategy_id], sorted(skipped.items())[:5]
    for as_of, sig in signals.items():
        assert isinstance(sig, StrategySignal) and sig.as_of_date == as_of
        assert sig.rationale
        for e in sig.exposures:
            assert -1 <= e.exposure <= 1
            assert all(math.isfinite(v) for v in (e.zscore, e.entry, e.stop, e.take_profit))
            if e.exposure != 0:
                # A stop is on the losing side of the entry, the target on the winning side.
                side = 1 if e.exposure > 0 else -1
                assert side * (e.stop - e.entry) < 0 < side * (e.take_profit - e.entry), (as_of, e)


def test_rates_strategies_skip_dates_without_a_recent_di1_curve(runs):
    for strategy_id in ("rates_di_slope_vs_policy", "rates_br_us_spread"):
        signals, skipped = runs[strategy_id]
        assert min(signals).year == 2021 and max(signals).year == 2022
        assert any("no data known" in why for why in skipped.values())
        assert any("last known on 2022-12-26" in why for why in skipped.values())


def exposure(runs, strategy_id, y, m, d, instrument="USDBRL"):
    sig = runs[strategy_id][0][pd.Timestamp(y, m, d).date()]
    return next(e.exposure for e in sig.exposures if e.instrument_id == instrument)


def test_2015_sell_off_momentum_buys_usd_and_beer_calls_brl_cheap(runs):
    assert exposure(runs, "fx_carry_momentum", 2015, 9, 30) > 0.5
    assert exposure(runs, "fx_beer_misalignment", 2015, 9, 30) < 0


def test_covid_carry_is_small_and_momentum_is_long_usd(runs):
    covid = exposure(runs, "fx_carry_to_risk", 2020, 4, 30)
    hiking = exposure(runs, "fx_carry_to_risk", 2022, 6, 30)
    assert -0.3 < covid < 0 and hiking < -0.5
    assert exposure(runs, "fx_carry_momentum", 2020, 3, 31) == 1.0


def test_2021_fiscal_scare_spread_is_wide_and_received(runs):
    assert exposure(runs, "rates_br_us_spread", 2021, 10, 31, "DI1") < -0.5
