"""The AgentReport every agent returns and analytics.agent_reports stores."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

Direction = Literal[-1, 0, 1]


@dataclass(frozen=True)
class AgentSignal:
    """One view. direction: +1 hawkish / long, -1 dovish / short, 0 neutral (see signal_id)."""

    signal_id: str
    direction: Direction
    strength: float  # 0..1
    confidence: float  # 0..1
    horizon: str
    rationale: str


@dataclass(frozen=True)
class AgentReport:
    agent_id: str
    as_of_date: date
    headline: str
    signals: list[AgentSignal]
    key_drivers: list[str]
    risks: list[str]
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["as_of_date"] = self.as_of_date.isoformat()
        return out
