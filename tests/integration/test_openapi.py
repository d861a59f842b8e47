"""The OpenAPI document `GET /sandbox/v1/openapi.json`: valid, complete, in step
with the vendor's reference, and honest.

Honest means real answers validate against the published schemas: the
response models only describe what the code renders, so a change to an answer
fails here until its description changes with it.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sandbox_session import START, uid

from simulator import Sandbox
from simulator.api import dispatch
from simulator.api.dispatch import Access, Call, Route
from simulator.api.openapi import OPENAPI_PATH, UndocumentedRoute, build_document
from simulator.runtime import ROUTES

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "bakkt-crypto-openapi-subset.yml"
API = "/apex-crypto/api/v2"
CONTROL = "/sandbox/v1"
BATCH = f"{API}/allocation/trade/batch"
GIFT = f"{API}/allocation/gift"
NOT_YET_IMPLEMENTED: set[str] = set()
"""Reference operations a later issue brings; once one is served, drop it here and the schema check covers it."""
BEYOND_REFERENCE = {"POST /apex-crypto/api/v2/config": "GET /apex-crypto/api/v2/config"}
"""Operations the vendor's docs call that the reference lacks, each with the reference operation it answers like."""
FIELDS_BEYOND_REFERENCE = {"ConfigResponse.streamingOrderEntryEventUrl: not in the reference"}
"""Answer fields the reference lacks: the vendor's example config names its order entry event stream (CONTRACT 19)."""
UNDESCRIBED = {
    "Owner.agreements",
    "Owner.identity",
    "Owner.mailingAddress",
    "Owner.role",
    "AccountRequest.enrollments",
    "AccountRequest.entity",
    "AccountRequest.investmentProfile",
    "AccountRequest.trustedContacts",
}
"""Reference parts with required fields or enums that the sandbox keeps as sent, unchecked (CONTRACT section 4)."""
REQUIRED_UNCHECKED = {"Owner"}
"""Reference components the sandbox describes only in part: it checks an owner's emailAddress and keeps the
rest as sent, so the reference's required fields are not required here."""


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document(ROUTES)


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(REFERENCE.read_text())
    return loaded


def operation_key(method: str, template: str) -> str:
    """`GET /a/{}`: the same operation whatever its path parameters are called."""
    return f"{method.upper()} {re.sub(r'{[^}]+}', '{}', template)}"


def operations(document: dict[str, Any], prefix: str) -> dict[str, dict[str, Any]]:
    return {
        operation_key(method, path): spec
        for path, item in document["paths"].items()
        if path.startswith(prefix)
        for method, spec in item.items()
    }


# the document itself


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_the_document_is_served_without_a_token_and_is_stable(document: dict[str, Any], samples: list[Sample]) -> None:
    served = [sample.body for sample in samples if sample.route.template == OPENAPI_PATH]
    assert served and all(json.dumps(body) == json.dumps(document) for body in served)
    assert json.dumps(build_document(ROUTES)) == json.dumps(build_document(tuple(reversed(ROUTES))))


def test_every_route_is_documented_with_its_access(document: dict[str, Any]) -> None:
    expected_security: dict[Access, list[dict[str, list[str]]] | None] = {
        Access.PUBLIC: None,
        Access.CLIENT: [{"api_key": []}],
        Access.CONTROL: [{"admin_token": []}, {}],
    }
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert documented == {(route.method, route.template) for route in ROUTES}
    for route in ROUTES:
        spec = document["paths"][route.template][route.method.lower()]
        assert spec.get("security") == expected_security[route.access], route.template
        assert [p["name"] for p in spec.get("parameters", []) if p["in"] == "path"] == list(route.pattern.groupindex)
        assert ("requestBody" in spec) == (route.body is not None), route.template


def test_a_route_without_an_answer_is_refused() -> None:
    @dispatch.route("GET", f"{CONTROL}/undocumented", Access.PUBLIC)
    def undocumented(call: Call) -> tuple[int, Any]:
        return 200, {}

    with pytest.raises(UndocumentedRoute, match=f"GET {CONTROL}/undocumented"):
        build_document((*ROUTES, undocumented))


