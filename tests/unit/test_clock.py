"""Instants, their ISO forms, and Chicago wall times (CONTRACT section 2)."""
from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from simulator.engine.clock import (
    NS_PER_SECOND,
    TimeFormatError,
    iso_millis,
    iso_nanos,
    next_central_time,
    parse_instant,
    to_datetime,
)

CUTOFF = time(9, 0)
HOUR_NS = 3600 * NS_PER_SECOND


def at(text: str) -> int:
    return parse_instant(text)


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-03T06:02:13.424552751Z",
        "2026-01-03T06:02:13.000000001Z",
        "2026-01-03T06:02:13.999999999Z",
        "2026-01-03T06:02:13.000000000Z",
        "1999-12-31T23:59:59.500000000Z",
    ],
)
def test_nanosecond_instants_round_trip(text: str) -> None:
    assert iso_nanos(parse_instant(text)) == text


def test_iso_forms_of_one_instant() -> None:
    instant = at("2026-01-03T06:02:13.424552751Z")
    assert iso_millis(instant) == "2026-01-03T06:02:13.424Z"
    assert iso_nanos(instant) == "2026-01-03T06:02:13.424552751Z"
    assert at("2026-01-03T06:02:13.424Z") == instant - 552_751


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-03T06:02:13Z",
        "2026-01-03T06:02:13+00:00",
        "2026-01-03T00:02:13-06:00",
        "2026-01-03T08:02:13.000+02:00",
    ],
)
def test_offsets_name_the_same_instant(text: str) -> None:
    assert at(text) == at("2026-01-03T06:02:13Z")


def test_aware_datetimes_are_read_and_naive_ones_refused() -> None:
    aware = datetime(2026, 1, 3, 6, 2, 13, 424552, tzinfo=UTC)
    assert parse_instant(aware) == at("2026-01-03T06:02:13.424552Z")
    assert to_datetime(parse_instant(aware)) == aware
    with pytest.raises(TimeFormatError):
        parse_instant(datetime(2026, 1, 3, 6, 2, 13))


@pytest.mark.parametrize("text", ["2026-01-03T06:02:13", "garbage", "", "2026-01-03T06:02:13.Z", "2026-01-03T06:02:13.1234567891Z"])
def test_unreadable_or_naive_strings_are_refused(text: str) -> None:
    with pytest.raises(TimeFormatError):
        parse_instant(text)


@pytest.mark.parametrize(
    ("after", "cutoff"),
    [
        ("2026-01-05T14:00:00Z", "2026-01-05T15:00:00Z"),  # winter: CST, UTC-6
        ("2026-01-05T15:00:00.000000001Z", "2026-01-06T15:00:00Z"),
        ("2026-07-06T13:00:00Z", "2026-07-06T14:00:00Z"),  # summer: CDT, UTC-5
        ("2026-07-06T14:30:00Z", "2026-07-07T14:00:00Z"),
        ("2026-12-31T20:00:00Z", "2027-01-01T15:00:00Z"),
    ],
)
def test_nine_central_follows_daylight_saving(after: str, cutoff: str) -> None:
    assert next_central_time(at(after), CUTOFF) == at(cutoff)


@pytest.mark.parametrize(
    ("first", "second", "hours"),
    [
        ("2026-03-07T15:00:00Z", "2026-03-08T14:00:00Z", 23),
        ("2026-10-31T14:00:00Z", "2026-11-01T15:00:00Z", 25),
        ("2026-03-09T14:00:00Z", "2026-03-10T14:00:00Z", 24),
    ],
)
def test_consecutive_cutoffs_across_the_switches(first: str, second: str, hours: int) -> None:
    assert next_central_time(at(first), CUTOFF) == at(second)
    assert at(second) - at(first) == hours * HOUR_NS


def test_inclusive_counts_the_exact_instant() -> None:
    cutoff = at("2026-01-05T15:00:00Z")
    assert next_central_time(cutoff, CUTOFF, inclusive=True) == cutoff
    assert next_central_time(cutoff, CUTOFF) == at("2026-01-06T15:00:00Z")
    assert next_central_time(cutoff - 1, CUTOFF, inclusive=True) == cutoff
