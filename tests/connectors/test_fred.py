"""FRED/ALFRED: saved payloads, malformed bodies, source-dated vintages, paging over real HTTP."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from macro_models.catalog import get_series
from macro_models.config import Settings
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.fred import FredFetcher, FredQuery
from macro_models.connectors.ingest import ingest_source
from macro_models.connectors.load import load_payload
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "fred"
PATH = "/fred/series/observations"


def _payload(body: bytes, item: str = "CPIAUCSL", fetched: datetime | None = None) -> RawPayload:
    return RawPayload(
        source="fred",
        item=item,
        request={"url": PATH, "params": {"series_id": item}},
        body=body,
        fetched_at=fetched or datetime(2024, 6, 1, tzinfo=UTC),
    )


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_transform_keeps_every_vintage_and_skips_missing_values() -> None:
    cpi = FredFetcher.transform_data(_payload(_fixture("fred__CPIAUCSL_alfred.json")))
    assert len(cpi) == 6
    jan = [r for r in cpi if r.observation_date == date(2023, 1, 1)]
    assert [r.value for r in jan] == [Decimal("299.170"), Decimal("300.356")]
    assert [r.vintage_date for r in jan] == [date(2023, 2, 14), date(2024, 2, 13)]
    dgs10 = FredFetcher.transform_data(_payload(_fixture("fred__DGS10_jan2024.json"), "DGS10"))
    assert [r.observation_date.day for r in dgs10] == [2, 3, 4, 5]  # 1 Jan is "." (holiday)


def test_query_refuses_odd_ids_and_reversed_windows() -> None:
    with pytest.raises(ValueError, match="letters, digits"):
        FredQuery(series_id="DGS10&api_key=x", start=date(2024, 1, 1), end=date(2024, 2, 1))
    with pytest.raises(ValueError, match="after end"):
        FredQuery(series_id="DGS10", start=date(2024, 2, 1), end=date(2024, 1, 1))


def _obs(**over) -> dict:
    row = {"realtime_start": "2024-01-03", "realtime_end": "9999-12-31", "date": "2024-01-02",
           "value": "3.95"}  # fmt: skip
    row.update(over)
    return row


def _doc(*rows) -> bytes:
    return json.dumps({"count": len(rows), "observations": list(rows)}).encode()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(b"", "empty body", id="empty-body"),
        pytest.param(b"<html><body>502 Bad Gateway</body></html>", "HTML page", id="html"),
        pytest.param(b'{"observations": [{"date": "2024', "truncated JSON", id="truncated"),
        pytest.param(
            b'{"error_code": 400, "error_message": "Bad Request. The series does not exist."}',
            "FRED error 400",
            id="error-object",
        ),
        pytest.param(b"[1, 2]", "expected a JSON object", id="list"),
        pytest.param(b'{"count": 0}', "no 'observations'", id="no-observations"),
        pytest.param(_doc({"date": "2024-01-02", "value": "1"}), "lacks one of", id="missing-rt"),
        pytest.param(_doc(_obs(value="3,95")), "comma", id="comma-decimal"),
        pytest.param(_doc(_obs(value="n/a")), "not a number", id="non-numeric"),
        pytest.param(_doc(_obs(date="02/01/2024")), "not YYYY-MM-DD", id="bad-date"),
        pytest.param(
            _doc(_obs(realtime_start="2024-02-01", realtime_end="2024-01-01")),
            "after realtime_end",
            id="reversed-realtime",
        ),
        pytest.param(_doc(_obs(), _obs(value="4.0")), "appears twice", id="duplicate-vintage"),
    ],
)
def test_malformed_payloads_fail_and_write_nothing(clean_db, body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason) as info:
        load_payload(clean_db, FredFetcher, _payload(body, "DGS10"))
    assert "fred DGS10" in str(info.value)
    with clean_db.connect() as conn:
        assert conn.execute(text("select count(*) from bronze.fred__observations")).scalar() == 0
        archived = conn.execute(text("select count(*) from bronze.raw_payloads")).scalar()
        rejected = conn.execute(text("select reason from bronze.payload_rejections")).scalars()
        assert archived == 1 and reason.split()[0] in " ".join(rejected)


def _vintages(engine, series_id: str) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select observation_date, value, known_at from bronze.fred__observations "
                "where series_id = :s order by observation_date, known_at"
            ),
            {"s": series_id},
        ).all()


def test_vintages_are_dated_by_alfred_and_idempotent(clean_db) -> None:
    payload = _payload(_fixture("fred__CPIAUCSL_alfred.json"))
    first = load_payload(clean_db, FredFetcher, payload)
    again = load_payload(clean_db, FredFetcher, payload)
    assert (first.rows_added, again.rows_added) == (6, 0)
    rows = _vintages(clean_db, "CPIAUCSL")
    spec = get_series("fred__CPIAUCSL")
    assert rows[0][2] == spec.release_at(date(2023, 2, 14))  # 08:30 New York, as UTC
    assert rows[0][2] == datetime(2023, 2, 14, 13, 30, tzinfo=UTC)
    assert rows[1][2] == spec.release_at(date(2024, 2, 13))


def test_older_vintages_arriving_later_are_still_added_with_their_own_date(clean_db) -> None:
    doc = json.loads(_fixture("fred__CPIAUCSL_alfred.json"))
    latest = {**doc, "observations": [o for o in doc["observations"] if o["realtime_end"] > "9"]}
    oldest = {**doc, "observations": [o for o in doc["observations"] if o["realtime_end"] < "9"]}
    load_payload(clean_db, FredFetcher, _payload(json.dumps(latest).encode()))
    added = load_payload(clean_db, FredFetcher, _payload(json.dumps(oldest).encode())).rows_added
    assert added == 3
    jan = [r for r in _vintages(clean_db, "CPIAUCSL") if r[0] == date(2023, 1, 1)]
    assert [r[1] for r in jan] == [Decimal("299.170"), Decimal("300.356")]


def test_a_contradicting_vintage_is_refused(clean_db) -> None:
    load_payload(clean_db, FredFetcher, _payload(_doc(_obs()), "DGS10"))
    with pytest.raises(ValueError, match="contradicts"):
        load_payload(clean_db, FredFetcher, _payload(_doc(_obs(value="9.99")), "DGS10"))
    assert len(_vintages(clean_db, "DGS10")) == 1


def test_pages_over_real_http_and_never_archives_the_key(clean_db, sgs_server) -> None:
    page = json.loads(_fixture("fred__DGS10_jan2024.json"))
    page1 = {**page, "count": 150_001, "observations": page["observations"][:3]}
    page2 = {**page, "count": 150_001, "offset": 100_000, "observations": page["observations"][3:]}
    sgs_server.route(
        PATH, Reply(body=json.dumps(page1).encode()), Reply(body=json.dumps(page2).encode())
    )
    settings = Settings(fred_url=sgs_server.base_url, fred_api_key="secret-key")
    with httpx.Client() as client:
        results = ingest_source(
            clean_db, "fred", ["DGS10"], date(2024, 1, 1), date(2024, 1, 5), client, settings
        )
    assert [r.rows_added for r in results] == [2, 2]
    offsets = [p["offset"] for path, p in sgs_server.requests if path == PATH]
    assert offsets == ["0", "100000"]
    first = sgs_server.requests[0][1]
    assert first["api_key"] == "secret-key" and first["realtime_end"] == "9999-12-31"
    assert first["observation_start"] == "2024-01-01" and first["file_type"] == "json"
    with clean_db.connect() as conn:
        requests = conn.execute(text("select request::text from bronze.raw_payloads")).scalars()
        assert all("secret-key" not in r for r in requests)


def test_tidy_csv_rows_use_the_catalog_rule(clean_db, tmp_path) -> None:
    from macro_models.connectors.ingest import ingest_csv_file

    path = tmp_path / "fred__DGS10.csv"
    path.write_text("date,value\n2024-01-02,3.95\n2024-01-03,3.91\n")
    assert ingest_csv_file(clean_db, path).rows_added == 2
    rows = _vintages(clean_db, "DGS10")
    assert rows[0][2] == get_series("fred__DGS10").known_at(date(2024, 1, 2))
