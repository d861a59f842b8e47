"""The in-process facade: a sandbox in your own Python process.

`Sandbox` activates the embedded AWS (moto's mock) for boto3, mounts the
runtime's dispatch for `requests` and as a WSGI app, and moves the clock.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from moto import mock_aws

from simulator.adapters.aws import EmbeddedAws
from simulator.api.http import ApiRequest, ApiResponse
from simulator.api.inprocess import InProcessMount
from simulator.api.wsgi import WsgiApp, make_wsgi_app
from simulator.engine.clock import NS_PER_SECOND, parse_instant, to_datetime
from simulator.engine.driver import RealtimeDriver
from simulator.runtime import Runtime
from simulator.service.core import SandboxCore

DEFAULT_BASE_URL = "https://sandbox.bakkt.test"
DEFAULT_START = "2026-01-05T14:00:00Z"
CLOCK_MODES = ("manual", "realtime")


class SandboxNotStarted(RuntimeError):
    """The sandbox is used outside its `with` block."""


def open_control(_: ApiRequest) -> None:
    """In-process, the control API needs no token."""


class Sandbox:
    """An offline brokerage sandbox with one seeded, simulated clock.

    >>> with Sandbox(seed=7, start="2026-03-02T14:00:00Z") as sb:
    ...     requests.post(f"{sb.base_url}/sandbox/v1/clients", json={"clientId": "acme"})
    """

    def __init__(
        self,
        seed: int = 0,
        start: str | datetime = DEFAULT_START,
        *,
        base_url: str = DEFAULT_BASE_URL,
        clock: str = "manual",
        speed: float = 1.0,
    ) -> None:
        if clock not in CLOCK_MODES:
            raise ValueError(f"clock must be one of {', '.join(CLOCK_MODES)}, not {clock!r}")
        if speed <= 0:
            raise ValueError("speed must be greater than zero")
        self.seed = seed
        self.start_ns = parse_instant(start)
        self.base_url = base_url.rstrip("/")
        self.clock_mode = clock
        self.speed = speed
        self.aws_endpoint: str | None = None
        self._aws_mock = mock_aws()
        self._runtime: Runtime | None = None
        self._driver: RealtimeDriver | None = None
        self._mount = InProcessMount(self.base_url, self.dispatch)
        self.wsgi_app: WsgiApp = make_wsgi_app(self.dispatch)

    # lifecycle

    def start(self) -> Sandbox:
        self._aws_mock.start()
        self._runtime = Runtime(
            seed=self.seed,
            start_ns=self.start_ns,
            ports=EmbeddedAws.connect(),
            clock_mode=self.clock_mode,
            control_guard=open_control,
        )
        self._mount.start()
        if self.clock_mode == "realtime":
            runtime = self._runtime
            self._driver = RealtimeDriver(lambda: runtime.core.kernel, self.speed)
            self._driver.start()
        return self

    def stop(self) -> None:
        if self._driver is not None:
            self._driver.stop()
            self._driver = None
        self._mount.stop()
        self._runtime = None
        self._aws_mock.stop()

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
