"""IPEADATA (OData ``ValoresSerie``): saved payloads, malformed bodies, vintages, real HTTP,
replay of the sample files and tidy CSV rows.

The fixture under tests/fixtures/ipeadata has IPEADATA's exact JSON shape; its EMBI+ values are
realistic but hand-written (the format matters more than the exact numbers).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from macro_models.catalog import series as catalog
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.ipeadata import (
    IpeadataFetcher,
    IpeadataQuery,
    csv_record,
    replay,
    window_filter,
)
from macro_models.connectors.load import load_payload
from macro_models.connectors.sample_ipeadata import ipeadata_files
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ipeadata"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
CODE = "JPM366_EMBI366"
PATH = f"/api/odata4/ValoresSerie(SERCODIGO='{CODE}')"
URL = "http://www.ipeadata.gov.br" + PATH
WINDOW = (date(2022, 11, 16), date(2022, 11, 23))
FETCHED = datetime(2022, 12, 1, 12, 0, tzinfo=UTC)
BODY = (FIXTURES / "ipeadata__JPM366_EMBI366_nov2022.json").read_bytes()
TABLE = "bronze.ipeadata__values"


@pytest.fixture(autouse=True)
def pending_catalog():
    """The catalog with this source's rows (merged into series_catalog.csv)."""
    catalog.load_catalog.cache_clear()
    yield
    catalog.load_catalog.cache_clear()


@pytest.fixture
def db(clean_db):
    return clean_db


def _payload(body: bytes, code: str = CODE, fetched: datetime = FETCHED,
             window: tuple[date, date] = WINDOW) -> RawPayload:  # fmt: skip
    url = f"http://www.ipeadata.gov.br/api/odata4/ValoresSerie(SERCODIGO='{code}')"
    params = {"$filter": window_filter(*window)}
    return RawPayload("ipeadata", code, {"url": url, "params": params}, body, "application/json",
                      fetched)  # fmt: skip


def _doc(*rows: dict) -> bytes:
    return json.dumps({"@odata.context": "x", "value": list(rows)}).encode()


def _row(**over) -> dict:
    row = {"SERCODIGO": CODE, "VALDATA": "2022-11-23T00:00:00-03:00", "VALVALOR": 259.0,
           "NIVNOME": "", "TERCODIGO": ""}  # fmt: skip
    row.update(over)
    return row


def _bronze(engine) -> list:
    with engine.connect() as conn:
        return list(conn.execute(text(
            f"select series_code, territory_code, observation_date, value, known_at from {TABLE} "
            "order by observation_date, known_at")))  # fmt: skip


# --- transform on saved payloads ------------------------------------------------------------


def test_transform_reads_dates_and_values_and_skips_nulls() -> None:
    recs = IpeadataFetcher.transform_data(_payload(BODY))
    assert [r.observation_date for r in recs] == [
        date(2022, 11, 16), date(2022, 11, 17), date(2022, 11, 18), date(2022, 11, 22),
        date(2022, 11, 23),
    ]  # fmt: skip
    assert recs[-1].value == Decimal("259.0") and recs[-1].territory_code == ""


def test_summer_time_offsets_keep_their_local_date() -> None:
    body = _doc(_row(VALDATA="2015-01-02T00:00:00-02:00", VALVALOR=262.0))
    recs = IpeadataFetcher.transform_data(_payload(body, window=(date(2015, 1, 2),) * 2))
    assert recs[0].observation_date == date(2015, 1, 2)


def test_query_validates_code_and_window() -> None:
    with pytest.raises(ValueError, match="upper-case letters"):
        IpeadataQuery(code="jpm366 embi", start=date(2024, 1, 1), end=date(2024, 2, 1))
    with pytest.raises(ValueError, match="is after end"):
        IpeadataQuery(code=CODE, start=date(2024, 2, 1), end=date(2024, 1, 1))
    q = IpeadataFetcher.transform_query({"code": CODE, "start": date(2024, 1, 1),
                                         "end": date(2024, 12, 31)})  # fmt: skip
    assert q.odata_filter() == (
        "VALDATA ge 2024-01-01T00:00:00-02:00 and VALDATA lt 2025-01-01T00:00:00-02:00"
    )


