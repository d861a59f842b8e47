"""The OpenAPI 3.1 document of the HTTP surface, generated from the code.

Paths, methods, access and request bodies come from the route table the
dispatcher serves, passed in and never copied: request schemas are the
pydantic models that validate the bodies, response schemas the models of
response_schemas. `ANSWERS` adds what a Route does not carry (its success
status and body, its own errors, its query parameters); building fails on a
route without an entry, so no route goes undocumented.

OpenAPI 3.1 because its schemas are JSON Schema 2020-12, the dialect pydantic
emits (nullable fields as `anyOf` with `null`). The output is deterministic:
paths, methods, statuses and components are sorted; fields keep their order.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from importlib.metadata import version
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from pydantic_core import CoreSchema

from simulator.api import response_schemas as bodies
from simulator.api.apex_routes import API, BATCH, STATUS
from simulator.api.control_routes import CONTROL
from simulator.api.dispatch import Access, Route
from simulator.api.docs_routes import OPENAPI_PATH
from simulator.api.order_routes import ORDERS
from simulator.api.schemas import MAX_BULK_ACCOUNTS
from simulator.domain import reasons

JSON = "application/json"
API_KEY = "api_key"
"""The reference's name for the token scheme its operations require."""
ADMIN_TOKEN = "admin_token"

SECURITY_SCHEMES = {
    API_KEY: {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": f"The token from POST {API}/login, raw or as `Bearer <token>`.",
    },
    ADMIN_TOKEN: {
        "type": "apiKey",
        "in": "header",
        "name": "X-Admin-Token",
        "description": "Needed on control calls only when `bakkt-sim serve` binds a host other than loopback.",
    },
}
SECURITY: Mapping[Access, list[dict[str, list[str]]]] = {
    Access.CLIENT: [{API_KEY: []}],
    Access.CONTROL: [{ADMIN_TOKEN: []}, {}],
}
"""PUBLIC routes need nothing; the empty requirement makes the admin token optional."""

MALFORMED_BODY = "The body is not a JSON object"
INVALID_FIELD = "a field is missing or breaks its schema (type, enum, pattern, length, limits)"
UNKNOWN_FIELD = "a field is unknown (the message lists the known ones)"
NAMED = "the message names the field"
INVALID_FIELDS = "Fields are missing or invalid: one validationErrors entry each"
OTHER_ERRORS = (
    "Any other error, same body: 404 unknown path, 405 wrong method, 413 body over 1 MiB, 500 sandbox bug; "
    "with API faults set, /apex-crypto calls may answer the configured status, or 504 after doing the work"
)
NO_CLIENT = "No such client"


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    whole_number: bool = False


@dataclass(frozen=True)
class Answer:
    """What a Route does not say: its success body and status, its own errors, its query parameters."""

    body: type[BaseModel]
    status: int = 200
    errors: Mapping[int, str] = field(default_factory=dict)
    query: tuple[Query, ...] = ()
    also: Mapping[int, str] = field(default_factory=dict)
    """Other success statuses, answering the same body (an idempotent resubmission)."""


CLIENT_QUERY = Query("client", "Only this client's entries")
ACCOUNT_LOOKUP = {404: NO_CLIENT, 400: f"`{reasons.INVALID_ACCOUNT}`, or the amount or currency does not fit"}

