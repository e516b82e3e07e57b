"""BCB SGS over real HTTP against a local server (127.0.0.1 only), and the retry policy."""

from __future__ import annotations

import socket
from datetime import date

import httpx
import pytest
from sqlalchemy import text

from macro_models.config import Settings
from macro_models.connectors import http as http_mod
from macro_models.connectors.errors import FetchError, PayloadError
from macro_models.connectors.http import get_with_retries
from macro_models.connectors.ingest import ingest_source
from tests.connectors.helpers import bronze, count, fixture_bytes, rows, sgs_path
from tests.utils.http_server import Reply

PATH_433 = sgs_path("433")


@pytest.fixture
def client():
    with httpx.Client(timeout=5, trust_env=False) as c:
        yield c


def test_ingest_ipca_2023_over_http(clean_db, sgs_server, client):
    sgs_server.route(PATH_433, Reply(body=fixture_bytes("bcb_sgs__433_2023.json")))
    settings = Settings(bcb_sgs_url=sgs_server.base_url)

    results = ingest_source(
        clean_db, "bcb_sgs", ["433"], date(2023, 1, 1), date(2023, 12, 31), client, settings
    )

    assert [(r.source, r.item, r.rows_seen, r.rows_added) for r in results] == [
        ("bcb_sgs", "433", 12, 12)
    ]
    assert sgs_server.requests == [
        (PATH_433, {"formato": "json", "dataInicial": "01/01/2023", "dataFinal": "31/12/2023"})
    ]
    loaded = bronze(clean_db, "433")
    assert len(loaded) == 12
    assert {r.observation_date for r in loaded} == {date(2023, m, 1) for m in range(1, 13)}
    with clean_db.connect() as conn:
        archived = conn.execute(text("select request, content_type from bronze.raw_payloads")).one()
    assert archived.request["url"] == sgs_server.base_url + PATH_433
    assert archived.request["params"]["dataFinal"] == "31/12/2023"
    assert archived.content_type == "application/json"


def test_daily_series_over_25_years_makes_three_windowed_requests(clean_db, sgs_server, client):
    path = sgs_path("1")
    sgs_server.route(
        path,
        Reply(body=fixture_bytes("bcb_sgs__1_jan2024.json").replace(b"2024", b"2000")),
        Reply(body=fixture_bytes("bcb_sgs__1_jan2024.json").replace(b"2024", b"2010")),
        Reply(body=fixture_bytes("bcb_sgs__1_jan2024.json")),
    )
    settings = Settings(bcb_sgs_url=sgs_server.base_url + "/")  # a trailing slash is tolerated

    results = ingest_source(
        clean_db, "bcb_sgs", ["1"], date(2000, 1, 1), date(2024, 12, 31), client, settings
    )

    windows = [(p["dataInicial"], p["dataFinal"]) for _, p in sgs_server.requests]
    assert windows == [
        ("01/01/2000", "31/12/2009"),
        ("01/01/2010", "31/12/2019"),
        ("01/01/2020", "31/12/2024"),
    ]
    assert {p for p, _ in sgs_server.requests} == {path}
    assert all(params["formato"] == "json" for _, params in sgs_server.requests)
    assert [r.rows_added for r in results] == [4, 4, 4]
    assert {r.observation_date.year for r in bronze(clean_db, "1")} == {2000, 2010, 2024}


def test_html_page_with_status_200_is_archived_and_rejected(clean_db, sgs_server, client):
    sgs_server.route(
        PATH_433,
        Reply(body=fixture_bytes("error_page.html"), content_type="text/html; charset=utf-8"),
    )
    settings = Settings(bcb_sgs_url=sgs_server.base_url)
    with pytest.raises(PayloadError, match=r"^bcb_sgs 433: an HTML page instead of JSON"):
        ingest_source(
            clean_db, "bcb_sgs", ["433"], date(2023, 1, 1), date(2023, 12, 31), client, settings
        )
    assert count(clean_db, "bronze.bcb_sgs__series") == 0
    assert count(clean_db, "bronze.raw_payloads") == 1
    assert count(clean_db, "bronze.payload_rejections") == 1


# --- retries ------------------------------------------------------------------------------


def _get(client, sgs_server, sleeps, **kw):
    return get_with_retries(
        client,
        sgs_server.base_url + PATH_433,
        {"formato": "json"},
        source="bcb_sgs",
        item="433",
        sleep=sleeps.append,
        **kw,
    )


@pytest.fixture
def caps(monkeypatch):
    """Record the jitter cap of each backoff; sleep the whole cap (deterministic)."""
    seen: list[float] = []

    def uniform(lo: float, hi: float) -> float:
        assert lo == 0
        seen.append(hi)
        return hi

    monkeypatch.setattr(http_mod.random, "uniform", uniform)
    return seen


