"""A self-contained HTML tearsheet of one backtest: charts as inline SVG, tables, parameters.

The page loads nothing: CSS is inline and the four charts are SVG drawn by matplotlib through
``matplotlib.figure.Figure`` (no pyplot, so no GUI backend and no global state). Every piece of
text from the caller is escaped by jinja2's autoescape; only the SVG we generate is inserted raw.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import jinja2
import matplotlib
import numpy as np
import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from macro_models.backtest.metrics import PERIODS_PER_YEAR, drawdown_series, summary

ROLLING_DAYS = 126  # six months of business days
CHART_TITLES = {
    "equity": "Equity curve (log scale)",
    "drawdown": "Drawdown",
    "monthly": "Monthly returns",
    "rolling": "Rolling 6-month Sharpe",
}
_PERCENT_KEYS = {"ann_return", "ann_vol", "max_drawdown", "hit_rate"}
# None drops the RDF metadata block, whose namespaces would be links to outside the page.
_NO_METADATA: dict[str, Any] = {"Creator": None, "Date": None, "Format": None, "Type": None}
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 960px; color: #222; }
h1 { margin-bottom: 0.2em; }
.sub { color: #666; margin-top: 0; }
h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #eee; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.chart svg { width: 100%; height: auto; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="sub">{{ span }}{% if benchmark %} &middot; benchmark: {{ benchmark }}{% endif %}</p>
{% for chart in charts %}
<h2>{{ chart.title }}</h2>
<div class="chart">{{ chart.svg }}</div>
{% endfor %}
{% for table in tables %}
<h2>{{ table.title }}</h2>
<table>
<thead><tr>{% for h in table.header %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in table.rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% endfor %}
</body>
</html>
"""


def _svg(fig: Figure, salt: str) -> Markup:
    """The figure as an inline ``<svg>`` element, without XML prolog, DOCTYPE or metadata."""
    buf = io.StringIO()
    # Text stays text (searchable, small); the salt keeps marker and clip ids unique per chart.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata=_NO_METADATA)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # Group ids (figure_1, axes_1, ...) repeat across charts and nothing refers to them.
    return Markup(re.sub(r'<g id="[^"]*">', "<g>", svg))


def _figure(height: float = 3.0) -> tuple[Figure, Any]:
    fig = Figure(figsize=(9.0, height))
    ax = fig.subplots()
    ax.grid(True, alpha=0.3)
    return fig, ax


def _equity_chart(returns: pd.Series, benchmark: pd.Series | None) -> Markup:
    fig, ax = _figure()
    dates = returns.index.to_numpy()
    ax.plot(dates, np.cumprod(1.0 + returns.to_numpy()), color="#1f4e79", label="strategy")
    if benchmark is not None:
        bench = benchmark.reindex(returns.index).fillna(0.0).to_numpy()
        ax.plot(dates, np.cumprod(1.0 + bench), color="#999999", label="benchmark")
        ax.legend(loc="upper left")
    ax.set_yscale("log")
    # Plain numbers rather than powers of ten: NAVs stay within a decade or two.
    plain = FuncFormatter(lambda y, _: f"{y:g}")
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_formatter(plain)
    ax.set_ylabel("NAV (start = 1)")
    ax.set_title(CHART_TITLES["equity"])
    return _svg(fig, "equity")


def _drawdown_chart(returns: pd.Series) -> Markup:
    fig, ax = _figure(2.5)
    dd = drawdown_series(returns)
    ax.fill_between(dd.index.to_numpy(), dd.to_numpy() * 100, 0.0, color="#b22222", alpha=0.6)
    ax.set_ylabel("% below peak")
    ax.set_title(CHART_TITLES["drawdown"])
    return _svg(fig, "drawdown")


def monthly_returns(returns: pd.Series) -> pd.DataFrame:
    """Compounded returns per calendar month, shape (n_years, 12); NaN where no data."""
    r = returns.astype(float)
    grouped = (1.0 + r).groupby([r.index.year, r.index.month]).prod() - 1.0
    table = grouped.unstack()
    return table.reindex(columns=range(1, 13)).rename_axis(index="year", columns="month")


def _monthly_chart(returns: pd.Series) -> Markup:
    table = monthly_returns(returns)
    values = table.to_numpy(dtype=float)
    fig, ax = _figure(0.8 + 0.4 * len(table))
    ax.grid(False)
    bound = max(float(np.nanmax(np.abs(values))), 1e-9)
    ax.imshow(np.ma.masked_invalid(values), cmap="RdYlGn", vmin=-bound, vmax=bound, aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.1%}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(12), _MONTHS)
    ax.set_yticks(range(len(table)), [str(y) for y in table.index])
    ax.set_title(CHART_TITLES["monthly"])
    return _svg(fig, "monthly")