# agreement with the vendor's reference


def test_reference_operations_are_served_or_expected_later(document: dict[str, Any], reference: dict[str, Any]) -> None:
    ours, theirs = operations(document, "/apex-crypto"), operations(reference, "/apex-crypto")
    assert set(theirs) - set(ours) == NOT_YET_IMPLEMENTED
    assert set(ours) - set(theirs) == set(BEYOND_REFERENCE), "/apex-crypto operations the reference does not have"


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def constrained(document: dict[str, Any], node: dict[str, Any]) -> bool:
    """Whether a reference schema holds a required list or an enum anywhere inside."""
    node = resolve(document, node)
    if "required" in node or "enum" in node:
        return True
    inner = [*node.get("properties", {}).values(), *([node["items"]] if "items" in node else [])]
    return any(constrained(document, child) for child in inner)


@dataclass
class SchemaComparison:
    """Our schemas against the reference's: required fields, enum values and types, following $refs in both.

    Places are named after the reference's component once a $ref enters one,
    so a component reached from several operations is reported once.
    """

    ours: dict[str, Any]
    theirs: dict[str, Any]
    differences: set[str] = field(default_factory=set)
    undescribed: set[str] = field(default_factory=set)

    def ours_resolved(self, node: dict[str, Any]) -> dict[str, Any]:
        node = resolve(self.ours, node)
        branches = [branch for branch in node.get("anyOf", []) if branch != {"type": "null"}]
        if len(branches) == 1:
            node = resolve(self.ours, branches[0])
        return {**node, "enum": [node["const"]]} if "const" in node else node

    def compare(self, our_node: dict[str, Any], their_node: dict[str, Any], where: str) -> None:
        if "$ref" in their_node:
            where = their_node["$ref"].rsplit("/", 1)[-1]
        ours, theirs = self.ours_resolved(our_node), resolve(self.theirs, their_node)
        if "properties" in theirs and "properties" not in ours:
            self.undescribed.add(where)
            return
        for key in ("required", "enum"):
            if key == "required" and where in REQUIRED_UNCHECKED:
                continue
            if set(ours.get(key, [])) != set(theirs.get(key, [])):
                self.differences.add(f"{where} {key}: ours {ours.get(key)}, reference {theirs.get(key)}")
        if "type" in ours and "type" in theirs and ours["type"] != theirs["type"]:
            self.differences.add(f"{where} type: ours {ours['type']}, reference {theirs['type']}")
        our_properties, their_properties = ours.get("properties", {}), theirs.get("properties", {})
        for name in sorted(our_properties.keys() | their_properties.keys()):
            if name not in their_properties:
                self.differences.add(f"{where}.{name}: not in the reference")
            elif name not in our_properties:
                if constrained(self.theirs, their_properties[name]):
                    self.undescribed.add(f"{where}.{name}")
            else:
                self.compare(our_properties[name], their_properties[name], f"{where}.{name}")
        if "items" in theirs:
            self.compare(ours.get("items", {}), theirs["items"], f"{where}[]")


