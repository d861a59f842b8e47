"""`bakkt-sim sweep --command CMD`: your own client against each seeded world (CONTRACT section 17).

A run starts a fresh `bakkt-sim serve --clock manual` as a subprocess rather
than a sandbox in this process: CMD, in any language, needs real sockets,
and serve's embedded AWS then lives in its own process, not in the worker
that runs other worlds. The run's world is applied through the public
control API over HTTP with the very calls a replay makes at setup (the
scenario's market, the fault profile's settings, its clients and their
accounts), so the session's `--record`ing is a complete scenario that
`bakkt-sim replay` runs again. The scenario's steps are not sent: CMD is
the client, and it moves the clock.

Provider outages are left out of `--faults random` here. A replay switches
an outage on and off at its window's edges by splitting its own clock
advances there; the control API can only set an outage at the current
instant, and here CMD moves the clock, so nothing could switch it at those
instants. Queue duplicates and delays, S3 upload failures, fill latency and
each symbol's volatility and spread are applied as in a replay.

The served world is checked in this process, rebuilt by replaying the
session's recording as `bakkt-sim replay` would (memory mode: nothing
process-wide is touched). That replay checks the invariants and measures
the metrics exactly as a replay run of the sweep does, and checks every
answer against the session's on the way, so the recording a failing run
keeps is known to reproduce it, and serve needs no `--db`. A recording
that does not replay is a sandbox bug: a `crash`.

Ports and the run's temporary folder change from run to run, so the kept
files and the messages name them as the variables CMD was given
(`$BAKKT_API`, `$BAKKT_AWS`, `$BAKKT_CLIENTS`) and `<run folder>`: the same
CMD, if deterministic itself, gives the same record.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import requests

from simulator.replay.loader import load_scenario
from simulator.replay.matching import show
from simulator.replay.outcome import Failure
from simulator.replay.runner import CONTROL, Extras, resolved, run_scenario
from simulator.replay.scenario import CLIENTS_PATH, HttpCall, Scenario
from simulator.replay.substitution import Substitution
from simulator.sweep.execute import CRASH, ScenarioSource, crashed
from simulator.sweep.metrics import run_metrics
from simulator.sweep.model import Metric, RunFailure, RunRecord, RunSpec
from simulator.sweep.plan import parse_override, run_extras
from simulator.sweep.signature import run_failures

READY_SECONDS = 60.0
"""How long serve may take to listen; it takes about two seconds (imports and moto's server)."""
STOP_SECONDS = 30.0
HTTP_SECONDS = 30.0
POLL_SECONDS = 0.02
STDERR_LINES = 20
"""Lines of CMD's stderr that a failure's message ends with."""
KEPT_BYTES = 1 << 20
"""The tail of each output kept: a chatty CMD must not fill the sweep's memory (records travel through Dask)."""
AWS_KEY = "bakkt-sandbox"
"""Access key id and secret: serve's moto takes any."""

READY = "ready.json"
RECORDING = "recording.yaml"
SERVE_LOG = "serve.log"
CLIENTS = "clients.json"
STDOUT = "stdout.txt"
STDERR = "stderr.txt"
KEPT = (STDOUT, STDERR, RECORDING, SERVE_LOG, CLIENTS)
OUTPUTS = (STDOUT, STDERR, SERVE_LOG)
"""Kept files cut to their last KEPT_BYTES; the recording and clients.json are kept whole, to replay."""
RUN_FOLDER = "<run folder>"
SIGNAL_EXIT_BASE = 128
STEPS = "steps["
"""Where a recorded step's failure is: the replay's answer differs from the session's."""
"""A process killed by signal N exits 128 + N, as `sh` reports it."""


class ServeFailed(Exception):
    """serve exited or hung before it was ready: a crash of the run, never of the sweep."""


class SetupRefused(Exception):
    """A setup call of the scenario answered other than 2xx, as a replay would report it."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


class SessionDiverged(Exception):
    """The recording did not replay to the session's answers: the world checked would not be the served one."""


@dataclass(frozen=True)
class Endpoints:
    """serve's ready line."""

    api: str
    aws: str
    region: str


class Scrub:
    """What differs from run to run, written as the name CMD knows it by: the run's folder and, once
    serve is ready, its URLs."""

    def __init__(self, folder: Path) -> None:
        self._names: dict[str, str] = {}
        for seen_as in (folder, folder.resolve()):
            self._names[str(seen_as)] = RUN_FOLDER
            self._names[str(seen_as / CLIENTS)] = "$BAKKT_CLIENTS"

    def name(self, value: str, name: str) -> None:
        self._names[value] = name

    def _pairs(self) -> list[tuple[str, str]]:
        """Longest first, so a file's path is named before its folder."""
        return sorted(self._names.items(), key=lambda pair: len(pair[0]), reverse=True)

    def text(self, text: str) -> str:
        for value, name in self._pairs():
            text = text.replace(value, name)
        return text

    def data(self, data: bytes) -> bytes:
        for value, name in self._pairs():
            data = data.replace(value.encode(), name.encode())
        return data


def execute_command(
    source: ScenarioSource, spec: RunSpec, command: str, timeout: float, keep: bool = True
) -> RunRecord:
    """One run of CMD against a fresh serve of `spec`'s world; a failing run keeps its folder's files when `keep`.

    Whatever the sandbox side raises (serve not starting included) is a `crash`
    with its traceback; CMD and serve are gone when this returns, whatever happened.
    """
    with tempfile.TemporaryDirectory(prefix="bakkt-command-") as name:
        folder = Path(name)
        scrub = Scrub(folder)
        try:
            failures, metrics = run_world(folder, source, spec, command, timeout, scrub)
        except Exception:  # noqa: BLE001 - any error of the run is its failure, never the sweep's
            record = crashed(spec, scrub.text(traceback.format_exc()))
            return replace(record, artifacts={**kept_files(folder, scrub), **record.artifacts}) if keep else record
        return RunRecord(spec, tuple(failures), metrics, kept_files(folder, scrub) if failures and keep else {})


def run_world(
    folder: Path, source: ScenarioSource, spec: RunSpec, command: str, timeout: float, scrub: Scrub
) -> tuple[list[RunFailure], dict[str, Metric]]:
    """Serve the world, let CMD drive it, stop serve, then check the world it served."""
    scenario = source.scenario(spec.sets)
    server = Serve(folder, spec.seed, scenario.start)
    try:
        endpoints = server.ready()
        scrub.name(endpoints.api, "$BAKKT_API")
        scrub.name(endpoints.aws, "$BAKKT_AWS")
        failures = drive(folder, endpoints, scenario, spec, command, timeout, scrub)
    finally:
        code = server.stop()
    if code != 0:
        log = scrub.text(last_lines((folder / SERVE_LOG).read_bytes()))
        failures.append(RunFailure("crash", CRASH, f"serve exited {code} when stopped; its log ends:\n{log}"))
    broken, metrics = check_served_world(folder / RECORDING)
    return [*failures, *broken], metrics


class Serve:
    """`bakkt-sim serve --clock manual` in the run's folder, recording its session there.

    It runs in that folder with relative file names, so its log never names
    the folder, and leads a process group of its own, so a Ctrl-C meant for
    the sweep reaches it only through `stop`.
    """

    def __init__(self, folder: Path, seed: int, start: str) -> None:
        self.folder = folder
        arguments = ["serve", "--port", "0", "--clock", "manual", "--seed", str(seed), "--start", start]
        arguments += ["--ready-file", READY, "--record", RECORDING]
        with open(folder / SERVE_LOG, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "simulator", *arguments],
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )

    def ready(self) -> Endpoints:
        """The ready file's endpoints, once serve has written all of it."""
        deadline = time.monotonic() + READY_SECONDS
        while (endpoints := read_ready(self.folder / READY)) is None:
            if self.process.poll() is not None:
                raise ServeFailed(f"serve exited {self.process.returncode} before it was ready; {self.log_tail()}")
            if time.monotonic() > deadline:
                raise ServeFailed(f"serve was not ready within {READY_SECONDS:g} s; {self.log_tail()}")
            time.sleep(POLL_SECONDS)
        return endpoints

    def log_tail(self) -> str:
        return f"its log ends:\n{last_lines((self.folder / SERVE_LOG).read_bytes())}"

    def stop(self) -> int:
        """SIGTERM, which serve answers by stopping cleanly with exit 0; SIGKILL if it does not."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def read_ready(path: Path) -> Endpoints | None:
    """None until the file holds the whole ready line (serve writes it in place, not atomically)."""
    try:
        ready = json.loads(path.read_text())
        return Endpoints(str(ready["api"]), str(ready["aws"]), str(ready["region"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def drive(
    folder: Path, endpoints: Endpoints, scenario: Scenario, spec: RunSpec, command: str, timeout: float, scrub: Scrub
) -> list[RunFailure]:
    """Provision the world, then run CMD against it; its failure, if any."""
    try:
        clients = provision(endpoints.api, scenario, spec)
    except SetupRefused as refused:
        return list(run_failures([refused.failure]))
    clients_file = folder / CLIENTS
    clients_file.write_text(json.dumps(clients, indent=2) + "\n")
    code = run_client(command, timeout, client_environment(endpoints, spec.seed, clients_file), folder)
    if code == 0:
        return []
    stderr = scrub.text(last_lines((folder / STDERR).read_bytes()))
    ends = f"; its stderr ends:\n{stderr}" if stderr else "; its stderr is empty"
    if code is None:
        return [RunFailure("command", "command:timeout", f"CMD did not finish within {timeout:g} s and was killed{ends}")]
    return [RunFailure("command", f"command:exit-{code}", f"CMD exited {code}{ends}")]


def provision(api: str, scenario: Scenario, spec: RunSpec) -> dict[str, dict[str, Any]]:
    """A replay's setup (`ScenarioRunner.setup`) over HTTP: each client's provisioning answer,
    with `accounts`, the ids its `accounts:` entries created, in order.

    The fault profile's timed outages are dropped (see the module's docstring).
    """
    resolve = Substitution(spec.seed)
    extras = run_extras(scenario, spec.seed, spec.faults, [parse_override(text) for text in spec.sets]) or Extras()
    clients: dict[str, dict[str, Any]] = {}
    with requests.Session() as http:
        http.trust_env = False  # serve is on loopback: no proxy of the environment applies
        for symbol, settings in scenario.market.items():
            post(http, api, f"market.{symbol}", resolved(HttpCall("POST", f"{CONTROL}/market/{symbol}", dict(settings)), resolve))
        for where, call in extras.setup:
            post(http, api, where, call)
        for client in scenario.clients:
            where = f"clients.{client.client_id}"
            answer = post(http, api, where, resolved(HttpCall("POST", CLIENTS_PATH, dict(client.body)), resolve))
            accounts: list[str] = []
            for index, body in enumerate(client.accounts):
                call = HttpCall("POST", f"{CLIENTS_PATH}/{client.client_id}/accounts", dict(body))
                accounts += post(http, api, f"{where}.accounts[{index}]", resolved(call, resolve))["accounts"]
            clients[client.client_id] = {**answer, "accounts": accounts}
    return clients


def post(http: requests.Session, api: str, where: str, call: HttpCall) -> Any:
    """The call's answer; SetupRefused, worded as the replay's own check, unless it is 2xx."""
    response = http.request(
        call.method,
        f"{api}{call.path}",
        params=dict(call.query),
        data=call.payload(),
        headers={"content-type": "application/json"},
        timeout=HTTP_SECONDS,
    )
    try:
        answer: Any = response.json()
    except ValueError:
        answer = response.text
    if not 200 <= response.status_code < 300:
        problem = f"status: expected 2xx, actual {response.status_code}"
        raise SetupRefused(Failure(where, "\n".join([f"{call.method} {call.path}", problem, f"answer: {show(answer)}"])))
    return answer


def client_environment(endpoints: Endpoints, seed: int, clients_file: Path) -> dict[str, str]:
    """The caller's environment, plus where the world is: boto3 and the AWS CLI read AWS_ENDPOINT_URL themselves."""
    return {
        **os.environ,
        "BAKKT_API": endpoints.api,
        "BAKKT_AWS": endpoints.aws,
        "AWS_ENDPOINT_URL": endpoints.aws,
        "AWS_DEFAULT_REGION": endpoints.region,
        "AWS_ACCESS_KEY_ID": AWS_KEY,
        "AWS_SECRET_ACCESS_KEY": AWS_KEY,
        "BAKKT_SEED": str(seed),
        "BAKKT_CLIENTS": str(clients_file),
    }


