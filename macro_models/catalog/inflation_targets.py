"""Brazil's inflation targets (CMN resolutions), dated by decision so they are point-in-time."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).with_name("inflation_targets.csv")


@dataclass(frozen=True)
class InflationTarget:
    year: int
    target_pct: float
    tolerance_pp: float
    decided_on: date


@lru_cache(maxsize=1)
def _targets() -> dict[int, InflationTarget]:
    with PATH.open(newline="") as fh:
        return {
            int(r["year"]): InflationTarget(
                int(r["year"]),
                float(r["target_pct"]),
                float(r["tolerance_pp"]),
                date.fromisoformat(r["decided_on"]),
            )
            for r in csv.DictReader(fh)
        }


def target_for(as_of: date) -> InflationTarget:
    """The target in force for ``as_of``'s calendar year, as decided before ``as_of``."""
    t = _targets().get(as_of.year)
    if t is None or t.decided_on > as_of:
        raise ValueError(f"no inflation target for {as_of.year} decided by {as_of}")
    return t
