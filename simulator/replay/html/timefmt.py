"""How the page writes instants, durations and ids: UTC throughout, as the events do."""
from __future__ import annotations

from simulator.engine.clock import NS_PER_MS, NS_PER_SECOND, central_datetime, iso_millis
from simulator.replay.html.lenient import instant_or_none

SHORT_ID = 8


def utc_label(ns: int) -> str:
    """`2026-03-02 15:30:00.250`: the events' own clock, to the millisecond."""
    return iso_millis(ns).replace("T", " ").removesuffix("Z")


def instant_text(text: str) -> str:
    """A file's ISO-8601 instant written like the rest of the page; left as it is when it does not parse."""
    ns = instant_or_none(text)
    return text if ns is None else utc_label(ns)


def central_label(ns: int) -> str:
    """`09:00 CT`: business rules (cutoffs, maintenance) are set in Chicago time."""
    return central_datetime(ns).strftime("%Y-%m-%d %H:%M CT")


def duration_label(ns: int) -> str:
    """`0 ms`, `250 ms`, `1.25 s`, `3 min 5 s`, `2 h 5 min`, `1 d 2 h`: two units at most."""
    if ns < NS_PER_SECOND:
        return f"{ns // NS_PER_MS} ms"
    if ns < 60 * NS_PER_SECOND:
        return f"{ns / NS_PER_SECOND:.3g} s"
    seconds = ns // NS_PER_SECOND
    for unit, size, lower, lower_size in (("d", 86_400, "h", 3_600), ("h", 3_600, "min", 60), ("min", 60, "s", 1)):
        if seconds >= size:
            whole, rest = divmod(seconds, size)
            part = rest // lower_size
            return f"{whole} {unit} {part} {lower}" if part else f"{whole} {unit}"
    raise AssertionError("a duration of a minute or more has a unit")


def short_id(value: object) -> str:
    """The first characters of a UUID, enough to tell a run's batches apart."""
    return str(value)[:SHORT_ID] if value else "?"
