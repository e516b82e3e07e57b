"""Bronze vintages: idempotent loads, a changed value adds a row, known_at rules; replay mode."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import text

from macro_models.catalog import get_series
from macro_models.config import Settings
from macro_models.connectors.base import RawPayload
from macro_models.connectors.bcb_sgs import BcbSgsFetcher
from macro_models.connectors.ingest import ingest_source
from macro_models.connectors.load import load_payload
from macro_models.connectors.replay import ReplayTransport
from macro_models.connectors.sample import write_sample
from tests.connectors.helpers import bronze, count, dmy, fixture_bytes, sgs_request

SELIC = get_series("bcb_sgs__432")
DEC = (date(2023, 12, 11), date(2023, 12, 17))
BODY = fixture_bytes("bcb_sgs__432_dec2023.json")
FETCH_1 = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)  # long after every December release
FETCH_2 = FETCH_1 + timedelta(days=1)


def payload(body: bytes, fetched_at: datetime, window: tuple[date, date] = DEC) -> RawPayload:
    return RawPayload(
        source="bcb_sgs",
        item="432",
        request=sgs_request("432", *window),
        body=body,
        content_type="application/json",
        fetched_at=fetched_at,
    )


def with_value(day: str, value: str, body: bytes = BODY) -> bytes:
    data = json.loads(body)
    for r in data:
        if r["data"] == day:
            r["valor"] = value
    return json.dumps(data).encode()


def load(engine, p: RawPayload) -> int:
    result = load_payload(engine, BcbSgsFetcher, p)
    return result.rows_added


def test_same_payload_twice_adds_nothing_the_second_time(clean_db):
    assert load(clean_db, payload(BODY, FETCH_1)) == 7
    before = bronze(clean_db)

    assert load(clean_db, payload(BODY, FETCH_2)) == 0

    assert bronze(clean_db) == before
    assert count(clean_db, "bronze.bcb_sgs__series") == 7
    assert count(clean_db, "bronze.raw_payloads") == 1  # the same body is archived once


def test_first_vintage_known_at_is_the_catalog_release(clean_db):
    load(clean_db, payload(BODY, FETCH_1))
    loaded = bronze(clean_db, "432")
    assert [r.known_at for r in loaded] == [SELIC.known_at(r.observation_date) for r in loaded]
    assert all(r.known_at < FETCH_1 for r in loaded)
    # 432 is released at 00:00 Sao Paulo on the day itself.
    assert loaded[0].known_at == datetime(2023, 12, 11, 3, 0, tzinfo=UTC)


def test_changed_value_adds_exactly_one_new_vintage(clean_db):
    load(clean_db, payload(BODY, FETCH_1))
    revised = payload(with_value("17/12/2023", "12.00"), FETCH_2)

    assert load(clean_db, revised) == 1

    assert count(clean_db, "bronze.bcb_sgs__series") == 8
    vintages = [r for r in bronze(clean_db, "432") if r.observation_date == date(2023, 12, 17)]
    assert [str(v.value) for v in vintages] == ["11.75", "12.00"]  # the old one is kept
    old, new = vintages
    assert old.known_at == SELIC.known_at(date(2023, 12, 17))
    assert new.known_at >= revised.fetched_at
    assert new.known_at > old.known_at
    assert new.payload_sha256 != old.payload_sha256
    # Every other day still has exactly one vintage.
    others = [r for r in bronze(clean_db, "432") if r.observation_date != date(2023, 12, 17)]
    assert len(others) == 6


def test_value_reverted_adds_a_third_vintage(clean_db):
    load(clean_db, payload(BODY, FETCH_1))
    load(clean_db, payload(with_value("17/12/2023", "12.00"), FETCH_2))
    assert load(clean_db, payload(BODY, FETCH_2 + timedelta(days=1))) == 1
    vintages = [r for r in bronze(clean_db, "432") if r.observation_date == date(2023, 12, 17)]
    assert [str(v.value) for v in vintages] == ["11.75", "12.00", "11.75"]
    assert vintages[-1].known_at == FETCH_2 + timedelta(days=1)


def test_same_number_written_differently_is_not_a_revision(clean_db):
    load(clean_db, payload(BODY, FETCH_1))
    assert load(clean_db, payload(with_value("17/12/2023", "11.750"), FETCH_2)) == 0
    assert count(clean_db, "bronze.bcb_sgs__series") == 7


def test_fetched_before_release_is_known_at_fetch_time(clean_db):
    last = date(2023, 12, 17)
    fetched = SELIC.known_at(last) - timedelta(hours=1)  # the evening the Copom decision is out

    load(clean_db, payload(BODY, fetched))

    by_day = {r.observation_date: r.known_at for r in bronze(clean_db, "432")}
    assert by_day[last] == fetched  # least(catalog release, fetch)
    assert by_day[last] < SELIC.known_at(last)
    assert by_day[date(2023, 12, 11)] == SELIC.known_at(date(2023, 12, 11))


def test_revision_of_an_early_first_vintage_is_not_dated_before_release(clean_db):
    last = date(2023, 12, 17)
    early = SELIC.known_at(last) - timedelta(hours=2)
    load(clean_db, payload(BODY, early))
    load(clean_db, payload(with_value("17/12/2023", "12.00"), early + timedelta(hours=1)))
    vintages = [r for r in bronze(clean_db, "432") if r.observation_date == last]
    # The revision takes greatest(release, fetch): the release, here.
    assert [v.known_at for v in vintages] == [early, SELIC.known_at(last)]


def test_overlapping_windows_never_duplicate(clean_db):
    data = json.loads(BODY)
    first = [r for r in data if r["data"] <= "14/12/2023"]  # 11..14
    second = [r for r in data if r["data"] >= "13/12/2023"]  # 13..17, overlaps on 13 and 14
    a = payload(json.dumps(first).encode(), FETCH_1, (date(2023, 12, 11), date(2023, 12, 14)))
    b = payload(json.dumps(second).encode(), FETCH_2, (date(2023, 12, 13), date(2023, 12, 17)))

    assert load(clean_db, a) == 4
    assert load(clean_db, b) == 3
    assert load(clean_db, payload(BODY, FETCH_2 + timedelta(hours=1))) == 0

    with clean_db.connect() as conn:
        dupes = conn.execute(
            text(
                "select count(*) from (select 1 from bronze.bcb_sgs__series "
                "group by series_code, observation_date having count(*) > 1) d"
            )
        ).scalar_one()
    assert dupes == 0
    assert [r.observation_date for r in bronze(clean_db)] == [
        date(2023, 12, d) for d in range(11, 18)
    ]


def test_series_are_kept_apart(clean_db):
    load(clean_db, payload(BODY, FETCH_1))
    ipca = RawPayload(
        source="bcb_sgs",
        item="433",
        request=sgs_request("433", date(2023, 1, 1), date(2023, 12, 31)),
        body=fixture_bytes("bcb_sgs__433_2023.json"),
        fetched_at=FETCH_1,
    )
    assert load_payload(clean_db, BcbSgsFetcher, ipca).rows_added == 12
    assert len(bronze(clean_db, "432")) == 7
    ipca_rows = bronze(clean_db, "433")
    assert len(ipca_rows) == 12
    # IPCA for June is known ten B3 business days after the month ends, not on 1 June.
    june = next(r for r in ipca_rows if r.observation_date == date(2023, 6, 1))
    assert june.known_at == get_series("bcb_sgs__433").known_at(date(2023, 6, 1))
    assert june.known_at.date() == date(2023, 7, 14)


# --- replay -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    written = write_sample(out, date(2023, 1, 1), date(2023, 12, 31))
    assert {p.name for p in written} >= {"bcb_sgs__432.json", "bcb_sgs__433.json"}
    return out


@pytest.fixture
def replay_client(sample_dir):
    with httpx.Client(transport=ReplayTransport(sample_dir)) as c:
        yield c


def _get(client, code, lo=None, hi=None):
    params = {"formato": "json"}
    if lo:
        params |= {"dataInicial": dmy(lo), "dataFinal": dmy(hi)}
    return client.get(f"http://replay.test/dados/serie/bcdata.sgs.{code}/dados", params=params)


@pytest.mark.parametrize(
    ("code", "lo", "hi", "n"),
    [
        pytest.param("433", date(2023, 3, 1), date(2023, 5, 31), 3, id="monthly-quarter"),
        pytest.param("432", date(2023, 3, 1), date(2023, 5, 31), 92, id="calendar-daily"),
        pytest.param("432", date(2023, 6, 6), date(2023, 6, 6), 1, id="single-day"),
        pytest.param("433", date(2024, 1, 1), date(2024, 12, 31), 0, id="after-the-sample"),
    ],
)
def test_replay_serves_only_the_requested_window(replay_client, code, lo, hi, n):
    resp = _get(replay_client, code, lo, hi)
    assert resp.status_code == 200
    days = [datetime.strptime(r["data"], "%d/%m/%Y").date() for r in resp.json()]
    assert len(days) == n
    assert all(lo <= d <= hi for d in days)


def test_replay_without_window_serves_everything(replay_client):
    assert len(_get(replay_client, "433").json()) == 12


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://replay.test/dados/serie/bcdata.sgs.99999/dados", id="unknown-code"),
        pytest.param("http://replay.test/other/path", id="unknown-path"),
    ],
)
def test_replay_answers_404_for_what_it_has_not_recorded(replay_client, url):
    assert replay_client.get(url).status_code == 404


def test_ingest_through_replay_then_again_is_idempotent(clean_db, replay_client):
    args = (clean_db, "bcb_sgs", ["432", "433"], date(2023, 3, 1), date(2023, 5, 31))
    settings = Settings(bcb_sgs_url="http://replay.test")

    first = ingest_source(*args, replay_client, settings)
    assert [(r.item, r.rows_added) for r in first] == [("432", 92), ("433", 3)]

    second = ingest_source(*args, replay_client, settings)
    assert [r.rows_added for r in second] == [0, 0]
    assert count(clean_db, "bronze.bcb_sgs__series") == 95
