"""`POST /sandbox/v1/faults` `{"s3": {"failPuts": n}}`: set, echoed, and felt by the next uploads (CONTRACT 12, 15).

Each test gets a sandbox of its own: fault settings are sandbox-wide.
"""
from __future__ import annotations

from sandbox_session import control, expect, list_files, provision

from simulator import Sandbox


def test_fail_puts_is_echoed_with_the_other_settings(sandbox: Sandbox) -> None:
    answer = expect(control(sandbox, "POST", "/faults", {"s3": {"failPuts": 3}}), 200)
    assert answer["s3"] == {"failPuts": 3}
    assert answer["fills"] == {"latencyMs": 250}
    assert expect(control(sandbox, "POST", "/faults", {"fills": {"latencyMs": 10}}), 200)["s3"] == {"failPuts": 3}


def test_fail_puts_fails_the_next_uploads_only(sandbox: Sandbox) -> None:
    """The 09:00 CT cutoff writes two files: with failPuts 1, one lands late and the count is used up."""
    provision(sandbox, "acme")
    expect(control(sandbox, "POST", "/faults", {"s3": {"failPuts": 1}}), 200)
    expect(control(sandbox, "POST", "/clock/advance", {"to": "2026-03-02T15:00:01Z"}), 200)
    assert sorted(row["delivered"] for row in list_files(sandbox, "acme")) == [False, True]
    assert expect(control(sandbox, "POST", "/faults", {}), 200)["s3"] == {"failPuts": 0}
