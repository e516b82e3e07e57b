"""The ``macro`` command (DESIGN.md §4). Exit 0 on success, non-zero with a one-line reason."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Macro Fund Platform.")
db_app = typer.Typer(no_args_is_help=True, help="The database (embedded by default).")
catalog_app = typer.Typer(no_args_is_help=True, help="Series metadata.")
sample_app = typer.Typer(no_args_is_help=True, help="Deterministic sample data.")
app.add_typer(db_app, name="db")
app.add_typer(catalog_app, name="catalog")
app.add_typer(sample_app, name="sample")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
PASSTHROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}


def _fail(reason: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(reason)}", soft_wrap=True, highlight=False)
    return typer.Exit(code)


def _parse_date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{name} {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _engine():
    from macro_models.db.engine import get_engine
    from macro_models.db.migrate import migrate

    engine = get_engine()
    migrate(str(engine.url.render_as_string(hide_password=False)))
    return engine


# --- db -----------------------------------------------------------------------------------


@db_app.command("start")
def db_start() -> None:
    """Start the embedded PostgreSQL (no-op when MACRO_DATABASE_URL is set)."""
    from macro_models.config import get_settings
    from macro_models.db.embedded import EmbeddedDbError, EmbeddedPostgres

    settings = get_settings()
    if not settings.uses_embedded_db:
        out.print("MACRO_DATABASE_URL is set: nothing to start")
        return
    try:
        pg = EmbeddedPostgres.from_settings(settings)
        pg.start()
        pg.ensure_database(settings.db_name)
    except EmbeddedDbError as exc:
        raise _fail(str(exc)) from None
    out.print(f"embedded PostgreSQL on 127.0.0.1:{pg.port}, data in {pg.data_dir}")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL."""
    from macro_models.config import get_settings
    from macro_models.db.embedded import EmbeddedPostgres

    if get_settings().uses_embedded_db:
        EmbeddedPostgres.from_settings().stop()
        out.print("embedded PostgreSQL stopped")


@db_app.command("url")
def db_url() -> None:
    """Print the database URL (libpq form, usable by psql)."""
    from macro_models.db.engine import database_url, libpq_url

    print(libpq_url(database_url()))


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply the Alembic migrations (bronze, analytics, pms)."""
    from macro_models.db.migrate import migrate

    migrate()
    out.print("migrations applied")


# --- catalog, sample ----------------------------------------------------------------------


@catalog_app.command("list")
def catalog_list() -> None:
    """Every known series id, one per line."""
    from macro_models.catalog import load_catalog

    for series_id in load_catalog():
        print(series_id)


@sample_app.command("generate")
def sample_generate(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the payload files.")],
    start: Annotated[str | None, typer.Option(help="First date (ISO).")] = None,
    end: Annotated[str | None, typer.Option(help="Last date (ISO).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Write deterministic sample payloads in each source's own format."""
    from macro_models.connectors import sample

    s = _parse_date(start, "--start") or sample.DEFAULT_START
    e = _parse_date(end, "--end") or sample.DEFAULT_END
    if s > e:
        raise _fail(f"--start {s} is after --end {e}")
    paths = sample.write_sample(out_dir, s, e, seed)
    out.print(f"wrote {len(paths)} payloads to {out_dir} ({s}..{e}, seed {seed})")


# --- ingest -------------------------------------------------------------------------------


