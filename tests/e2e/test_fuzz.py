"""Robustness fuzz (CONTRACT 12, 13): no input makes the API answer 5xx or a traceback.

Every route of the route table gets generated path parameters and JSON
bodies (valid bodies with fields replaced by odd JSON values, or any JSON);
then raw bytes, deep nesting and oversize bodies; then random methods,
paths, queries and headers. Requests go through the in-process Sandbox's
WSGI app, the same app `serve` runs on waitress. Every answer must have a
documented status, valid strict JSON, and for a 4xx `code` and a non-empty
`message` (`validationErrors` too for a 422).

The sandbox is reset before each test; within a test, state carries over
from one example to the next, as it would for a real client. Runs are
derandomized, so they repeat exactly.
"""
from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from e2e_target import API, CONTROL, START, uid
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Sandbox
from simulator.api.dispatch import Route
from simulator.runtime import ROUTES

DOCUMENTED = {200, 201, 400, 401, 404, 405, 413, 422}
MIB = 1024 * 1024
PER_ROUTE = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    # a function-scoped `harness` is fresh per test on purpose; examples share its state
)
WHOLE_TABLE = settings(PER_ROUTE, max_examples=200)
SEED = 3
CLIENT_ID = "acme"
BATCH = uid("fuzz-batch")
TRANSACTION = uid("fuzz-transaction")
GIFT_TRANSACTION = uid("fuzz-gift")
FAULTS = f"{CONTROL}/faults"
TRACEBACK = re.compile(r"Traceback|File \"|line \d+, in ")


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# JSON values: small and huge numbers, NaN and infinities, odd strings, nesting

ODD_STRINGS = [
    "", " ", "0", "-0", "1", "-1", "+1", ".5", "5.", "0.01", "10.000", "1e5", "1E-3", "0x10", "1_000",
    "NaN", "Infinity", "-Infinity", "123456789012345", "1234567890123456", "0.000000000000001",
    "99999999999999.9", "-99999999999999.9", "\u0661\u0662", "\u0000", "\ud800", "\U0001f4a9" * 50,
    "BTCUSD", "ETHUSD", "BTC", "USD", "BUY", "SELL", "NOTIONAL", "QUANTITY", "INV00001", "FIRM00001",
    "GIFT00001", CLIENT_ID, "acme-api", "TRADE_FEE", "MARKUP", "NET_SETTLEMENT", "BAKKT_TPJ", "APEX_TPJ",
    "INDIVIDUAL", BATCH, TRANSACTION, uid("fuzz-other"), "2026-03-02T15:00:00Z", "2026-03-02T14:00:00.000Z",
    "2000-01-01T00:00:00Z", "not a time", nested(50),
]  # fmt: skip
EDGE_INTS = [2**31, -(2**31) - 1, 2**53 + 1, 2**63, -(2**63), 2**64, 10**30, -(10**30), 10**4299]
EDGE_FLOATS = [math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, -0.0, 1e16, 1e300]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-100, 100),
    st.sampled_from(EDGE_INTS),
    st.floats(-1e3, 1e3),
    st.sampled_from(EDGE_FLOATS),
    st.text(max_size=20),
    st.sampled_from(ODD_STRINGS),
)
"""Numbers stay small or far out of range: a valid advance of years would only cost time."""
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)

OPEN_BODY = {"batchTransactionId": BATCH, "symbol": "BTCUSD", "type": "NOTIONAL"}
ALLOCATION_BODY = {
    "account": "INV00001", "amount": "10", "batchTransactionId": BATCH,
    "clientTransactionId": TRANSACTION, "side": "BUY", "symbol": "BTCUSD",
}  # fmt: skip
GIFT_BODY = {"account": "INV00001", "clientTransactionId": GIFT_TRANSACTION, "currency": "BTC", "notional": "5"}
ORDER_ID = "fuzz-order"
ORDER_BODY = {
    "account": "INV00001", "clientOrderId": ORDER_ID, "symbol": "BTCUSD", "side": "BUY",
    "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.01", "price": "40000",
}  # fmt: skip
ids = st.uuids().map(str)


