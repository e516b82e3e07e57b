import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.portfolio.vol_target import portfolio_vol, vol_target

IDS = ["DI1", "USDBRL"]
# Daily vols 0.5 % and 1 %, correlation 0.3.
COV = pd.DataFrame(
    [[0.005**2, 0.3 * 0.005 * 0.01], [0.3 * 0.005 * 0.01, 0.01**2]], index=IDS, columns=IDS
)


def test_portfolio_vol_closed_form():
    w = np.array([1.0, -0.5])
    expected = np.sqrt((0.005**2 + 0.25 * 0.01**2 - 2 * 0.5 * 0.3 * 0.005 * 0.01) * 252)
    assert_allclose(portfolio_vol(w, COV.to_numpy()), expected, rtol=1e-14)


def test_vol_target_hits_target_exactly():
    w = pd.Series([1.0, -0.5], index=IDS)
    result = vol_target(w, COV, 0.10)
    assert result.binding == "target"
    assert_allclose(portfolio_vol(result.weights.to_numpy(), COV.to_numpy()), 0.10, rtol=1e-12)
    assert_allclose(result.weights / w, result.scale, rtol=1e-14)  # direction kept
    assert_allclose(result.ex_ante_vol, 0.10, rtol=1e-12)


def test_vol_target_leverage_cap_binds():
    w = pd.Series([1.0, 0.0], index=IDS)  # 10 % vol needs 0.10 / (0.005·√252) = 1.26 of NAV
    result = vol_target(w, COV, 0.10, max_leverage=1.0)
    assert result.binding == "leverage"
    assert_allclose(result.weights.abs().sum(), 1.0, rtol=1e-14)
    assert_allclose(result.ex_ante_vol, 0.005 * np.sqrt(252), rtol=1e-12)


def test_vol_target_zero_book():
    result = vol_target(pd.Series(0.0, index=IDS), COV, 0.10)
    assert result.binding == "zero"
    assert (result.weights == 0).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"target_vol_annual": 0.0}, "target_vol_annual must be positive, got 0.0"),
        ({"target_vol_annual": 0.1, "max_leverage": -1}, "max_leverage must be positive, got -1"),
        ({"target_vol_annual": 0.1, "periods": 0}, "periods must be positive, got 0"),
    ],
)
def test_vol_target_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        vol_target(pd.Series([1.0, 1.0], index=IDS), COV, **kwargs)
