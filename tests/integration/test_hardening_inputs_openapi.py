"""`GET /sandbox/v1/openapi.json` states the constraints the server enforces (CONTRACT section 15, "Inputs").

Two directions are checked. What the document allows, the server accepts:
a small generator that reads only the document produces request bodies, and
every one validates. What the server refuses, the document refuses: the
decimal, identifier and UUID patterns agree with the server's own checks on
any text, control bodies forbid unknown fields, and a clock advance needs
exactly one of `seconds` and `to`.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import UTC, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sandbox_session import START, control

from simulator import Sandbox
from simulator.api.dispatch import Access
from simulator.api.openapi import build_document
from simulator.api.order_schemas import NewOrderRequest
from simulator.api.schemas import AdvanceRequest, RequestModel
from simulator.domain.decimals import DecimalFormatError, parse_decimal
from simulator.runtime import ROUTES

PROPERTIES = settings(max_examples=300, deadline=None, database=None, derandomize=True)
BODIES = settings(PROPERTIES, max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
DOCUMENT = build_document(ROUTES)
COMPONENTS: dict[str, Any] = DOCUMENT["components"]["schemas"]
BODY_ROUTES = sorted((route for route in ROUTES if route.body is not None), key=lambda r: (r.template, r.method))
REGISTRY = Registry().with_resource("urn:doc", Resource.from_contents(DOCUMENT, DRAFT202012))


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = COMPONENTS[node["$ref"].rsplit("/", 1)[-1]]
    return node


def validator(model: type[RequestModel]) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"urn:doc#/components/schemas/{model.__name__}"},
        registry=REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def accepted(model: type[RequestModel], body: Any) -> bool:
    try:
        model.model_validate(body)
    except ValidationError:
        return False
    return True


def schema_of(model: type[RequestModel]) -> dict[str, Any]:
    return resolve({"$ref": f"#/components/schemas/{model.__name__}"})


# a generator that reads only the document


def instants() -> st.SearchStrategy[str]:
    return st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.isoformat().replace("+00:00", "Z"))


def strings(node: dict[str, Any]) -> st.SearchStrategy[str]:
    if "pattern" in node:
        found: st.SearchStrategy[str] = st.from_regex(node["pattern"], fullmatch=True)
    elif node.get("format") == "email":
        found = st.emails()
    elif node.get("format") == "date-time":
        found = instants()
    else:
        found = st.text(max_size=12)
    low, high = node.get("minLength", 0), node.get("maxLength", math.inf)
    return found.filter(lambda text: low <= len(text) <= high)


def objects(node: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties: dict[str, Any] = node.get("properties", {})
    required = set(node.get("required", ()))
    found: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
        {name: valid(schema) for name, schema in properties.items() if name in required},
        optional={name: valid(schema) for name, schema in properties.items() if name not in required},
    )
    if isinstance(node.get("additionalProperties"), dict):
        names = valid(node.get("propertyNames", {"type": "string", "maxLength": 6}))
        found = st.dictionaries(names, valid(node["additionalProperties"]), max_size=2)
    branches = node.get("oneOf", [])
    if branches:
        checks = [Draft202012Validator(branch) for branch in branches]
        found = found.filter(lambda body: sum(check.is_valid(body) for check in checks) == 1)
    return found


def valid(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the schema allows, drawn from nothing but the schema."""
    node = resolve(node)
    if "anyOf" in node:
        shared = {key: value for key, value in node.items() if key != "anyOf"}
        return st.one_of([valid({**shared, **branch}) for branch in node["anyOf"]])
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "integer":
        return st.integers(node.get("minimum", -(2**40)), node.get("maximum", 2**40))
    if kind == "number":
        low, high = node.get("minimum", -1e12), node.get("maximum", 1e12)
        return st.integers(math.ceil(low), math.floor(high)) | st.floats(low, high)
    if kind == "string":
        return strings(node)
    if kind == "array":
        return st.lists(valid(node["items"]), min_size=node.get("minItems", 0), max_size=3)
    if kind == "object":
        return objects(node)
    return {"boolean": st.booleans(), "null": st.none()}[kind]


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda route: f"{route.method} {route.template}")
def test_every_body_generated_from_the_document_is_accepted(route: Any) -> None:
    model: type[RequestModel] = route.body
    check = validator(model)

    @BODIES
    @given(valid(schema_of(model)))
    def generated(body: dict[str, Any]) -> None:
        assert check.is_valid(body), list(check.iter_errors(body))
        model.model_validate(body)

    generated()


# what the server refuses, the document refuses


