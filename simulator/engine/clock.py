"""Simulated time: integer nanoseconds since the Unix epoch, and its edges.

The simpy Environment counts integer nanoseconds so that exact instants such
as 09:00:00.000 CT stay exact; datetimes appear only where users see time.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

NS_PER_SECOND = 1_000_000_000
NS_PER_MS = 1_000_000
NS_PER_DAY = 86_400 * NS_PER_SECOND
CENTRAL = ZoneInfo("America/Chicago")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class TimeFormatError(ValueError):
    """An ISO-8601 instant that cannot be read as an aware UTC time."""


def parse_instant(text: str | datetime) -> int:
    """Read an ISO-8601 instant (or aware datetime) as nanoseconds since the epoch.

    Fractions beyond microseconds are kept: `2026-01-03T06:02:13.424552751Z`
    round-trips exactly.
    """
    if isinstance(text, datetime):
        if text.tzinfo is None:
            raise TimeFormatError(f"{text.isoformat()} has no time zone")
        delta = text - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * NS_PER_SECOND + delta.microseconds * 1000
    if not isinstance(text, str):
        raise TimeFormatError(f"{text!r} is not an ISO-8601 instant")
    raw = text.strip()
    fraction_ns = 0
    head = raw
    if "." in raw:
        head, _, rest = raw.partition(".")
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        if not digits or len(digits) > 9:
            raise TimeFormatError(f"{text!r} is not an ISO-8601 instant")
        fraction_ns = int(digits.ljust(9, "0"))
        head += rest
    try:
        parsed = datetime.fromisoformat(head.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TimeFormatError(f"{text!r} is not an ISO-8601 instant") from exc
    if parsed.tzinfo is None:
        raise TimeFormatError(f"{text!r} has no time zone (add Z or an offset)")
    return parse_instant(parsed) + fraction_ns


def to_datetime(ns: int) -> datetime:
    """Aware UTC datetime (microsecond precision) for an instant."""
    return _EPOCH + timedelta(microseconds=ns // 1000)


@lru_cache(maxsize=64)
def utc_day(day: int) -> date:
    """The UTC calendar date of day number `day` since the epoch."""
    return _EPOCH.date() + timedelta(days=day)


def _utc_clock(ns: int) -> str:
    """`2026-03-02T15:30:00`, by integer arithmetic: million-row files format
    a time per row, and strftime costs several times more."""
    day, second_of_day = divmod(ns // NS_PER_SECOND, 86_400)
    hour, second_of_hour = divmod(second_of_day, 3_600)
    minute, second = divmod(second_of_hour, 60)
    return f"{utc_day(day).isoformat()}T{hour:02d}:{minute:02d}:{second:02d}"


def trade_date(ns: int) -> str:
    """`03/02/2026`: the UTC date of an instant as the vendor's files write it."""
    return _us_date(ns // NS_PER_DAY)


@lru_cache(maxsize=64)
def _us_date(day: int) -> str:
    return utc_day(day).strftime("%m/%d/%Y")


def iso_seconds(ns: int) -> str:
    return _utc_clock(ns) + "Z"


@lru_cache(maxsize=256)
def iso_millis(ns: int) -> str:
    """`createdAt` style: milliseconds and Z."""
    return f"{_utc_clock(ns)}.{(ns // NS_PER_MS) % 1000:03d}Z"


@lru_cache(maxsize=256)
def iso_nanos(ns: int) -> str:
    """Event envelope `timestamp` style: nanoseconds and Z."""
    return f"{_utc_clock(ns)}.{ns % NS_PER_SECOND:09d}Z"


def central_datetime(ns: int) -> datetime:
    return to_datetime(ns).astimezone(CENTRAL)


def central_date(ns: int) -> date:
    return central_datetime(ns).date()


def next_central_time(after_ns: int, at: time, *, inclusive: bool = False) -> int:
    """The first instant at wall time `at` in Chicago strictly after `after_ns`.

    With `inclusive`, an instant exactly at `at` counts. Daylight saving is
    resolved by zoneinfo, so the gap between two 09:00 CT cutoffs is 23 or 25
    hours across the switches.
    """
    day = central_date(after_ns)
    for offset in range(0, 3):
        candidate = datetime.combine(day + timedelta(days=offset), at, tzinfo=CENTRAL)
        candidate_ns = parse_instant(candidate)
        if candidate_ns > after_ns or (inclusive and candidate_ns == after_ns):
            return candidate_ns
    raise AssertionError("a later wall time always exists within three days")


def central_instant(day: date, at: time) -> int:
    return parse_instant(datetime.combine(day, at, tzinfo=CENTRAL))