def body_schema(spec: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = spec["content"]["application/json"]["schema"]
    return schema


def test_schemas_agree_with_the_reference(document: dict[str, Any], reference: dict[str, Any]) -> None:
    comparison = SchemaComparison(document, reference)
    theirs = operations(reference, "/apex-crypto")
    for key, ours in operations(document, "/apex-crypto").items():
        their_spec = theirs[BEYOND_REFERENCE.get(key, key)]
        assert ("requestBody" in ours) == ("requestBody" in their_spec), key
        if "requestBody" in ours:
            request = body_schema(ours["requestBody"]), body_schema(their_spec["requestBody"])
            comparison.compare(*request, f"{key} request")
        successes = {status for status in ours["responses"] if status.startswith("2")}
        assert successes == {status for status in their_spec["responses"] if status.startswith("2")}, key
        for status in sorted(ours["responses"].keys() & their_spec["responses"].keys()):
            comparison.compare(
                body_schema(ours["responses"][status]), body_schema(their_spec["responses"][status]), f"{key} {status}"
            )
    assert comparison.differences == FIELDS_BEYOND_REFERENCE
    assert comparison.undescribed == UNDESCRIBED


# real answers against the published schemas


@dataclass(frozen=True)
class Sample:
    route: Route
    status: int
    body: Any


def route_of(method: str, path: str) -> Route:
    """The route the dispatcher picks: the first whose method and pattern match."""
    return next(r for r in ROUTES if r.method == method and r.pattern.match(path))


class Recorder:
    """Calls the sandbox transport-free and keeps every answer for validation."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.samples: list[Sample] = []
        self.token: str | None = None

    def __call__(self, method: str, path: str, body: Any = None, status: int = 200, **query: str) -> Any:
        answer = self.sb.call(method, path, body, token=self.token if path.startswith(API) else None, query=query)
        assert answer.status == status, f"{method} {path}: {answer.status} {answer.body!r}"
        self.samples.append(Sample(route_of(method, path), answer.status, answer.json()))
        return answer.json()


def exercise_vendor_api(call: Recorder) -> None:
    """Every /apex-crypto operation, with the answers' variants: rejected, complete, errors."""
    call("GET", "/apex-crypto/api/status")
    settings = {"commission": {"model": "TRADE_FEE", "bps": 25}, "financeEmails": ["finance@acme.test"]}
    provisioning = call("POST", f"{CONTROL}/clients", {"clientId": "acme", **settings}, 201)
    call("POST", f"{CONTROL}/clients/acme/accounts", {"count": 2, "holdings": {"BTC": "0.5"}, "cash": "1000.00"}, 201)
    call("POST", f"{API}/login", {"logonId": provisioning["logonId"], "password": "wrong"}, 401)
    call("GET", f"{API}/instruments", status=401)
    credentials = {"logonId": provisioning["logonId"], "password": provisioning["password"]}
    call.token = call("POST", f"{API}/login", credentials)["token"]
    call("GET", f"{API}/config")
    call("POST", f"{API}/config", {})
    call("GET", f"{API}/instruments")
    owner = {"emailAddress": "ada@example.test", "role": "PRIMARY_OWNER"}
    call("POST", f"{API}/accounts", {"clientAccountId": "OWN1", "owners": [owner], "accountType": "INDIVIDUAL"})
    call("POST", f"{API}/accounts", {"clientAccountId": "OWN1", "owners": [owner]}, 422)
    call("POST", f"{API}/accounts", {"clientAccountId": "", "accountType": "NOPE"}, 422)
    call("POST", f"{API}/accounts", [owner], 400)
    for account in ("OWN1", "INV00001"):
        call("GET", f"{API}/accounts/{account}")
        call("GET", f"{API}/accounts/{account}/status")
    call("GET", f"{API}/accounts/NOBODY", status=400)
    batch, rejected_batch, mismatched = uid("openapi-batch"), uid("openapi-rejected"), uid("openapi-mismatch")
    call("POST", f"{BATCH}/open", {"batchTransactionId": batch, "symbol": "BTCUSD", "type": "NOTIONAL"})
    call("POST", f"{BATCH}/open", {"batchTransactionId": batch, "symbol": "BTCUSD", "type": "NOTIONAL"}, 400)
    call("POST", f"{BATCH}/open", {"batchTransactionId": rejected_batch, "symbol": "NOPEUSD", "type": "NOTIONAL"})
    allocations = [
        ("INV00001", "BUY", "200", {"bpsCommission": 10}),
        ("INV00002", "SELL", "100.50", {}),
        ("NOBODY", "BUY", "10", {}),
    ]
    for n, (account, side, amount, extra) in enumerate(allocations):
        body = {"account": account, "amount": amount, "batchTransactionId": batch, "side": side, "symbol": "BTCUSD"}
        call("POST", f"{BATCH}/allocate", {**body, "clientTransactionId": uid(f"openapi-{n}"), **extra})
    duplicate = {**body, "clientTransactionId": uid("openapi-0")}
    call("POST", f"{BATCH}/allocate", duplicate)
    call("POST", f"{BATCH}/allocate", {**duplicate, "clientTransactionId": uid("openapi-3"), "amount": 10}, 400)
    call("GET", f"{API}/positions/INV00002")
    call("POST", f"{BATCH}/close", {"batchTransactionId": batch, "allocations": 2})
    call("POST", f"{BATCH}/close", {"batchTransactionId": batch, "allocations": 2}, 400)
    call("POST", f"{CONTROL}/clock/advance", {"seconds": 5})
    call("POST", f"{BATCH}/open", {"batchTransactionId": mismatched, "symbol": "ETHUSD", "type": "QUANTITY"})
    quantity = {"account": "INV00001", "amount": "0.01", "batchTransactionId": mismatched, "symbol": "ETHUSD"}
    call("POST", f"{BATCH}/allocate", {**duplicate, **quantity, "clientTransactionId": uid("openapi-q")})
    call("POST", f"{BATCH}/close", {"batchTransactionId": mismatched, "allocations": 5})
    for batch_id in (batch, rejected_batch, mismatched):
        call("GET", f"{BATCH}/{batch_id}")
    for transaction in ("openapi-0", "openapi-1", "openapi-2", "openapi-q"):
        call("GET", f"{BATCH}/allocate/{uid(transaction)}")
    call("GET", f"{BATCH}/{uid('unknown')}", status=400)
    call("GET", f"{BATCH}/allocate/{uid('unknown')}", status=400)
    exercise_gifts(call)
    call("GET", f"{API}/positions/INV00001")
    call("GET", f"{API}/positions/NOBODY", status=400)


def exercise_gifts(call: Recorder) -> None:
    """A complete gift, a rejected one, a duplicate of an allocation's id, a malformed one, and the lookups."""
    call("POST", f"{CONTROL}/clients/acme/accounts/GIFT00001/deposit", {"currency": "BTC", "quantity": "0.01"})
    gift = {"account": "INV00001", "currency": "BTC"}
    call("POST", GIFT, {**gift, "clientTransactionId": uid("openapi-gift"), "notional": "5"})
    call("POST", GIFT, {**gift, "clientTransactionId": uid("openapi-gift-rejected"), "quantity": "1"})
    call("POST", GIFT, {**gift, "clientTransactionId": uid("openapi-0"), "quantity": "0.001"})
    call("POST", GIFT, {**gift, "clientTransactionId": uid("openapi-gift-malformed"), "notional": 5}, 400)
    for transaction in ("openapi-gift", "openapi-gift-rejected"):
        call("GET", f"{GIFT}/{uid(transaction)}")
    call("GET", f"{GIFT}/{uid('unknown')}", status=400)


def exercise_orders(call: Recorder) -> None:
    """Orders: filled at once, resting then cancelled, rejected before trading, and the errors."""
    orders = f"{API}/orders"
    market = {"account": "INV00001", "symbol": "BTCUSD", "side": "BUY", "type": "MARKET", "timeInForce": "IOC"}
    call("POST", orders, {**market, "clientOrderId": "oa-market", "quantity": "0.01"}, 201)
    call("POST", orders, {**market, "clientOrderId": "oa-market", "quantity": "0.01"}, 200)
    call("POST", orders, {**market, "clientOrderId": "oa-market", "quantity": "0.02"}, 400)
    call("POST", orders, {**market, "clientOrderId": "oa-small", "notional": "0.50"}, 201)
    resting = {**market, "clientOrderId": "oa-limit", "type": "LIMIT", "timeInForce": "GTC", "price": "1000", "quantity": "0.01"}
    call("POST", orders, resting, 201)
    call("POST", f"{CONTROL}/clock/advance", {"seconds": 1})
    for order in ("oa-market", "oa-small", "oa-limit"):
        call("GET", f"{orders}/{order}")
    cancel = {"id": uid("openapi-cancel")}
    call("POST", f"{orders}/oa-limit/cancel", cancel)
    call("POST", f"{orders}/oa-limit/cancel", cancel)
    call("GET", f"{orders}/oa-limit")
    call("GET", f"{orders}/nobody", status=404)
    call("POST", f"{orders}/nobody/cancel", cancel, 404)


def exercise_control_api(call: Recorder) -> None:
    """Every /sandbox/v1 operation; runs after the vendor calls so events, files and emails exist."""
    call("GET", OPENAPI_PATH)
    call("GET", f"{CONTROL}/clock")
    call("POST", f"{CONTROL}/clients", {"clientId": "bare", "firmAllocationAccount": False, "giftAccount": False}, 201)
    call("POST", f"{CONTROL}/clients", {"clientId": "Not Valid"}, 400)
    call("POST", f"{CONTROL}/clients/nobody/accounts", {"count": 1}, 404)
    call("POST", f"{CONTROL}/clients/acme/accounts/INV00001/deposit", {"currency": "BTC", "quantity": "0.25"})
    call("POST", f"{CONTROL}/clients/acme/accounts/INV00001/withdraw", {"currency": "USD", "quantity": "10.50"})
    call("GET", f"{CONTROL}/clients/acme/accounts/INV00001")
    call("GET", f"{CONTROL}/clients/acme/accounts/INV00001/statement", year="2026")
    call("GET", f"{CONTROL}/market/BTCUSD")
    call("POST", f"{CONTROL}/market/ETHUSD", {"outage": True})
    call("GET", f"{CONTROL}/market/NOPEUSD", status=404)
    call("POST", f"{CONTROL}/faults", {"queue": {"duplicateRate": 0.0}, "fills": {"latencyMs": 250}})
    call("POST", f"{CONTROL}/clock/advance", {"seconds": 2 * 3600})
    call("GET", f"{CONTROL}/events", client="acme")
    call("GET", f"{CONTROL}/events", status=400, after="-1")
    call("GET", f"{CONTROL}/files", client="acme")
    call("GET", f"{CONTROL}/emails", client="acme")
    call("POST", f"{CONTROL}/reset", {"seed": 8})


@pytest.fixture(scope="module")
def samples() -> Iterator[list[Sample]]:
    with Sandbox(seed=7, start=START) as sb:
        call = Recorder(sb)
        exercise_vendor_api(call)
        exercise_orders(call)
        exercise_control_api(call)
        yield call.samples


def response_validator(document: dict[str, Any], route: Route, status: int) -> Draft202012Validator:
    """A validator of one documented response, its $refs resolved against the whole document."""
    responses = document["paths"][route.template][route.method.lower()]["responses"]
    code = str(status) if str(status) in responses else "default"
    path = route.template.replace("~", "~0").replace("/", "~1")
    pointer = f"#/paths/{path}/{route.method.lower()}/responses/{code}/content/application~1json/schema"
    registry = Registry().with_resource("urn:sandbox", Resource.from_contents(document, DRAFT202012))
    return Draft202012Validator(
        {"$ref": f"urn:sandbox{pointer}"}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def test_real_answers_match_their_schemas(document: dict[str, Any], samples: list[Sample]) -> None:
    problems = [
        f"{sample.route.method} {sample.route.template} {sample.status}: {error.json_path}: {error.message}"
        for sample in samples
        for error in response_validator(document, sample.route, sample.status).iter_errors(sample.body)
    ]
    assert problems == []


def test_every_success_answer_was_checked(document: dict[str, Any], samples: list[Sample]) -> None:
    """A new route needs a real answer in the scenarios above, so its schema is checked too."""
    checked = {(s.route.method, s.route.template, str(s.status)) for s in samples}
    documented = {
        (method.upper(), path, status)
        for path, item in document["paths"].items()
        for method, spec in item.items()
        for status in spec["responses"]
        if status.startswith("2")
    }
    assert documented - checked == set()
