from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel


class AgentSignalPublic(BaseModel):
    signal_id: str
    direction: int
    strength: float
    confidence: float
    horizon: str
    rationale: str


class AgentReportPublic(BaseModel):
    agent_id: str
    as_of_date: date
    created_at: datetime
    headline: str
    signals: list[AgentSignalPublic]
    key_drivers: list[str]
    risks: list[str]
    diagnostics: dict[str, Any]


class AgentReportsPublic(BaseModel):
    data: list[AgentReportPublic]
    count: int
