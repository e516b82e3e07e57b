"""Run an agent for a date: point-in-time load, pure model, then persist the report."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import Engine, text

from macro_models.agents.monetary_policy import IPCA, SELIC, TaylorRuleAgent
from macro_models.agents.report import AgentReport
from macro_models.catalog.inflation_targets import target_for
from macro_models.pit import PointInTimeLoader, as_of_cutoff


def run_monetary_policy(engine: Engine, as_of: date, agent: TaylorRuleAgent | None = None):
    agent = agent or TaylorRuleAgent()
    loader = PointInTimeLoader(engine)
    frame = loader.load([SELIC, IPCA], as_of - timedelta(days=450), as_of, as_of)
    # A NaN in a wide frame means "another series has a row that day", not a missing value.
    return agent.run(frame[SELIC], frame[IPCA], target_for(as_of), as_of)


def save_report(engine: Engine, report: AgentReport) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                """
                insert into analytics.agent_reports (agent_id, as_of_date, as_of_cutoff, report)
                values (:agent, :d, :cutoff, cast(:report as jsonb))
                on conflict (agent_id, as_of_date) do update
                    set report = excluded.report, as_of_cutoff = excluded.as_of_cutoff,
                        created_at = now()
                """
            ),
            {
                "agent": report.agent_id,
                "d": report.as_of_date,
                "cutoff": as_of_cutoff(report.as_of_date),
                "report": json.dumps(report.to_json()),
            },
        )