ANSWERS: Mapping[tuple[str, str], Answer] = {
    ("GET", STATUS): Answer(bodies.ApiStatus),
    ("POST", f"{API}/login"): Answer(bodies.LoginResponse, errors={401: "Unknown logonId or wrong password"}),
    ("GET", f"{API}/config"): Answer(bodies.ConfigResponse),
    ("POST", f"{API}/config"): Answer(bodies.ConfigResponse),
    ("GET", f"{API}/instruments"): Answer(bodies.InstrumentResponse),
    ("POST", f"{API}/accounts"): Answer(bodies.Account, errors={422: "The clientAccountId is taken (entry code 409)"}),
    ("GET", f"{API}/accounts/{{clientAccountId}}"): Answer(bodies.Account, errors={400: f"`{reasons.INVALID_ACCOUNT}`"}),
    ("GET", f"{API}/accounts/{{clientAccountId}}/status"): Answer(
        bodies.AccountOpeningStatus, errors={400: f"`{reasons.INVALID_ACCOUNT}`"}
    ),
    ("GET", f"{API}/positions/{{account}}"): Answer(
        bodies.PositionResponse, errors={400: f"`{reasons.INVALID_ACCOUNT}`"}
    ),
    ("POST", f"{BATCH}/open"): Answer(bodies.BatchAllocation, errors={400: f"`{reasons.DUPLICATE_BATCH}`"}),
    ("POST", f"{BATCH}/allocate"): Answer(bodies.BatchTradeAllocation),
    ("GET", f"{BATCH}/allocate/{{clientTransactionId}}"): Answer(
        bodies.BatchTradeAllocation, errors={400: f"`{reasons.INVALID_TRANSACTION}`"}
    ),
    ("POST", f"{BATCH}/close"): Answer(
        bodies.BatchAllocation, errors={400: f"`{reasons.INVALID_BATCH}` or `{reasons.BATCH_NOT_OPEN}`"}
    ),
    ("GET", f"{BATCH}/{{batchTransactionId}}"): Answer(
        bodies.BatchAllocation, errors={400: f"`{reasons.INVALID_BATCH}`"}
    ),
    ("POST", f"{API}/allocation/gift"): Answer(bodies.GiftAllocation),
    ("GET", f"{API}/allocation/gift/{{clientTransactionId}}"): Answer(
        bodies.GiftAllocation, errors={400: f"`{reasons.INVALID_TRANSACTION}`"}
    ),
    ("POST", ORDERS): Answer(
        bodies.Order,
        201,
        {
            400: f"`{reasons.DUPLICATE_ORDER}`, `{reasons.INVALID_ACCOUNT}`, `{reasons.INVALID_SYMBOL}`, "
            "or a field that does not fit the order (named in the message)",
        },
        also={200: "The same clientOrderId with the same body again: the existing order"},
    ),
    ("GET", f"{ORDERS}/{{clientOrderId}}"): Answer(bodies.Order, errors={404: f"`{reasons.ORDER_NOT_FOUND}`"}),
    ("POST", f"{ORDERS}/{{clientOrderId}}/cancel"): Answer(
        bodies.CancelResponse, errors={404: f"`{reasons.ORDER_NOT_FOUND}`"}
    ),
    ("GET", f"{CONTROL}/clock"): Answer(bodies.ClockAnswer),
    ("POST", f"{CONTROL}/clock/advance"): Answer(
        bodies.ClockAnswer, errors={400: "Not exactly one of `seconds` and `to`, or `to` is in the past"}
    ),
    ("POST", f"{CONTROL}/clients"): Answer(
        bodies.ProvisioningAnswer, 201, {400: "The clientId is malformed or already provisioned"}
    ),
    ("POST", f"{CONTROL}/clients/{{clientId}}/accounts"): Answer(
        bodies.AccountIdsAnswer,
        201,
        {404: NO_CLIENT, 400: f"Not exactly one of `count` and `accounts`, over {MAX_BULK_ACCOUNTS} accounts, or a bad seed"},
    ),
    ("POST", f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}/deposit"): Answer(
        bodies.BalancesAnswer, errors=ACCOUNT_LOOKUP
    ),
    ("POST", f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}/withdraw"): Answer(
        bodies.BalancesAnswer, errors=ACCOUNT_LOOKUP
    ),
    ("GET", f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}"): Answer(
        bodies.BalancesAnswer, errors={404: NO_CLIENT, 400: f"`{reasons.INVALID_ACCOUNT}`"}
    ),
    ("GET", f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}/statement"): Answer(
        bodies.StatementAnswer,
        errors={404: NO_CLIENT, 400: f"`{reasons.INVALID_ACCOUNT}`, or `year` is not a whole number from 1970 to 9998"},
        query=(Query("year", "The calendar year in Chicago (default: the current one)", whole_number=True),),
    ),
    ("GET", f"{CONTROL}/market/{{symbol}}"): Answer(bodies.MarketBook, errors={404: "No such instrument"}),
    ("POST", f"{CONTROL}/market/{{symbol}}"): Answer(bodies.MarketBook, errors={404: "No such instrument"}),
    ("POST", f"{CONTROL}/faults"): Answer(bodies.FaultsAnswer),
    ("GET", f"{CONTROL}/events"): Answer(
        bodies.EventsPage,
        errors={404: NO_CLIENT, 400: "`after` or `limit` is not a whole number"},
        query=(
            CLIENT_QUERY,
            Query("after", "The cursor: entries with a greater `seq` (default 0)", whole_number=True),
            Query("limit", "Page size, 1 to 10000 (default 1000)", whole_number=True),
        ),
    ),
    ("GET", f"{CONTROL}/files"): Answer(bodies.FilesAnswer, errors={404: NO_CLIENT}, query=(CLIENT_QUERY,)),
    ("GET", f"{CONTROL}/emails"): Answer(
        bodies.EmailsAnswer,
        errors={404: NO_CLIENT},
        query=(CLIENT_QUERY, Query("to", "Only emails to this address")),
    ),
    ("POST", f"{CONTROL}/reset"): Answer(bodies.ResetAnswer),
    ("GET", OPENAPI_PATH): Answer(bodies.OpenApiDocument),
}


class UndocumentedRoute(LookupError):
    """A route in the table has no entry in ANSWERS."""


