"""One dispatch for every mount: route, check, validate, call, render.

Whatever carries a request (the in-process mount, the WSGI server, a replay,
`serve --record`'s recorder) runs it here and nowhere else: `answer` hands
back the response together with what a recording or a replay needs to know
of the run (its instants, the login it made), and tells an observer of it in
the order the requests ran.

When several errors apply, the first of 413, 404, 405, 401, 400 answers,
then the handler's own business answer. A handler bug answers a plain 500
body, never a traceback.

With a durable log, a request is written to it after it is admitted and
before it runs: one refused with 413, 404, 405 or 401 changes nothing and
is never written (nor, under the API faults, draws a fault, which would
shift the seeded fault stream a replay reproduces). A log that cannot take
the write answers 503 and nothing runs.
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError

from simulator.api.http import (
    MAX_BODY_BYTES,
    ApiRequest,
    ApiResponse,
    HeadedBody,
    error_body,
    json_response,
    status_phrase,
    validation_errors_body,
)
from simulator.api.schemas import LoginRequest, RequestModel
from simulator.service.clients import authenticate, check_credentials
from simulator.service.control_reset import Restartable
from simulator.service.core import SandboxCore
from simulator.service.errors import ApiError
from simulator.service.faults import LOST_STATUS, ApiFault
from simulator.service.state import ClientRecord

log = logging.getLogger(__name__)
FAULTY_PREFIX = "/apex-crypto/"
"""API faults hit the vendor's API only, never the control API."""
MAX_HELD_ANSWERS = 8
"""At most this many answers wait out the API-latency fault at once (HoldGate)."""
Body = TypeVar("Body", bound=RequestModel)


class Access(Enum):
    PUBLIC = "public"
    CLIENT = "client"
    CONTROL = "control"


class CoreHost(Restartable, Protocol):
    """Owns the current core (reset swaps it for an empty one), the clock's mode, the
    routes, and where clients reach the streams."""

    clock_mode: str
    routes: Sequence[Route]
    stream_url: str


@dataclass(frozen=True)
class Call:
    host: CoreHost
    core: SandboxCore
    params: Mapping[str, str]
    query: Mapping[str, str]
    body: Any
    client_record: ClientRecord | None

    @property
    def client(self) -> ClientRecord:
        assert self.client_record is not None
        return self.client_record


Handler = Callable[[Call], tuple[int, Any]]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    prefix: str
    """The template up to its first parameter: a cheap test before the pattern."""
    pattern: re.Pattern[str]
    handler: Handler
    access: Access
    body: type[RequestModel] | None
    validation_errors: bool
    """Answer an invalid body 422 with a ValidationErrors list (POST /accounts)."""

    @property
    def logs_in(self) -> bool:
        """Login is the one public route that checks credentials."""
        return self.body is LoginRequest


def route(
    method: str,
    template: str,
    access: Access,
    body: type[RequestModel] | None = None,
    *,
    validation_errors: bool = False,
) -> Callable[[Handler], Route]:
    """Declare a route; `{name}` in the template captures one path segment."""
    pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")

    def wrap(handler: Handler) -> Route:
        return Route(method, template, template.split("{", 1)[0], pattern, handler, access, body, validation_errors)

    return wrap


def field_path(location: Sequence[int | str]) -> str:
    return ".".join(str(part) for part in location if not str(part).startswith(("constrained", "function")))


def validation_message(error: ValidationError) -> str:
    first = error.errors()[0]
    field = field_path(first["loc"])
    return f"{field}: {first['msg']}" if field else first["msg"]


def validation_entries(error: ValidationError) -> list[dict[str, Any]]:
    """The reference's ValidationErrors entries, one per failed field."""
    entries = []
    for item in error.errors():
        entry: dict[str, Any] = {"code": 422, "field": field_path(item["loc"]), "message": item["msg"]}
        if isinstance(item.get("input"), (str, int, float)) and item["type"] != "missing":
            entry["rejectedValue"] = str(item["input"])
        entries.append(entry)
    return entries


