"""The page's charts, drawn with matplotlib and kept as inline SVG text.

Only this module imports matplotlib, and only its object API (no pyplot), so
no display or GUI backend is ever involved. The SVG is deterministic: a fixed
hash salt per chart (it seeds the ids of clip paths), no date or creator in
the metadata, and the DejaVu Sans font shipped with matplotlib drawn as
paths, so the same run gives the same bytes on any machine.
"""
from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, StrMethodFormatter
from matplotlib.transforms import Transform, offset_copy
from matplotlib.typing import RcKeyType

from simulator.engine.clock import NS_PER_DAY, NS_PER_SECOND
from simulator.replay.html.fills import Fill
from simulator.replay.html.lifecycles import BatchLifecycle
from simulator.replay.html.market import QuotePoint
from simulator.replay.html.settlement import SettlementWindow
from simulator.replay.html.timefmt import duration_label, short_id


@dataclass(frozen=True)
class StageMarker:
    """How the lifecycle chart draws one batch status."""

    marker: str
    color: str
    size: float
    filled: bool = True

    def style(self) -> dict[str, Any]:
        if self.filled:
            return {"marker": self.marker, "s": self.size, "color": self.color, "edgecolors": "white", "linewidths": 0.6}
        return {"marker": self.marker, "s": self.size, "facecolors": "none", "edgecolors": self.color, "linewidths": 1.6}

    def handle(self, label: str) -> Line2D:
        return Line2D(
            [], [], linestyle="none", marker=self.marker, markersize=math.sqrt(self.size) * 0.8, label=label,
            markerfacecolor=self.color if self.filled else "none", markeredgecolor=self.color,
        )


FILL_AREA = 46.0
"""A fill marker's size as matplotlib's scatter takes it: square points."""


@dataclass(frozen=True)
class FillMarker:
    """How the price chart draws the fills of one side.

    A triangle's tip sits on the fill's price, a BUY's (up) from below and a
    SELL's (down) from above: a BUY and a SELL at the same instant and price,
    as a batch's net BUY and its SELL allocations are, meet tip to tip
    instead of one hiding the other. A gift's diamond is centred on its price.
    """

    marker: str
    color: str
    label: str
    rise: int
    """Where the marker's centre sits, in half marker heights above the price."""

    def transform(self, ax: Axes, figure: Figure) -> Transform:
        """Data coordinates, moved by `rise`: matplotlib draws `^` and `v` in a square
        sqrt(FILL_AREA) points wide, so half of that is centre to tip."""
        return offset_copy(ax.transData, fig=figure, y=self.rise * math.sqrt(FILL_AREA) / 2, units="points")


WIDTH_IN = 12.0
PRICE_HEIGHT_IN, SETTLEMENT_HEIGHT_IN = 4.2, 3.4
MARGIN_LEFT_IN, MARGIN_RIGHT_IN, MARGIN_TOP_IN = 1.1, 0.3, 0.45
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#d0d7de",
    "grid.linewidth": 0.6,
    "date.epoch": "1970-01-01T00:00:00",
    "timezone": "UTC",
    "legend.frameon": False,
}
BBO_COLOR, MID_COLOR = "#4c78a8", "#333333"
SIDE_MARKERS = {
    "BUY": FillMarker("^", "#2ca02c", "BUY fill", rise=-1),
    "SELL": FillMarker("v", "#d62728", "SELL fill", rise=1),
    "GIFT": FillMarker("D", "#9467bd", "gift (at the ask)", rise=0),
}
STAGE_MARKERS = {
    "OPEN": StageMarker("o", "#4c78a8", 130, filled=False),
    "CLOSED": StageMarker("s", "#7f7f7f", 40),
    "COMPLETE": StageMarker("D", "#2ca02c", 46),
    "REJECTED": StageMarker("X", "#d62728", 60),
}
"""OPEN is a ring wide enough to show around the next stage when both happen at once."""
OTHER_STAGE = StageMarker("o", "#333333", 40)
CLIENT_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2")
LIFECYCLE_TICKS_S = (0, 0.25, 1, 10, 60, 600, 3_600, 6 * 3_600, 86_400, 7 * 86_400, 30 * 86_400)
OUTCOME_CHARS = 44
MIN_BAR_SLOTS = 7
DENSE_WINDOWS = 12
"""The settlement chart is at least a week wide, so a single window does not draw one huge bar."""
MIN_SHADE = 0.008
"""The narrowest outage band, as a fraction of the time axis, so a one-second outage in a day still shows."""
TICK_FORMATS = ["%Y", "%b", "%b %d", "%H:%M", "%H:%M", "%H:%M:%S.%f"]
"""Tick labels by level (years, months, days, hours, minutes, seconds): whole clock times, never a bare `40`."""
ZERO_FORMATS = ["", "%Y", "%b", "%b %d", "%H:%M", "%H:%M"]
_SIZE_ATTRIBUTES = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')


