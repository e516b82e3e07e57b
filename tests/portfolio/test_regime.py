import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.portfolio.regime import regime_multipliers

CLASSES = pd.Series({"IND": "equity", "USDBRL": "fx", "DI1": "rates"})


def test_probability_weighted_multipliers():
    m = regime_multipliers(
        {"risk_on": 0.7, "risk_off": 0.3},
        {"risk_on": 1.2, "risk_off": {"equity": 0.5, "fx": 1.5}},
        CLASSES,
    )
    # IND: .7·1.2 + .3·.5; USDBRL: .7·1.2 + .3·1.5; DI1: .7·1.2 + .3·1 (class absent).
    assert_allclose(m[["IND", "USDBRL", "DI1"]], [0.99, 1.29, 1.14], rtol=1e-14)


def test_probabilities_are_renormalised():
    m = regime_multipliers({"risk_on": 2.0, "risk_off": 2.0}, {"risk_off": 0.5}, CLASSES)
    assert_allclose(m, 0.75, rtol=1e-14)


def test_bad_inputs():
    with pytest.raises(ValueError, match="probabilities must be non-negative"):
        regime_multipliers({"risk_on": -0.1, "risk_off": 1.1}, {}, CLASSES)
    with pytest.raises(ValueError, match="multipliers must be positive"):
        regime_multipliers({"risk_off": 1.0}, {"risk_off": {"equity": 0.0}}, CLASSES)
