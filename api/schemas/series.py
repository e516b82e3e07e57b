from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class ObservationPublic(BaseModel):
    date: date
    value: float
    known_at: datetime = Field(description="When this vintage became known (UTC).")


class SeriesPublic(BaseModel):
    series_id: str
    name: str
    unit: str
    frequency: str
    as_of: datetime = Field(description="Only vintages known before this instant are returned.")
    data: list[ObservationPublic]
    count: int