class SchemaGenerator(GenerateJsonSchema):
    """Pydantic's generator without a title per field: field names say it already."""

    def field_title_should_be_set(self, schema: CoreSchema) -> bool:
        return False


def answer_of(route: Route) -> Answer:
    answer = ANSWERS.get((route.method, route.template))
    if answer is None:
        raise UndocumentedRoute(f"{route.method} {route.template}: add its Answer to simulator.api.openapi.ANSWERS")
    return answer


def component_schemas(models: set[type[BaseModel]]) -> tuple[dict[type[BaseModel], dict[str, Any]], dict[str, Any]]:
    """One pass over every model, so shared ones become one component: the refs and the components."""
    ordered = sorted(models, key=lambda model: (model.__name__, model.__module__))
    refs, top = models_json_schema(
        [(model, "validation") for model in ordered],
        ref_template="#/components/schemas/{model}",
        schema_generator=SchemaGenerator,
    )
    return {model: refs[(model, "validation")] for model in ordered}, dict(sorted(top.get("$defs", {}).items()))


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {JSON: {"schema": schema}}


def parameters(route: Route, answer: Answer) -> list[dict[str, Any]]:
    """Path parameters in template order, from the route's own pattern, then the query."""
    found: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in route.pattern.groupindex
    ]
    for query in answer.query:
        schema = {"type": "string", "pattern": "^[0-9]+$"} if query.whole_number else {"type": "string"}
        found.append(
            {"name": query.name, "in": "query", "required": False, "description": query.description, "schema": schema}
        )
    return found


def error_reasons(route: Route, answer: Answer) -> dict[int, list[str]]:
    """Error statuses of one route: those the route table implies, then its own."""
    found: dict[int, list[str]] = {}
    if route.body is not None:
        if route.validation_errors:
            found[400] = [MALFORMED_BODY]
        elif route.access is Access.CONTROL:
            found[400] = [f"{MALFORMED_BODY}, {INVALID_FIELD}, or {UNKNOWN_FIELD}; {NAMED}"]
        else:
            found[400] = [f"{MALFORMED_BODY}, or {INVALID_FIELD}; {NAMED}"]
    if route.validation_errors:
        found[422] = [INVALID_FIELDS]
    if route.access is Access.CLIENT:
        found[401] = ["No valid token"]
    for status, text in answer.errors.items():
        found.setdefault(status, []).append(text)
    return found


def responses(route: Route, answer: Answer, refs: Mapping[type[BaseModel], dict[str, Any]]) -> dict[str, Any]:
    found: dict[int, dict[str, Any]] = {
        answer.status: {"description": HTTPStatus(answer.status).phrase, "content": json_content(refs[answer.body])}
    }
    for status, text in answer.also.items():
        found[status] = {"description": text, "content": json_content(refs[answer.body])}
    for status, texts in error_reasons(route, answer).items():
        body = bodies.ValidationErrors if status == 422 and route.validation_errors else bodies.Error
        found[status] = {"description": ". ".join(texts), "content": json_content(refs[body])}
    ordered: dict[str, Any] = {str(status): found[status] for status in sorted(found)}
    ordered["default"] = {"description": OTHER_ERRORS, "content": json_content(refs[bodies.Error])}
    return ordered


def operation(route: Route, answer: Answer, refs: Mapping[type[BaseModel], dict[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {"operationId": route.handler.__name__, "tags": [route.template.split("/")[1]]}
    params = parameters(route, answer)
    if params:
        found["parameters"] = params
    if route.body is not None:
        found["requestBody"] = {"required": True, "content": json_content(refs[route.body])}
    found["responses"] = responses(route, answer, refs)
    if route.access in SECURITY:
        found["security"] = SECURITY[route.access]
    return found


def build_document(routes: Sequence[Route]) -> dict[str, Any]:
    """The document of exactly these routes, in a stable order."""
    documented = sorted(
        ((route, answer_of(route)) for route in routes), key=lambda pair: (pair[0].template, pair[0].method)
    )
    models: set[type[BaseModel]] = {bodies.Error, bodies.ValidationErrors}
    for route, answer in documented:
        models.add(answer.body)
        if route.body is not None:
            models.add(route.body)
    refs, schemas = component_schemas(models)
    paths: dict[str, dict[str, Any]] = {}
    for route, answer in documented:
        paths.setdefault(route.template, {})[route.method.lower()] = operation(route, answer, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Bakkt crypto sandbox",
            "version": version("bakkt-sandbox"),
            "description": (
                "An offline sandbox of the vendor's API under /apex-crypto (same paths, bodies and enums) and its "
                "own control API under /sandbox/v1. Decimals are JSON strings; a field without a value is omitted. "
                "Errors answer {code, message}."
            ),
        },
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES},
    }