MALFORMED = [
    pytest.param(b"", "empty body", id="empty"),
    pytest.param(b"<html><body>Service Unavailable</body></html>", "HTML page", id="html"),
    pytest.param(BODY[:150], "truncated JSON", id="truncated"),
    pytest.param(
        b'{"error":{"code":"","message":"The query specified is invalid"}}',
        "OData error",
        id="odata-error",
    ),  # fmt: skip
    pytest.param(b'{"@odata.context":"x"}', "no 'value' list", id="no-value-list"),
    pytest.param(
        _doc({"SERCODIGO": CODE, "DATA": "2022-11-23T00:00:00-03:00", "VALVALOR": 259.0}),
        "lacks one of",
        id="renamed-field",
    ),  # fmt: skip
    pytest.param(_doc(_row(VALVALOR="259,0")), "comma decimal", id="comma-decimal"),
    pytest.param(_doc(_row(VALVALOR="-")), "is a string", id="dash-value"),
    pytest.param(_doc(_row(VALVALOR="")), "is a string", id="empty-value"),
    pytest.param(_doc(_row(VALDATA="23/11/2022")), "is not 'YYYY-MM-DD", id="bad-date"),
    pytest.param(
        _doc(_row(VALDATA="2022-02-30T00:00:00-03:00")), "not a valid date", id="impossible-date"
    ),  # fmt: skip
    pytest.param(
        _doc(_row(VALDATA="1850-11-23T00:00:00-03:00")), "out of range", id="date-out-of-range"
    ),  # fmt: skip
    pytest.param(
        _doc(_row(VALDATA="2022-11-24T00:00:00-03:00")),
        "outside the requested",
        id="outside-window",
    ),  # fmt: skip
    pytest.param(_doc(_row(), _row(VALVALOR=260.0)), "appears twice", id="duplicate-date"),
    pytest.param(
        _doc(_row(SERCODIGO="BM12_IPCAEXP1212")), "not the requested", id="other-series"
    ),  # fmt: skip
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_transform_refuses(body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        IpeadataFetcher.transform_data(_payload(body))


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_load_archives_rejects_and_writes_nothing(db, body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        load_payload(db, IpeadataFetcher, _payload(body))
    with db.connect() as conn:
        assert conn.execute(text(f"select count(*) from {TABLE}")).scalar() == 0
        archived = conn.execute(text("select count(*) from bronze.raw_payloads")).scalar()
        reasons = conn.execute(text("select reason from bronze.payload_rejections")).scalars()
        reasons = list(reasons)
    assert archived == 1 and len(reasons) == 1 and reason.split()[0] in reasons[0]


def test_idempotent_and_a_changed_value_adds_one_vintage(db) -> None:
    assert load_payload(db, IpeadataFetcher, _payload(BODY)).rows_added == 5
    assert load_payload(db, IpeadataFetcher, _payload(BODY)).rows_added == 0
    rows = _bronze(db)
    # Catalog rule: next B3 business day at 09:00 Sao Paulo (12:00 UTC).
    assert rows[-1].known_at == datetime(2022, 11, 24, 12, 0, tzinfo=UTC)
    revised = BODY.replace(b'"VALVALOR":259.0', b'"VALVALOR":261.0')
    later = datetime(2022, 12, 5, 15, 0, tzinfo=UTC)
    assert load_payload(db, IpeadataFetcher, _payload(revised, fetched=later)).rows_added == 1
    last = [r for r in _bronze(db) if r.observation_date == date(2022, 11, 23)]
    assert [(r.value, r.known_at) for r in last] == [
        (Decimal("259.0"), datetime(2022, 11, 24, 12, 0, tzinfo=UTC)),
        (Decimal("261.0"), later),
    ]


def test_tidy_csv_rows_and_shared_files_load(db) -> None:
    rec = csv_record(CODE, date(2022, 11, 23), Decimal("259"))
    assert (rec.series_code, rec.territory_code) == (CODE, "")
    from macro_models.connectors.tidy_csv import csv_payload, parse_tidy_csv

    for path in sorted(SHARED.glob("ipeadata__*.csv")):
        payload = csv_payload(path)
        rows = parse_tidy_csv(payload)
        recs = [csv_record(payload.item, *row) for row in rows]
        spec = catalog.get_series(f"ipeadata__{payload.item}")
        assert spec.known_at(recs[-1].observation_date) > datetime(1994, 1, 1, tzinfo=UTC)
        assert len(recs) > 200


# --- real HTTP ------------------------------------------------------------------------------


def test_extract_over_real_http_follows_next_links(db, sgs_server) -> None:
    rows = json.loads(BODY)["value"]
    nxt = sgs_server.base_url + PATH + "?$skip=3"
    first = json.dumps({"@odata.context": "x", "value": rows[:3], "@odata.nextLink": nxt})
    sgs_server.route(PATH, Reply(body=first.encode()), Reply(body=_doc(*rows[3:])))
    query = IpeadataQuery(code=CODE, start=WINDOW[0], end=WINDOW[1])
    with httpx.Client(timeout=5, trust_env=False) as client:
        payloads = IpeadataFetcher.extract_data(query, client, sgs_server.base_url)
    assert [path for path, _ in sgs_server.requests] == [PATH, PATH]
    assert sgs_server.requests[0][1] == {"$filter": window_filter(*WINDOW)}
    assert sgs_server.requests[1][1] == {"$skip": "3"}
    added = [load_payload(db, IpeadataFetcher, p).rows_added for p in payloads]
    assert added == [3, 2]
    with db.connect() as conn:
        archived = conn.execute(text("select request from bronze.raw_payloads limit 1")).scalar()
    assert archived["url"] == sgs_server.base_url + PATH


# --- replay and sample ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ipeadata_sample")
    for name, doc in ipeadata_files(date(2023, 10, 2), date(2024, 3, 28), 7).items():
        (out / name).write_text(json.dumps(doc))
    return out


def _replay_client(directory: Path) -> httpx.Client:
    return httpx.Client(
        transport=httpx.MockTransport(lambda r: replay(directory, r) or httpx.Response(418))
    )


@pytest.mark.parametrize("code", ["JPM366_EMBI366", "BMF12_SWAPDI36012", "BM12_IPCAEXP1212"])
def test_replay_serves_the_window_and_loads(db, sample_dir: Path, code: str) -> None:
    start, end = date(2023, 12, 1), date(2024, 1, 31)
    query = IpeadataQuery(code=code, start=start, end=end)
    with _replay_client(sample_dir) as client:
        payloads = IpeadataFetcher.extract_data(query, client, "http://www.ipeadata.gov.br")
    recs = IpeadataFetcher.transform_data(payloads[0])
    assert recs and all(start <= r.observation_date <= end for r in recs)
    expected = 2 if code != CODE else 41  # B3 sessions of Dec 2023 and Jan 2024
    assert len(recs) == expected
    assert load_payload(db, IpeadataFetcher, payloads[0]).rows_added == expected
    assert load_payload(db, IpeadataFetcher, payloads[0]).rows_added == 0


def test_replay_ignores_other_requests_and_404s_unknown_codes(sample_dir: Path) -> None:
    other = httpx.Request("GET", "https://x/dados/serie/bcdata.sgs.1/dados")
    assert replay(sample_dir, other) is None
    unknown = httpx.Request("GET", "http://x/api/odata4/ValoresSerie(SERCODIGO='XYZ')")
    assert replay(sample_dir, unknown).status_code == 404


def test_sample_is_deterministic_modest_and_plausible() -> None:
    a = ipeadata_files(date(2014, 1, 2), date(2024, 12, 30), 7)
    assert a == ipeadata_files(date(2014, 1, 2), date(2024, 12, 30), 7)
    assert sum(len(d["value"]) for d in a.values()) < 20_000
    embi = [r["VALVALOR"] for r in a["ipeadata__JPM366_EMBI366.json"]["value"]]
    assert 120 < min(embi) and max(embi) < 800
    swap = [r["VALVALOR"] for r in a["ipeadata__BMF12_SWAPDI36012.json"]["value"]]
    assert 1.5 <= min(swap) and max(swap) < 18
