"""The monetary-policy agent end to end: bronze → dbt gold → point-in-time load → report.

The no-look-ahead test builds its own database twice: once with data up to D, once more after
later observations and revisions of old ones have landed. The report for D must not change.
The real-data tests run ``load_inputs`` + the agent on every month end 2012–2023.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine, text

from macro_models.agents.monetary_policy import IPCA, SELIC, TaylorRuleAgent, load_inputs
from macro_models.agents.report import AgentReport
from macro_models.agents.runner import run_monetary_policy
from macro_models.calendars import add_business_days, period_end
from macro_models.config import get_settings
from macro_models.connectors import sample
from macro_models.connectors.base import RawPayload
from macro_models.connectors.bcb_sgs import BcbSgsFetcher
from macro_models.connectors.ingest import ingest_source, make_client
from macro_models.connectors.load import load_payload
from macro_models.dbt_runner import run_dbt
from macro_models.pit import PointInTimeLoader, as_of_cutoff
from tests.conftest import TEST_DB, fresh_database

pytestmark = pytest.mark.slow

D = date(2024, 6, 28)
SP = ZoneInfo("America/Sao_Paulo")


def ipca_release(month: date) -> datetime:
    """The catalog rule for IPCA: month end + 10 B3 business days, 09:00 São Paulo (as UTC)."""
    day = add_business_days(period_end(month, "monthly"), 10, "B3")
    return datetime.combine(day, time(9, 0), tzinfo=SP).astimezone(UTC)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


# --- on the shared sample gold ------------------------------------------------------------


@pytest.fixture(scope="module")
def report_d(gold_engine) -> AgentReport:
    return run_monetary_policy(gold_engine, D)


def test_report_for_d_uses_the_latest_released_ipca(report_d):
    last = date.fromisoformat(report_d.diagnostics["ipca_last_month"])
    cutoff = as_of_cutoff(D)
    assert ipca_release(last) < cutoff
    assert ipca_release(next_month(last)) >= cutoff  # nothing fresher was out yet
    # By hand: May 2024 ends on a Friday; ten B3 sessions later is Friday 14 June.
    assert last == date(2024, 5, 1)
    assert ipca_release(last) == datetime(2024, 6, 14, 12, 0, tzinfo=UTC)


def test_report_for_d_matches_gold_read_with_plain_sql(report_d, gold_engine):
    with gold_engine.connect() as conn:
        ipca = conn.execute(
            text(
                "select observation_date, value from gold.fct_observations "
                "where series_id = :id and observation_date between :lo and :hi "
                "order by observation_date"
            ),
            {"id": IPCA, "lo": date(2023, 6, 1), "hi": date(2024, 5, 1)},
        ).all()
        selic = conn.execute(
            text(
                "select value from gold.fct_observations "
                "where series_id = :id and observation_date = :d"
            ),
            {"id": SELIC, "d": D},
        ).scalar_one()
    assert len(ipca) == 12  # the sample has one vintage per month
    expected = (np.prod([1 + r.value / 100 for r in ipca]) - 1) * 100
    d = report_d.diagnostics
    assert d["ipca_12m_pct"] == pytest.approx(expected, abs=1e-4)
    assert d["selic_pct"] == selic
    assert d["selic_observation_date"] == D.isoformat()  # known at 00:00 on D itself
    assert d["inflation_target_pct"] == 3.0
    assert report_d.as_of_date == D
    assert report_d.agent_id == "monetary_policy"


def test_run_before_any_data_raises_listing_the_series(gold_engine):
    with pytest.raises(ValueError, match=rf"for {SELIC}, {IPCA} between"):
        run_monetary_policy(gold_engine, date(2013, 6, 1))


# --- no look-ahead ------------------------------------------------------------------------

START, END = date(2023, 1, 2), date(2024, 12, 30)
REVISED_IPCA = date(2024, 3, 1)  # inside D's 12-month window
LATE = datetime(2024, 8, 1, 12, 0, tzinfo=UTC)


@dataclass
class Rebuilt:
    engine: Engine
    before: AgentReport  # D's report with data up to D
    after: AgentReport  # D's report once later data and revisions have landed
    ipca_first: float  # REVISED_IPCA as first published


def _build(url: str) -> None:
    proc = run_dbt(["build", "--quiet"], url=url, capture=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _revision(code: str, day: date, value: float, fetched_at: datetime) -> RawPayload:
    dmy = day.strftime("%d/%m/%Y")
    return RawPayload(
        source="bcb_sgs",
        item=code,
        request={
            "url": f"http://sgs.test/dados/serie/bcdata.sgs.{code}/dados",
            "params": {"formato": "json", "dataInicial": dmy, "dataFinal": dmy},
        },
        body=f'[{{"data":"{dmy}","valor":"{value:.2f}"}}]'.encode(),
        fetched_at=fetched_at,
    )


def _value(engine: Engine, series_id: str, day: date) -> float:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select value from gold.fct_observations where series_id = :s "
                "and observation_date = :d and vintage_number = 1"
            ),
            {"s": series_id, "d": day},
        ).scalar_one()


@pytest.fixture(scope="module")
def rebuilt(pg, tmp_path_factory) -> Iterator[Rebuilt]:
    url = fresh_database(pg, f"{TEST_DB}_noahead")
    eng = create_engine(url)
    replay = tmp_path_factory.mktemp("sample_noahead")
    sample.write_sample(replay, START, END)
    settings = get_settings()
    with make_client(settings, replay_dir=replay) as client:
        first = ingest_source(eng, "bcb_sgs", None, START, D, client, settings)
        assert all(r.rows_added > 0 for r in first)
        _build(url)
        before = run_monetary_policy(eng, D)
        ipca_first, selic_first = _value(eng, IPCA, REVISED_IPCA), _value(eng, SELIC, D)

        # Later: the whole history is fetched again (adding the observations after D)…
        later = ingest_source(eng, "bcb_sgs", None, START, END, client, settings)
        assert sum(r.rows_added for r in later) > 0
    # …and old values are revised: one fetched at D's cutoff itself, one weeks after D.
    cutoff = as_of_cutoff(D)
    for payload in (
        _revision("433", REVISED_IPCA, ipca_first + 0.50, cutoff),
        _revision("432", D, selic_first + 1.00, cutoff),
        _revision("433", date(2024, 5, 1), 1.50, LATE),
    ):
        assert load_payload(eng, BcbSgsFetcher, payload).rows_added == 1
    _build(url)
    after = run_monetary_policy(eng, D)
    yield Rebuilt(eng, before, after, ipca_first)
    eng.dispose()


def test_no_look_ahead_report_for_d_is_unchanged_by_later_data(rebuilt):
    a, b = rebuilt.before, rebuilt.after
    assert a.diagnostics == b.diagnostics
    assert a.signals == b.signals
    assert a.to_json() == b.to_json()
    assert a.diagnostics["ipca_last_month"] == "2024-05-01"


def test_the_later_data_is_really_in_gold(rebuilt):
    """Guards the test above against passing vacuously."""
    cutoff = as_of_cutoff(D)
    with rebuilt.engine.connect() as conn:
        after_d = conn.execute(
            text("select count(*) from gold.fct_observations where observation_date > :d"),
            {"d": D},
        ).scalar_one()
        at_cutoff = conn.execute(
            text(
                "select count(*) from gold.fct_observations "
                "where known_at = :c and observation_date <= :d"
            ),
            {"c": cutoff, "d": D},
        ).scalar_one()
    assert after_d > 0
    assert at_cutoff == 2  # the two revisions of old values made at the cutoff instant
    loader = PointInTimeLoader(rebuilt.engine)
    later = loader.load([IPCA], date(2024, 1, 1), D, cutoff + timedelta(microseconds=1))
    assert later.loc["2024-03-01", IPCA] == pytest.approx(rebuilt.ipca_first + 0.50)
    frozen = loader.load([IPCA], date(2024, 1, 1), D, D)
    assert frozen.loc["2024-03-01", IPCA] == pytest.approx(rebuilt.ipca_first)


def test_a_later_as_of_does_see_the_new_data(rebuilt):
    seen = run_monetary_policy(rebuilt.engine, D + timedelta(days=1))
    assert seen.diagnostics["selic_observation_date"] == (D + timedelta(days=1)).isoformat()
    assert seen.diagnostics["ipca_12m_pct"] != rebuilt.before.diagnostics["ipca_12m_pct"]
    july = run_monetary_policy(rebuilt.engine, date(2024, 7, 31))
    assert july.diagnostics["ipca_last_month"] == "2024-06-01"


# --- real data, every month end 2012–2023 -------------------------------------------------


@pytest.fixture(scope="module")
def real_reports(real_gold_engine) -> dict[date, AgentReport]:
    loader = PointInTimeLoader(real_gold_engine)
    agent = TaylorRuleAgent()
    days = [d.date() for d in pd.date_range("2012-01-31", "2023-12-31", freq="ME")]
    return {d: agent.run(as_of=d, **load_inputs(loader, d)) for d in days}


def _signal(report: AgentReport, signal_id: str):
    return next(s for s in report.signals if s.signal_id == signal_id)


def _months(reports, first: str, last: str) -> list[AgentReport]:
    return [
        r for d, r in reports.items() if date.fromisoformat(first) <= d <= date.fromisoformat(last)
    ]


def test_real_data_a_report_every_month_end(real_reports):
    assert len(real_reports) == 144
    for d, report in real_reports.items():
        assert report.as_of_date == d and report.agent_id == "monetary_policy"
        assert [s.signal_id for s in report.signals] == [
            "br_policy_vs_taylor",
            "us_policy_vs_taylor",
            "br_market_vs_focus_path",
            "br_policy_surprise",
        ]
        assert all(0.0 <= s.confidence <= 1.0 and 0.0 <= s.strength <= 1.0 for s in report.signals)
        assert json.loads(json.dumps(report.to_json()))["as_of_date"] == d.isoformat()
    # What is missing in the real set is said, not invented: DI1 only in 2021–22, Focus IPCA
    # 12m to 2022-11, IBC-Br too short before 2013.
    missing = {d: r.diagnostics["missing_inputs"] for d, r in real_reports.items()}
    assert "di1" in missing[date(2019, 6, 30)] and "di1" not in missing[date(2021, 6, 30)]
    assert "focus_ipca_12m" in missing[date(2023, 6, 30)]
    assert "ibc_br" in missing[date(2012, 6, 30)] and "ibc_br" not in missing[date(2014, 6, 30)]
    assert _signal(real_reports[date(2019, 6, 30)], "br_policy_surprise").confidence == 0.0


def test_real_data_2015_16_selic_at_14_25_is_tight_against_the_rule(real_reports):
    # Recession and fiscal crisis: a negative output gap and Focus expectations well below the
    # realised 10 % IPCA put the rule under a Selic of 14.25 %: the rule points to cuts.
    for report in _months(real_reports, "2015-07-31", "2016-12-31"):
        assert _signal(report, "br_policy_vs_taylor").direction == -1, report.headline
    for report in _months(real_reports, "2015-08-31", "2016-09-30"):
        assert report.diagnostics["selic_pct"] == 14.25
        assert report.diagnostics["output_gap_pct"] < -1.5


def test_real_data_2020_selic_at_2_is_loose_against_the_rule(real_reports):
    for report in _months(real_reports, "2020-08-31", "2020-12-31"):
        assert report.diagnostics["selic_pct"] == 2.0
        assert _signal(report, "br_policy_vs_taylor").direction == 1, report.headline
    # June 2020: the COVID slump, an output gap near −12 %.
    assert real_reports[date(2020, 6, 30)].diagnostics["output_gap_pct"] < -8


def test_real_data_2021_22_hiking_cycle(real_reports):
    cycle = _months(real_reports, "2021-01-31", "2022-08-31")
    selic = [r.diagnostics["selic_pct"] for r in cycle]
    assert selic[0] == 2.0 and selic[-1] == 13.75 and selic == sorted(selic)
    # Behind the curve through 2021, in both countries.
    for report in _months(real_reports, "2021-01-31", "2021-11-30"):
        assert _signal(report, "br_policy_vs_taylor").direction == 1, report.headline
    for report in _months(real_reports, "2021-06-30", "2022-12-31"):
        assert _signal(report, "us_policy_vs_taylor").direction == 1, report.headline
    # The DI1 curve priced the hikes ahead of time…
    path = real_reports[date(2021, 6, 30)].diagnostics["policy_path"]["implied_selic_path_pct"]
    assert path["126-252bd"] > path["0-21bd"] + 1.5
    # …October 2021's fiscal scare was a hawkish surprise well beyond Focus revisions…
    oct21 = real_reports[date(2021, 10, 31)]
    assert _signal(oct21, "br_policy_surprise").direction == 1
    assert oct21.diagnostics["policy_path"]["surprise"]["surprise_bp"] > 100
    # …and in January 2022 the market path stood above the Focus median for the year end.
    jan22 = real_reports[date(2022, 1, 31)]
    assert _signal(jan22, "br_market_vs_focus_path").direction == 1
    assert jan22.diagnostics["policy_path"]["market_vs_focus"]["gap_bp"] > 50
    # In 2021 the real Focus Selic series is absent: that view is empty, not made up.
    assert _signal(real_reports[date(2021, 6, 30)], "br_market_vs_focus_path").confidence == 0.0
