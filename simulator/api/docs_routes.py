"""`GET /sandbox/v1/openapi.json`: the OpenAPI document, public so tools fetch it without a token.

It documents the routes the host dispatches, this one included, so the
document and the dispatcher always describe one and the same table.
"""
from __future__ import annotations

from typing import Any

from simulator.api.dispatch import Access, Call, route
from simulator.api.openapi import OPENAPI_PATH, build_document


@route("GET", OPENAPI_PATH, Access.PUBLIC)
def openapi_document(call: Call) -> tuple[int, Any]:
    return 200, build_document(call.host.routes)


DOCS_ROUTES = (openapi_document,)
