"""B3 DI1 (one-day interbank deposit future): maturities, business days, PU, rate and DV01.

A DI1 contract pays 100,000 points (R$ 1.00 each) at maturity, the first business day of its
contract month. Its price (PU) on a trade date discounts that at the contract's rate, compounded
on business days (base 252), B3's own formula::

    PU = 100000 / (1 + r) ** (du / 252)

where ``du`` is the number of business days from the trade date (inclusive) to maturity
(exclusive): the days on which the CDI accrues. On the maturity date ``du = 0``, ``PU = 100000``.
Rates are in percent per year (base 252).

Business days here are Brazil's *national* business days (ANBIMA's calendar: weekdays less the
national holidays), not B3 sessions: the CDI accrues on 24 and 31 December and on Sao Paulo's
municipal holidays, when B3 may be closed (SGS 12 has a CDI on those days). Counting B3 sessions
instead makes du two days short per year and a ten-year rate ~15 bp wrong. Trade dates are B3
sessions (macro_models.calendars); only du and maturities use this calendar.

The formulas are plain functions of numbers or numpy arrays (broadcast together).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import numpy.typing as npt

FACE_VALUE = 100_000.0
DAYS_PER_YEAR = 252
# B3 month codes, January..December.
MONTH_CODES = "FGHJKMNQUVXZ"
_CONTRACT = re.compile(r"(?:DI1)?([FGHJKMNQUVXZ])(\d{2})")
# The calendar spans every two-digit DI1 year and DI1 history.
FIRST_YEAR, LAST_YEAR = 1990, 2099
# Dia Nacional de Zumbi e da Consciência Negra (20 November): national holiday from 2024
# (Lei 14.759/2023).
_BLACK_CONSCIOUSNESS_FROM = 2024

ArrayLike = float | int | npt.ArrayLike


def easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Meeus/Jones/Butcher algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month, day = divmod(h + l_ - 7 * m + 90, 25)
    return date(year, month, (h + l_ - 7 * m + 33 * month + 19) % 32)


def national_holidays(year: int) -> list[date]:
    """Brazil's national holidays of ``year`` (ANBIMA's list), weekends included."""
    e = easter(year)
    days = [
        date(year, 1, 1),  # Confraternização Universal
        e - timedelta(days=48),  # Carnaval (Monday)
        e - timedelta(days=47),  # Carnaval (Tuesday)
        e - timedelta(days=2),  # Paixão de Cristo
        date(year, 4, 21),  # Tiradentes
        date(year, 5, 1),  # Dia do Trabalho
        e + timedelta(days=60),  # Corpus Christi
        date(year, 9, 7),  # Independência
        date(year, 10, 12),  # Nossa Senhora Aparecida
        date(year, 11, 2),  # Finados
        date(year, 11, 15),  # Proclamação da República
        date(year, 12, 25),  # Natal
    ]
    if year >= _BLACK_CONSCIOUSNESS_FROM:
        days.append(date(year, 11, 20))
    return sorted(days)


@lru_cache(maxsize=1)
def _calendar() -> np.busdaycalendar:
    holidays = [d for y in range(FIRST_YEAR, LAST_YEAR + 1) for d in national_holidays(y)]
    return np.busdaycalendar(holidays=np.array(holidays, dtype="datetime64[D]"))


def _day(d: date) -> np.datetime64:
    if not FIRST_YEAR <= d.year <= LAST_YEAR:
        raise ValueError(f"{d} is outside the DI1 calendar {FIRST_YEAR}..{LAST_YEAR}")
    return np.datetime64(d, "D")


def is_business_day(d: date) -> bool:
    """A national business day: a weekday that is not a national holiday."""
    return bool(np.is_busday(_day(d), busdaycal=_calendar()))


def first_business_day_on_or_after(d: date) -> date:
    return np.busday_offset(_day(d), 0, roll="forward", busdaycal=_calendar()).astype(date)


def parse_contract(code: str) -> tuple[int, int]:
    """``'F25'`` or ``'DI1F25'`` -> (2025, 1). Years are two digits, 20xx."""
    m = _CONTRACT.fullmatch(code)
    if m is None:
        raise ValueError(
            f"DI1 contract codes are a month letter ({MONTH_CODES}) and two year digits, "
            f"e.g. 'F25' or 'DI1F25'; got {code!r}"
        )
    return 2000 + int(m.group(2)), MONTH_CODES.index(m.group(1)) + 1


def contract_code(year: int, month: int) -> str:
    """(2025, 1) -> ``'F25'``."""
    if not 2000 <= year <= 2099 or not 1 <= month <= 12:
        raise ValueError(f"no DI1 contract code for {year}-{month:02d}")
    return f"{MONTH_CODES[month - 1]}{year % 100:02d}"


def maturity_date(code: str) -> date:
    """The maturity of a DI1 contract: the first business day of its month."""
    year, month = parse_contract(code)
    return first_business_day_on_or_after(date(year, month, 1))


def business_days(trade_date: date, maturity: date) -> int:
    """B3's ``du``: business days from ``trade_date`` (inclusive) to ``maturity`` (exclusive).

    0 on the maturity date. For a trade date that is a business day this is also the count of
    business days after the trade date up to and including maturity.
    """
    if maturity < trade_date:
        raise ValueError(f"maturity {maturity} is before the trade date {trade_date}")
    return int(np.busday_count(_day(trade_date), _day(maturity), busdaycal=_calendar()))


def _out(x: np.ndarray) -> float | np.ndarray:
    return float(x) if np.ndim(x) == 0 else x


def pu_from_rate(rate_pct: ArrayLike, du: ArrayLike) -> float | np.ndarray:
    """PU (points) of a DI1 at ``rate_pct`` (% per year, base 252) with ``du`` business days."""
    r = np.asarray(rate_pct, dtype=float) / 100.0
    n = np.asarray(du, dtype=float)
    if np.any(n < 0) or np.any(r <= -1):
        raise ValueError("du must be >= 0 and rate_pct > -100")
    return _out(FACE_VALUE / (1.0 + r) ** (n / DAYS_PER_YEAR))


def rate_from_pu(pu: ArrayLike, du: ArrayLike) -> float | np.ndarray:
    """Implied rate (% per year, base 252) of a DI1 priced at ``pu``; NaN where ``du`` is 0."""
    p = np.asarray(pu, dtype=float)
    n = np.asarray(du, dtype=float)
    if np.any(p <= 0) or np.any(n < 0):
        raise ValueError("pu must be > 0 and du >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n > 0, ((FACE_VALUE / p) ** (DAYS_PER_YEAR / n) - 1.0) * 100.0, np.nan)
    return _out(rate)


def dv01(pu: ArrayLike, du: ArrayLike) -> float | np.ndarray:
    """BRL per contract for a 1 bp rise in the rate: ``PU * du/252 / (1 + r) / 10000``.

    The PU falls by this much when the rate rises by 1 bp (a long-PU, i.e. short-rate, position
    loses it); 0 at maturity.
    """
    p = np.asarray(pu, dtype=float)
    n = np.asarray(du, dtype=float)
    r = np.asarray(rate_from_pu(p, n), dtype=float) / 100.0
    with np.errstate(invalid="ignore"):
        value = np.where(n > 0, p * n / DAYS_PER_YEAR / (1.0 + r) / 10_000.0, 0.0)
    return _out(value)


def correction_factor(cdi_pct: ArrayLike, days: ArrayLike = 1) -> float | np.ndarray:
    """B3's FC: ``(1 + DI/100) ** (days/252)``, the CDI accrual of the previous settlement.

    ``cdi_pct`` is the DI rate of the day before (% per year, base 252); ``days`` the national
    business days since the previous settlement (1 on an ordinary day).
    """
    r = np.asarray(cdi_pct, dtype=float) / 100.0
    n = np.asarray(days, dtype=float)
    if np.any(n < 0) or np.any(r <= -1):
        raise ValueError("days must be >= 0 and cdi_pct > -100")
    return _out((1.0 + r) ** (n / DAYS_PER_YEAR))


def daily_settlement(
    pu_today: ArrayLike,
    pu_previous: ArrayLike,
    cdi_pct: ArrayLike,
    contracts: ArrayLike = 1,
    days: ArrayLike = 1,
) -> float | np.ndarray:
    """B3's daily adjustment (ajuste diário) in BRL of a position carried from the previous day.

    ``AD = (PA_t − PA_{t−1} · FC_t) · M · N`` with PA the settlement PUs of the same contract,
    FC the correction factor (``correction_factor(cdi_pct, days)``), M = R$ 1.00 per point and
    N = ``contracts``, positive for a position long in PU. Buying the rate is selling PU: a
    payer of the rate holds N < 0. The PU is carried forward at the CDI, so a position earns
    only the excess over the CDI.
    """
    pa_t = np.asarray(pu_today, dtype=float)
    pa_prev = np.asarray(pu_previous, dtype=float)
    fc = np.asarray(correction_factor(cdi_pct, days), dtype=float)
    return _out((pa_t - pa_prev * fc) * np.asarray(contracts, dtype=float))