def run_client(command: str, timeout: float, environment: dict[str, str], folder: Path) -> int | None:
    """CMD's exit status (128 + N when signal N killed it), None when it outlived `timeout`.

    CMD leads a process group of its own, killed when it ends or times out,
    so nothing it started outlives the run or reaches the server while it stops.
    """
    with open(folder / STDOUT, "wb") as out, open(folder / STDERR, "wb") as err:
        process = subprocess.Popen(
            ["/bin/sh", "-c", command],
            cwd=os.getcwd(),
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    try:
        code = process.wait(timeout)
    except subprocess.TimeoutExpired:
        return None
    finally:
        end_group(process)
    return code if code >= 0 else SIGNAL_EXIT_BASE - code


def end_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # CMD and everything it started have already exited
    process.wait()


def check_served_world(recording: Path) -> tuple[tuple[RunFailure, ...], dict[str, Metric]]:
    """The session replayed from its recording: the invariants the world it served breaks, and its metrics,
    each as a replay run of the sweep has them."""
    replayed = run_scenario(load_scenario(recording))
    diverged = [failure for failure in replayed.failures if failure.where.startswith(STEPS)]
    if diverged:
        first = diverged[0]
        raise SessionDiverged(f"{len(diverged)} answers differ from the session's, first at {first.where}: {first.message}")
    return run_failures(replayed.failures), run_metrics(replayed)


def last_lines(data: bytes, count: int = STDERR_LINES) -> str:
    return "\n".join(data.decode("utf-8", errors="replace").rstrip().splitlines()[-count:])


def kept_files(folder: Path, scrub: Scrub) -> dict[str, bytes]:
    """The run's files for its failure folder, run-specific names scrubbed (before cutting, so the cut is too)."""
    kept: dict[str, bytes] = {}
    for name in KEPT:
        path = folder / name
        if path.is_file():
            data = scrub.data(path.read_bytes())
            kept[name] = tail(data) if name in OUTPUTS else data
    return kept


def tail(data: bytes, limit: int = KEPT_BYTES) -> bytes:
    if len(data) <= limit:
        return data
    return f"[... the first {len(data) - limit} bytes are left out ...]\n".encode() + data[-limit:]
