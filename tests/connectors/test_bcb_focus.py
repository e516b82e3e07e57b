"""BCB Focus (Olinda Expectativas): saved payloads of the four entity sets, the weekly release
rule, malformed bodies, vintages, paging and %20 encoding over real HTTP, replay of the sample
files and tidy CSV loads.

The fixtures under tests/fixtures/bcb_focus have Olinda's exact JSON shape; their statistics
are realistic for early January 2024 but hand-written (the format matters more than the numbers).
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text

from macro_models.catalog import load_catalog
from macro_models.catalog.series import SeriesSpec
from macro_models.connectors.base import RawPayload
from macro_models.connectors.bcb_focus import (
    DATASETS,
    SERIES,
    SERVICE_PATH,
    BcbFocusFetcher,
    FocusQuery,
    csv_record,
    replay,
    survey_known_at,
)
from macro_models.connectors.errors import ConnectorError, PayloadError
from macro_models.connectors.load import load_payload
from macro_models.connectors.sample_bcb_focus import bcb_focus_files
from tests.utils.http_server import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bcb_focus"
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
ANNUAL_PATH = SERVICE_PATH + "ExpectativasMercadoAnuais"
BASE_URL = "https://olinda.bcb.gov.br"
FETCHED = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
MONDAY_0830 = datetime(2024, 1, 8, 11, 30, tzinfo=UTC)  # 08:30 Sao Paulo (UTC-3)


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


ANNUAL = _fixture("bcb_focus__ipca_annual_jan2024.json")


def _filter(indicator: str, lo: str, hi: str) -> str:
    return f"Indicador eq '{indicator}' and Data ge '{lo}' and Data le '{hi}'"


def _payload(
    body: bytes, item: str = "ipca_annual", fetched: datetime = FETCHED, indicator: str = "IPCA"
) -> RawPayload:
    params = {"$format": "json", "$filter": _filter(indicator, "2024-01-01", "2024-01-05"),
              "$orderby": "Data asc", "$top": "10000", "$skip": "0"}  # fmt: skip
    return RawPayload(
        source="bcb_focus",
        item=item,
        request={"url": BASE_URL + ANNUAL_PATH, "params": params},
        body=body,
        content_type="application/json",
        fetched_at=fetched,
    )


def _doc(*rows: dict) -> bytes:
    return json.dumps({"@odata.context": "x", "value": list(rows)}, ensure_ascii=False).encode()


def _row(**over) -> dict:
    row = json.loads(ANNUAL)["value"][6]  # IPCA, 2024-01-05, reference 2024, base 0
    row.update(over)
    return row


@pytest.fixture
def db(clean_db: Engine) -> Engine:
    with clean_db.begin() as conn:
        conn.execute(text("truncate bronze.bcb_focus__expectations"))
    return clean_db


def _bronze(engine: Engine) -> list:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select endpoint, indicator, indicator_detail, reference, smoothed, survey_date, "
                "calculation_base, mean, median, std, minimum, maximum, respondents, known_at "
                "from bronze.bcb_focus__expectations "
                "order by endpoint, indicator, reference, smoothed, survey_date, calculation_base, "
                "known_at"
            )
        ).all()


def test_transform_annual_rows() -> None:
    records = BcbFocusFetcher.transform_data(_payload(ANNUAL))
    assert len(records) == 12
    r = next(r for r in records if (r.survey_date, r.reference, r.calculation_base)
             == (date(2024, 1, 5), "2024", 0))  # fmt: skip
    assert (r.endpoint, r.indicator, r.indicator_detail, r.smoothed) == ("annual", "IPCA", "", "")
    assert (r.median, r.mean, r.std) == (Decimal("3.89"), Decimal("3.9211"), Decimal("0.2214"))
    assert (r.minimum, r.maximum, r.respondents) == (Decimal("3.28"), Decimal("4.98"), 151)
    assert {x.reference for x in records} == {"2024", "2025", "2026"}


@pytest.mark.parametrize(
    ("item", "name", "references", "smoothed"),
    [
        pytest.param("selic_meetings", "selic_meetings", {"R1/2024", "R2/2024"}, {""}, id="selic"),
        pytest.param("ipca_monthly", "ipca_monthly", {"01/2024", "02/2024"}, {""}, id="monthly"),
        pytest.param("ipca_12m", "ipca_12m", {"12m"}, {"S", "N"}, id="12-months"),
        pytest.param("ipca_12m_median", "ipca_12m", {"12m"}, {"S", "N"}, id="series-item"),
    ],
)
def test_transform_the_other_entity_sets(item, name, references, smoothed) -> None:
    indicator = DATASETS[SERIES[item].dataset if item in SERIES else item].indicator
    payload = _payload(_fixture(f"bcb_focus__{name}_jan2024.json"), item, indicator=indicator)
    records = BcbFocusFetcher.transform_data(payload)
    assert len(records) == 4
    assert {r.reference for r in records} == references
    assert {r.smoothed for r in records} == smoothed
    assert {r.endpoint for r in records} == {DATASETS[name].endpoint}
    assert {r.calculation_base for r in records} == {0, 1}


@pytest.mark.parametrize(
    ("survey_date", "known_at"),
    [
        pytest.param(date(2024, 1, 5), MONDAY_0830, id="friday-next-monday"),
        pytest.param(date(2024, 1, 2), MONDAY_0830, id="tuesday-waits-for-the-report"),
        pytest.param(date(2024, 1, 4), MONDAY_0830, id="thursday-waits-for-the-report"),
        pytest.param(date(2023, 4, 28), datetime(2023, 5, 2, 11, 30, tzinfo=UTC), id="may-day"),
        pytest.param(date(2023, 4, 20), datetime(2023, 4, 24, 11, 30, tzinfo=UTC), id="tiradentes"),
        pytest.param(date(2023, 2, 17), datetime(2023, 2, 22, 11, 30, tzinfo=UTC), id="carnival"),
        # Brazil kept summer time until 2019: 08:30 was UTC-2 on 16 October 2017.
        pytest.param(date(2017, 10, 13), datetime(2017, 10, 16, 10, 30, tzinfo=UTC), id="dst"),
    ],
)
def test_a_weeks_statistics_are_known_with_the_next_focus_report(survey_date, known_at) -> None:
    # Evidence: a repository that committed Olinda's newest row every week in 2023 saw, on
    # Thursdays, the previous Friday as the newest Data (publication on the next business day
    # after the survey week, as Olinda's documentation says).
    assert survey_known_at(survey_date) == known_at
    record = csv_record("ipca_12m_median", survey_date, Decimal("3.7"))
    assert BcbFocusFetcher.record_known_at(record) == known_at


def test_query_codes_windows_and_validation() -> None:
    query = BcbFocusFetcher.transform_query(
        {"code": "ipca_annual_next_median", "start": date(2023, 6, 1), "end": date(2024, 2, 1)}
    )
    assert query.dataset == DATASETS["ipca_annual"]
    assert query.windows() == [(date(2023, 6, 1), date(2023, 12, 31)),
                               (date(2024, 1, 1), date(2024, 2, 1))]  # fmt: skip
    with pytest.raises(ValueError, match="unknown Focus dataset or series 'igpm_annual'"):
        FocusQuery(code="igpm_annual", start=date(2024, 1, 1), end=date(2024, 1, 2))
    with pytest.raises(ValueError, match="after end"):
        FocusQuery(code="ipca_12m", start=date(2024, 1, 2), end=date(2024, 1, 1))


MALFORMED = [
    pytest.param(b"", "empty body", id="empty-body"),
    pytest.param(b"\n  \n", "empty body", id="whitespace-body"),
    pytest.param(b"<!DOCTYPE html><html><body>Erro</body></html>", "HTML page", id="html"),
    pytest.param(ANNUAL[:-25], "invalid or truncated JSON", id="truncated"),
    pytest.param(
        b'{"error":{"code":"","message":"The URI is malformed."}}',
        "an OData error object",
        id="odata-error",
    ),
    pytest.param(b'"IPCA"', "expected a JSON object, got str", id="string-doc"),
    pytest.param(b'{"odata.metadata":"x","d":[]}', "no 'value' list", id="no-value"),
    pytest.param(_doc([1, 2]), "record 0 lacks one of", id="record-not-object"),
    pytest.param(
        _doc({("Median" if k == "Mediana" else k): v for k, v in _row().items()}),
        "record 0 lacks one of",
        id="renamed-field",
    ),
    pytest.param(_doc(_row(Indicador="IGP-M")), "is for Indicador 'IGP-M'", id="other-indicator"),
    pytest.param(_doc(_row(Mediana="3,89")), "comma decimal separator", id="comma"),
    pytest.param(_doc(_row(Mediana="3.89")), "a string, not a JSON number", id="string-number"),
    pytest.param(_doc(_row(Media="-")), "Media is missing", id="dash"),
    pytest.param(_doc(_row(Media="")), "Media is missing", id="empty-value"),
    pytest.param(_doc(_row(Mediana=None)), "has no Media or no Mediana", id="null-median"),
    pytest.param(_doc(_row(Media=True)), "Media True is not a number", id="boolean"),
    pytest.param(_doc(_row()).replace(b"3.9211", b"Infinity"), "is not finite", id="infinite"),
    pytest.param(_doc(_row(Data="05/01/2024")), "Data '05/01/2024' is not YYYY-MM-DD", id="dmy"),
    pytest.param(_doc(_row(Data="2024-01-32")), "is not YYYY-MM-DD", id="impossible-date"),
    pytest.param(_doc(_row(Data="2024-01-08")), "outside the requested window", id="window"),
    pytest.param(_doc(_row(Data="1990-01-05")), "out of range", id="out-of-range"),
    pytest.param(_doc(_row(DataReferencia="24")), "reference '24' is malformed", id="year"),
    pytest.param(_doc(_row(DataReferencia="2044")), "reference '2044' is malformed", id="far"),
    pytest.param(_doc(_row(baseCalculo=2)), r"baseCalculo 2 is not one of \(0, 1\)", id="base"),
    pytest.param(_doc(_row(numeroRespondentes=-3)), "is not a count", id="respondents"),
    pytest.param(_doc(_row(IndicadorDetalhe=7)), "IndicadorDetalhe 7 is not text", id="detail"),
    pytest.param(_doc(_row(Mediana=5.5)), r"median 5.5 is outside \[Minimo", id="swapped"),
    pytest.param(_doc(_row(), _row(Media=3.95)), "record 1 repeats IPCA 2024", id="duplicate"),
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_transform_refuses(body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason) as info:
        BcbFocusFetcher.transform_data(_payload(body))
    assert str(info.value).startswith("bcb_focus ipca_annual: ")
    assert "Data ge '2024-01-01'" in str(info.value)


@pytest.mark.parametrize(
    ("item", "row", "reason"),
    [
        pytest.param("ipca_monthly", {"DataReferencia": "2024-01"}, "'2024-01'", id="month"),
        pytest.param("ipca_monthly", {"DataReferencia": "13/2024"}, "'13/2024'", id="month-13"),
        pytest.param("selic_meetings", {"Reuniao": "R1-2024"}, "'R1-2024'", id="meeting"),
        pytest.param("ipca_12m", {"Suavizada": "sim"}, "Suavizada 'sim'", id="smoothing"),
    ],
)
def test_references_of_each_entity_set_are_checked(item: str, row: dict, reason: str) -> None:
    good = json.loads(_fixture(f"bcb_focus__{item}_jan2024.json"))["value"][0]
    body = _doc({**good, **row})
    indicator = DATASETS[item].indicator
    with pytest.raises(PayloadError, match=reason):
        BcbFocusFetcher.transform_data(_payload(body, item, indicator=indicator))


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_load_archives_rejects_and_writes_nothing(db: Engine, body: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        load_payload(db, BcbFocusFetcher, _payload(body))
    assert _bronze(db) == []
    with db.connect() as conn:
        archived = conn.execute(text("select * from bronze.raw_payloads")).one()
        rejection = conn.execute(text("select * from bronze.payload_rejections")).one()
    assert gzip.decompress(archived.body_gzip) == body
    assert (archived.source, archived.item) == ("bcb_focus", "ipca_annual")
    assert rejection.payload_id == archived.payload_id
    assert re.search(reason, rejection.reason)


def test_a_payload_for_an_unknown_item_is_rejected(db: Engine) -> None:
    with pytest.raises(ConnectorError, match="'igpm_annual' is not a Focus dataset"):
        load_payload(db, BcbFocusFetcher, RawPayload("bcb_focus", "igpm_annual", {}, ANNUAL))
    assert _bronze(db) == []


def test_rows_are_known_after_the_survey_week_and_loads_are_idempotent(db: Engine) -> None:
    first = load_payload(db, BcbFocusFetcher, _payload(ANNUAL))
    again = load_payload(db, BcbFocusFetcher, _payload(ANNUAL, fetched=FETCHED.replace(day=4)))
    assert (first.rows_added, again.rows_added) == (12, 0)
    rows = _bronze(db)
    assert {r.survey_date for r in rows} == {date(2024, 1, 4), date(2024, 1, 5)}
    assert {r.known_at for r in rows} == {MONDAY_0830}  # Thursday's and Friday's rows alike


def test_a_revised_statistic_adds_one_vintage_known_when_fetched(db: Engine) -> None:
    load_payload(db, BcbFocusFetcher, _payload(ANNUAL))
    revised = ANNUAL.replace(b'"Media":3.9211', b'"Media":3.9311', 1)
    later = datetime(2024, 6, 10, 15, 0, tzinfo=UTC)
    assert load_payload(db, BcbFocusFetcher, _payload(revised, fetched=later)).rows_added == 1
    cell = [r for r in _bronze(db) if (r.survey_date, r.reference, r.calculation_base)
            == (date(2024, 1, 5), "2024", 0)]  # fmt: skip
    assert [(r.mean, r.known_at) for r in cell] == [
        (Decimal("3.9211"), MONDAY_0830),
        (Decimal("3.9311"), later),
    ]


def test_extract_pages_over_real_http_with_spaces_as_percent_20(db: Engine, sgs_server) -> None:
    rows = json.loads(ANNUAL)["value"]
    sgs_server.route(ANNUAL_PATH, *(Reply(body=_doc(*rows[k : k + 5])) for k in (0, 5, 10)))
    raw: list[bytes] = []
    query = FocusQuery(code="ipca_annual", start=date(2024, 1, 4), end=date(2024, 1, 5),
                       page_size=5)  # fmt: skip
    hooks = {"request": [lambda r: raw.append(r.url.query)]}
    with httpx.Client(timeout=5, trust_env=False, event_hooks=hooks) as client:
        payloads = BcbFocusFetcher.extract_data(query, client, sgs_server.base_url)
    assert [p["$skip"] for _, p in sgs_server.requests] == ["0", "5", "10"]
    assert sgs_server.requests[0] == (
        ANNUAL_PATH,
        {"$format": "json", "$filter": _filter("IPCA", "2024-01-04", "2024-01-05"),
         "$orderby": "Data asc", "$top": "5", "$skip": "0"},
    )  # fmt: skip
    # Olinda reads '+' literally (HTTP 400): spaces must travel as %20.
    assert all(b"+" not in q and b"Indicador%20eq%20%27IPCA%27" in q for q in raw)
    assert sum(load_payload(db, BcbFocusFetcher, p).rows_added for p in payloads) == 12
    with db.connect() as conn:
        request = conn.execute(text("select request from bronze.raw_payloads limit 1")).scalar()
    assert request["url"] == sgs_server.base_url + ANNUAL_PATH
    assert request["params"]["$filter"].startswith("Indicador eq 'IPCA'")


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("focus_sample")
    for name, doc in bcb_focus_files(date(2023, 9, 1), date(2024, 2, 29), 7).items():
        (out / name).write_text(json.dumps(doc, ensure_ascii=False))
    return out


def _replay_client(directory: Path) -> httpx.Client:
    return httpx.Client(
        transport=httpx.MockTransport(lambda r: replay(directory, r) or httpx.Response(418))
    )


@pytest.mark.parametrize("code", ["ipca_annual", "cambio_annual", "selic_meetings", "ipca_12m"])
def test_replay_answers_from_the_sample_files(db: Engine, sample_dir: Path, code: str) -> None:
    start, end = date(2023, 12, 1), date(2024, 1, 31)
    query = FocusQuery(code=code, start=start, end=end, page_size=7)
    with _replay_client(sample_dir) as client:
        payloads = BcbFocusFetcher.extract_data(query, client, BASE_URL)
    assert len(payloads) > 2  # two yearly windows, paged by 7
    added = sum(load_payload(db, BcbFocusFetcher, p).rows_added for p in payloads)
    recorded = json.loads((sample_dir / f"bcb_focus__{code}.json").read_text())["value"]
    expected = [r for r in recorded if start.isoformat() <= r["Data"] <= end.isoformat()]
    assert added == len(expected) == len(_bronze(db))
    assert {r.indicator for r in _bronze(db)} == {DATASETS[code].indicator}  # 'Câmbio' too


def test_replay_ignores_other_requests_and_404s_unrecorded_datasets(sample_dir: Path) -> None:
    assert replay(sample_dir, httpx.Request("GET", "https://x/fred/series/observations")) is None
    request = httpx.Request(
        "GET", BASE_URL + ANNUAL_PATH, params={"$filter": "Indicador eq 'IGP-M'"}
    )
    assert replay(sample_dir, request).status_code == 404


def test_sample_is_deterministic_modest_and_coherent() -> None:
    files = bcb_focus_files(date(2014, 1, 2), date(2024, 12, 30), 7)
    datasets = {f"bcb_focus__{code}.json" for code in DATASETS}
    assert datasets | {f"bcb_focus__{code}.json" for code in SERIES} == set(files)
    assert sum(len(files[name]["value"]) for name in datasets) < 60_000
    for name in datasets:
        payload = RawPayload("bcb_focus", name[11:-5], {}, json.dumps(files[name]).encode())
        assert BcbFocusFetcher.transform_data(payload)  # every statistic passes the checks
    # The current-year IPCA median ends the year near the sample's own IPCA outcome.
    rows = files["bcb_focus__ipca_annual.json"]["value"]
    dec = [r for r in rows if r["Data"].startswith("2023-12") and r["DataReferencia"] == "2023"]
    assert 2.0 < dec[-1]["Mediana"] < 8.0
    assert bcb_focus_files(date(2023, 9, 1), date(2024, 2, 29), 7) == bcb_focus_files(
        date(2023, 9, 1), date(2024, 2, 29), 7
    )


@pytest.fixture
def registered() -> dict[str, SeriesSpec]:
    """This source's catalogued series (merged into series_catalog.csv, also the dbt seed)."""
    specs = {sid: s for sid, s in load_catalog().items() if s.source == "bcb_focus"}
    assert specs, "the catalog lists this source's series"
    return specs