@app.command()
def ingest(
    source: Annotated[str | None, typer.Option(help="Source key, e.g. bcb_sgs.")] = None,
    series: Annotated[list[str] | None, typer.Option(help="Series code(s) of the source.")] = None,
    start: Annotated[str | None, typer.Option(help="First date (ISO).")] = None,
    end: Annotated[str | None, typer.Option(help="Last date (ISO).")] = None,
    replay: Annotated[Path | None, typer.Option(help="Folder of recorded payloads.")] = None,
    from_csv: Annotated[Path | None, typer.Option(help="Folder of <source>__<code>.csv.")] = None,
    from_payload: Annotated[Path | None, typer.Option(help="One raw API response body.")] = None,
) -> None:
    """Load bronze: live (default), --replay DIR, --from-csv DIR or --from-payload FILE."""
    from macro_models.connectors.errors import ConnectorError

    modes = [m for m in (replay, from_csv, from_payload) if m is not None]
    if len(modes) > 1:
        raise _fail("use only one of --replay, --from-csv, --from-payload")
    try:
        if from_csv is not None:
            _ingest_csv(from_csv)
        elif from_payload is not None:
            _ingest_payload(from_payload, source, series)
        else:
            _ingest_fetch(source, series, start, end, replay)
    except ConnectorError as exc:
        raise _fail(str(exc)) from None


def _ingest_csv(folder: Path) -> None:
    from macro_models.catalog import load_catalog
    from macro_models.connectors.errors import ConnectorError
    from macro_models.connectors.ingest import ingest_csv_file

    if not folder.is_dir():
        raise _fail(f"--from-csv {folder}: not a folder")
    from macro_models.connectors.registry import LONG_CSV_LOADERS

    files = sorted(folder.glob("*__*.csv"))
    known = load_catalog()
    loadable = [f for f in files if f.stem in known or f.stem in LONG_CSV_LOADERS]
    skipped = [f.name for f in files if f not in loadable]
    if not loadable:
        raise _fail(f"--from-csv {folder}: no <source>__<code>.csv file of a catalogued series")
    engine, failures, total = _engine(), [], 0
    with _progress() as progress:
        task = progress.add_task("loading CSV files", total=len(loadable))
        for f in loadable:
            try:
                loader = LONG_CSV_LOADERS.get(f.stem, ingest_csv_file)
                r = loader(engine, f)
                total += r.rows_added
                out.print(f"{f.name}: {r.rows_seen} rows, {r.rows_added} new", highlight=False)
            except ConnectorError as exc:
                failures.append(str(exc))
            progress.advance(task)
    if skipped:
        out.print(
            f"skipped {len(skipped)} files: not a catalogued series nor a known long-format "
            f"file: {', '.join(skipped)}"
        )
    if failures:
        raise _fail(f"{len(failures)} file(s) rejected, nothing written from them: {failures[0]}")
    out.print(f"loaded {len(loadable)} files, {total} new rows")


def _ingest_payload(path: Path, source: str | None, series: list[str] | None) -> None:
    from macro_models.connectors.ingest import ingest_payload_file

    if not source or not series or len(series) != 1:
        raise _fail("--from-payload needs --source and exactly one --series")
    if not path.is_file():
        raise _fail(f"--from-payload {path}: no such file")
    r = ingest_payload_file(_engine(), path, source, series[0])
    out.print(f"{source} {series[0]}: {r.rows_seen} rows, {r.rows_added} new")


def _ingest_fetch(
    source: str | None, series: list[str] | None, start: str | None, end: str | None, replay
) -> None:
    from macro_models.catalog.series import load_catalog
    from macro_models.config import get_settings
    from macro_models.connectors.ingest import ingest_source, make_client

    sources = [source] if source else sorted({s.source for s in load_catalog().values()})
    s = _parse_date(start, "--start") or date(2000, 1, 1)
    e = _parse_date(end, "--end") or date.today()
    if replay is not None and not replay.is_dir():
        raise _fail(f"--replay {replay}: not a folder")
    settings = get_settings()
    engine, added = _engine(), 0
    with make_client(settings, replay) as client, _progress() as progress:
        for src in sources:
            codes = series or [x.code for x in load_catalog().values() if x.source == src]
            task = progress.add_task(f"{src}", total=len(codes))
            for code in codes:
                for r in ingest_source(engine, src, [code], s, e, client, settings):
                    added += r.rows_added
                progress.advance(task)
    out.print(f"ingested {', '.join(sources)} {s}..{e}: {added} new rows")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


