"""Historical VaR/ES on sorted hand examples, Gaussian VaR/ES against the closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from macro_models.risk.var import (
    historical_es,
    historical_var,
    parametric_es,
    parametric_var,
)

PNL = np.array([-5.0, 3.0, -1.0, 7.0, -10.0, 2.0, 0.0, -3.0, 4.0, 1.0])
# Sorted: -10, -5, -3, -1, 0, 1, 2, 3, 4, 7.


@pytest.mark.parametrize(
    ("alpha", "var", "es"),
    [
        (0.95, 10.0, 10.0),  # k = ceil(0.5) = 1: x_(1) = -10
        (0.80, 5.0, 7.5),  # k = ceil(2.0) = 2: mean(10, 5)
        (0.75, 3.0, 6.0),  # k = ceil(2.5) = 3: mean(10, 5, 3)
        (0.50, 0.0, 3.8),  # k = 5: mean(10, 5, 3, 1, 0)
    ],
)
def test_historical_on_sorted_example(alpha: float, var: float, es: float) -> None:
    assert historical_var(PNL, alpha) == var
    assert_allclose(historical_es(PNL, alpha), es, rtol=1e-15)


def test_historical_quantile_index_is_not_pushed_by_rounding() -> None:
    # 100 * (1 - 0.95) = 5.000000000000004 in floating point; k must still be 5.
    pnl = np.arange(1.0, 101.0) - 50.0  # sorted: -49, -48, ...
    assert historical_var(pnl, 0.95) == 45.0
    assert_allclose(historical_es(pnl, 0.95), 47.0, rtol=1e-15)  # mean(49, 48, 47, 46, 45)


def test_historical_es_includes_ties_at_var() -> None:
    pnl = np.array([-4.0, -2.0, -2.0, 1.0, 5.0])
    assert historical_var(pnl, 0.6) == 2.0  # k = 2
    assert_allclose(historical_es(pnl, 0.6), 8.0 / 3.0, rtol=1e-15)  # -(-4 - 2 - 2) / 3


W = np.array([1e6, -5e5])  # BRL notional
COV = np.array([[0.0004, 0.00006], [0.00006, 0.0001]])  # vols 2 % and 1 %, correlation 0.3
# w' cov w = 4e8 - 6e7 + 2.5e7 = 3.65e8, sigma_p = 19104.973 BRL.
SIGMA = math.sqrt(3.65e8)


def test_parametric_two_asset_closed_form() -> None:
    # z_0.99 = 2.3263479, phi(z_0.99) = 0.0266521: VaR = 44444.81, ES = 50918.85 BRL.
    assert_allclose(parametric_var(W, COV, 0.99), 44444.8137, rtol=1e-8)
    assert_allclose(parametric_es(W, COV, 0.99), 50918.8462, rtol=1e-8)
    assert_allclose(parametric_var(W, COV, 0.99), 2.3263478740 * SIGMA, rtol=1e-10)
    # z_0.95 = 1.6448536: VaR = 31424.88, ES = 39408.07 BRL.
    assert_allclose(parametric_var(W, COV, 0.95), 31424.8844, rtol=1e-8)
    assert_allclose(parametric_es(W, COV, 0.95), 39408.0729, rtol=1e-8)


def test_parametric_mean_shifts_var_and_es() -> None:
    mean = np.array([0.001, 0.0004])  # mu_p = 1000 - 200 = 800 BRL
    assert_allclose(parametric_var(W, COV, 0.99, mean), 44444.8137 - 800.0, rtol=1e-8)
    assert_allclose(parametric_es(W, COV, 0.99, mean), 50918.8462 - 800.0, rtol=1e-8)


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match=r"alpha must be in \(0, 1\), got 1.5"):
        historical_var(PNL, 1.5)
    with pytest.raises(ValueError, match="alpha must be in"):
        parametric_var(W, COV, 0.0)
    with pytest.raises(ValueError, match=r"pnl must be a non-empty 1-D array"):
        historical_es(np.ones((2, 2)), 0.99)
    with pytest.raises(ValueError, match=r"cov must have shape \(2, 2\)"):
        parametric_es(W, np.eye(3), 0.99)
