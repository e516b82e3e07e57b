"""gold.fct_di1_curve_tenors against an independent flat-forward interpolation in numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sqlalchemy import text

pytestmark = pytest.mark.slow


def test_curve_matches_flat_forward_reference(gold_engine) -> None:
    with gold_engine.connect() as conn:
        day = conn.execute(text("select max(trade_date) from gold.fct_di1_curve_tenors")).scalar()
        assert day is not None, "the sample has DI1 settlements, so the curve is not empty"
        vertices = pd.read_sql(
            text(
                "select business_days_to_maturity as du, log_discount_factor as ln_df "
                "from silver.int_di1__vertices_selected where trade_date = :d order by 1"
            ),
            conn,
            params={"d": day},
        )
        curve = pd.read_sql(
            text(
                "select tenor_bd, discount_factor, rate_pct from gold.fct_di1_curve_tenors "
                "where trade_date = :d order by tenor_bd"
            ),
            conn,
            params={"d": day},
        )
    du = np.concatenate([[0], vertices["du"].to_numpy()])
    ln_df = np.concatenate([[0.0], vertices["ln_df"].to_numpy()])
    tenors = curve["tenor_bd"].to_numpy()
    assert tenors.max() <= du.max()  # no extrapolation past the last contract
    expected_df = np.exp(np.interp(tenors, du, ln_df))
    assert_allclose(curve["discount_factor"], expected_df, rtol=1e-12)
    expected_rate = (expected_df ** (-252.0 / tenors) - 1) * 100
    assert_allclose(curve["rate_pct"], expected_rate, rtol=1e-10)
    assert (curve["discount_factor"] > 0).all() and (curve["discount_factor"] <= 1).all()
