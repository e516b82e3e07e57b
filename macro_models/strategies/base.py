"""What a strategy is and what it returns.

A strategy is a small model class (parameters only in ``__init__``, no I/O, no clock): given a
point-in-time frame of the loader columns it declares, for a date, it returns target exposures
per instrument of the instrument catalog (``dim_instruments``), each with its z-score, entry,
stop and take-profit levels, and the rationale. The runner loads the frame with
``PointInTimeLoader.load(strategy.columns, as_of - lookback, as_of, as_of)``, so a strategy
never sees data not known at ``as_of``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, ClassVar, Protocol

import pandas as pd

ASSET_CLASSES = ("fx", "rates", "inflation", "cross_asset", "event")


@dataclass(frozen=True)
class TargetExposure:
    """One instrument's target.

    exposure : signed risk units in [-1, 1] (+1 = the strategy's full long risk budget in the
        instrument; for rates instruments long means long the rate, i.e. paying DI1).
    zscore : the signal's standardised strength behind the exposure.
    entry, stop, take_profit : levels in the instrument's quote convention (dim_instruments).
    """

    instrument_id: str
    exposure: float
    zscore: float
    entry: float
    stop: float
    take_profit: float

    def __post_init__(self) -> None:
        if not -1.0 <= self.exposure <= 1.0:
            raise ValueError(f"{self.instrument_id}: exposure {self.exposure} outside [-1, 1]")


@dataclass(frozen=True)
class StrategySignal:
    strategy_id: str
    as_of_date: date
    exposures: list[TargetExposure]
    rationale: str
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["as_of_date"] = self.as_of_date.isoformat()
        return out


class Strategy(Protocol):
    strategy_id: ClassVar[str]
    asset_class: ClassVar[str]  # one of ASSET_CLASSES
    columns: ClassVar[tuple[str, ...]]  # PointInTimeLoader columns (macro_models.pit.columns)
    lookback_days: ClassVar[int]  # calendar days of history the signal needs

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal: ...
