"""The HTTP API through TestClient, on the sample gold database (one test per verb × status)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from api.deps import engine_dep
from api.main import app
from macro_models import __version__
from macro_models.agents.runner import run_monetary_policy, save_report
from macro_models.catalog import get_series
from macro_models.pit import as_of_cutoff
from tests.conftest import TEST_DB, fresh_database

pytestmark = pytest.mark.slow

IPCA = get_series("bcb_sgs__433")


def _client_for(engine: Engine) -> Iterator[TestClient]:
    saved = dict(app.dependency_overrides)
    app.dependency_overrides[engine_dep] = lambda: engine
    try:
        with TestClient(app) as c:
            yield c
    finally:
        app.dependency_overrides.clear()
        app.dependency_overrides.update(saved)


@pytest.fixture
def client(gold_engine) -> Iterator[TestClient]:
    yield from _client_for(gold_engine)


def _utc(s: str) -> datetime:
    return datetime.fromisoformat(s).astimezone(UTC)


def _last_ipca_month_known_before(cutoff: datetime) -> date:
    """By the catalog's release rule, not by the data: the newest month released before cutoff."""
    month = date(cutoff.year, cutoff.month, 1)
    while IPCA.known_at(month) >= cutoff:
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    return month


# --- /health --------------------------------------------------------------------------------


def test_read_health_200(client):
    resp = client.get("/health")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "database": "ok", "version": __version__}


def test_read_health_503_when_the_database_is_unreachable():
    dead = create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/nowhere", connect_args={"connect_timeout": 2}
    )
    for c in _client_for(dead):
        resp = c.get("/health")
        assert resp.status_code == 503
        assert "database unreachable" in resp.json()["detail"]
    dead.dispose()


# --- /series/{series_id} --------------------------------------------------------------------


def test_read_series_200(client):
    resp = client.get("/series/bcb_sgs__432")
    assert resp.status_code == 200
    body = resp.json()
    spec = get_series("bcb_sgs__432")
    assert body["series_id"] == "bcb_sgs__432"
    assert (body["name"], body["unit"], body["frequency"]) == (spec.name, spec.unit, "daily")
    assert body["count"] > 0
    assert body["count"] == len(body["data"])
    dates = [r["date"] for r in body["data"]]
    assert dates == sorted(dates)
    assert len(set(dates)) == len(dates)  # one vintage per date


def test_read_series_404_for_an_unknown_id(client):
    resp = client.get("/series/nope__1")
    assert resp.status_code == 404
    assert resp.json()["detail"] == "unknown series 'nope__1'"


def test_read_series_as_of_a_date_is_point_in_time(client):
    resp = client.get("/series/bcb_sgs__433", params={"as_of": "2020-03-31"})
    assert resp.status_code == 200
    body = resp.json()
    cutoff = as_of_cutoff(date(2020, 3, 31))
    assert _utc(body["as_of"]) == cutoff == datetime(2020, 4, 1, 3, 0, tzinfo=UTC)
    assert body["count"] > 0
    assert all(_utc(r["known_at"]) < cutoff for r in body["data"])
    last = date.fromisoformat(body["data"][-1]["date"])
    assert last == _last_ipca_month_known_before(cutoff)
    assert last <= date(2020, 2, 1)  # March's IPCA came out in mid-April


