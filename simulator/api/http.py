"""Transport-free requests and responses, shared by both mounts."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_BODY_BYTES = 1024 * 1024


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
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def json_response(status: int, payload: Any) -> ApiResponse:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return ApiResponse(status, body)


def error_body(status: int, message: str) -> dict[str, Any]:
    return {"code": status, "message": message}
