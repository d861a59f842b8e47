"""Realtime clock with `--db`: a kill -9 never takes back what a client was shown (CONTRACT 15):
the clock, the files and the emails.

At `--speed 100000` a tick of the realtime driver (20 ms) is more than half
a simulated hour, so a clock saved only now and then resumes hours in the
past. The restart uses the manual clock: it then shows exactly the instant
the log resumed at, with no wall time added after the restart to hide a
loss.
"""
from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from e2e_target import START, Target, expect, start_server

SPEED = "100000"
CUTOFFS = 3
"""Settlement days to watch before the kill: each writes the client's files at 09:00 CT."""
WALL_TIMEOUT = 30.0


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def files_of(target: Target) -> set[str]:
    return {entry["key"] for entry in expect(target.control("GET", "/files", client="acme"), 200)["files"]}


def emails_of(target: Target) -> set[tuple[str, str]]:
    emails = expect(target.control("GET", "/emails", client="acme"), 200)["emails"]
    return {(email["subject"], email["sentAt"]) for email in emails}


def test_after_a_kill_the_clock_and_the_files_are_at_least_what_was_shown(tmp_path: Path) -> None:
    db = str(tmp_path / "realtime.db")
    first = start_server("--clock", "realtime", "--speed", SPEED, "--seed", "3", "--start", START, "--db", db)
    shown: list[datetime] = []
    files: set[str] = set()
    emails: set[tuple[str, str]] = set()
    try:
        target = first.target()
        expect(target.control("POST", "/clients", {"clientId": "acme", "financeEmails": ["ops@acme.test"]}), 201)
        deadline = time.monotonic() + WALL_TIMEOUT
        while len({key.split("/")[-1][:10] for key in files}) < CUTOFFS and time.monotonic() < deadline:
            files |= files_of(target)
            emails |= emails_of(target)
            shown.append(instant(target.now()))
        assert len(shown) >= 2 and shown[-1] > shown[0], "the realtime clock moved while it was read"
        assert files and emails, f"no settlement file or email in {WALL_TIMEOUT} s of wall time"
    finally:
        first.kill()
    second = start_server("--clock", "manual", "--db", db)
    try:
        target = second.target()
        resumed = instant(target.now())
        assert resumed >= max(shown), f"resumed at {resumed}, {max(shown) - resumed} before an instant shown"
        assert files <= files_of(target), f"files shown before the kill are gone: {sorted(files - files_of(target))}"
        assert emails <= emails_of(target), f"emails shown before the kill are gone: {sorted(emails - emails_of(target))}"
    finally:
        assert second.stop() == 0, second.stderr_text()
