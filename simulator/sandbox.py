"""The composition root, and the in-process facade.

Every face builds its sandbox here, from the same parts: a kernel (simulated
time and the one writer), a market, the ports to an AWS, the daily
schedules, and, for a realtime clock, a driver. `Sandbox` is the in-process
face, and `bakkt-sim replay` runs one; `bakkt-sim serve` composes the same
runtime around moto's server (`compose_runtime`, `open_moto_server`,
`start_clock`).

moto is imported only when a sandbox asks for it: its import takes about
half a second and hooks itself into botocore, and memory mode promises to
leave boto3 alone.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from simulator import DEFAULT_SEED as DEFAULT_SEED  # defined in the package root, where the CLI reads them
from simulator import DEFAULT_START as DEFAULT_START  # without importing this module; still exported from here
from simulator.adapters.command_log import CommandLog
from simulator.adapters.memory import BucketObject, MemoryAws, SentEmail
from simulator.api.http import ApiRequest, ApiResponse
from simulator.api.inprocess_stream import Stream, open_stream
from simulator.api.stream_frames import STOPPING
from simulator.api.wsgi import WsgiApp, make_wsgi_app
from simulator.engine.clock import NS_PER_SECOND, parse_instant, to_datetime
from simulator.engine.driver import RealtimeDriver
from simulator.engine.kernel import Kernel
from simulator.errors import SandboxError, SandboxNotStarted
from simulator.market.quotes import Market
from simulator.runtime import Runtime
from simulator.service import cash_calls, notifications, orders, settlement
from simulator.service.core import SandboxCore
from simulator.service.ports import Ports
from simulator.service.state import ClientRecord

if TYPE_CHECKING:
    from simulator.api.inprocess import RequestsRouter

DEFAULT_BASE_URL = "https://sandbox.bakkt.test"
CLOCK_MODES = ("manual", "realtime")
AWS_MODES = ("moto", "memory")
SCHEDULES = (settlement.install, orders.install, cash_calls.install, notifications.install)
"""What every core runs on its own: the daily jobs and the deliveries after each run of the clock."""


def compose_core(seed: int, *, start_ns: int, ports: Ports, secret: bytes | None) -> SandboxCore:
    """An empty world of `seed` at `start_ns`, its schedules installed; `secret`
    keys its credentials (RandomStreams.credential)."""
    kernel = Kernel(seed=seed, start_ns=start_ns)
    kernel.streams.secret = secret
    core = SandboxCore(kernel=kernel, market=Market(seed, start_ns), ports=ports)
    for install in SCHEDULES:
        install(core)
    return core


def stream_url_of(base_url: str) -> str:
    """Where an in-process sandbox's streams are: its base URL as a WebSocket URL
    (`https://sandbox.bakkt.test` -> `wss://sandbox.bakkt.test`), which `stream` accepts."""
    parts = urlsplit(base_url)
    return f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"


def compose_runtime(
    *,
    seed: int,
    start_ns: int,
    ports: Ports,
    clock_mode: str,
    control_guard: Callable[[ApiRequest], None],
    stream_url: str = stream_url_of(DEFAULT_BASE_URL),
    log: CommandLog | None = None,
    secret: bytes | None = None,
) -> Runtime:
    """A runtime whose cores (the first, and each after a reset) deliver to `ports`."""
    build = partial(compose_core, start_ns=start_ns, ports=ports, secret=secret)
    return Runtime(
        build=build,
        seed=seed,
        ports=ports,
        clock_mode=clock_mode,
        control_guard=control_guard,
        stream_url=stream_url,
        log=log,
    )


def start_clock(runtime: Runtime, speed: float, before_run: Callable[[int], None] | None = None) -> RealtimeDriver:
    """The realtime clock, driving whichever core is current (a reset swaps it)."""
    driver = RealtimeDriver(lambda: runtime.core.kernel, speed, before_run)
    driver.start()
    return driver


def hook_boto3_to_moto() -> None:
    """Import moto, which is what hooks it into botocore: a boto3 session made
    before that import never reaches the mock, and calls the real AWS. A moto
    sandbox does it as soon as it is made, so the sessions its user makes
    before `start` (or a test suite makes for its steps) reach the mock too."""
    import simulator.adapters.aws  # noqa: F401


def router() -> RequestsRouter:
    """The process's table of in-process base URLs and moto's holder (`api.inprocess.ROUTER`).

    Imported on first use: it loads `requests` and `responses` (0.1 s), which
    a memory sandbox without a base URL, such as a replay's, never needs.
    """
    from simulator.api.inprocess import ROUTER

    return ROUTER


def open_moto(stack: ExitStack) -> Ports:
    """moto's in-process mock, for the one sandbox that holds it; it stops when `stack` closes."""
    from simulator.adapters.aws import InProcessMoto  # only a moto sandbox pays for moto's import

    moto = InProcessMoto()
    ports = moto.start(router().behind_moto)
    stack.callback(moto.stop)
    stack.enter_context(router().in_front())  # sandbox requests skip moto's AWS URL patterns
    return ports