def control_components() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every component a control body reaches, nested settings and list items included."""
    seen: set[str] = set()
    pending = [route.body.__name__ for route in BODY_ROUTES if route.access is Access.CONTROL and route.body]
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            yield name, COMPONENTS[name]
            pending.extend(ref.rsplit("/", 1)[-1] for ref in re.findall(r"'\$ref': '([^']+)'", str(COMPONENTS[name])))


def test_control_bodies_forbid_unknown_fields_and_vendor_bodies_do_not() -> None:
    control_names = dict(control_components())
    assert {"ClientRequest", "CommissionSettings", "InvestorSeed", "S3FaultSettings", "ApiFaultSettings"} <= set(control_names)
    assert all(schema.get("additionalProperties") is False for schema in control_names.values())
    vendor = [route.body.__name__ for route in BODY_ROUTES if route.access is not Access.CONTROL and route.body]
    assert vendor and all(COMPONENTS[name].get("additionalProperties") is not False for name in vendor)


def published_pattern(model: str, field: str) -> re.Pattern[str]:
    node = resolve(COMPONENTS[model]["properties"][field])
    branch = next(b for b in node.get("anyOf", [node]) if b.get("type") == "string")
    return re.compile(branch["pattern"])


DECIMAL_LIKE = st.text(alphabet="0123456789-.+e ", max_size=22) | st.from_regex(r"-?0{0,3}[0-9]{1,18}(\.[0-9]{1,18})?", fullmatch=True)


@PROPERTIES
@given(DECIMAL_LIKE)
def test_the_decimal_pattern_is_the_servers_rule_digit_limit_included(text: str) -> None:
    try:
        parse_decimal(text)
        parsed = True
    except DecimalFormatError:
        parsed = False
    assert bool(published_pattern("BalanceRequest", "quantity").fullmatch(text)) == parsed


IDENTIFIER_LIKE = st.text(st.characters(max_codepoint=0x17F), max_size=70) | st.sampled_from(["a/b", "", "x" * 64, "x" * 65])


@PROPERTIES
@given(IDENTIFIER_LIKE)
def test_the_order_id_pattern_and_length_are_the_servers_rule(text: str) -> None:
    node = resolve(COMPONENTS["NewOrderRequest"]["properties"]["clientOrderId"])
    published = bool(re.fullmatch(node["pattern"].removeprefix("^").removesuffix("$"), text))
    published = published and node["minLength"] <= len(text) <= node["maxLength"]
    body = {"account": "A", "symbol": "BTCUSD", "side": "BUY", "type": "MARKET", "timeInForce": "IOC", "clientOrderId": text}
    assert published == accepted(NewOrderRequest, body)


def test_identifiers_and_uuids_state_their_patterns_and_lengths() -> None:
    for model, field, longest in [("AccountRequest", "clientAccountId", 128), ("NewOrderRequest", "clientOrderId", 64)]:
        node = resolve(COMPONENTS[model]["properties"][field])
        assert (node["minLength"], node["maxLength"]) == (1, longest)
        assert not re.fullmatch(node["pattern"], "a/b") and re.fullmatch(node["pattern"], "a b~")
    assert published_pattern("InvestorSeed", "id").pattern == published_pattern("AccountRequest", "clientAccountId").pattern
    assert published_pattern("ClientRequest", "clientId").pattern == "^[a-z0-9][a-z0-9-]{1,40}$"
    uuid = published_pattern("BatchAllocationOpenRequest", "batchTransactionId")
    assert uuid.fullmatch("3b241101-e2bb-4255-8caf-4136c566a962") and not uuid.fullmatch("3b241101e2bb42558caf4136c566a962")
    for model, field in [("BatchTradeAllocationRequest", "clientTransactionId"), ("GiftAllocationRequest", "clientTransactionId")]:
        assert published_pattern(model, field).pattern == uuid.pattern


def test_limits_are_stated() -> None:
    accounts = COMPONENTS["AccountsRequest"]["properties"]
    assert resolve(accounts["count"])["anyOf"][0]["maximum"] == 10_000
    assert resolve(accounts["accounts"])["anyOf"][0]["maxItems"] == 10_000
    fail_puts = COMPONENTS["S3FaultSettings"]["properties"]["failPuts"]
    assert (fail_puts["type"], fail_puts["minimum"], fail_puts["maximum"]) == ("integer", 0, 1000)
    rate = COMPONENTS["QueueFaultSettings"]["properties"]["duplicateRate"]
    assert (rate["type"], rate["minimum"], rate["maximum"]) == ("number", 0, 1)


# the clock advance: exactly one of seconds and to


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=37, start=START) as sb:
        yield sb


LATER = "an hour from now"
ADVANCES: list[dict[str, Any]] = [
    {"seconds": 5},
    {"seconds": 0.5},
    {"to": LATER},
    {"seconds": 5, "to": None},
    {"seconds": None, "to": LATER},
    {},
    {"seconds": None},
    {"seconds": None, "to": None},
    {"seconds": 5, "to": LATER},
    {"seconds": "5"},
    {"seconds": True},
    {"seconds": -1},
    {"seconds": 10 * 365 * 86_400 + 1},
    {"to": "soon"},
    {"to": 5},
    {"secs": 5},
]


@pytest.mark.parametrize("body", ADVANCES, ids=str)
def test_the_document_and_the_server_agree_on_a_clock_advance(module_sandbox: Sandbox, body: dict[str, Any]) -> None:
    later = (module_sandbox.now + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    body = {name: later if value == LATER else value for name, value in body.items()}
    answered = control(module_sandbox, "POST", "/clock/advance", body).status_code
    assert (answered == 200) == validator(AdvanceRequest).is_valid(body), answered


def test_the_advance_schema_says_exactly_one_of_seconds_and_to() -> None:
    schema = COMPONENTS["AdvanceRequest"]
    assert [branch["required"] for branch in schema["oneOf"]] == [["seconds"], ["to"]]
    assert schema["additionalProperties"] is False
