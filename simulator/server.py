"""`bakkt-sim serve`: the sandbox on real sockets.

The API is the runtime's WSGI app on waitress (a production WSGI server);
the embedded AWS is moto's threaded server on loopback. Both run in this
process, so the sandbox publishes to the same embedded queues that clients
reach over HTTP.
"""
from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import waitress
from moto.server import ThreadedMotoServer

from simulator.adapters.aws import REGION, EmbeddedAws
from simulator.adapters.command_log import CommandLog
from simulator.api.http import ApiRequest
from simulator.api.wsgi import make_wsgi_app
from simulator.engine.clock import iso_millis, parse_instant
from simulator.engine.driver import RealtimeDriver
from simulator.replay.loader import load_scenario
from simulator.replay.runner import ScenarioRunner
from simulator.replay.substitution import Substitution
from simulator.runtime import Runtime
from simulator.service.errors import UNAUTHORIZED, ApiError

SERVER_THREADS = 8
CLOCK_CHECKPOINT_TICKS = 25
"""With `--db`, the realtime clock is saved every this many ticks (about 0.5 s)."""


class ServeError(Exception):
    """A setting `serve` cannot start with; the message says what to change."""


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    seed: int | None
    start: str | None
    clock: str
    speed: float
    db: Path | None
    setup: Path | None
    ready_file: Path | None
    admin_token: str | None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class AdminGuard:
    """With an admin token, every control call must carry it in X-Admin-Token."""

    def __init__(self, token: str | None) -> None:
        self._token = token

    def __call__(self, request: ApiRequest) -> None:
        if self._token is None:
            return
        given = request.headers.get("x-admin-token", "")
        if not hmac.compare_digest(given.encode(), self._token.encode()):
            raise ApiError(401, UNAUTHORIZED)


class _Shutdown(SystemExit):
    """Raised by SIGINT and SIGTERM. A SystemExit, because waitress re-raises
    those from inside its event handlers (it logs and swallows other errors)
    and closes itself when one reaches its loop."""


def _stop_on_signal(signum: int, frame: FrameType | None) -> None:
    raise _Shutdown


def _settings(options: ServeOptions, log: CommandLog | None) -> tuple[int, str]:
    """Seed and start: a durable log keeps the ones it was created with."""
    defaults = {"seed": "0", "start": "2026-01-05T14:00:00Z"}
    stored = log.meta() if log is not None else {}
    given = {"seed": None if options.seed is None else str(options.seed), "start": options.start}
    chosen: dict[str, str] = {}
    for key, default in defaults.items():
        if key in stored and given[key] is not None and given[key] != stored[key]:
            raise ServeError(
                f"--{key} {given[key]} differs from {stored[key]}, which {options.db} was created with; "
                "leave it out to resume, or use a new --db"
            )
        chosen[key] = stored.get(key) or given[key] or default
    if log is not None and not stored:
        log.set_meta(chosen)
    return int(chosen["seed"]), chosen["start"]


def _apply_setup(runtime: Runtime, path: Path) -> None:
    """The scenario's `market` and `clients`, as if a client had sent them."""
    scenario = load_scenario(path)
    runner = ScenarioRunner(scenario, runtime, Substitution(runtime.seed))
    runner.setup()
    if runner.failures:
        raise ServeError(f"--setup {path}: " + "; ".join(f"{f.where}: {f.message}" for f in runner.failures))


def serve(options: ServeOptions) -> int:
    if not is_loopback(options.host) and options.admin_token is None:
        raise ServeError(f"--host {options.host} is reachable from other machines: give --admin-token to protect the control API")
    try:
        parse_instant(options.start or "2026-01-05T14:00:00Z")
    except ValueError as exc:
        raise ServeError(f"--start: {exc}") from None
    log = CommandLog(options.db) if options.db is not None else None
    seed, start = _settings(options, log)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
    aws_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    aws_server.start()
    aws_host, aws_port = aws_server.get_host_and_port()
    aws_url = f"http://{aws_host}:{aws_port}"
    ports = EmbeddedAws.connect(aws_url)
    runtime = Runtime(
        seed=seed,
        start_ns=parse_instant(start),
        ports=ports,
        clock_mode=options.clock,
        control_guard=AdminGuard(options.admin_token),
        log=log,
    )
    resumed = runtime.replay_log() if log is not None and log.count() else 0
    if options.setup is not None and not resumed:
        _apply_setup(runtime, options.setup)
    server: Any = waitress.create_server(
        make_wsgi_app(runtime.dispatch), host=options.host, port=options.port, threads=SERVER_THREADS, ident="bakkt-sandbox"
    )
    driver = _start_driver(runtime, options) if options.clock == "realtime" else None
    host = options.host if ":" not in options.host else f"[{options.host}]"
    ready = {"api": f"http://{host}:{server.effective_port}", "aws": aws_url, "region": REGION}
    previous = {sig: signal.signal(sig, _stop_on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        line = json.dumps(ready)
        if options.ready_file is not None:
            options.ready_file.write_text(line + "\n")
        print(line, flush=True)
        print(
            f"serving from {iso_millis(runtime.core.now)} simulated, clock {options.clock}"
            + (f", {resumed} commands replayed from {options.db}" if resumed else ""),
            file=sys.stderr,
            flush=True,
        )
        server.run()
    except _Shutdown:
        pass  # stopped before the loop started
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if driver is not None:
            driver.stop()
        server.close()
        server.task_dispatcher.shutdown()
        aws_server.stop()
        if log is not None:
            log.close()
    return 0


def _start_driver(runtime: Runtime, options: ServeOptions) -> RealtimeDriver:
    ticks = 0

    def checkpoint(sim_ns: int) -> None:
        nonlocal ticks
        ticks += 1
        if ticks % CLOCK_CHECKPOINT_TICKS == 0:
            runtime.record_clock(sim_ns)

    driver = RealtimeDriver(lambda: runtime.core.kernel, options.speed, checkpoint)
    driver.start()
    return driver
