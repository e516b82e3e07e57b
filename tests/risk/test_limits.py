"""Limit utilisation, statuses and the circuit breaker's scale factor."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from macro_models.risk.limits import (
    Limit,
    LimitCheck,
    check_limits,
    circuit_breaker,
    standard_limits,
)

LIMITS = standard_limits(nav=10e6)  # var 2 %, drawdown 10 %, concentration 35 %, dv01 2k/bp


def _check(**values: float) -> list[LimitCheck]:
    base = {"var_99": 0.01, "drawdown": 0.02, "concentration": 0.2, "dv01": 500.0}
    return check_limits(base | values, LIMITS)


def test_statuses_and_utilisation() -> None:
    checks = {c.name: c for c in _check(var_99=0.017, drawdown=0.12, dv01=-1500.0)}
    assert LIMITS[3].name == "dv01" and LIMITS[3].warn_fraction == 0.8
    assert_allclose(LIMITS[3].limit, 2000.0, rtol=1e-12)
    assert_allclose(checks["var_99"].utilisation, 0.85, rtol=1e-12)
    assert checks["var_99"].status == "warning"  # 0.85 >= 0.8
    assert checks["drawdown"].status == "breach"  # 1.2 > 1
    assert checks["dv01"].status == "ok"
    assert_allclose(checks["dv01"].utilisation, 0.75, rtol=1e-12)  # |-1500| / 2000
    assert checks["concentration"].status == "ok"
    assert check_limits({"x": 0.8}, [Limit("x", 1.0)])[0].status == "warning"  # boundary


@pytest.mark.parametrize(
    ("values", "scale"),
    [
        ({}, 1.0),
        ({"var_99": 0.019}, 1.0),  # warning only
        ({"var_99": 0.025}, 0.8),  # 1.25x: back to the limit
        ({"var_99": 0.031}, 0.0),  # above 1.5x: flatten
        ({"drawdown": 0.11}, 0.5),
        ({"drawdown": 0.11, "var_99": 0.025}, 0.5),  # the minimum
        ({"concentration": 0.6}, 1.0),  # flagged, not scaled
        ({"dv01": 4000.0}, 0.5),
    ],
)
def test_circuit_breaker(values: dict[str, float], scale: float) -> None:
    assert_allclose(circuit_breaker(_check(**values)), scale, rtol=1e-12)


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match=r"no value for limits: \['dv01'\]"):
        check_limits({"var_99": 0.01}, [Limit("var_99", 0.02), Limit("dv01", 1.0)])
    with pytest.raises(ValueError, match="limit of 'var_99' must be > 0, got 0"):
        Limit("var_99", 0)
    with pytest.raises(ValueError, match="warn_fraction must be in"):
        Limit("var_99", 0.02, warn_fraction=1.5)
    with pytest.raises(ValueError, match="nav must be > 0"):
        standard_limits(0.0)
