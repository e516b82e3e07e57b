"""The five agents, registered explicitly, and how each is run for a date.

Each entry loads its inputs point-in-time (the agent module's ``load_inputs``) and runs the pure
model. The cross-asset agent runs last: it checks its regime against the others' views.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from macro_models.agents.report import AgentReport
from macro_models.pit import PointInTimeLoader


def _inflation(loader: PointInTimeLoader, as_of: date, _: list[AgentReport]) -> AgentReport:
    from macro_models.agents.inflation import InflationAgent, load_inputs

    return InflationAgent().run(load_inputs(loader, as_of), as_of)


def _monetary_policy(loader: PointInTimeLoader, as_of: date, _: list[AgentReport]) -> AgentReport:
    from macro_models.agents.monetary_policy import TaylorRuleAgent, load_inputs

    return TaylorRuleAgent().run(as_of=as_of, **load_inputs(loader, as_of))


def _fiscal(loader: PointInTimeLoader, as_of: date, _: list[AgentReport]) -> AgentReport:
    from macro_models.agents.fiscal import FiscalAgent, load_inputs

    return FiscalAgent().run(load_inputs(loader, as_of), as_of)


def _fx_equilibrium(loader: PointInTimeLoader, as_of: date, _: list[AgentReport]) -> AgentReport:
    from macro_models.agents.fx_equilibrium import FxEquilibriumAgent, load_inputs

    return FxEquilibriumAgent().run(load_inputs(loader, as_of), as_of)


def _cross_asset(loader: PointInTimeLoader, as_of: date, others: list[AgentReport]) -> AgentReport:
    from macro_models.agents.cross_asset import CrossAssetAgent, load_inputs

    return CrossAssetAgent().run(load_inputs(loader, as_of), as_of, other_reports=others)


AgentRun = Callable[[PointInTimeLoader, date, list[AgentReport]], AgentReport]
AGENTS: dict[str, AgentRun] = {
    "inflation": _inflation,
    "monetary_policy": _monetary_policy,
    "fiscal": _fiscal,
    "fx_equilibrium": _fx_equilibrium,
    "cross_asset": _cross_asset,
}


@dataclass(frozen=True)
class AgentsRun:
    reports: list[AgentReport]
    failures: dict[str, str]  # agent_id -> one-line reason


def run_agents(engine: Engine, as_of: date) -> AgentsRun:
    """Every agent for ``as_of``; an agent without the data it needs is reported, not fatal."""
    loader = PointInTimeLoader(engine)
    reports: list[AgentReport] = []
    failures: dict[str, str] = {}
    for agent_id, run in AGENTS.items():
        try:
            reports.append(run(loader, as_of, list(reports)))
        except ValueError as exc:  # the loader's "nothing known" or a model's refusal
            failures[agent_id] = str(exc).splitlines()[0]
    return AgentsRun(reports, failures)
