"""`serve --clock realtime --speed 3600`: time follows the wall, `advance` still jumps (CONTRACT 2, 12).

The only test that waits on the wall clock: polling with short sleeps, since
the realtime driver is what is under test.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from e2e_target import START, Target, expect, start_server

SPEED = 3600
WALL_TIMEOUT = 10.0
POLL_SECONDS = 0.05
MOVED = timedelta(seconds=60)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@pytest.fixture(scope="module")
def realtime() -> Iterator[Target]:
    server = start_server("--clock", "realtime", "--speed", str(SPEED), "--seed", "1", "--start", START)
    yield server.target()
    assert server.stop() == 0, server.stderr_text()


def clock(target: Target) -> tuple[datetime, str]:
    answer = expect(target.control("GET", "/clock"), 200)
    return instant(answer["now"]), answer["mode"]


def test_simulated_time_follows_the_wall_clock(realtime: Target) -> None:
    first, mode = clock(realtime)
    assert mode == "realtime"
    assert first >= instant(START)
    deadline = time.monotonic() + WALL_TIMEOUT
    now = first
    while now - first < MOVED and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        now, _ = clock(realtime)
    assert now - first >= MOVED, f"in {WALL_TIMEOUT} s of wall time the clock moved only {now - first}"


def test_advance_still_jumps_forward(realtime: Target) -> None:
    before, _ = clock(realtime)
    target = before + timedelta(days=2)
    jumped = instant(realtime.advance(to=iso(target))["now"])
    assert jumped >= target
    after_seconds = instant(realtime.advance(seconds=3600)["now"])
    assert after_seconds >= jumped + timedelta(seconds=3600)


def test_an_advance_to_the_past_is_400(realtime: Target) -> None:
    now, _ = clock(realtime)
    past = realtime.control("POST", "/clock/advance", {"to": iso(now - timedelta(hours=1))})
    assert past.status_code == 400 and past.json()["code"] == 400 and past.json()["message"]
    later, _ = clock(realtime)
    assert later >= now, "time never goes backward"