def parse_body(model: type[Body], raw: bytes, *, validation_errors: bool = False) -> Body:
    try:
        data = json.loads(raw or b"null")
    except (ValueError, RecursionError):
        raise ApiError(400, "Request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "Request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        if validation_errors:
            raise ApiError(422, validation_message(exc), validation_errors_body(validation_entries(exc))) from None
        raise ApiError(400, validation_message(exc)) from None


class HoldGate:
    """Grants the API-latency fault's holds, at most `limit` running at once.

    The fault delays an /apex-crypto answer by sleeping in the server's worker
    thread once the request has run, outside the kernel lock. Unbounded,
    enough delayed requests would put every worker to sleep, and a control
    call (the very one that turns the fault off) would wait behind them. So a
    hold is granted only while fewer than `limit` run; an answer over the cap
    is sent at once, without its delay. `serve` runs more worker threads than
    the cap, so a control call always finds one awake.

    A hold counts until the instant it ends rather than until its sleeper
    wakes, so the gate needs no word back from the sleeper.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._ends: list[float] = []

    def grant(self, seconds: float) -> float:
        """The seconds the caller may hold its answer: all of them, or none over the cap."""
        if seconds <= 0:
            return 0.0
        with self._lock:
            now = time.monotonic()
            self._ends = [end for end in self._ends if end > now]
            if len(self._ends) >= self._limit:
                return 0.0
            self._ends.append(now + seconds)
        return seconds


@dataclass(frozen=True)
class Login:
    client_id: str
    token: str


@dataclass(frozen=True)
class Answered:
    """A request the dispatch ran: the response its client gets, and what a
    recording or a replay of the run needs to know of it."""

    request: ApiRequest
    response: ApiResponse
    ran_ns: int
    """The simulated instant it ran at, read under the kernel lock it ran under."""
    settled_ns: int
    """The instant once it had run and settled: an advance's target, a reset's start."""
    login: Login | None
    """The client a successful login logged in, and the token it was given."""


Observer = Callable[[Answered], None]


class Dispatcher:
    def __init__(
        self,
        host: CoreHost,
        routes: Sequence[Route],
        control_guard: Callable[[ApiRequest], None],
        log_command: Callable[[ApiRequest, int], None] | None = None,
    ) -> None:
        self._host = host
        self._routes = tuple(routes)
        self._control_guard = control_guard
        self._log_command = log_command
        """Told of every admitted request that may change state, before it runs (`--db`); may raise ApiError."""
        self._holds = HoldGate(MAX_HELD_ANSWERS)
        self._one_at_a_time = threading.Lock()
        """Requests run, and are observed, one after another. The kernel lock alone
        would not order them across a reset, which swaps the kernel and its lock."""

    def __call__(self, request: ApiRequest) -> ApiResponse:
        """The mounts' entry: the response alone."""
        return self.answer(request).response

    def answer(self, request: ApiRequest, observer: Observer | None = None) -> Answered:
        """Run a request, tell `observer` of it, then hold the answer back as the API-latency fault says.

        The observer hears of each request before the next one runs, so
        observers hear requests in the order the sandbox ran them; the hold
        comes after, so a held answer keeps no other request waiting.
        """
        with self._one_at_a_time:
            core = self._host.core
            with core.kernel.lock:
                ran_ns = core.now
                status, payload, login = self._attempt(request)
                settled_ns = self._host.core.now
            answered = Answered(request, json_response(status, payload), ran_ns, settled_ns, login)
            if observer is not None:
                observer(answered)
        self._hold(request)
        return answered

    def run(self, request: ApiRequest) -> tuple[int, Any]:
        """Run a request: its status and its answer's payload. Replaying a
        durable log calls this: it renders nothing and holds nothing."""
        status, payload, _ = self._attempt(request)
        return status, payload

    def _hold(self, request: ApiRequest) -> None:
        """Every /apex-crypto answer is held, refused ones included, as a slow
        network would hold it; a control call never is."""
        if not request.path.startswith(FAULTY_PREFIX):
            return
        seconds = self._holds.grant(self._host.core.faults.api.latency_ms / 1000)
        if seconds:
            time.sleep(seconds)  # an API fault's transport delay, felt by the client's timeouts

    def _attempt(self, request: ApiRequest) -> tuple[int, Any, Login | None]:
        try:
            return self._dispatch(request)
        except ApiError as exc:
            return exc.status, exc.body, None
        except Exception:  # a sandbox bug must not reach the client as a traceback
            log.exception("unhandled error for %s %s", request.method, request.path)
            return 500, error_body(500, "Internal sandbox error"), None

    def _match(self, request: ApiRequest) -> tuple[Route, dict[str, str]]:
        allowed: list[str] = []
        path = request.path
        for candidate in self._routes:
            if not path.startswith(candidate.prefix):
                continue
            found = candidate.pattern.match(path)
            if found is None:
                continue
            if candidate.method == request.method:
                return candidate, found.groupdict()
            allowed.append(candidate.method)
        if not allowed:
            raise ApiError(404, f"No such path: {request.path}")
        methods = ", ".join(sorted(set(allowed)))
        message = f"Method {request.method} not allowed on {request.path}; use {methods}"
        raise ApiError(405, message, HeadedBody(error_body(405, message), (("Allow", methods),)))

    def _dispatch(self, request: ApiRequest) -> tuple[int, Any, Login | None]:
        if len(request.body) > MAX_BODY_BYTES:
            return 413, error_body(413, "Request body is larger than 1 MiB"), None
        matched, params = self._match(request)
        if matched.access is Access.CONTROL:
            self._control_guard(request)  # a refused call is neither run nor recorded
        core = self._host.core
        with core.kernel.lock:
            client = self._admit(matched, request, core)
            if self._log_command is not None and not (request.method == "GET" and matched.access is not Access.CLIENT):
                self._log_command(request, core.now)  # a client's GET may draw an API fault: a replay draws it again
            status, payload = self._run_faulted(matched, params, request, core, client)
        if matched.logs_in and status == 200 and client is not None:
            return status, payload, Login(client.client_id, payload["token"])
        return status, payload, None

    @staticmethod
    def _admit(matched: Route, request: ApiRequest, core: SandboxCore) -> ClientRecord | None:
        """The client a request acts for (a login's, by its credentials), checked
        before it is recorded or draws a fault: a request refused with 401 changes
        nothing, so a replay needs no trace of it."""
        if matched.access is Access.CLIENT:
            return authenticate(core, request.headers.get("authorization"))
        if matched.logs_in:
            credentials = parse_body(LoginRequest, request.body)
            return check_credentials(core, credentials.logonId, credentials.password)
        return None

    def _run_faulted(
        self, matched: Route, params: dict[str, str], request: ApiRequest, core: SandboxCore, client: ClientRecord | None
    ) -> tuple[int, Any]:
        """The request under the API faults: an error answer runs nothing, a lost response runs and answers 504."""
        faults = core.faults.api
        faulty = request.path.startswith(FAULTY_PREFIX)
        fault = core.faults.draw_api(core.streams.stream("api-faults")) if faulty else ApiFault.NONE
        if fault is ApiFault.ERROR:
            return faults.status, error_body(faults.status, status_phrase(faults.status))
        status, payload = self._run(matched, params, request, core, client)
        if fault is ApiFault.LOST:
            return LOST_STATUS, error_body(LOST_STATUS, status_phrase(LOST_STATUS))
        return status, payload

    def _run(
        self, matched: Route, params: dict[str, str], request: ApiRequest, core: SandboxCore, client: ClientRecord | None
    ) -> tuple[int, Any]:
        try:
            body = None
            if matched.body is not None:
                body = parse_body(matched.body, request.body, validation_errors=matched.validation_errors)
            status, payload = matched.handler(Call(self._host, core, params, request.query, body, client))
        except ApiError as exc:
            return exc.status, exc.body
        self._host.core.kernel.settle()
        return status, payload
