import numpy as np
import pytest
from numpy.testing import assert_allclose

from macro_models.portfolio.kelly import kelly_weights


def test_one_asset_closed_form():
    mu, sigma = 0.06, 0.2
    w = kelly_weights(np.array([mu]), np.array([[sigma**2]]), 0.5)
    assert_allclose(w, [0.5 * mu / sigma**2], rtol=1e-14)


def test_daily_and_annual_inputs_agree():
    mu = np.array([0.05, -0.02])
    cov = np.array([[0.04, 0.01], [0.01, 0.09]])
    annual = kelly_weights(mu, cov, 0.25)
    daily = kelly_weights(mu / 252, cov / 252, 0.25)
    assert_allclose(daily, annual, rtol=1e-12)
    assert_allclose(annual, 0.25 * np.linalg.solve(cov, mu), rtol=1e-14)


@pytest.mark.parametrize("fraction", [0.0, -0.5, 1.5])
def test_fraction_out_of_range(fraction):
    with pytest.raises(ValueError, match=f"fraction must be in \\(0, 1\\], got {fraction}"):
        kelly_weights(np.array([0.1]), np.array([[0.04]]), fraction)
