"""The in-process mount: `requests` calls to the base URL reach the dispatch.

moto's own `responses` mock sees every `requests` call first while the
embedded AWS is active; it hands what it does not recognise to this mock
(moto's `override_responses_real_send`), and this mock passes what is not
for the sandbox on to the network.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, unquote, urlsplit

import responses
from moto.core.models import override_responses_real_send
from requests import PreparedRequest

from simulator.api.http import ApiRequest, ApiResponse

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


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


def api_request_from(prepared: PreparedRequest) -> ApiRequest:
    parts = urlsplit(prepared.url or "")
    return ApiRequest(
        method=(prepared.method or "GET").upper(),
        path=unquote(parts.path) or "/",
        query=dict(parse_qsl(parts.query)),
        headers={key.lower(): _text(value) for key, value in prepared.headers.items()},
        body=_body(prepared),
    )


class InProcessMount:
    def __init__(self, base_url: str, dispatch: Callable[[ApiRequest], ApiResponse]) -> None:
        self._dispatch = dispatch
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        pattern = re.compile("^" + re.escape(base_url.rstrip("/")) + r"(/.*)?$")
        for method in METHODS:
            self._mock.add_callback(method, pattern, callback=self._callback)
        self._mock.add_passthru(re.compile(".*"))

    def _callback(self, prepared: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        answer = self._dispatch(api_request_from(prepared))
        return answer.status, dict(answer.headers), answer.body

    def start(self) -> None:
        override_responses_real_send(self._mock)

    def stop(self) -> None:
        override_responses_real_send(None)