def open_moto_server(stack: ExitStack) -> tuple[Ports, str]:
    """moto's threaded server on loopback and its endpoint URL; it stops when `stack` closes."""
    from simulator.adapters.moto_server import MotoServer  # only `serve` pays for moto's server

    server = MotoServer()
    ports = server.start()
    stack.callback(server.stop)
    return ports, server.endpoint


def open_control(_: ApiRequest) -> None:
    """In-process, the control API needs no token."""


class Sandbox:
    """An offline brokerage sandbox with one seeded, simulated clock, in your process.

    It exists for what only the in-process face has: what is process-wide
    (its base URL in the `requests` router, moto's mock in moto mode), the
    realtime driver, and Python access to the clock and to what was
    delivered. The world itself lives in its runtime.

    >>> with Sandbox(seed=7, start="2026-03-02T14:00:00Z") as sb:
    ...     requests.post(f"{sb.base_url}/sandbox/v1/clients", json={"clientId": "acme"})

    `aws="moto"` (the default) activates moto's mock for boto3 in the whole
    process, so one moto sandbox runs at a time. `aws="memory"` delivers to
    the sandbox's own stores, read with `files`, `events`, `take_events` and
    `emails`; any number run at once, in any threads, each on its own
    `base_url` (e.g. https://w1.sandbox.test). `base_url=None` mounts no
    base URL: reach the sandbox with `call` or `wsgi_app`.

    The streams (`GET /config` names them under `wss://` and the base URL)
    are read with `stream`.
    """

    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        start: str | datetime = DEFAULT_START,
        *,
        base_url: str | None = DEFAULT_BASE_URL,
        clock: str = "manual",
        speed: float = 1.0,
        aws: str = "moto",
    ) -> None:
        if clock not in CLOCK_MODES:
            raise ValueError(f"clock must be one of {', '.join(CLOCK_MODES)}, not {clock!r}")
        if aws not in AWS_MODES:
            raise ValueError(f"aws must be one of {', '.join(AWS_MODES)}, not {aws!r}")
        if speed <= 0:
            raise ValueError("speed must be greater than zero")
        if base_url is not None and (urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc):
            raise ValueError(f"base_url must be an http(s) URL such as {DEFAULT_BASE_URL}, or None, not {base_url!r}")
        self.seed = seed
        self.start_ns = parse_instant(start)
        self.base_url = None if base_url is None else base_url.rstrip("/")
        self.clock_mode = clock
        self.speed = speed
        self.aws = aws
        if aws == "moto":
            hook_boto3_to_moto()
        self.aws_endpoint: str | None = None
        self._runtime: Runtime | None = None
        self._memory: MemoryAws | None = None
        self._running: ExitStack | None = None
        self.wsgi_app: WsgiApp = make_wsgi_app(self.dispatch)

    def __repr__(self) -> str:
        return f"Sandbox(seed={self.seed}, base_url={self.base_url!r}, aws={self.aws!r})"

    # lifecycle

    def start(self) -> Sandbox:
        """Take the base URL (and moto's mock), build the world, start its clock.

        SandboxError if another active sandbox has the base URL, or, in moto
        mode, moto's mock; nothing is left behind then.
        """
        if self._running is not None:
            raise SandboxError(f"{self!r} is already started")
        with ExitStack() as stack:  # however start fails, what it started stops, the latest first
            if self.aws == "moto":
                router().claim_moto(repr(self))
                stack.callback(router().release_moto)
            if self.base_url is not None:
                router().mount(self.base_url, self.dispatch, repr(self))
                stack.callback(router().unmount, self.base_url)
            stack.callback(self._forget_world)
            ports: Ports
            if self.aws == "memory":
                ports = self._memory = MemoryAws()
            else:
                ports = open_moto(stack)
            self._runtime = runtime = compose_runtime(
                seed=self.seed,
                start_ns=self.start_ns,
                ports=ports,
                clock_mode=self.clock_mode,
                control_guard=open_control,
                stream_url=stream_url_of(self.base_url or DEFAULT_BASE_URL),
            )
            stack.callback(lambda: runtime.feeds.close(STOPPING))
            if self.clock_mode == "realtime":
                stack.callback(start_clock(self._runtime, self.speed).stop)
            self._running = stack.pop_all()
        return self

    def stop(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            running.close()

    def _forget_world(self) -> None:
        self._runtime = None
        self._memory = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            raise SandboxNotStarted("start the sandbox first: `with Sandbox(...) as sb:`")
        return self._runtime

    @property
    def core(self) -> SandboxCore:
        return self.runtime.core

    # the clock

    @property
    def now(self) -> datetime:
        return to_datetime(self.core.now)

    def advance(self, seconds: float) -> datetime:
        return self.advance_to_ns(self.core.now + round(seconds * NS_PER_SECOND))

    def advance_to(self, instant: str | datetime) -> datetime:
        return self.advance_to_ns(parse_instant(instant))

    def advance_to_ns(self, target_ns: int) -> datetime:
        self.core.kernel.run_to(target_ns)
        return self.now

    # transport-free calls

    def dispatch(self, request: ApiRequest) -> ApiResponse:
        return self.runtime.dispatch(request)

    def call(
        self, method: str, path: str, body: Any = None, *, token: str | None = None, query: dict[str, str] | None = None
    ) -> ApiResponse:
        """One request without HTTP: the same dispatch the mounts use."""
        return self.runtime.call(method, path, body, token=token, query=query)

    def stream(self, url: str, token: str | None = None) -> Stream:
        """A stream read in Python: the same frames a WebSocket client of `serve` reads.

        `url` is a URL `GET /config` answered (its `?token=` is used when no
        `token` is given) or just the path (`/socket/quotes`,
        `/socket/order_entry/events`); `token` is the login's, raw or `Bearer`.
        Raises StreamRefused (status 401 or 404) when the stream cannot open.

        >>> with sb.stream(config["streamingQuoteUrl"], token) as quotes:
        ...     quotes.subscribe(["BTCUSD"])
        ...     sb.advance(5)
        ...     frames = list(quotes)   # the frames waiting now
        """
        return open_stream(self.runtime, url, token)

    # what was delivered (memory mode), read as a client reads S3, SQS and SES

    def files(self, client_id: str) -> list[BucketObject]:
        """The objects in the client's bucket, by key, each with its body and
        its simulated LastModified. A copy the `s3.failPuts` fault made fail
        is missing until its retry lands, as on S3."""
        memory, core, client = self._delivered_to(client_id, "files")
        with core.kernel.lock:
            return memory.files.objects(client.bucket)

    def events(self, client_id: str) -> list[dict[str, Any]]:
        """The envelopes waiting in the client's queue, oldest first, left
        there: each message body parsed. Duplicates and delays of the queue
        faults show as a consumer would see them."""
        memory, core, client = self._delivered_to(client_id, "events")
        with core.kernel.lock:
            return [json.loads(body) for body in memory.queues.messages(client.queue_url)]

    def take_events(self, client_id: str) -> list[dict[str, Any]]:
        """The envelopes waiting in the client's queue, oldest first, removed
        from it: a consumer's receive and delete in one."""
        memory, core, client = self._delivered_to(client_id, "take_events")
        with core.kernel.lock:
            return [json.loads(body) for body in memory.queues.take(client.queue_url)]

    def emails(self, to: str | None = None) -> list[SentEmail]:
        """Every email SES accepted, in sending order; only those to `to` if
        given. Bulk emails (confirmations, daily summaries) reach SES at its
        sending rate in simulated time, so advance the clock to see them all."""
        memory, core = self._stores("emails")
        with core.kernel.lock:
            return memory.mail.sent(to)

    def _stores(self, accessor: str) -> tuple[MemoryAws, SandboxCore]:
        core = self.core  # outside its `with` block, a sandbox says so first
        if self._memory is None:
            raise SandboxError(f"{accessor}() reads the stores of aws='memory'; {self!r} delivers to moto: read it with boto3")
        return self._memory, core

    def _delivered_to(self, client_id: str, accessor: str) -> tuple[MemoryAws, SandboxCore, ClientRecord]:
        memory, core = self._stores(accessor)
        client = core.clients.get(client_id)
        if client is None:
            raise SandboxError(f"{accessor}(): no client {client_id!r} in {self!r}; provision it first (POST /sandbox/v1/clients)")
        return memory, core, client