def test_503_twice_then_200_succeeds(sgs_server, client, caps):
    sgs_server.route(
        PATH_433, Reply(503, b"busy", "text/plain"), Reply(503, b"busy", "text/plain"), Reply()
    )
    sleeps: list[float] = []

    resp = _get(client, sgs_server, sleeps, backoff_s=1.0)

    assert resp.status_code == 200
    assert resp.content == b"[]"
    assert len(sgs_server.requests) == 3
    assert len(sleeps) == 2
    assert caps == [1.0, 2.0]  # exponential caps
    assert sleeps == caps


def test_backoff_is_jittered_below_the_cap(sgs_server, client):
    sgs_server.route(PATH_433, Reply(502, b""), Reply(502, b""), Reply(502, b""), Reply())
    sleeps: list[float] = []
    _get(client, sgs_server, sleeps, backoff_s=0.5)
    assert len(sleeps) == 3
    assert all(0 <= s <= cap for s, cap in zip(sleeps, [0.5, 1.0, 2.0], strict=True))


def test_backoff_cap_is_bounded_by_max_backoff(sgs_server, client, caps):
    sgs_server.route(PATH_433, Reply(500, b"oops", "text/plain"))
    with pytest.raises(FetchError):
        _get(client, sgs_server, [], retries=5, backoff_s=1.0, max_backoff_s=3.0)
    assert caps == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_429_honours_retry_after(sgs_server, client, caps):
    sgs_server.route(
        PATH_433, Reply(429, b"slow down", "text/plain", {"Retry-After": "7"}), Reply()
    )
    sleeps: list[float] = []

    resp = _get(client, sgs_server, sleeps)

    assert resp.status_code == 200
    assert sleeps == [7.0]
    assert caps == []  # the server's wait replaces the jittered backoff
    assert len(sgs_server.requests) == 2


def test_persistent_500_gives_up_after_retries_plus_one(sgs_server, client):
    sgs_server.route(PATH_433, Reply(500, b"oops", "text/plain"))
    sleeps: list[float] = []

    with pytest.raises(FetchError, match=r"gave up after 4 attempts: HTTP 500") as info:
        _get(client, sgs_server, sleeps, retries=3)

    assert len(sgs_server.requests) == 4
    assert len(sleeps) == 3
    err = info.value
    assert (err.source, err.item) == ("bcb_sgs", "433")
    assert err.request.startswith(sgs_server.base_url + PATH_433 + "?formato=json")
    assert str(err).startswith("bcb_sgs 433: gave up after 4 attempts: HTTP 500 (request: http://")


@pytest.mark.parametrize(
    "status",
    [pytest.param(404, id="not-found"), pytest.param(400, id="bad-request")],
)
def test_client_error_fails_at_once(sgs_server, client, status):
    sgs_server.route(PATH_433, Reply(status, b'{"error":"no"}'))
    sleeps: list[float] = []

    with pytest.raises(FetchError, match=rf"^bcb_sgs 433: HTTP {status} \(request: http://"):
        _get(client, sgs_server, sleeps)

    assert len(sgs_server.requests) == 1
    assert sleeps == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused_is_retried_then_fails_cleanly(client):
    url = f"http://127.0.0.1:{_closed_port()}{PATH_433}"
    sleeps: list[float] = []

    with pytest.raises(FetchError, match=r"gave up after 3 attempts: transport error") as info:
        get_with_retries(
            client, url, {}, source="bcb_sgs", item="433", retries=2, sleep=sleeps.append
        )

    assert len(sleeps) == 2
    assert info.value.item == "433"


def test_timeout_is_retried_then_fails_cleanly():
    attempts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(str(request.url))
        raise httpx.ReadTimeout("read timed out", request=request)

    sleeps: list[float] = []
    with httpx.Client(transport=httpx.MockTransport(handler)) as c:
        with pytest.raises(FetchError, match=r"gave up after 3 attempts: timed out"):
            get_with_retries(
                c,
                "http://sgs.test/x",
                {},
                source="bcb_sgs",
                item="433",
                retries=2,
                sleep=sleeps.append,
            )
    assert len(attempts) == 3
    assert len(sleeps) == 2


def test_timeout_then_success(sgs_server, client):
    """A transport failure followed by a good answer returns the good answer."""
    sgs_server.route(PATH_433, Reply(body=b'[{"data":"01/01/2023","valor":"0.53"}]'))
    calls = {"n": 0}
    real = client.get

    def flaky_get(url, params=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ConnectTimeout("connect timed out")
        return real(url, params=params)

    client.get = flaky_get  # type: ignore[method-assign]
    sleeps: list[float] = []
    resp = _get(client, sgs_server, sleeps)
    assert resp.json() == rows([("01/01/2023", "0.53")])
    assert calls["n"] == 2
    assert len(sleeps) == 1
