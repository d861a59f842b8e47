"""`sweep --command CMD`: each run serves a fresh world to CMD, then checks the world it served (CONTRACT 17).

Every run here starts a real `bakkt-sim serve` and a real CMD, two to three
seconds each, so the tests share what they can: the naive client's runs are
made once, and one run checks both the environment and the exit status.
"""
from __future__ import annotations

import json
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
import requests

from simulator.replay import runner
from simulator.replay.loader import load_scenario
from simulator.replay.runner import run_scenario
from simulator.service.core import SandboxCore
from simulator.service.invariants import Violation
from simulator.sweep.command import execute_command
from simulator.sweep.execute import ScenarioSource
from simulator.sweep.model import RunRecord, RunSpec

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "dedup_client.py"
NAIVE = shlex.join([sys.executable, str(EXAMPLE)])
DEDUP = f"{NAIVE} --dedup"
WORLD = {
    "version": 1,
    "name": "command-world",
    "seed": 1,
    "start": "2026-03-02T14:00:00Z",
    "market": {"BTCUSD": {"price": "43000.00"}},
    "clients": {"acme": {"accounts": [{"count": 3, "prefix": "INV", "holdings": {"BTC": "0.5"}}]}},
}
SOURCE = ScenarioSource("command-world.yaml", WORLD)
SEEDS = (3, 4)
"""Under --faults random, seed 4 delivers two of the batch's events twice and seed 3 delivers each once."""
TIMEOUT = 120.0
SETUP_CALLS = 5
"""The market, the faults, the faults' market settings, the client and its accounts."""
CLIENT_CALLS = 8
"""The example's: log in, open, three allocations, close, read the clock, advance it."""
KEPT = {"stdout.txt", "stderr.txt", "recording.yaml", "serve.log", "clients.json"}


def run(seed: int, command: str, faults: str = "random", timeout: float = TIMEOUT) -> RunRecord:
    return execute_command(SOURCE, RunSpec(seed, faults), command, timeout)


@pytest.fixture(scope="module")
def naive_runs() -> dict[int, RunRecord]:
    return {seed: run(seed, NAIVE) for seed in SEEDS}


def assert_nothing_run_specific(record: RunRecord) -> None:
    """No port and no temporary folder in what the record carries: they differ every run."""
    shown = [failure.message.encode() for failure in record.failures] + list(record.artifacts.values())
    for data in shown:
        assert b"127.0.0.1" not in data and tempfile.gettempdir().encode() not in data, data[:500]


def ended(group: int, within: float = 10.0) -> bool:
    """Whether no process of the group is alive, waiting up to `within` seconds for SIGKILL to land.

    A zombie is dead: an orphan waits as one until the system's init reaps it.
    """
    deadline = time.monotonic() + within
    while alive(group):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def alive(group: int) -> bool:
    if not Path("/proc/self/stat").exists():  # no /proc (macOS): its init reaps orphans at once
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        return True
    return any(pgrp == group and state != "Z" for state, pgrp in processes())


