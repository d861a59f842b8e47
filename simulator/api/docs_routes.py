"""`GET /sandbox/v1/openapi.json`: the OpenAPI document, public so tools fetch it without a token.

It documents the routes the host dispatches, this one included, so the
document and the dispatcher always describe one and the same table. Its
builder is imported by the first request for it: the response models and
pydantic's schema generation would add 30 ms to every start-up.
"""
from __future__ import annotations

from typing import Any

from simulator.api.control_routes import CONTROL
from simulator.api.dispatch import Access, Call, route

OPENAPI_PATH = f"{CONTROL}/openapi.json"


@route("GET", OPENAPI_PATH, Access.PUBLIC)
def openapi_document(call: Call) -> tuple[int, Any]:
    from simulator.api.openapi import build_document  # 30 ms of imports, for this route alone

    return 200, build_document(call.host.routes)


DOCS_ROUTES = (openapi_document,)
