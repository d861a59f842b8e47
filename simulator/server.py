"""`bakkt-sim serve`: the sandbox on real sockets.

The API is the runtime's WSGI app on waitress (a production WSGI server);
the embedded AWS is moto's threaded server on loopback; the streams are a
WebSocket server on a port of their own (`api.stream_server`). All run in
this process, so the sandbox publishes to the same embedded queues that
clients reach over HTTP. The composition root (`simulator.sandbox`) builds them, as
it builds every face.

A `--db` file has one server at a time (the log's lock), and a server that
other machines can reach (a non-loopback `--host`) needs an admin token of
at least 16 characters and keys passwords and tokens with a secret from the
OS's secure random source, so they cannot be computed from the seed.
"""
from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
import signal
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import waitress

from simulator.adapters.command_log import CommandLog, LogInUse
from simulator.adapters.naming import REGION
from simulator.api.dispatch import MAX_HELD_ANSWERS
from simulator.api.http import ApiRequest
from simulator.api.stream_server import StreamServer
from simulator.api.wsgi import make_wsgi_app
from simulator.engine.clock import iso_millis, parse_instant
from simulator.replay.loader import load_scenario
from simulator.replay.recorder import SessionRecorder
from simulator.replay.recording import RecordingFile, RecordPathError, check_record_path, header, scenario_name
from simulator.replay.runner import ScenarioRunner
from simulator.replay.scenario import Scenario
from simulator.replay.substitution import Substitution
from simulator.runtime import Runtime
from simulator.sandbox import DEFAULT_SEED, DEFAULT_START, compose_runtime, open_moto_server, start_clock
from simulator.service.errors import UNAUTHORIZED, ApiError

AWAKE_THREADS = 8
SERVER_THREADS = MAX_HELD_ANSWERS + AWAKE_THREADS
"""Worker threads: the API-latency fault holds at most MAX_HELD_ANSWERS at once, the rest stay awake for other calls."""
MIN_ADMIN_TOKEN = 16
SECRET_META = "credentialSecret"
"""The meta key of a --db's secret that keys its passwords and tokens (hex)."""


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
    record: Path | None = None


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
        if self.refuses(request):
            raise ApiError(401, UNAUTHORIZED)

    def refuses(self, request: ApiRequest) -> bool:
        if self._token is None:
            return False
        given = request.headers.get("x-admin-token", "")
        return not hmac.compare_digest(given.encode(), self._token.encode())


class _Shutdown(SystemExit):
    """Raised by SIGINT and SIGTERM. A SystemExit, because waitress re-raises
    those from inside its event handlers (it logs and swallows other errors)
    and closes itself when one reaches its loop."""


def _stop_on_signal(signum: int, frame: FrameType | None) -> None:
    raise _Shutdown


def _settings(options: ServeOptions, log: CommandLog | None) -> tuple[int, str]:
    """Seed and start: a durable log keeps the ones it was created with."""
    defaults = {"seed": str(DEFAULT_SEED), "start": DEFAULT_START}
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


def _check_admin_token(options: ServeOptions) -> None:
    """The control API beyond loopback needs a token, and a short token is a guess away from none."""
    if not is_loopback(options.host) and options.admin_token is None:
        raise ServeError(f"--host {options.host} is reachable from other machines: give --admin-token to protect the control API")
    if options.admin_token is not None and len(options.admin_token) < MIN_ADMIN_TOKEN:
        raise ServeError(
            f"--admin-token must be at least {MIN_ADMIN_TOKEN} characters, this one has {len(options.admin_token)}"
        )


def _open_log(db: Path) -> CommandLog:
    """The durable log, owned by this process: two servers on one file would merge into a state neither had."""
    try:
        return CommandLog(db)
    except LogInUse as exc:
        owner = f"process {exc.owner}" if exc.owner else "a process that has not yet written its id"
        raise ServeError(f"--db {db} is in use by another bakkt-sim serve ({owner}); stop it or use another --db") from None


def _credential_secret(options: ServeOptions, log: CommandLog | None) -> bytes | None:
    """The key for passwords and tokens, or None when they follow the seed alone.

    On a host other machines reach, the key comes from the OS's secure random
    source. A --db keeps its key, so its replay makes the very passwords and
    tokens its clients hold; it keeps it on loopback too. A --db made on
    loopback holds seed-derived credentials, so it cannot be served beyond it.
    A recording replays from the seed alone, so it cannot have a key.
    """
    stored = log.meta().get(SECRET_META) if log is not None else None
    if stored is None and is_loopback(options.host):
        return None
    if options.record is not None:
        raise ServeError(
            "--record needs passwords and tokens that follow the seed, so a replay makes them again: "
            "use a loopback --host and a --db made on one"
        )
    if stored is not None:
        return bytes.fromhex(stored)
    if log is not None and log.count():
        raise ServeError(
            f"--db {options.db} was made on loopback, where passwords and tokens follow the seed; "
            f"--host {options.host} needs a new --db"
        )
    secret = secrets.token_bytes(32)
    if log is not None:
        log.set_meta({SECRET_META: secret.hex()})
    return secret