@pytest.mark.parametrize(
    ("as_of", "last_month"),
    [
        # February 2020's IPCA was released 2020-03-13 09:00 São Paulo = 12:00 UTC.
        pytest.param("2020-03-13T12:00:00Z", "2020-01-01", id="at-release-excluded"),
        pytest.param("2020-03-13T12:00:01Z", "2020-02-01", id="just-after-release"),
        pytest.param("2020-03-13T09:00:01-03:00", "2020-02-01", id="offset-after-release"),
        pytest.param("2020-03-13T11:59:59", "2020-01-01", id="naive-is-utc"),
        # A midnight timestamp is an instant, not the whole day (which would include 12:00).
        pytest.param("2020-03-13T00:00:00Z", "2020-01-01", id="midnight-utc"),
        pytest.param("2020-03-13T00:00:00-03:00", "2020-01-01", id="midnight-sao-paulo"),
        pytest.param("2020-03-13", "2020-02-01", id="date-is-whole-day"),
    ],
)
def test_read_series_as_of_an_instant(client, as_of, last_month):
    resp = client.get("/series/bcb_sgs__433", params={"as_of": as_of, "start": "2019-06-01"})
    assert resp.status_code == 200
    body = resp.json()
    cutoff = _utc(body["as_of"])
    if "T" in as_of:
        parsed = datetime.fromisoformat(as_of)
        assert cutoff == (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
    assert body["data"][-1]["date"] == last_month
    assert all(_utc(r["known_at"]) < cutoff for r in body["data"])


def test_read_series_window(client):
    resp = client.get("/series/bcb_sgs__432", params={"start": "2024-01-01", "end": "2024-01-31"})
    assert resp.status_code == 200
    dates = [r["date"] for r in resp.json()["data"]]
    assert dates[0] == "2024-01-01"
    assert dates[-1] == "2024-01-31"
    assert len(dates) == 31  # calendar-daily series


def test_read_series_422_when_start_is_after_end(client):
    resp = client.get("/series/bcb_sgs__432", params={"start": "2024-02-01", "end": "2024-01-01"})
    assert resp.status_code == 422
    assert "after end" in resp.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"as_of": "yesterday"}, id="as_of-word"),
        pytest.param({"as_of": "2020-13-01"}, id="as_of-month-13"),
        pytest.param({"as_of": "2020-03-31T25:00:00"}, id="as_of-hour-25"),
        pytest.param({"start": "2020/01/01"}, id="start-slashes"),
    ],
)
def test_read_series_422_on_invalid_query(client, params):
    resp = client.get("/series/bcb_sgs__432", params=params)
    assert resp.status_code == 422
    assert resp.json()["detail"][0]["loc"][:2] == ["query", next(iter(params))]


@pytest.fixture(scope="module")
def bare_engine(pg) -> Iterator[Engine]:
    """A migrated database where dbt has never run: no gold layer."""
    eng = create_engine(fresh_database(pg, f"{TEST_DB}_bare"))
    yield eng
    eng.dispose()


def test_read_series_503_before_gold_is_built(bare_engine):
    for c in _client_for(bare_engine):
        resp = c.get("/series/bcb_sgs__432")
        assert resp.status_code == 503
        assert "dbt build" in resp.json()["detail"]


# --- /agents/latest -------------------------------------------------------------------------

REPORT_DAYS = (date(2024, 6, 28), date(2024, 12, 27))


@pytest.fixture
def saved_reports(gold_engine) -> Iterator[None]:
    for day in REPORT_DAYS:
        save_report(gold_engine, run_monetary_policy(gold_engine, day))
    yield
    with gold_engine.begin() as conn:
        conn.execute(
            text("delete from analytics.agent_reports where as_of_date in (:a, :b)"),
            dict(zip("ab", REPORT_DAYS, strict=True)),
        )


def test_read_latest_reports_200(client, saved_reports, gold_engine):
    resp = client.get("/agents/latest")
    assert resp.status_code == 200
    body = resp.json()
    assert body["count"] == 1 == len(body["data"])  # one per agent: the latest
    (report,) = body["data"]
    assert report["agent_id"] == "monetary_policy"
    assert report["as_of_date"] == "2024-12-27"
    assert report["headline"].strip()
    assert report["signals"][0]["signal_id"] == "br_policy_vs_taylor"
    assert report["signals"][0]["direction"] in (-1, 0, 1)
    assert report["diagnostics"]["ipca_last_month"] == "2024-11-01"
    with gold_engine.connect() as conn:
        cutoff = conn.execute(
            text("select as_of_cutoff from analytics.agent_reports where as_of_date = :d"),
            {"d": date(2024, 12, 27)},
        ).scalar_one()
    assert cutoff == as_of_cutoff(date(2024, 12, 27))


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        pytest.param("2010-01-01", [], id="before-any-report"),
        pytest.param("2024-06-27", [], id="day-before-first"),
        pytest.param("2024-06-28", ["2024-06-28"], id="on-the-day"),
        pytest.param("2024-12-26", ["2024-06-28"], id="between"),
        pytest.param("2025-01-01", ["2024-12-27"], id="after-last"),
    ],
)
def test_read_latest_reports_as_of(client, saved_reports, as_of, expected):
    resp = client.get("/agents/latest", params={"as_of": as_of})
    assert resp.status_code == 200
    body = resp.json()
    assert body["count"] == len(expected)
    assert [r["as_of_date"] for r in body["data"]] == expected


def test_read_latest_reports_422_on_invalid_as_of(client):
    resp = client.get("/agents/latest", params={"as_of": "not-a-date"})
    assert resp.status_code == 422


# --- OpenAPI --------------------------------------------------------------------------------


def test_openapi_lists_the_routes(client):
    resp = client.get("/openapi.json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    assert {"/health", "/series/{series_id}", "/agents/latest"} <= set(paths)
    for path in ("/health", "/series/{series_id}", "/agents/latest"):
        ok = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in ok  # a response_model on every route
