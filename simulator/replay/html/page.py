"""report.html: the run's view drawn into charts and poured into the page template."""
from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from simulator.domain.instruments import INSTRUMENTS
from simulator.replay.html import charts
from simulator.replay.html.events import rows_script
from simulator.replay.html.market import edges, outage_spans, sample_instants, sample_quotes
from simulator.replay.html.timefmt import central_label, duration_label, instant_text, short_id, utc_label
from simulator.replay.html.view import RunView, close_up_span, read_run
from simulator.replay.outcome import RunResult

TEMPLATE = "report.html.j2"
MAX_CHART_BATCHES = 40
"""Rows of the lifecycle chart; the batch table lists more."""
MAX_LISTED = 500
"""Rows of the fills and batches tables; the events table always lists every event."""


@dataclass(frozen=True)
class PriceChart:
    title: str
    caption: str
    svg: Markup


@dataclass(frozen=True)
class SymbolSection:
    symbol: str
    fills: int
    charts: tuple[PriceChart, ...]


def price_decimals(symbol: str) -> int:
    exponent = INSTRUMENTS[symbol].minimum_price_increment.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 2


def symbol_section(result: RunResult, run: RunView, symbol: str) -> SymbolSection:
    fills = [fill for fill in run.fills if fill.symbol == symbol]
    changes = edges(run.market_changes, symbol)
    spans = [("whole run", run.span)]
    close_up = close_up_span(fills, run.span)
    if close_up is not None:
        spans.append(("close-up around the fills", close_up))
    drawn = []
    for number, (name, span) in enumerate(spans):
        instants = sample_instants(*span, [fill.time_ns for fill in fills] + changes)
        points = sample_quotes(result.market, symbol, instants)
        svg = charts.price_chart(
            points=points,
            fills=[fill for fill in fills if span[0] <= fill.time_ns <= span[1]],
            outages=outage_spans(points),
            cutoffs=[cutoff for cutoff in run.cutoffs if span[0] <= cutoff <= span[1]],
            span=span,
            price_decimals=price_decimals(symbol),
            salt=f"price-{symbol}-{number}",
        )
        caption = f"{utc_label(span[0])} to {utc_label(span[1])} UTC ({duration_label(span[1] - span[0])})"
        drawn.append(PriceChart(f"{symbol}: {name}", caption, Markup(svg)))
    return SymbolSection(symbol, len(fills), tuple(drawn))


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("simulator.replay.html"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(utc=utc_label, instant=instant_text, central=central_label, duration=duration_label, short_id=short_id)
    return env


def render_page(result: RunResult) -> str:
    run = read_run(result)
    batches = run.batches[:MAX_CHART_BATCHES]
    return environment().get_template(TEMPLATE).render(
        result=result,
        run=run,
        symbols=[symbol_section(result, run, symbol) for symbol in run.symbols],
        lifecycle_svg=Markup(charts.lifecycle_chart(batches, "lifecycles")) if batches else None,
        settlement_svg=Markup(charts.settlement_chart(run.windows, "settlement")) if any(w.net for w in run.windows) else None,
        max_chart_batches=MAX_CHART_BATCHES,
        max_listed=MAX_LISTED,
        events_json=rows_script(run.rows),
        clients=sorted({row.client for row in run.rows}),
        event_types=sorted({row.event_type for row in run.rows}),
        statuses=sorted({row.status for row in run.rows if row.status}),
    )
