from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import text

from api.deps import EngineDep
from api.schemas.agents import AgentReportPublic, AgentReportsPublic

router = APIRouter(prefix="/agents", tags=["agents"])

_LATEST = text(
    """
    select distinct on (agent_id) agent_id, as_of_date, created_at, report
    from analytics.agent_reports
    where as_of_date <= :as_of
    order by agent_id, as_of_date desc
    """
)


@router.get("/latest", response_model=AgentReportsPublic)
def read_latest_reports(
    engine: EngineDep,
    as_of: Annotated[
        date | None, Query(description="Latest report on or before this date.")
    ] = None,
) -> AgentReportsPublic:
    """Each agent's most recent report (on or before ``as_of`` when given)."""
    with engine.connect() as conn:
        rows = conn.execute(_LATEST, {"as_of": as_of or date(2999, 12, 31)}).all()
    data = [
        AgentReportPublic(
            agent_id=r.agent_id,
            as_of_date=r.as_of_date,
            created_at=r.created_at,
            headline=r.report["headline"],
            signals=r.report["signals"],
            key_drivers=r.report["key_drivers"],
            risks=r.report["risks"],
            diagnostics=r.report["diagnostics"],
        )
        for r in rows
    ]
    return AgentReportsPublic(data=data, count=len(data))