def test_tidy_csv_rows_get_the_same_known_at_as_the_api(db: Engine, registered, tmp_path) -> None:
    from macro_models.connectors.ingest import ingest_csv_file

    for stat, values in (("median", ("5.1675", "5.2638")), ("mean", ("5.1533", "5.2975"))):
        path = tmp_path / f"bcb_focus__ipca_12m_{stat}.csv"
        path.write_text(f"date,value\n2022-11-17,{values[0]}\n2022-11-18,{values[1]}\n")
        assert ingest_csv_file(db, path).rows_added == 2
    rows = _bronze(db)
    assert [(r.endpoint, r.indicator, r.reference, r.smoothed) for r in rows] == [
        ("csv", "ipca_12m_mean", "12m", "S")
    ] * 2 + [("csv", "ipca_12m_median", "12m", "S")] * 2
    assert [r.median for r in rows] == [None, None, Decimal("5.1675"), Decimal("5.2638")]
    assert [r.mean for r in rows][:2] == [Decimal("5.1533"), Decimal("5.2975")]
    # Thursday and Friday alike: 08:30 on Monday 21 November 2022, as for the API's rows.
    monday = datetime(2022, 11, 21, 11, 30, tzinfo=UTC)
    assert {r.known_at for r in rows} == {monday} == {survey_known_at(date(2022, 11, 17))}


def test_tidy_csv_of_an_unknown_series_is_rejected(db: Engine, registered, tmp_path) -> None:
    from macro_models.connectors.ingest import ingest_csv_file

    path = tmp_path / "bcb_focus__igpm_annual_median.csv"
    path.write_text("date,value\n2024-01-05,4.0\n")
    with pytest.raises(PayloadError, match="unknown Focus series 'igpm_annual_median'"):
        ingest_csv_file(db, path)
    assert _bronze(db) == []


@pytest.mark.skipif(not (SHARED_DATA / "bcb_focus__ipca_12m_median.csv").exists(),
                    reason="shared real data not present")  # fmt: skip
def test_the_shared_real_focus_files_parse_as_tidy_csv_records() -> None:
    from macro_models.connectors.tidy_csv import csv_payload, parse_tidy_csv

    for code in ("ipca_12m_median", "ipca_12m_mean"):
        rows = parse_tidy_csv(csv_payload(SHARED_DATA / f"bcb_focus__{code}.csv"))
        records = [csv_record(code, d, v) for d, v in rows]
        assert len(records) > 5000
        assert all(2 < (r.median or r.mean) < 14 for r in records)