# --- export, dbt, run-daily ---------------------------------------------------------------


@app.command()
def export(
    series: Annotated[str, typer.Option(help="Series id, e.g. bcb_sgs__432.")],
    as_of: Annotated[str | None, typer.Option(help="Date (ISO) or timestamp; default now.")] = None,
) -> None:
    """The series as date,value CSV on stdout, as known at --as-of, read from gold."""
    from sqlalchemy import text

    from macro_models.catalog import get_series
    from macro_models.db.engine import get_engine
    from macro_models.pit.asof import as_of_cutoff

    try:
        get_series(series)
    except KeyError as exc:
        raise _fail(exc.args[0]) from None
    when: date | datetime | None = None
    if as_of:
        try:
            when = datetime.fromisoformat(as_of) if "T" in as_of else date.fromisoformat(as_of)
        except ValueError:
            raise _fail(f"--as-of {as_of!r} is not an ISO date or timestamp") from None
    query = text(
        """
        select distinct on (observation_date) observation_date, value
        from gold.fct_observations
        where series_id = :id and known_at < :cutoff
        order by observation_date, known_at desc
        """
    )
    try:
        with get_engine().connect() as conn:
            rows = conn.execute(query, {"id": series, "cutoff": as_of_cutoff(when)}).all()
    except Exception as exc:  # noqa: BLE001 - e.g. gold not built yet
        raise _fail(
            f"cannot read gold.fct_observations ({type(exc).__name__}); run dbt build"
        ) from None
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["date", "value"])
    for r in rows:
        writer.writerow([r.observation_date.isoformat(), f"{r.value:.15g}"])


@app.command(context_settings=PASSTHROUGH)
def dbt(ctx: typer.Context) -> None:
    """dbt with the project's profiles and the current database, e.g. `macro dbt build`."""
    from macro_models.dbt_runner import run_dbt

    _engine()
    raise typer.Exit(run_dbt(list(ctx.args)).returncode)


@app.command("run-daily")
def run_daily_cmd(
    run_date: Annotated[str, typer.Option("--date", help="The date to run for (ISO).")],
    dry_run: Annotated[bool, typer.Option(help="Show the plan; run and record nothing.")] = False,
) -> None:
    """The daily cycle: one line per step (name, seconds, detail) and a summary."""
    from macro_models.pipeline.daily import run_daily

    d = _parse_date(run_date, "--date")
    assert d is not None
    if dry_run:
        for name, what in (
            ("ingest", "fetch a 60-day window of every source ending at the date"),
            ("transform", "dbt build (silver, gold, tests)"),
            ("agents", "inflation, monetary policy, fiscal, FX, cross-asset, as of the date"),
            ("strategies", "the 12 registered strategies, point-in-time"),
            ("signals", "aggregate (confidence, rank, Bayesian), monitor, save"),
            ("portfolio", "target positions from the signals (Black-Litterman, limits), save"),
            ("risk", "VaR/ES (historical, parametric, Monte Carlo), stress, limits, save"),
        ):
            out.print(f"{name:<10} {'-':>7}  would {what}", highlight=False)
        return
    run = run_daily(_engine(), d, on_step=_print_step)
    out.print(f"[bold]summary[/bold] {run.summary}", highlight=False)
    if not run.ok:
        raise typer.Exit(1)


