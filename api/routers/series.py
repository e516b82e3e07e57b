from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BeforeValidator
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from api.deps import EngineDep, SeriesDep
from api.schemas.series import ObservationPublic, SeriesPublic
from macro_models.pit import as_of_cutoff

router = APIRouter(prefix="/series", tags=["series"])


def _day_or_instant(value: object) -> object:
    """A bare YYYY-MM-DD is a day; anything with a time is an instant, even at midnight.

    Left to itself, ``date | datetime`` reads '2020-03-13T00:00:00Z' as the date 2020-03-13,
    i.e. the whole São Paulo day: 27 hours of look-ahead.
    """
    if isinstance(value, str) and len(value.strip()) > 10:
        return datetime.fromisoformat(value.strip())
    return value


_QUERY = text(
    """
    select distinct on (observation_date) observation_date, value, known_at
    from gold.fct_observations
    where series_id = :id and known_at < :cutoff
      and observation_date between :start and :end
    order by observation_date, known_at desc
    """
)


@router.get("/{series_id}", response_model=SeriesPublic)
def read_series(
    engine: EngineDep,
    spec: SeriesDep,
    as_of: Annotated[
        date | datetime | None,
        BeforeValidator(_day_or_instant),
        Query(description="Date (end of that day in São Paulo) or timestamp; default now."),
    ] = None,
    start: Annotated[date, Query()] = date(1900, 1, 1),
    end: Annotated[date, Query()] = date(2999, 12, 31),
) -> SeriesPublic:
    """The series as it was known at ``as_of``: the latest vintage of each date known by then."""
    if start > end:
        raise HTTPException(status_code=422, detail=f"start {start} is after end {end}")
    cutoff = as_of_cutoff(as_of)
    params = {"id": spec.series_id, "cutoff": cutoff, "start": start, "end": end}
    try:
        with engine.connect() as conn:
            rows = conn.execute(_QUERY, params).all()
    except ProgrammingError:
        raise HTTPException(
            status_code=503, detail="gold layer not built yet: run dbt build"
        ) from None
    data = [ObservationPublic(date=r[0], value=float(r[1]), known_at=r[2]) for r in rows]
    return SeriesPublic(
        series_id=spec.series_id,
        name=spec.name,
        unit=spec.unit,
        frequency=spec.frequency,
        as_of=cutoff,
        data=data,
        count=len(data),
    )
