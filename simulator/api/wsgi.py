"""The WSGI mount of the dispatch, for `serve` and for clients such as httpx."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from simulator.api.http import MAX_BODY_BYTES, ApiRequest, ApiResponse, status_phrase

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
STATUS_LINES = {status.value: f"{status.value} {status.phrase}" for status in HTTPStatus}
"""Precomputed for the statuses the sandbox answers; a fault's unnamed 5xx is composed on the way."""


class EnvironHeaders(Mapping[str, str]):
    """The request's headers by lower-case name, read from the WSGI environ's
    HTTP_ keys when asked: a request reads one or two, of some thirty keys."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self._environ = environ

    def __getitem__(self, name: str) -> str:
        return str(self._environ["HTTP_" + name.upper().replace("-", "_")])

    def __iter__(self) -> Iterator[str]:
        return (key[5:].replace("_", "-").lower() for key in self._environ if key.startswith("HTTP_"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _path(environ: dict[str, Any]) -> str:
    raw = environ.get("PATH_INFO", "") or "/"
    try:
        return str(raw.encode("latin-1").decode("utf-8"))
    except (UnicodeEncodeError, UnicodeDecodeError):
        return str(raw)


def _body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b""
    return bytes(environ["wsgi.input"].read(min(length, MAX_BODY_BYTES + 1)))


def make_wsgi_app(dispatch: Callable[[ApiRequest], ApiResponse]) -> WsgiApp:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING", "")
        request = ApiRequest(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path=_path(environ),
            query=dict(parse_qsl(query)) if query else {},
            headers=EnvironHeaders(environ),
            body=_body(environ),
        )
        answer = dispatch(request)
        status_line = STATUS_LINES.get(answer.status) or f"{answer.status} {status_phrase(answer.status)}"
        start_response(status_line, [*answer.headers, ("Content-Length", str(len(answer.body)))])
        return [answer.body]

    return app
