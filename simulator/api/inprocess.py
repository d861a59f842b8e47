"""The in-process mount: `requests` calls to an active sandbox's base URL reach its dispatch.

`requests` has one transport per process (`HTTPAdapter.send`), so what
answers for the in-process sandboxes is process-wide too: `ROUTER`, the
package's one module-level object. It keeps the table of active base URLs,
each owned by one sandbox, and refuses a second owner; any number of
sandboxes in any threads share it and each sees only its own requests. While
any sandbox is mounted, one `responses` mock stands in front of the
transport: a request under an active base URL is answered by that sandbox's
dispatch, any other goes on to whatever transport stood there before (the
network, or a `responses` mock of the caller's own).

moto's mock is process-wide as well, so the router also keeps which sandbox
holds it and refuses a second. moto's own `responses` mock patches over
the router's while it is active and hands what it does not recognise to
`behind_moto` (moto's `override_responses_real_send`): the same routing,
then the network. It would try every request against its AWS URL patterns
first (some 180 per method, a quarter of a sandbox request's time), so while
moto's mock is active one more routing mock stands in front of it
(`in_front`): a request for a sandbox is answered before moto sees it.

Mount and unmount nest like the patches they make: a moto sandbox starts
its mock after it mounts and stops it before it unmounts, and the front
over moto's mock comes and goes inside that.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import requests
import responses
from requests import PreparedRequest

from simulator.api.http import ApiRequest, ApiResponse
from simulator.errors import SandboxError

Dispatch = Callable[[ApiRequest], ApiResponse]
Send = Callable[..., requests.Response]


def _text(value: str | bytes) -> str:
    """A header value as text; `requests` lets callers pass bytes (HTTP's latin-1)."""
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def _body(prepared: PreparedRequest) -> bytes:
    """The body as bytes, whichever form `requests` was given: text, bytes, a file or a generator."""
    body = prepared.body or b""
    if isinstance(body, (str, bytes)):
        return _bytes(body)
    if hasattr(body, "read"):
        return _bytes(body.read())
    return b"".join(_bytes(chunk) for chunk in body)


def api_request_from(prepared: PreparedRequest, base_path: str) -> ApiRequest:
    """The request as the dispatch takes it, its path below the base URL's (`base_path`)."""
    parts = urlsplit(prepared.url or "")
    return ApiRequest(
        method=(prepared.method or "GET").upper(),
        path=unquote(parts.path.removeprefix(base_path)) or "/",
        query=dict(parse_qsl(parts.query)),
        headers={key.lower(): _text(value) for key, value in prepared.headers.items()},
        body=_body(prepared),
    )


def base_of(url: str) -> str:
    """A base URL as the router keys it: scheme and host lower-cased (as `requests` sends them), no trailing slash."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _bases(url: str, depth: int) -> Iterator[str]:
    """The base URLs `url` falls under, up to `depth` path segments: origin, origin/a, origin/a/b, ..."""
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    yield base
    for segment in parts.path.split("/")[1 : depth + 1]:
        base = f"{base}/{segment}"
        yield base


def _overlap(one: str, other: str) -> bool:
    """Whether a request could fall under both base URLs."""
    return one == other or one.startswith(other + "/") or other.startswith(one + "/")


class _Forgotten(responses.CallList):
    """A call list that keeps nothing: the router may stand as long as the
    process, and `responses` would otherwise keep every request and answer."""

    def add(self, request: PreparedRequest, response: Any) -> None:
        pass

    def add_call(self, call: responses.Call) -> None:
        pass


@dataclass(frozen=True)
class _Mount:
    dispatch: Dispatch
    owner: str
    """The sandbox, as its repr names it in an error."""
    base_path: str
    """The base URL's path (often empty): the dispatch sees the paths below it."""


class _ToSandbox(responses.CallbackResponse):
    """One registration for every method and every active base URL."""

    def __init__(self, router: RequestsRouter) -> None:
        super().__init__(responses.GET, "http://in-process.sandbox/", callback=self._answer)
        self._router = router
        self._calls = _Forgotten()

    def matches(self, request: PreparedRequest) -> tuple[bool, str]:
        return self._router.mount_of(request.url or "") is not None, "no active sandbox at this base URL"

    def _answer(self, prepared: PreparedRequest) -> tuple[int, dict[str, str], bytes] | requests.ConnectionError:
        mount = self._router.mount_of(prepared.url or "")
        if mount is None:  # it stopped between the match and the answer, as a server goes away mid-request
            return requests.ConnectionError(f"the sandbox at {prepared.url} has stopped")
        answer = mount.dispatch(api_request_from(prepared, mount.base_path))
        return answer.status, dict(answer.headers), answer.body


class _RoutingMock(responses.RequestsMock):
    """A `responses` mock that answers for the router and passes the rest to `real_send`."""

    def __init__(self, router: RequestsRouter, real_send: Send) -> None:
        super().__init__(assert_all_requests_are_fired=False, real_adapter_send=real_send)
        self._calls = _Forgotten()
        self.add(_ToSandbox(router))
        self.add_passthru(re.compile(".*"))


@dataclass(frozen=True)
class _Table:
    """The mounts by base URL, and the path segments of the deepest base URL among them.

    Replaced whole on each change, so a lookup reads one consistent table without a lock.
    """

    mounts: dict[str, _Mount]
    depth: int

    def without(self, base: str) -> _Table:
        mounts = {key: mount for key, mount in self.mounts.items() if key != base}
        return _Table(mounts, max((_depth_of(key) for key in mounts), default=0))


def _depth_of(base: str) -> int:
    return base.count("/") - 2


class RequestsRouter:
    """The process's table of in-process sandboxes: base URLs, and moto's holder."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        """Held by changes only."""
        self._table = _Table({}, 0)
        self._front: _RoutingMock | None = None
        """Patched over `requests`' transport while any sandbox is mounted."""
        self._moto_holder: str | None = None
        self.behind_moto = _RoutingMock(self, responses._real_send)
        """What moto's mock hands the requests it does not recognise: never patched, the network behind it."""

    def mount(self, base_url: str, dispatch: Dispatch, owner: str) -> None:
        """Route `requests` calls under `base_url` to `dispatch`; SandboxError if another sandbox has it."""
        base = base_of(base_url)
        with self._lock:
            table = self._table
            for taken, mount in table.mounts.items():
                if _overlap(base, taken):
                    raise SandboxError(
                        f"{taken} is the base URL of an active sandbox, {mount.owner}; give each sandbox "
                        "its own base_url (e.g. https://w1.sandbox.test, https://w2.sandbox.test), or stop that one first"
                    )
            if not table.mounts:
                self._front = _RoutingMock(self, requests.adapters.HTTPAdapter.send)
                self._front.start()
            mounts = {**table.mounts, base: _Mount(dispatch, owner, urlsplit(base).path)}
            self._table = _Table(mounts, max(table.depth, _depth_of(base)))

    def unmount(self, base_url: str) -> None:
        base = base_of(base_url)
        with self._lock:
            self._table = self._table.without(base)
            if not self._table.mounts and self._front is not None:
                self._front.stop(allow_assert=False)
                self._front = None

    @contextmanager
    def in_front(self) -> Iterator[None]:
        """While the block runs, answer for the active sandboxes ahead of whatever patches
        `requests`' transport now (moto's mock), passing it every other request."""
        front = _RoutingMock(self, requests.adapters.HTTPAdapter.send)
        front.start()
        try:
            yield
        finally:
            front.stop(allow_assert=False)

    def mount_of(self, url: str) -> _Mount | None:
        table = self._table
        for base in _bases(url, table.depth):
            mount = table.mounts.get(base)
            if mount is not None:
                return mount
        return None

    def claim_moto(self, owner: str) -> None:
        """Hold moto's process-wide mock for `owner`; SandboxError naming the holder if another has it."""
        with self._lock:
            if self._moto_holder is not None:
                raise SandboxError(
                    f"moto's mock is process-wide and an active sandbox holds it: {self._moto_holder}; "
                    "stop that sandbox first, or start this one with aws='memory'"
                )
            self._moto_holder = owner

    def release_moto(self) -> None:
        with self._lock:
            self._moto_holder = None


ROUTER = RequestsRouter()
