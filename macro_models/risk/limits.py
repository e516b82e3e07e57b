"""Risk limits, their utilisation, and the circuit breaker that scales the book down.

All monitored values are magnitudes compared with positive limits (the sign is dropped):

* ``var_99``: 1-day 99 % VaR as a fraction of NAV (0.02 = 2 %);
* ``drawdown``: fall from the NAV peak as a positive fraction (0.10 = 10 % below the peak);
* ``concentration``: the largest position's share of total component VaR (or of gross
  exposure), a fraction;
* ``dv01``: BRL per basis point of the rates book.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "warning", "breach"]


@dataclass(frozen=True)
class Limit:
    """A limit on ``name``: breach above ``limit``, warning from ``warn_fraction * limit``."""

    name: str
    limit: float
    warn_fraction: float = 0.8

    def __post_init__(self) -> None:
        if not self.limit > 0:
            raise ValueError(f"limit of {self.name!r} must be > 0, got {self.limit!r}")
        if not 0 < self.warn_fraction <= 1:
            raise ValueError(f"warn_fraction must be in (0, 1], got {self.warn_fraction!r}")


@dataclass(frozen=True)
class LimitCheck:
    """Value against its limit; ``utilisation = |value| / limit``."""

    name: str
    value: float
    limit: float
    utilisation: float
    status: Status


def standard_limits(
    nav: float,
    var_99: float = 0.02,
    drawdown: float = 0.10,
    concentration: float = 0.35,
    dv01_per_nav: float = 2e-4,
) -> tuple[Limit, ...]:
    """The fund's default limits; ``dv01`` in BRL per bp is ``dv01_per_nav * nav``.

    With the defaults a BRL 100m fund may carry BRL 20k per bp, about 2 years of duration on
    the whole NAV.
    """
    if not nav > 0:
        raise ValueError(f"nav must be > 0, got {nav!r}")
    return (
        Limit("var_99", var_99),
        Limit("drawdown", drawdown),
        Limit("concentration", concentration),
        Limit("dv01", dv01_per_nav * nav),
    )


def check_limits(values: Mapping[str, float], limits: Iterable[Limit]) -> list[LimitCheck]:
    """Check each limit against ``values[limit.name]``.

    Status is "breach" when utilisation > 1, "warning" when it is >= ``warn_fraction``, else
    "ok". Values without a limit are ignored.

    Raises
    ------
    ValueError
        Listing the limits that have no value.
    """
    limits = list(limits)
    missing = [lim.name for lim in limits if lim.name not in values]
    if missing:
        raise ValueError(f"no value for limits: {missing}")
    checks = []
    for lim in limits:
        value = float(values[lim.name])
        use = abs(value) / lim.limit
        status: Status = "breach" if use > 1.0 else "warning" if use >= lim.warn_fraction else "ok"
        checks.append(LimitCheck(lim.name, value, lim.limit, use, status))
    return checks


def _scale_for(check: LimitCheck) -> float:
    if check.status != "breach":
        return 1.0
    if check.name == "var_99":
        return 0.0 if check.utilisation > 1.5 else 1.0 / check.utilisation
    if check.name == "drawdown":
        return 0.5
    if check.name == "concentration":
        return 1.0
    return 1.0 / check.utilisation


def circuit_breaker(checks: Sequence[LimitCheck]) -> float:
    """Scale factor in [0, 1] to apply to every position, the minimum over the checks.

    * no breach (ok or warning): 1.0;
    * ``var_99`` breach: ``1 / utilisation`` (VaR is homogeneous in the exposures, so this
      brings it back to the limit), but 0.0 (flatten) above 1.5x the limit;
    * ``drawdown`` breach: 0.5 (halve risk until the PM reviews);
    * ``concentration`` breach: 1.0, since scaling the book does not change a share: it needs a
      trade in that position, which the check's status already flags;
    * any other breach (``dv01``...): ``1 / utilisation``, back to the limit.
    """
    return min((_scale_for(c) for c in checks), default=1.0)