def to_days(ns: int) -> float:
    """matplotlib's date number: days since the 1970 epoch set in STYLE."""
    return ns / NS_PER_DAY


def figure_svg(figure: Figure, salt: str) -> str:
    """The figure as an `<svg>` element that scales to its container's width."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    return _SIZE_ATTRIBUTES.sub(r'<svg\1 role="img"', svg, count=1)


def framed(height_in: float, bottom_in: float = 0.65) -> tuple[Figure, Axes]:
    """A figure with one plot at fixed margins, sized for price-like tick labels and a legend row above.

    Fixed margins draw the figure once; matplotlib's constrained layout,
    kept for the lifecycle chart whose labels vary in length, draws it twice.
    """
    figure = Figure(figsize=(WIDTH_IN, height_in))
    left, right, top = MARGIN_LEFT_IN / WIDTH_IN, 1 - MARGIN_RIGHT_IN / WIDTH_IN, 1 - MARGIN_TOP_IN / height_in
    bottom = bottom_in / height_in
    return figure, figure.add_axes((left, bottom, right - left, top - bottom))


def legend_above(ax: Axes, **options: Any) -> None:
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02), borderaxespad=0.0, **options)


def time_axis(ax: Axes, low_ns: int, high_ns: int) -> None:
    # matplotlib.dates has no annotations on these two constructors.
    locator = AutoDateLocator(tz=UTC, minticks=4, maxticks=10)  # type: ignore[no-untyped-call]
    formatter = ConciseDateFormatter(  # type: ignore[no-untyped-call]
        locator, tz=UTC, formats=TICK_FORMATS, zero_formats=ZERO_FORMATS
    )
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)
    ax.set_xlim(to_days(low_ns), to_days(high_ns))
    ax.set_xlabel("time (UTC)")


def price_chart(
    points: Sequence[QuotePoint],
    fills: Sequence[Fill],
    outages: Sequence[tuple[int, int]],
    cutoffs: Sequence[int],
    span: tuple[int, int],
    price_decimals: int,
    salt: str,
) -> str:
    """Mid and BBO over the span, the fills on top (see FillMarker), outages shaded, settlement cutoffs dotted."""
    with matplotlib.rc_context(STYLE):
        figure, ax = framed(PRICE_HEIGHT_IN)
        x = [to_days(point.time_ns) for point in points]
        bid = [math.nan if point.bid is None else point.bid for point in points]
        ask = [math.nan if point.ask is None else point.ask for point in points]
        ax.fill_between(x, bid, ask, color=BBO_COLOR, alpha=0.18, linewidth=0, label="BBO: best bid to best ask")
        ax.plot(x, bid, color=BBO_COLOR, linewidth=0.8)
        ax.plot(x, ask, color=BBO_COLOR, linewidth=0.8)
        ax.plot(x, [point.mid for point in points], color=MID_COLOR, linewidth=0.7, linestyle="--", label="mid")
        for side, style in SIDE_MARKERS.items():
            chosen = [fill for fill in fills if fill.side == side]
            if chosen:
                spots = sorted({(fill.time_ns, fill.price) for fill in chosen})  # a batch's allocations share one
                x, y = [to_days(time_ns) for time_ns, _ in spots], [float(price) for _, price in spots]
                ax.scatter(
                    x, y, marker=style.marker, s=FILL_AREA, color=style.color, edgecolors="white", linewidths=0.6, zorder=5,
                    clip_on=False, transform=style.transform(ax, figure), label=f"{style.label} ({len(chosen)})",
                )
                ax.update_datalim(list(zip(x, y, strict=True)))  # autoscaling skips markers drawn through a moved transform
        shade_outages(ax, outages, span)
        for number, cutoff in enumerate(cutoffs):
            label = "09:00 CT settlement cutoff" if number == 0 else None
            ax.axvline(to_days(cutoff), color="#9c6500", linestyle=":", linewidth=1.1, label=label)
        time_axis(ax, *span)
        ax.yaxis.set_major_formatter(StrMethodFormatter(f"{{x:,.{price_decimals}f}}"))
        ax.set_ylabel("price (USD)")
        legend_above(ax, ncols=6, handlelength=1.6)
        return figure_svg(figure, salt)


def shade_outages(ax: Axes, outages: Sequence[tuple[int, int]], span: tuple[int, int]) -> None:
    narrowest = int((span[1] - span[0]) * MIN_SHADE)
    for number, (began, ended) in enumerate(outages):
        ended = max(ended, began + narrowest)
        ax.axvspan(
            to_days(began), to_days(ended), color="#e45756", alpha=0.3, linewidth=0,
            label="no quotes (outage)" if number == 0 else None,
        )


def lifecycle_chart(batches: Sequence[BatchLifecycle], salt: str) -> str:
    """One row per batch: its stages against the time since it opened (symlog beyond 1 s)."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(WIDTH_IN, 1.3 + 0.34 * len(batches)), layout="constrained")
        ax = figure.add_subplot()
        longest_s = max((batch.elapsed_ns(batch.stages[-1]) / NS_PER_SECOND for batch in batches), default=0.0)
        for row, batch in enumerate(batches):
            elapsed = [batch.elapsed_ns(stage) / NS_PER_SECOND for stage in batch.stages]
            ax.plot(elapsed, [row] * len(elapsed), color="#bbbbbb", linewidth=1.4, zorder=1)
            for stage, seconds in zip(batch.stages, elapsed, strict=True):
                ax.scatter([seconds], [row], zorder=3, clip_on=False, **STAGE_MARKERS.get(stage.status, OTHER_STAGE).style())
            ax.annotate(
                outcome_label(batch), xy=(1.0, row), xycoords=("axes fraction", "data"), xytext=(8, 0),
                textcoords="offset points", va="center", fontsize=8.5,
                color=STAGE_MARKERS.get(batch.final_status, OTHER_STAGE).color,
            )
        ax.set_xscale("symlog", linthresh=1.0, linscale=1.0)
        upper = max(longest_s * 1.6, 2.0)
        ticks = [tick for tick in LIFECYCLE_TICKS_S if tick <= upper]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.set_xticklabels(["0"] + [duration_label(int(tick * NS_PER_SECOND)) for tick in ticks[1:]])
        ax.xaxis.set_minor_locator(FixedLocator([]))
        ax.set_xlim(-0.05, upper)
        ax.set_yticks(range(len(batches)), [batch_label(batch) for batch in batches], fontsize=8.5)
        ax.set_ylim(len(batches) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("time since the batch's first event (linear to 1 s, logarithmic beyond)")
        seen = {stage.status for batch in batches for stage in batch.stages}
        handles = [marker.handle(status) for status, marker in STAGE_MARKERS.items() if status in seen]
        figure.legend(handles=handles, loc="outside upper left", ncols=len(handles))
        return figure_svg(figure, salt)


def batch_label(batch: BatchLifecycle) -> str:
    return f"{batch.client} · {short_id(batch.batch_id)} · {batch.symbol} {batch.batch_type}"


def outcome_label(batch: BatchLifecycle) -> str:
    """`COMPLETE @ 43021.5, 4 of 12 allocations` or `REJECTED: <reason>`, short enough to sit beside the plot."""
    if batch.final_status == "REJECTED" and batch.reject_reason:
        reason = batch.reject_reason
        return "REJECTED: " + (reason if len(reason) <= OUTCOME_CHARS else reason[: OUTCOME_CHARS - 1] + "…")
    price = f" @ {', '.join(batch.prices)}" if batch.prices else ""
    tried = batch.completed + batch.rejected
    return f"{batch.final_status}{price}, {batch.completed} of {tried} allocations" if tried else batch.final_status


def settlement_chart(windows: Sequence[SettlementWindow], salt: str) -> str:
    """Net Settlement per window and client: bars above zero are what the client owes.

    Past DENSE_WINDOWS windows the ticks show only the date and the bars
    lose their value labels (the table below the chart has them).
    """
    priced = [window for window in windows if window.net is not None]
    with matplotlib.rc_context(STYLE):
        figure, ax = framed(SETTLEMENT_HEIGHT_IN, bottom_in=0.9)
        ends = sorted({window.window_to for window in priced})
        clients = sorted({window.client for window in priced})
        dense = len(ends) > DENSE_WINDOWS
        width = 0.8 / len(clients)
        for number, client in enumerate(clients):
            mine = [window for window in priced if window.client == client]
            positions = [ends.index(window.window_to) - 0.4 + width * (number + 0.5) for window in mine]
            amounts = [float(window.net or 0) for window in mine]
            bars = ax.bar(positions, amounts, width=width * 0.9, color=CLIENT_COLORS[number % len(CLIENT_COLORS)], label=client)
            if not dense:
                ax.bar_label(bars, labels=[window.net_text for window in mine], padding=2, fontsize=8)
        ax.axhline(0, color="#555555", linewidth=0.8)
        ax.set_xlim(-0.6, max(len(ends), MIN_BAR_SLOTS) - 0.4)
        labels = [end[5:10] if dense else end.replace("T", "\n").removesuffix("Z") + " UTC" for end in ends]
        ax.set_xticks(range(len(ends)), labels, fontsize=8.5)
        ax.set_xlabel("window end (09:00 CT cutoff)")
        ax.set_ylabel("Net Settlement (USD)")
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.2f}"))
        ax.margins(y=0.18)
        legend_above(ax, ncols=len(clients))
        return figure_svg(figure, salt)