def like(base: dict[str, Any], **varied: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`base`, with the named fields drawn from their strategies."""
    return st.fixed_dictionaries({key: varied.get(key, st.just(value)) for key, value in base.items()})


VALID_BODIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    f"{API}/accounts": like(
        {"clientAccountId": "c1", "owners": [{"firstName": "Ada"}], "accountType": "INDIVIDUAL"},
        clientAccountId=st.text(min_size=1, max_size=8),
    ),
    f"{API}/allocation/trade/batch/open": like(
        OPEN_BODY, batchTransactionId=ids | st.just(BATCH), type=st.sampled_from(["NOTIONAL", "QUANTITY"])
    ),
    f"{API}/allocation/trade/batch/allocate": like(
        ALLOCATION_BODY,
        amount=st.sampled_from(["10", "0.5", "100.25"]),
        clientTransactionId=ids | st.just(TRANSACTION),
        side=st.sampled_from(["BUY", "SELL"]),
    ),
    f"{API}/allocation/trade/batch/close": like({"batchTransactionId": BATCH, "allocations": 0}, allocations=st.integers(0, 3)),
    f"{API}/allocation/gift": like(
        GIFT_BODY, clientTransactionId=ids | st.just(GIFT_TRANSACTION), notional=st.sampled_from(["5", "0.01", "100000"])
    ),
    f"{API}/orders": like(
        ORDER_BODY,
        clientOrderId=st.text(min_size=1, max_size=12) | st.just(ORDER_ID),
        side=st.sampled_from(["BUY", "SELL"]),
        type=st.sampled_from(["LIMIT", "MARKET", "STOP_LIMIT"]),
        timeInForce=st.sampled_from(["IOC", "DAY", "GTC", "GTD"]),
    ),
    f"{API}/orders/{{clientOrderId}}/cancel": like({"id": TRANSACTION}, id=ids),
    f"{CONTROL}/clock/advance": like({"seconds": 1}, seconds=st.integers(0, 3600)),
    f"{CONTROL}/clients": like({"clientId": "beta"}, clientId=st.from_regex(r"[a-z0-9][a-z0-9-]{1,12}", fullmatch=True)),
    f"{CONTROL}/clients/{{clientId}}/accounts": st.just({"count": 2, "prefix": "INV", "holdings": {"BTC": "0.5"}, "cash": "10"}),
    f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}/deposit": st.just({"currency": "BTC", "quantity": "0.1"}),
    f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}/withdraw": st.just({"currency": "USD", "quantity": "1.00"}),
    f"{CONTROL}/market/{{symbol}}": st.just({"price": "43000", "volatility": 0.5, "spreadBps": 5, "outage": False}),
    FAULTS: st.just({"queue": {"duplicateRate": 0.1, "maxDelaySeconds": 5}, "fills": {"latencyMs": 100}}),
    f"{CONTROL}/reset": st.just({"seed": SEED}),
}
"""A valid body per POST route, to mutate field by field."""
PARAMETER = re.compile(r"\{(\w+)\}")
EXISTING = {
    "clientId": CLIENT_ID, "account": "INV00001", "symbol": "BTCUSD",
    "clientTransactionId": TRANSACTION, "batchTransactionId": BATCH, "clientOrderId": ORDER_ID,
}  # fmt: skip
"""Path parameters naming what `Harness.fresh` creates."""
EXISTING_IN = {f"{API}/allocation/gift/{{clientTransactionId}}": {"clientTransactionId": GIFT_TRANSACTION}}
"""Routes whose parameter names another of those: the gift's id is not the allocation's."""
OTHER_PARAMETERS = [CLIENT_ID, "INV00002", "FIRM00001", "GIFT00001", "BTCUSD", "ETHUSD", BATCH, TRANSACTION, "..", "%00"]


def without_api_faults(template: str, body: Any) -> Any:
    """API faults answer 5xx on purpose (section 12): the fuzz leaves them off."""
    if template == FAULTS and isinstance(body, dict):
        body.pop("api", None)
    return body


@st.composite
def bodies(draw: st.DrawFn, route: Route, password: str = "") -> Any:
    """The route's valid body with some fields replaced or dropped, or any JSON value."""
    if draw(st.integers(0, 4)) == 0:
        return without_api_faults(route.template, draw(json_values))
    body: dict[str, Any]
    if route.template == f"{API}/login":
        body = {"logonId": f"{CLIENT_ID}-api", "password": password}
    else:
        body = dict(draw(VALID_BODIES.get(route.template, st.just({}))))
    names = sorted({*body, *(route.body.model_fields if route.body is not None else ())})
    keys = st.sampled_from(names) | st.text(max_size=8) if names else st.text(max_size=8)
    for key in draw(st.lists(keys, max_size=4, unique=True)):
        if draw(st.booleans()):
            body.pop(key, None)
        else:
            body[key] = draw(json_values)
    return without_api_faults(route.template, body)


def encode(body: Any, ascii_only: bool) -> bytes:
    """JSON text, NaN and Infinity included; lone surrogates become invalid UTF-8."""
    return json.dumps(body, allow_nan=True, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@st.composite
def paths(draw: st.DrawFn, route: Route) -> str:
    """The template with each parameter naming what exists, something else, or any text."""

    names = EXISTING | EXISTING_IN.get(route.template, {})

    def parameter(name: str) -> str:
        existing = st.just(names.get(name, ""))
        return draw(st.one_of(existing, st.sampled_from(OTHER_PARAMETERS), st.text(max_size=20)))

    return PARAMETER.sub(lambda found: parameter(found.group(1)), route.template)


raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"\xff\xfe\x00\x01", b"\xc3\x28", b"\xed\xa0\x80", b'{"a": "\xff"}', b"\x00" * 32, b"{" * 3,
            b"[" * 100_000, b'{"a":' * 5000 + b"1" + b"}" * 5000, nested(990).encode(), nested(1000).encode(),
            b'{"amount": ' + nested(950).encode() + b"}", b'{"allocations": ' + b"9" * 5000 + b"}",
            b" " * (MIB + 1), b'{"a":"' + b"x" * MIB + b'"}',
        ]
    ),
)  # fmt: skip
methods = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]) | st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8
)
queries = st.dictionaries(
    st.sampled_from(["client", "after", "limit", "to"]) | st.text(max_size=6), st.text(max_size=12), max_size=3
)
header_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12)
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40)


