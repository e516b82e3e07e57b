"""Aggregators and the monitor on hand-built votes, with hand-computed answers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.signals.aggregation import (
    BayesianAggregator,
    ConfidenceWeightedAggregator,
    RankAggregator,
)
from macro_models.signals.monitor import SignalMonitor
from macro_models.signals.votes import VOTE_COLUMNS, votes_from_signals
from macro_models.strategies.base import StrategySignal, TargetExposure


def _votes(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=VOTE_COLUMNS)


VOTES = _votes(
    [
        ("carry", "USDBRL", -0.8, -2.0, 0.9, 0.0),
        ("beer", "USDBRL", 0.4, 1.0, 0.3, 0.0),
        ("slope", "DI1", 0.5, 1.5, 0.6, 0.0),
        ("spread", "DI1", 1.0, 2.0, 0.6, 5.0),
    ]
)


def test_confidence_weighting_by_hand() -> None:
    out = ConfidenceWeightedAggregator(min_crowd=10).aggregate(VOTES)
    # USDBRL: (0.9·-0.8 + 0.3·0.4) / 1.2 = -0.5; DI1: the stale vote is worth half (5 days).
    assert_allclose(out.loc["USDBRL", "exposure"], -0.5)
    assert_allclose(out.loc["DI1", "exposure"], (0.6 * 0.5 + 0.3 * 1.0) / 0.9)
    assert_allclose(out.loc["DI1", "weight"], 0.9)
    assert out.loc["USDBRL", "n_votes"] == 2 and out.loc["USDBRL", "agreement"] == 0.5


def test_crowding_penalty_applies_only_when_most_agree() -> None:
    crowd = _votes([(f"s{i}", "IND", 0.5, 1.0, 1.0, 0.0) for i in range(5)])
    split = _votes([(f"s{i}", "IND", 0.5 if i < 3 else -0.5, 1.0, 1.0, 0.0) for i in range(5)])
    agg = ConfidenceWeightedAggregator(crowding_threshold=0.8, crowding_penalty=0.25, min_crowd=4)
    crowded = agg.aggregate(crowd).loc["IND"]
    assert crowded["crowded"] and crowded["agreement"] == 1.0
    assert_allclose(crowded["exposure"], 0.5 * 0.75)
    not_crowded = agg.aggregate(split).loc["IND"]
    assert not not_crowded["crowded"]
    assert_allclose(not_crowded["exposure"], 0.1)


def test_rank_aggregation_ignores_a_strategy_s_scale() -> None:
    votes = _votes(
        [
            ("loud", "A", 1.0, 3, 1.0, 0.0),
            ("loud", "B", 0.01, 1, 1.0, 0.0),
            ("quiet", "A", -0.02, -1, 1.0, 0.0),
            ("quiet", "B", -0.01, -1, 1.0, 0.0),
        ]
    )
    out = RankAggregator(min_crowd=10).aggregate(votes)
    # Signed ranks within each strategy: loud A +1, B +0.5; quiet A -1, B -0.5.
    assert_allclose(out["exposure"].to_numpy(), [0.0, 0.0], atol=1e-12)
    plain = ConfidenceWeightedAggregator(min_crowd=10).aggregate(votes)
    assert plain.loc["A", "exposure"] > 0.4  # the loud strategy dominates a plain average


def test_bayesian_posterior_matches_the_normal_normal_formula() -> None:
    votes = _votes([("s1", "IND", 0.6, 1, 0.5, 0.0), ("s2", "IND", 0.2, 1, 1.0, 0.0)])
    agg = BayesianAggregator(
        regime_prior={"IND": -0.5, "USDBRL": 0.4},
        prior_precision=2.0,
        vote_precision=4.0,
        min_crowd=10,
    )
    out = agg.aggregate(votes)
    tau = np.array([4.0 * 0.5, 4.0 * 1.0])
    expected = (2.0 * -0.5 + tau @ np.array([0.6, 0.2])) / (2.0 + tau.sum())
    assert_allclose(out.loc["IND", "exposure"], expected)
    # No votes: the regime prior stands.
    assert_allclose(out.loc["USDBRL", "exposure"], 0.4)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        pytest.param({"crowding_threshold": 0.4}, "crowding_threshold", id="threshold"),
        pytest.param({"crowding_penalty": 1.0}, "crowding_penalty", id="penalty"),
        pytest.param({"staleness_half_life_days": 0}, "half_life", id="half-life"),
    ],
)
def test_bad_parameters_raise(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        ConfidenceWeightedAggregator(**kwargs)


def test_votes_from_signals_use_given_or_z_confidence() -> None:
    signals = [
        StrategySignal(
            "carry",
            date(2024, 1, 2),
            [TargetExposure("USDBRL", -0.5, -2.0, 4.9, 5.1, 4.7)],
            "carry",
            {"confidence": 0.7},
        ),
        StrategySignal(
            "slope", date(2024, 1, 2), [TargetExposure("DI1", 0.3, 1.0, 10.0, 10.2, 9.7)], "slope"
        ),
    ]
    votes = votes_from_signals(signals, {"slope": 2.0}).set_index("strategy_id")
    assert votes.loc["carry", "confidence"] == 0.7
    assert_allclose(votes.loc["slope", "confidence"], 1 - np.exp(-1.0))
    assert votes.loc["slope", "staleness_days"] == 2.0


def test_monitor_flags_flips_surges_and_divergence() -> None:
    previous = pd.DataFrame({"exposure": [0.4, 0.1, 0.0]}, index=["USDBRL", "DI1", "IND"])
    current = pd.DataFrame({"exposure": [-0.3, 0.5, 0.05]}, index=["USDBRL", "DI1", "IND"])
    votes = _votes(
        [
            ("a", "IND", 0.9, 2, 1, 0),
            ("b", "IND", -0.8, -2, 1, 0),
            ("c", "DI1", 0.5, 1, 1, 0),
        ]
    )
    alerts = SignalMonitor().check(previous, current, votes)
    assert [(a.kind, a.instrument_id) for a in alerts] == [
        ("conviction_surge", "DI1"),
        ("divergence", "IND"),
        ("flip", "USDBRL"),
    ]
    assert "long a; short b" in alerts[1].detail
    # Small moves around zero are not flips.
    calm = SignalMonitor().check(
        pd.DataFrame({"exposure": [0.05]}, index=["X"]),
        pd.DataFrame({"exposure": [-0.05]}, index=["X"]),
        _votes([]),
    )
    assert calm == []
