"""The WSGI mount of the dispatch, for `serve` and for clients such as httpx."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from simulator.api.http import MAX_BODY_BYTES, ApiRequest, ApiResponse

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


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
        headers = {
            key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        request = ApiRequest(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path=_path(environ),
            query=dict(parse_qsl(environ.get("QUERY_STRING", ""))),
            headers=headers,
            body=_body(environ),
        )
        answer = dispatch(request)
        reason = HTTPStatus(answer.status).phrase
        start_response(f"{answer.status} {reason}", [*answer.headers, ("Content-Length", str(len(answer.body)))])
        return [answer.body]

    return app