@app.command()
def backtest(
    strategy: Annotated[str, typer.Option(help="A strategy id, or 'all' for the whole book.")],
    start: Annotated[str, typer.Option(help="First date (ISO).")],
    end: Annotated[str, typer.Option(help="Last date (ISO).")],
    rebalance: Annotated[int, typer.Option(help="Sessions between signals.")] = 5,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Tearsheet path (default under $MACRO_HOME).")
    ] = None,
) -> None:
    """Backtest point-in-time: metrics, walk-forward, tearsheet, saved to analytics.*."""
    from macro_models.backtest.run import run_backtest, save_run
    from macro_models.config import get_settings
    from macro_models.strategies.registry import STRATEGIES

    first, last = _parse_date(start, "--start"), _parse_date(end, "--end")
    assert first is not None and last is not None
    if strategy != "all" and strategy not in STRATEGIES:
        raise _fail(f"unknown strategy {strategy!r}; known: all, {', '.join(sorted(STRATEGIES))}")
    ids = list(STRATEGIES) if strategy == "all" else [strategy]
    engine = _engine()
    try:
        report = run_backtest(engine, ids, first, last, rebalance_every=rebalance)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    run_id = save_run(engine, report)
    path = out_file or get_settings().home_dir / "reports" / f"backtest_{run_id}_{strategy}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.html, encoding="utf-8")
    _print_backtest(report, run_id, path)


def _print_backtest(report, run_id: int, path: Path) -> None:
    k = report.metrics
    out.print(
        f"[bold]backtest {run_id}[/bold] {report.strategy_id} {k['start']}..{k['end']} "
        f"({k['n_days']} sessions, {k['n_trials']} trials)",
        highlight=False,
    )
    out.print(
        f"return {k['ann_return']:+.2%}/y  vol {k['ann_vol']:.2%}  Sharpe {k['sharpe']:.2f}  "
        f"Sortino {k['sortino']:.2f}  Calmar {k['calmar']:.2f}  max DD {k['max_drawdown']:.2%} "
        f"({k['max_dd_days']} days)  hit {k['hit_rate']:.1%}  turnover {k['turnover']:.1f}x/y",
        highlight=False,
    )
    dsr = k.get("dsr")
    dsr_text = f"{dsr:.2f}" if isinstance(dsr, float) and dsr == dsr else "n/a"
    out.print(
        f"PSR {k['psr']:.2f}  DSR {dsr_text}  costs {k['costs_ann']:.2%}/y  "
        f"margin mean {k['mean_margin']:.1%} max {k['max_margin']:.1%} of NAV  "
        f"DV01 mean {k['mean_abs_dv01_per_mm']:.0f} max {k['max_abs_dv01_per_mm']:.0f} "
        f"BRL/bp per R$ 1m",
        highlight=False,
    )
    if "wf_oos_sharpe_mean" in k:
        out.print(
            f"walk-forward: in-sample Sharpe {k['wf_is_sharpe_mean']:.2f}, "
            f"out-of-sample {k['wf_oos_sharpe_mean']:.2f}",
            highlight=False,
        )
    out.print(f"tearsheet {path}", highlight=False)


def _print_step(step) -> None:
    mark = "" if step.status == "ok" else "[red]FAILED[/red] "
    out.print(f"{step.name:<10} {step.seconds:>6.2f}s  {mark}{step.detail}", highlight=False)


# --- serve, airflow, demo -----------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Serve the REST API (OpenAPI docs at /docs)."""
    import uvicorn

    _engine()
    uvicorn.run("api.main:app", host=host, port=port)


@app.command(context_settings=PASSTHROUGH)
def airflow(ctx: typer.Context) -> None:
    """The airflow CLI with $MACRO_HOME/airflow and the platform database, e.g.
    `macro airflow dags test macro_daily 2024-12-30`."""
    from macro_models.airflow_env import airflow_env

    env = airflow_env()
    cmd = [str(Path(sys.executable).with_name("airflow")), *ctx.args]
    raise typer.Exit(subprocess.run(cmd, env=env).returncode)


@app.command()
def demo() -> None:
    """Sample data → bronze → dbt build → the daily DAG via Airflow → summary."""
    from macro_models.demo import run_demo

    code = run_demo(out)
    raise typer.Exit(code)


if __name__ == "__main__":  # pragma: no cover
    app()