def _rolling_chart(returns: pd.Series, periods: int) -> Markup:
    fig, ax = _figure(2.5)
    roll = returns.rolling(ROLLING_DAYS)
    sharpe = roll.mean() / roll.std() * np.sqrt(periods)
    if sharpe.notna().any():
        ax.plot(sharpe.index.to_numpy(), sharpe.to_numpy(), color="#1f4e79")
        ax.axhline(0.0, color="#444444", linewidth=0.8)
    else:
        ax.text(
            0.5, 0.5, f"needs {ROLLING_DAYS} days of returns", ha="center", transform=ax.transAxes
        )
    ax.set_ylabel("annualised Sharpe")
    ax.set_title(CHART_TITLES["rolling"])
    return _svg(fig, "rolling")


def format_value(key: str, value: Any) -> str:
    """How a metric or table cell is printed: % for return-like metrics, 3 decimals otherwise."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool | np.bool_ | str) or value is None:
        return str(value)
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            return "n/a"
        return f"{value:.2%}" if key in _PERCENT_KEYS else f"{value:.3f}"
    return str(value)


def _frame_table(title: str, frame: pd.DataFrame, index_label: str) -> dict[str, Any]:
    rows = [
        [format_value("", idx)] + [format_value(str(c), v) for c, v in row.items()]
        for idx, row in frame.iterrows()
    ]
    return {"title": title, "header": [index_label, *map(str, frame.columns)], "rows": rows}


def _tables(
    metrics: Mapping[str, Any],
    attribution: pd.DataFrame | None,
    folds: pd.DataFrame | None,
    params: Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    tables = [
        {
            "title": "Metrics",
            "header": ["metric", "value"],
            "rows": [[k, format_value(k, v)] for k, v in metrics.items()],
        }
    ]
    if attribution is not None:
        tables.append(_frame_table("Attribution by strategy", attribution, "strategy"))
    if folds is not None:
        tables.append(_frame_table("Walk-forward folds", folds, "fold"))
    if params:
        rows = [[str(k), format_value(str(k), v)] for k, v in params.items()]
        tables.append({"title": "Parameters", "header": ["parameter", "value"], "rows": rows})
    return tables


def render_tearsheet(
    title: str,
    returns: pd.Series,
    benchmark: pd.Series | None = None,
    metrics: Mapping[str, Any] | None = None,
    attribution: pd.DataFrame | None = None,
    folds: pd.DataFrame | None = None,
    params: Mapping[str, Any] | None = None,
    periods: int = PERIODS_PER_YEAR,
) -> str:
    """One self-contained HTML page describing a backtest.

    Parameters
    ----------
    title : str
        Page heading.
    returns : pandas.Series, shape (n_days >= 2,)
        Daily simple excess returns, net of costs, on a sorted DatetimeIndex.
    benchmark : pandas.Series, optional
        Daily simple returns of a benchmark; aligned on ``returns``' dates, missing days flat.
        Its ``name`` is shown in the subtitle.
    metrics : mapping, optional
        Metric name -> value for the metrics table; ``metrics.summary(returns)`` if omitted.
        Keys ``ann_return, ann_vol, max_drawdown, hit_rate`` are printed in percent.
    attribution : pandas.DataFrame, optional
        One row per strategy (index), e.g. return contribution, vol and Sharpe columns.
    folds : pandas.DataFrame, optional
        ``WalkForwardResult.folds``.
    params : mapping, optional
        Backtest parameters, printed as given.
    periods : int
        Returns per year, for the rolling Sharpe ratio.

    Returns
    -------
    str
        The HTML document, with four inline ``<svg>`` charts: equity curve (log scale, with the
        benchmark), drawdown, monthly returns heatmap (years x months, in %), rolling 6-month
        Sharpe ratio.
    """
    if not isinstance(returns, pd.Series) or not isinstance(returns.index, pd.DatetimeIndex):
        raise ValueError("returns must be a pandas Series on a DatetimeIndex")
    if len(returns) < 2:
        raise ValueError(f"returns needs at least 2 observations, got {len(returns)}")
    metrics = summary(returns, periods=periods) if metrics is None else metrics
    charts = [
        {"title": CHART_TITLES["equity"], "svg": _equity_chart(returns, benchmark)},
        {"title": CHART_TITLES["drawdown"], "svg": _drawdown_chart(returns)},
        {"title": CHART_TITLES["monthly"], "svg": _monthly_chart(returns)},
        {"title": CHART_TITLES["rolling"], "svg": _rolling_chart(returns, periods)},
    ]
    span = f"{returns.index[0]:%Y-%m-%d} to {returns.index[-1]:%Y-%m-%d}, {len(returns)} days"
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(_TEMPLATE).render(
        title=title,
        span=span,
        benchmark=None if benchmark is None else str(benchmark.name or "benchmark"),
        charts=charts,
        tables=_tables(metrics, attribution, folds, params),
    )
