"""Per-instrument trading costs, slippage and margin, in fractions of notional.

Defaults are one-way costs of an institutional desk (2024 levels), stated per instrument:

============  ==========  ========  ==========  =================================================
instrument    cost (bp)   slippage  margin      basis
============  ==========  ========  ==========  =================================================
DI1           0.6         0.05 σ    1.5 %       ½ bp of rate × ~1y duration + B3 fees; B3 CORE
USDBRL        2.0         0.05 σ    12 %        NDF / DOL spread and fees; DOL margin
IND           2.0         0.05 σ    15 %        ½ tick (5 pts) + B3 fees; IND margin
ES            1.0         0.05 σ    6 %         ½ tick (0.25 pt) + CME fees; CME initial margin
ZN            1.0         0.05 σ    2.5 %       ½ tick (1/64 of 110) + fees; CBOT initial margin
NTNB          5.0         0.05 σ    5 %         1 bp of real yield bid-ask × ~4.5 duration; repo
============  ==========  ========  ==========  =================================================

Slippage grows with the day's volatility: ``k · σ_daily`` per unit traded (σ estimated from
returns known the day before).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InstrumentCosts:
    """cost_bps : one-way commission and half-spread, basis points of notional traded.
    slippage_vol : slippage per unit traded as a multiple of the daily return volatility.
    margin : initial margin per unit of gross notional (fraction).
    """

    cost_bps: float
    slippage_vol: float
    margin: float

    def __post_init__(self) -> None:
        for name in ("cost_bps", "slippage_vol", "margin"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")


DEFAULT_COSTS: dict[str, InstrumentCosts] = {
    "DI1": InstrumentCosts(0.6, 0.05, 0.015),
    "USDBRL": InstrumentCosts(2.0, 0.05, 0.12),
    "IND": InstrumentCosts(2.0, 0.05, 0.15),
    "ES": InstrumentCosts(1.0, 0.05, 0.06),
    "ZN": InstrumentCosts(1.0, 0.05, 0.025),
    "NTNB": InstrumentCosts(5.0, 0.05, 0.05),
}
