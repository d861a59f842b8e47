"""Errors a handler raises to answer a request with a 4xx.

ApiError carries the status and the user-facing message; the api layer turns
it into `{"code", "message"}`. AccountExists carries what was refused, and
the route that can meet it renders it. Business rejects are not errors: they
are answered 200 with `status: REJECTED`.
"""
from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, message: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.body = body if body is not None else {"code": status, "message": message}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str = "Not found") -> ApiError:
    return ApiError(404, message)


UNAUTHORIZED = "Unauthorized"


class AccountExists(Exception):
    """An account opened under an id the client already uses; the vendor answers it as a
    validation error of that field."""

    def __init__(self, account_id: str) -> None:
        super().__init__(f"account {account_id} already exists")
        self.account_id = account_id
