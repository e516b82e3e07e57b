import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from macro_models.portfolio.constraints import PortfolioLimits, apply_limits

NAV = 100e6  # BRL
# Signed durations: +1 DI1 pays the rate (loses as rates fall), so its duration is negative.
META = pd.DataFrame(
    {
        "asset_class": ["rates", "inflation", "fx", "equity", "equity", "rates"],
        "mod_duration": [-2.0, 6.0, 0.0, 0.0, 0.0, 7.0],
        "fx_delta": [0.0, 0.0, 1.0, 0.0, 1.0, 1.0],
    },
    index=pd.Index(["DI1", "NTNB", "USDBRL", "IND", "ES", "ZN"], name="instrument_id"),
)


def _w(**kw: float) -> pd.Series:
    return pd.Series({i: kw.get(i, 0.0) for i in META.index}, dtype=float)


def test_gross_by_class_scales_only_that_class():
    w = _w(DI1=0.6, ZN=-0.6, IND=0.3)
    out, report = apply_limits(w, META, NAV, PortfolioLimits(gross_by_class={"rates": 0.6}))
    assert_allclose(out, _w(DI1=0.3, ZN=-0.3, IND=0.3), rtol=1e-14)
    assert report.loc["gross:rates", "value_before"] == pytest.approx(1.2)
    assert report.loc["gross:rates", "value_after"] == pytest.approx(0.6, rel=1e-14)
    assert bool(report.loc["gross:rates", "binding"])


def test_net_by_class():
    w = _w(IND=0.5, ES=0.3)
    out, report = apply_limits(w, META, NAV, PortfolioLimits(net_by_class={"equity": 0.4}))
    assert_allclose(out, _w(IND=0.25, ES=0.15), rtol=1e-14)
    assert report.loc["net:equity", "limit"] == 0.4


def test_dv01_budget_on_signed_net():
    # Net DV01 = NAV/1e4 · (0.5·6 − 0.2·2) = 26 000 BRL/bp; budget 13 000 halves the rate book.
    w = _w(NTNB=0.5, DI1=0.2, IND=0.4)
    out, report = apply_limits(w, META, NAV, PortfolioLimits(dv01_budget_brl=13_000))
    assert report.loc["net_dv01", "value_before"] == pytest.approx(26_000, rel=1e-14)
    assert_allclose(report.loc["net_dv01", "value_after"], 13_000, rtol=1e-14)
    assert_allclose(out, _w(NTNB=0.25, DI1=0.1, IND=0.4), rtol=1e-14)


def test_dv01_hedged_book_uses_no_budget():
    # 0.3 NTNB (6y) against 0.9 paid DI1 (2y): net DV01 zero, nothing to cut.
    w = _w(NTNB=0.3, DI1=0.9)
    out, report = apply_limits(w, META, NAV, PortfolioLimits(dv01_budget_brl=1_000))
    assert_allclose(out, w, rtol=0, atol=0)
    assert not bool(report.loc["net_dv01", "binding"])


def test_fx_delta_budget():
    w = _w(USDBRL=0.3, ES=0.4, IND=0.2)
    out, report = apply_limits(w, META, NAV, PortfolioLimits(fx_delta_limit=0.35))
    assert_allclose(out, _w(USDBRL=0.15, ES=0.2, IND=0.2), rtol=1e-14)
    assert_allclose(report.loc["net_fx_delta", "value_after"], 0.35, rtol=1e-14)


LIMITS = PortfolioLimits(
    gross_by_class={"rates": 1.0, "equity": 0.5, "fx": 0.4},
    net_by_class={"equity": 0.3, "rates": 0.6},
    total_gross=1.5,
    dv01_budget_brl=30_000,
    fx_delta_limit=0.3,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(-2, 2, allow_nan=False), min_size=6, max_size=6))
def test_idempotent_and_feasible(values):
    w = pd.Series(values, index=META.index)
    once, report = apply_limits(w, META, NAV, LIMITS)
    twice, _ = apply_limits(once, META, NAV, LIMITS)
    assert_allclose(twice, once, rtol=0, atol=0)
    assert (report["value_after"].abs() <= report["limit"] * (1 + 1e-9)).all()
    # Limits only scale down: same signs, no larger magnitudes.
    assert (np.sign(once[once != 0]) == np.sign(w[once != 0])).all()
    assert (once.abs() <= w.abs() + 1e-15).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"total_gross": -1.0}, "total_gross must be positive, got -1.0"),
        ({"gross_by_class": {"fx": 0}}, r"gross_by_class\[fx\] must be positive, got 0"),
        ({"dv01_budget_brl": 0.0}, "dv01_budget_brl must be positive"),
    ],
)
def test_limits_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PortfolioLimits(**kwargs)


def test_apply_limits_bad_inputs():
    with pytest.raises(ValueError, match=r"meta is missing instruments: \['DAP'\]"):
        apply_limits(pd.Series({"DAP": 0.1}), META, NAV, LIMITS)
    with pytest.raises(ValueError, match=r"meta is missing columns: \['fx_delta'\]"):
        apply_limits(_w(), META.drop(columns="fx_delta"), NAV, LIMITS)
    with pytest.raises(ValueError, match="nav must be positive, got 0"):
        apply_limits(_w(), META, 0, LIMITS)