def processes() -> list[tuple[str, int]]:
    """(state, process group) of every process, from /proc/PID/stat."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended while we looked
        found.append((fields[0], int(fields[2])))
    return found


def test_the_naive_client_fails_where_an_event_came_twice_and_keeps_its_outputs_and_recording(
    naive_runs: dict[int, RunRecord], tmp_path: Path
) -> None:
    failing = [record for record in naive_runs.values() if not record.passed]
    assert failing, f"no seed of {SEEDS} delivered an event twice"
    for record in failing:
        [failure] = record.failures
        assert (failure.kind, failure.signature) == ("command", "command:exit-1")
        assert failure.message.startswith("CMD exited 1; its stderr ends:\n")
        assert failure.message.endswith("COMPLETE was handled 2 times\nSQS delivers at least once: deduplicate events by message_id (--dedup)")
        assert set(record.artifacts) == KEPT
        assert b"3 allocations, 8 events handled" in record.artifacts["stdout.txt"]
        assert record.artifacts["stderr.txt"].decode() == failure.message.removeprefix("CMD exited 1; its stderr ends:\n") + "\n"
        assert b"serving from 2026-03-02T14:00:00.000Z simulated, clock manual" in record.artifacts["serve.log"]
        measured = {name: record.metrics[name] for name in ("requests", "status5xx", "fills", "netSettlement")}
        assert measured == {"requests": SETUP_CALLS + CLIENT_CALLS, "status5xx": 0, "fills": 3, "netSettlement": [300.0]}
        assert_nothing_run_specific(record)
        recording = tmp_path / f"recording-{record.spec.seed}.yaml"
        recording.write_bytes(record.artifacts["recording.yaml"])
        assert run_scenario(load_scenario(recording)).passed, "the kept recording replays the session"


def test_the_deduplicating_client_passes_the_same_seeds(naive_runs: dict[int, RunRecord]) -> None:
    for seed in SEEDS:
        record = run(seed, DEDUP)
        assert record.passed, record.failures
        assert record.artifacts == {}
        assert record.metrics == naive_runs[seed].metrics, "the same requests, deduplicated or not"


def test_the_same_seed_gives_the_same_record_its_outputs_and_recording_included(naive_runs: dict[int, RunRecord]) -> None:
    first = next(record for record in naive_runs.values() if not record.passed)
    again = run(first.spec.seed, NAIVE)
    assert again == first
    assert again.artifacts == first.artifacts


def test_cmd_gets_the_world_in_its_environment_and_its_exit_status_is_the_signature(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INHERITED_BY_CMD", "yes")
    seen = tmp_path / "seen.json"
    dump = (
        "import json, os, sys; seen = dict(os.environ); seen['cwd'] = os.getcwd();"
        " seen['clients'] = json.load(open(os.environ['BAKKT_CLIENTS'])); json.dump(seen, open(sys.argv[1], 'w'))"
    )
    record = run(2, f"{shlex.join([sys.executable, '-c', dump, str(seen)])}; exit 3", faults="none")

    [failure] = record.failures
    assert (failure.kind, failure.signature, failure.message) == ("command", "command:exit-3", "CMD exited 3; its stderr is empty")
    env = json.loads(seen.read_text())
    assert env["BAKKT_API"].startswith("http://127.0.0.1:")
    assert env["AWS_ENDPOINT_URL"] == env["BAKKT_AWS"] != env["BAKKT_API"]
    assert env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"]
    assert env["BAKKT_SEED"] == "2"
    assert env["INHERITED_BY_CMD"] == "yes" and env["cwd"] == os.getcwd()
    clients = env["clients"]
    assert list(clients) == ["acme"]
    acme = clients["acme"]
    assert acme["clientId"] == "acme" and acme["logonId"] == "acme-api" and acme["password"]
    assert acme["accounts"] == ["INV00001", "INV00002", "INV00003"]
    assert acme["queueUrl"] == f"{env['BAKKT_AWS']}/123456789012/bakkt-sandbox-acme-events"
    kept = json.loads(record.artifacts["clients.json"])
    assert kept == {"acme": {**acme, "queueUrl": "$BAKKT_AWS/123456789012/bakkt-sandbox-acme-events"}}
    assert_nothing_run_specific(record)


def test_a_cmd_past_its_timeout_is_killed_with_all_it_started_and_the_server_is_stopped(tmp_path: Path) -> None:
    group, api = tmp_path / "group", tmp_path / "api"
    command = f'echo $$ > {shlex.quote(str(group))}; echo "$BAKKT_API" > {shlex.quote(str(api))}; sleep 60 & sleep 60'
    record = run(1, command, faults="none", timeout=1.5)

    [failure] = record.failures
    assert (failure.kind, failure.signature) == ("command", "command:timeout")
    assert failure.message == "CMD did not finish within 1.5 s and was killed; its stderr is empty"
    assert set(record.artifacts) == KEPT
    assert ended(int(group.read_text())), "the shell and its background sleep are gone"
    with requests.Session() as http, pytest.raises(requests.ConnectionError):
        http.trust_env = False
        http.get(f"{api.read_text().strip()}/sandbox/v1/clock", timeout=5)


def test_a_broken_invariant_of_the_served_world_fails_the_run_under_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker stands in for a sandbox bug; what is tested is that the served world reaches it and its verdict the record."""
    worlds: list[SandboxCore] = []

    def broken(core: SandboxCore, statuses: Iterable[int]) -> list[Violation]:
        worlds.append(core)
        return [Violation("test-broken", f"{len(list(statuses))} answers")]

    monkeypatch.setattr(runner, "check_invariants", broken)
    record = run(1, "exit 0", faults="none")

    [failure] = record.failures
    assert (failure.kind, failure.signature) == ("invariant", "invariant:test-broken")
    assert failure.message == "invariant:test-broken: 3 answers"  # without faults: the market, the client, its accounts
    assert list(worlds[0].clients) == ["acme"], "the world checked is the one CMD was served"
    assert set(record.artifacts) == KEPT


def test_a_run_that_raises_is_a_crash_with_its_traceback() -> None:
    record = execute_command(SOURCE, RunSpec(1, "none", ("clients.nobody.fundingModel=TPJ",)), "exit 0", TIMEOUT)

    [failure] = record.failures
    assert (failure.kind, failure.signature) == ("crash", "crash")
    assert "clients.nobody" in failure.message
    assert "Traceback (most recent call last)" in record.artifacts["traceback.txt"].decode()


def test_a_serve_not_ready_in_time_is_a_crash_that_keeps_its_log(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.sweep.command.READY_SECONDS", 0.0)
    record = run(1, "exit 0", faults="none")

    [failure] = record.failures
    assert (failure.kind, failure.signature) == ("crash", "crash")
    assert failure.message.startswith("simulator.sweep.command.ServeFailed: serve was not ready within 0 s")
    assert set(record.artifacts) == {"traceback.txt", "serve.log"}
