"""``macro run-daily``: run the steps for one date, time them, record the run."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine, text

from macro_models.pipeline import steps


@dataclass(frozen=True)
class StepResult:
    name: str
    seconds: float
    status: str
    detail: str


@dataclass(frozen=True)
class RunResult:
    run_date: date
    started_at: datetime
    finished_at: datetime
    steps: list[StepResult]

    @property
    def ok(self) -> bool:
        return all(s.status == "ok" for s in self.steps)

    @property
    def summary(self) -> str:
        failed = [s.name for s in self.steps if s.status != "ok"]
        if failed:
            return f"{self.run_date}: FAILED at {failed[0]}"
        return f"{self.run_date}: {self.steps[-1].detail}"


def run_daily(
    engine: Engine,
    run_date: date,
    *,
    dry_run: bool = False,
    on_step: Callable[[StepResult], None] | None = None,
) -> RunResult:
    plan: list[tuple[str, Callable[[], str]]] = [
        ("ingest", lambda: steps.ingest(engine, run_date)),
        ("transform", steps.transform),
        ("agents", lambda: steps.agents(engine, run_date)),
        ("strategies", lambda: steps.strategies(engine, run_date)),
        ("signals", lambda: steps.signals(engine, run_date)),
        ("portfolio", lambda: steps.portfolio(engine, run_date)),
        ("risk", lambda: steps.risk(engine, run_date)),
    ]
    started, results = datetime.now(UTC), []
    for name, fn in plan:
        t0 = time.perf_counter()
        try:
            detail, status = fn(), "ok"
        except Exception as exc:  # noqa: BLE001 - a failed step is reported, later ones skipped
            detail, status = f"{type(exc).__name__}: {exc}", "failed"
        result = StepResult(name, round(time.perf_counter() - t0, 2), status, detail)
        results.append(result)
        if on_step:
            on_step(result)
        if status != "ok":
            break
    run = RunResult(run_date, started, datetime.now(UTC), results)
    if not dry_run:
        record_run(engine, run)
    return run


def record_run(engine: Engine, run: RunResult) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                """
                insert into analytics.pipeline_runs
                    (run_date, started_at, finished_at, status, steps, summary)
                values (:d, :s, :f, :status, cast(:steps as jsonb), :summary)
                """
            ),
            {
                "d": run.run_date,
                "s": run.started_at,
                "f": run.finished_at,
                "status": "success" if run.ok else "failed",
                "steps": json.dumps([asdict(s) for s in run.steps]),
                "summary": run.summary,
            },
        )
