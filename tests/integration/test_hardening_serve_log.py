"""What `--db`'s log holds, and what happens when it cannot hold more (CONTRACT 13, 15).

In-process: a Runtime over a real CommandLog file, as `serve --db` builds
it, without sockets. A request refused with 401, 404, 405 or 413 changes
nothing and is never logged (nor draws an API fault, which a replay would
not draw again); a log that cannot write answers 503 and runs nothing.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from moto import mock_aws

from simulator.adapters.aws import EmbeddedAws
from simulator.adapters.command_log import CommandLog
from simulator.api.http import ApiRequest, ApiResponse
from simulator.engine.clock import NS_PER_SECOND, parse_instant
from simulator.runtime import Runtime
from simulator.sandbox import compose_runtime, open_control

SEED = 9
START_NS = parse_instant("2026-03-02T14:00:00Z")
API = "/apex-crypto/api/v2"
ACCOUNT = f"{API}/accounts/INV00001"
FULL = {"code": 503, "message": "durable log unavailable: database or disk is full"}


@contextmanager
def runtime_on(db: Path) -> Iterator[tuple[Runtime, CommandLog]]:
    """A runtime logging to `db`, with the embedded AWS of its own."""
    with mock_aws():
        log = CommandLog(db)
        try:
            runtime = compose_runtime(
                seed=SEED, start_ns=START_NS, ports=EmbeddedAws.connect(), clock_mode="manual",
                control_guard=open_control, log=log,
            )  # fmt: skip
            yield runtime, log
        finally:
            log.close()


def send(runtime: Runtime, method: str, path: str, body: Any = None, *, raw: bytes | None = None, token: str | None = None) -> ApiResponse:
    headers = {"authorization": f"Bearer {token}"} if token is not None else {}
    data = raw if raw is not None else b"" if body is None else json.dumps(body).encode()
    return runtime.dispatch(ApiRequest(method, path, {}, headers, data))


def provision(runtime: Runtime) -> tuple[str, str]:
    """acme with one investor: its password and a token."""
    password = send(runtime, "POST", "/sandbox/v1/clients", {"clientId": "acme"}).json()["password"]
    assert send(runtime, "POST", "/sandbox/v1/clients/acme/accounts", {"count": 1}).status == 201
    return password, login(runtime, password).json()["token"]


def login(runtime: Runtime, password: str) -> ApiResponse:
    return send(runtime, "POST", f"{API}/login", {"logonId": "acme-api", "password": password})


def test_requests_refused_before_they_run_are_never_logged(tmp_path: Path) -> None:
    with runtime_on(tmp_path / "x.db") as (runtime, log):
        _, token = provision(runtime)
        logged = log.count()
        padding = {"padding": "x" * (512 * 1024)}
        refused = [
            (401, "POST", f"{API}/accounts", padding, None),
            (401, "POST", f"{API}/allocation/trade/batch/open", padding, "not-a-token"),
            (401, "POST", f"{API}/login", {"logonId": "acme-api", "password": "x" * (512 * 1024)}, None),
            (404, "POST", f"{API}/nowhere", padding, token),
            (405, "PUT", "/sandbox/v1/clients", padding, None),
            (413, "POST", f"{API}/accounts", {"padding": "x" * (1024 * 1024)}, token),
        ]
        for status, method, path, body, auth in refused:
            assert send(runtime, method, path, body, token=auth).status == status, (method, path)
        assert log.count() == logged, "a refused request left a command in the log"
        assert send(runtime, "GET", ACCOUNT, token=token).status == 200
        assert log.count() == logged + 1, "an admitted call is logged"


def copy_database(source: Path, target: Path) -> None:
    """The log as a kill -9 would leave it: what was committed, WAL included."""
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)


def test_a_restart_after_refused_and_faulted_calls_answers_as_the_first_run_would(tmp_path: Path) -> None:
    """Refused calls draw no fault: the replay's fault stream stands where the first run's stood."""
    probe: list[tuple[str, str, Any, bool]] = [
        ("GET", ACCOUNT, None, True),
        ("GET", ACCOUNT, None, False),
        ("POST", f"{API}/allocation/trade/batch/open", {"batchTransactionId": "b", "symbol": "BTCUSD", "type": "NOTIONAL"}, True),
    ]

    def run_probe(runtime: Runtime, password: str, token: str) -> list[tuple[int, Any]]:
        answers = []
        for _ in range(10):
            for method, path, body, authorized in probe:
                answer = send(runtime, method, path, body, token=token if authorized else None)
                answers.append((answer.status, answer.json()))
            answer = login(runtime, password)
            answers.append((answer.status, answer.json()))
        return answers

    first_db, copy_db = tmp_path / "first.db", tmp_path / "copy.db"
    with runtime_on(first_db) as (first, _):
        password, token = provision(first)
        send(first, "POST", "/sandbox/v1/faults", {"api": {"errorRate": 0.4, "lostResponseRate": 0.3}})
        for _ in range(20):
            assert send(first, "GET", ACCOUNT).status == 401
            assert login(first, "wrong").status == 401
            send(first, "GET", ACCOUNT, token=token)
        copy_database(first_db, copy_db)
        expected = run_probe(first, password, token)
    assert {status for status, _ in expected} >= {200, 401, 503, 504}, "the probe meets every kind of answer"
    with runtime_on(copy_db) as (restarted, _):
        restarted.replay_log()
        assert run_probe(restarted, password, token) == expected


def fill_disk(log: CommandLog) -> None:
    """What a full disk does to SQLite: a write that needs one more page fails with 'database or disk is full'."""
    connection: sqlite3.Connection = log._db  # noqa: SLF001 - the one way to fill a disk without a filesystem
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")


def test_a_log_that_cannot_write_answers_503_and_runs_nothing(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    with runtime_on(db) as (runtime, log):
        password, token = provision(runtime)
        logged = log.count()
        fill_disk(log)
        spaced = json.dumps({"clientId": "qa"}).encode() + b" " * 8192  # more than a page to write
        answer = send(runtime, "POST", "/sandbox/v1/clients", raw=spaced)
        assert (answer.status, answer.json()) == (503, FULL)
        assert "qa" not in runtime.core.clients, "the command ran although it was not logged"
        assert send(runtime, "GET", ACCOUNT, raw=b" " * 8192, token=token).status == 503
        assert log.count() == logged
    with runtime_on(db) as (restarted, _):
        assert restarted.replay_log() == logged, "everything acknowledged is still there"
        assert set(restarted.core.clients) == {"acme"}
        assert login(restarted, password).status == 200
        assert send(restarted, "GET", ACCOUNT, token=token).status == 200


def test_the_realtime_clock_resumes_at_its_mark_unless_a_reset_came_after(tmp_path: Path) -> None:
    """A realtime tick marks its target before it moves there; a reset takes the clock back to the start."""
    hour_later = START_NS + 3600 * NS_PER_SECOND
    for reset, resumed in ((False, hour_later), (True, START_NS)):
        db = tmp_path / f"reset-{reset}.db"
        with runtime_on(db) as (runtime, _):
            provision(runtime)
            runtime.mark_clock(hour_later)
            runtime.core.kernel.run_to(hour_later)
            if reset:
                assert send(runtime, "POST", "/sandbox/v1/reset", {"seed": SEED}).status == 200
        with runtime_on(db) as (restarted, _):
            restarted.replay_log()
            assert restarted.core.now == resumed, f"reset: {reset}"
