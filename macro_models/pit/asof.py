"""What "as of D" means: everything known before the end of day D in São Paulo."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FUND_TZ = ZoneInfo("America/Sao_Paulo")


def as_of_cutoff(as_of: date | datetime | None) -> datetime:
    """The exclusive UTC upper bound on ``known_at`` for ``as_of``.

    A date means the whole of that day in São Paulo (the fund's books close there); a datetime is
    taken as given (naive datetimes are UTC); None means now.
    """
    if as_of is None:
        return datetime.now(UTC)
    if isinstance(as_of, datetime):
        return as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    end_local = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=FUND_TZ)
    return end_local.astimezone(UTC)