def _apply_setup(runtime: Runtime, scenario: Scenario) -> None:
    """The scenario's `market` and `clients`, as if a client had sent them."""
    runner = ScenarioRunner(scenario, runtime, Substitution(runtime.seed))
    runner.setup()
    if runner.failures:
        raise ServeError(f"--setup {scenario.source}: " + "; ".join(f"{f.where}: {f.message}" for f in runner.failures))


def _check_fresh_start(options: ServeOptions, log: CommandLog | None) -> None:
    """A recording replays from the seed and start alone, so it cannot begin
    from a resumed --db: the commands that built that state would be missing."""
    if options.record is not None and log is not None and log.count():
        raise ServeError(
            f"--record cannot resume {options.db}: its {log.count()} earlier commands would be missing "
            "from the recording; use a new --db or leave --db out"
        )


def _check_record_path(options: ServeOptions) -> None:
    """Refuse an unusable --record FILE before anything starts; it is opened only once the server listens."""
    if options.record is None:
        return
    try:
        check_record_path(options.record)
    except RecordPathError as exc:
        raise ServeError(f"--record {options.record}: {exc}") from None


def _open_recording(record: Path, clock: str, seed: int, start: str, setup: Scenario | None) -> RecordingFile:
    """FILE, overwritten with the scenario's head."""
    description = f"A session of bakkt-sim serve with the {clock} clock."
    try:
        return RecordingFile(record, header(scenario_name(record), description, seed, start, setup))
    except OSError as exc:
        raise ServeError(f"--record {record}: cannot be written: {exc.strerror}") from None


def _listen(options: ServeOptions, app: Any) -> Any:
    """The API's waitress server, its socket bound; a taken port is a setting to change, not a crash."""
    try:
        return waitress.create_server(app, host=options.host, port=options.port, threads=SERVER_THREADS, ident="bakkt-sandbox")
    except (OSError, ValueError) as exc:  # a taken port, or a host this machine cannot listen on or resolve
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ServeError(f"cannot listen on --host {options.host} --port {options.port}: {reason}") from None


def _listen_for_streams(options: ServeOptions, runtime: Runtime) -> StreamServer:
    """The streams' WebSocket server, on a free port of the API's host; `GET /config` names it from now on."""
    try:
        streams = StreamServer(lambda: runtime.feeds, options.host)
    except OSError as exc:
        raise ServeError(f"cannot listen for streams on --host {options.host}: {exc.strerror or exc}") from None
    runtime.stream_url = f"ws://{_url_host(options.host)}:{streams.port}"
    return streams


def _url_host(host: str) -> str:
    """The host as a URL writes it: an IPv6 address in brackets."""
    return host if ":" not in host else f"[{host}]"


def serve(options: ServeOptions) -> int:
    _check_admin_token(options)
    try:
        parse_instant(options.start or DEFAULT_START)
    except ValueError as exc:
        raise ServeError(f"--start: {exc}") from None
    with ExitStack() as started:  # however serve ends, what it started stops, the latest first
        log = _open_log(options.db) if options.db is not None else None
        if log is not None:
            started.callback(log.close)
        _check_fresh_start(options, log)
        seed, start = _settings(options, log)
        secret = _credential_secret(options, log)
        setup = load_scenario(options.setup) if options.setup is not None else None
        _check_record_path(options)
        ports, aws_url = open_moto_server(started)
        guard = AdminGuard(options.admin_token)
        runtime = compose_runtime(
            seed=seed,
            start_ns=parse_instant(start),
            ports=ports,
            clock_mode=options.clock,
            control_guard=guard,
            log=log,
            secret=secret,
        )
        resumed = runtime.replay_log() if log is not None and log.count() else 0
        if setup is not None and not resumed:
            _apply_setup(runtime, setup)
        recorder = SessionRecorder(runtime, guard.refuses, aws_url) if options.record is not None else None
        if recorder is not None:
            started.callback(recorder.close)
        server = _listen(options, make_wsgi_app(recorder or runtime.dispatch))
        started.callback(server.task_dispatcher.shutdown)
        started.callback(server.close)
        streams = _listen_for_streams(options, runtime)
        started.callback(streams.stop)
        streams.start()
        if recorder is not None and options.record is not None:
            recorder.start(_open_recording(options.record, options.clock, seed, start, setup))
        if options.clock == "realtime":  # marking each target in the log (with --db) before it moves there
            started.callback(start_clock(runtime, options.speed, runtime.mark_clock).stop)
        ready = {
            "api": f"http://{_url_host(options.host)}:{server.effective_port}",
            "aws": aws_url,
            "region": REGION,
            "stream": runtime.stream_url,
        }
        previous = {sig: signal.signal(sig, _stop_on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        started.callback(_restore_signals, previous)
        try:
            line = json.dumps(ready)
            if options.ready_file is not None:
                options.ready_file.write_text(line + "\n")
            print(line, flush=True)
            print(
                f"serving from {iso_millis(runtime.core.now)} simulated, clock {options.clock}"
                + (f", {resumed} commands replayed from {options.db}" if resumed else "")
                + (f", recording to {options.record}" if recorder is not None else ""),
                file=sys.stderr,
                flush=True,
            )
            server.run()
        except _Shutdown:
            pass  # stopped before the loop started
    return 0


def _restore_signals(previous: dict[signal.Signals, Any]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)