@dataclass
class Harness:
    """The in-process sandbox, its WSGI app, and a client whose token is kept valid."""

    sandbox: Sandbox
    password: str = ""
    token: str = ""
    statuses: dict[str, set[int]] = field(default_factory=dict)

    def fresh(self) -> None:
        """Reset, provision `acme` with investors, log in, open BATCH, allocate TRANSACTION, gift
        GIFT_TRANSACTION and place a resting order ORDER_ID."""
        self.sandbox.call("POST", f"{CONTROL}/reset", {"seed": SEED})
        provisioning = self.sandbox.call("POST", f"{CONTROL}/clients", {"clientId": CLIENT_ID}).json()
        self.password = provisioning["password"]
        accounts = {"count": 2, "holdings": {"BTC": "1"}, "cash": "1000.00"}
        self.sandbox.call("POST", f"{CONTROL}/clients/{CLIENT_ID}/accounts", accounts)
        self.sandbox.call("POST", f"{CONTROL}/clients/{CLIENT_ID}/accounts/GIFT00001/deposit", {"currency": "BTC", "quantity": "1"})
        self.login()
        self.sandbox.call("POST", f"{API}/allocation/trade/batch/open", OPEN_BODY, token=self.token)
        self.sandbox.call("POST", f"{API}/allocation/trade/batch/allocate", ALLOCATION_BODY, token=self.token)
        self.sandbox.call("POST", f"{API}/allocation/gift", GIFT_BODY, token=self.token)
        self.sandbox.call("POST", f"{API}/orders", ORDER_BODY, token=self.token)

    def login(self) -> bool:
        answer = self.sandbox.call("POST", f"{API}/login", {"logonId": f"{CLIENT_ID}-api", "password": self.password})
        self.token = answer.json().get("token", "") if answer.status == 200 else ""
        return bool(self.token)

    def valid_token(self) -> str:
        """The token, renewed after it expired and everything rebuilt after a fuzzed reset."""
        if self.sandbox.call("GET", f"{API}/config", token=self.token).status != 200 and not self.login():
            self.fresh()
        return self.token

    def send(self, method: str, path: str, headers: Mapping[str, str], body: bytes, query: str = "") -> None:
        """One request through the WSGI app; fails unless the answer keeps the contract's promises."""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path.encode("utf-8", "surrogatepass").decode("latin-1"),
            "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": headers.get("content-type", ""),
            "wsgi.input": io.BytesIO(body),
            **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
        }
        answered: list[str] = []
        chunks = self.sandbox.wsgi_app(environ, lambda status, _headers: answered.append(status))
        status = int(answered[0].split()[0])
        check_answer(status, b"".join(chunks), f"{method} {path[:80]!r} {body[:80]!r}")
        self.statuses.setdefault(method, set()).add(status)


