"""Transport-free requests and responses, shared by both mounts."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

MAX_BODY_BYTES = 1024 * 1024
Headers = tuple[tuple[str, str], ...]
JSON_HEADERS: Headers = (("Content-Type", "application/json"),)


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    """Lower-cased header names."""
    body: bytes = b""


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: bytes
    headers: Headers = JSON_HEADERS

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class HeadedBody(dict[str, Any]):
    """A JSON body that names headers its answer must carry (a 405's `Allow`).

    The headers travel with the payload because handlers and errors answer a
    (status, payload) pair, and the dispatch alone turns it into bytes with
    `json_response`.
    """

    def __init__(self, content: Mapping[str, Any], headers: Headers) -> None:
        super().__init__(content)
        self.headers = headers


_COMPACT = json.JSONEncoder(separators=(",", ":"))
"""`json.dumps(payload, separators=(",", ":"))` without building an encoder for every answer."""


def json_response(status: int, payload: Any) -> ApiResponse:
    body = _COMPACT.encode(payload).encode()
    extra = payload.headers if isinstance(payload, HeadedBody) else ()
    return ApiResponse(status, body, (*JSON_HEADERS, *extra))


def status_phrase(status: int) -> str:
    """The reason phrase of `status`; a fault may answer any 5xx, named or not (599)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Server Error" if 500 <= status <= 599 else "Unknown Status"


def error_body(status: int, message: str) -> dict[str, Any]:
    return {"code": status, "message": message}


def validation_errors_body(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The reference's ValidationErrors body of a 422: one entry per rejected field
    (code, field, message, and rejectedValue where there is one), counted in the message."""
    count = len(entries)
    message = f"{count} validation error{'s' if count != 1 else ''}"
    return {"code": 422, "message": message, "validationErrors": entries}
