"""The composition root and the in-process facade.

`Sandbox` builds a core on the embedded AWS, mounts the one dispatch for
`requests` (in-process) and as a WSGI app, and moves the simulated clock.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from moto import mock_aws

from simulator.adapters.aws import EmbeddedAws
from simulator.api.apex_routes import APEX_ROUTES
from simulator.api.control_routes import CONTROL_ROUTES
from simulator.api.dispatch import Dispatcher
from simulator.api.http import ApiRequest, ApiResponse
from simulator.api.inprocess import InProcessMount
from simulator.api.wsgi import WsgiApp, make_wsgi_app
from simulator.engine.clock import NS_PER_SECOND, parse_instant, to_datetime
from simulator.service import settlement
from simulator.service.core import SandboxCore
from simulator.service.ports import Ports

DEFAULT_BASE_URL = "https://sandbox.bakkt.test"
DEFAULT_START = "2026-01-05T14:00:00Z"
ROUTES = (*APEX_ROUTES, *CONTROL_ROUTES)


def build_core(seed: int, start_ns: int, ports: Ports) -> SandboxCore:
    """A core with its daily schedules installed."""
    core = SandboxCore(seed=seed, start_ns=start_ns, ports=ports)
    settlement.install(core)
    return core


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
    ) -> None:
        if clock != "manual":
            raise ValueError(f"clock {clock!r} is not available in-process; use 'manual'")
        self.seed = seed
        self.start_ns = parse_instant(start)
        self.base_url = base_url.rstrip("/")
        self.clock_mode = clock
        self.aws_endpoint: str | None = None
        self._aws_mock = mock_aws()
        self._aws: EmbeddedAws | None = None
        self._core: SandboxCore | None = None
        self._dispatcher = Dispatcher(self, ROUTES, open_control)
        self._mount = InProcessMount(self.base_url, self._dispatcher)
        self.wsgi_app: WsgiApp = make_wsgi_app(self._dispatcher)

    # lifecycle

    def start(self) -> Sandbox:
        self._aws_mock.start()
        self._aws = EmbeddedAws.connect(self.aws_endpoint)
        self._core = build_core(self.seed, self.start_ns, self._aws)
        self._mount.start()
        return self

    def stop(self) -> None:
        self._mount.stop()
        self._core = None
        self._aws = None
        self._aws_mock.stop()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def core(self) -> SandboxCore:
        if self._core is None:
            raise SandboxNotStarted("start the sandbox first: `with Sandbox(...) as sb:`")
        return self._core

    def reset(self, seed: int | None) -> None:
        """Back to an empty sandbox at the original start, with a new seed if given."""
        assert self._aws is not None
        self._aws.clear()
        if seed is not None:
            self.seed = seed
        self._core = build_core(self.seed, self.start_ns, self._aws)

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
        return self._dispatcher(request)

    def call(
        self, method: str, path: str, body: Any = None, *, token: str | None = None, query: dict[str, str] | None = None
    ) -> ApiResponse:
        """One request without HTTP: the same dispatch the mounts use."""
        headers = {"authorization": token} if token else {}
        raw = b"" if body is None else json.dumps(body).encode()
        return self.dispatch(ApiRequest(method.upper(), path, query or {}, headers, raw))