def strict_json(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def check_answer(status: int, raw: bytes, request: str) -> None:
    assert status in DOCUMENTED, f"{request} answered {status}: {raw[:300]!r}"
    text = raw.decode("utf-8")
    assert not TRACEBACK.search(text), f"{request} answered a traceback: {text[:300]}"
    body = strict_json(text)
    if 400 <= status < 500:
        assert body["code"] == status, (request, body)
        assert isinstance(body["message"], str) and body["message"].strip(), (request, body)
        if status == 422:
            assert isinstance(body["validationErrors"], list) and body["validationErrors"], (request, body)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=SEED, start=START) as sb:
        yield sb


@pytest.fixture
def harness(sandbox: Sandbox) -> Harness:
    answer = Harness(sandbox)
    answer.fresh()
    return answer


def authorization(token: str) -> st.SearchStrategy[dict[str, str]]:
    """No header, the valid token raw or as Bearer, or any text."""
    return st.one_of(
        st.just({}),
        st.just({"authorization": token}),
        st.just({"authorization": f"Bearer {token}"}),
        st.just({"authorization": f"bearer   {token}  "}),
        header_values.map(lambda value: {"authorization": value}),
    )


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.method} {route.template}")
def test_every_route_with_generated_parameters_and_bodies(harness: Harness, route: Route) -> None:
    @PER_ROUTE
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        token = harness.valid_token()
        path = data.draw(paths(route))
        body = encode(data.draw(bodies(route, harness.password)), data.draw(st.booleans()))
        headers = {"content-type": "application/json", **data.draw(st.just({"authorization": token}) | authorization(token))}
        harness.send(route.method, path, headers, body, urlencode(data.draw(queries)))

    fuzz()
    answered = set().union(*harness.statuses.values())
    assert answered & {200, 201}, f"the fuzz never reached the handler: only {sorted(answered)}"


@WHOLE_TABLE
@given(data=st.data())
def test_raw_bytes_deep_nesting_and_oversize_bodies(harness: Harness, data: st.DataObject) -> None:
    route = data.draw(st.sampled_from(ROUTES))
    headers = data.draw(authorization(harness.valid_token()))
    harness.send(route.method, data.draw(paths(route)), headers, data.draw(raw_bodies))


@WHOLE_TABLE
@given(data=st.data())
def test_random_methods_paths_queries_and_headers(harness: Harness, data: st.DataObject) -> None:
    token = harness.valid_token()
    route = data.draw(st.sampled_from(ROUTES))
    path = data.draw(st.one_of(paths(route), st.text(max_size=40), st.text(max_size=20).map(lambda t: f"{API}/{t}")))
    headers = {
        **data.draw(authorization(token)),
        **data.draw(st.dictionaries(header_names, header_values, max_size=3)),
    }
    if data.draw(st.booleans()):
        headers["x-admin-token"] = data.draw(header_values)
    body = encode(data.draw(bodies(route)), True) if data.draw(st.booleans()) else b""
    harness.send(data.draw(methods), path, headers, body, urlencode(data.draw(queries)))


def test_the_fuzz_harness_catches_a_broken_answer() -> None:
    """The checks themselves fail on what they guard against."""
    for status, raw in [
        (500, b'{"code":500,"message":"Internal sandbox error"}'),
        (400, b'{"code":400,"message":""}'),
        (400, b'{"code":400,"message":"Traceback (most recent call last):"}'),
        (200, b'{"price": NaN}'),
        (422, b'{"code":422,"message":"1 validation error"}'),
        (418, b'{"code":418,"message":"teapot"}'),
    ]:
        with pytest.raises((AssertionError, ValueError, KeyError)):
            check_answer(status, raw, "sample")
    check_answer(400, b'{"code":400,"message":"amount: bad"}', "sample")
