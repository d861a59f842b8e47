"""No input makes the API answer 5xx; unknown paths, wrong methods, oversize bodies,
and the order in which those errors win (CONTRACT sections 12 and 13)."""
from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
from sandbox_session import API, CONTROL, START, UNAUTHORIZED, Client, connect, expect, uid

from simulator import Sandbox

MIB = 1024 * 1024
BATCH = uid("robust-batch")


def nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


NASTY_BODIES: list[bytes] = [
    b"",
    b"null",
    b"{}",
    b"[]",
    b"[[[[[]]]]]",
    b'"' + "\u00fc\u20ac\U0001d11e".encode() + b'"',
    b"\xff\xfe\x00\x01",
    b"\x00" * 64,
    b"{" * 3 + b"}" * 2,
    b'{"amount": 1e999}',
    b'{"allocations": 1e999, "seconds": -1e999}',
    b'{"seconds": NaN, "allocations": Infinity}',
    b'{"allocations": ' + b"9" * 4000 + b"}",
    b'{"allocations": ' + b"9" * 5000 + b"}",
    json.dumps({"allocations": 10**30, "count": 10**30, "seconds": 10**30, "bps": -(10**30)}).encode(),
    json.dumps({"allocations": -1, "amount": "-1", "quantity": "-1", "price": "-1", "seconds": -1}).encode(),
    json.dumps({"account": "\u0000\ud800", "symbol": "\U0001f4a9" * 1000, "clientId": "\u00e9t\u00e9"}).encode(),
    json.dumps({"batchTransactionId": {"$ne": None}, "allocations": {"a": [1, {"b": None}]}}).encode(),
    json.dumps({"queue": {"duplicateRate": 2}, "fills": {"latencyMs": -5}, "to": "yesterday"}).encode(),
    json.dumps({"clientId": "x" * 10_000, "accounts": [{"id": ""}] * 3, "holdings": {"BTC": "1e5"}}).encode(),
    json.dumps(
        {
            "account": "INV00001",
            "amount": "-0.000000000000001",
            "batchTransactionId": BATCH,
            "clientTransactionId": uid("robust-transaction"),
            "side": "SELL",
            "symbol": "BTCUSD",
            "bpsCommission": -(2**63),
            "fixedCommission": "999999999999999",
        }
    ).encode(),
]
POST_PATHS = [
    f"{API}/login",
    f"{API}/accounts",
    f"{API}/allocation/trade/batch/open",
    f"{API}/allocation/trade/batch/allocate",
    f"{API}/allocation/trade/batch/close",
    f"{CONTROL}/clients",
    f"{CONTROL}/clients/acme/accounts",
    f"{CONTROL}/clients/acme/accounts/INV00001/deposit",
    f"{CONTROL}/clients/acme/accounts/INV00001/withdraw",
    f"{CONTROL}/market/BTCUSD",
    f"{CONTROL}/faults",
    f"{CONTROL}/clock/advance",
]
NASTY_GETS = [
    "/",
    "//",
    "/apex-crypto",
    f"{API}/positions/%F0%9F%92%A9",
    f"{API}/positions/%00",
    f"{API}/positions/%ff%fe",
    f"{API}/positions/..%2F..%2Fetc%2Fpasswd",
    f"{API}/accounts/" + "A" * 10_000,
    f"{API}/accounts/%E2%80%AE%E2%80%8B/status",
    f"{API}/allocation/trade/batch/\u00fc\u20ac\U0001d11e",
    f"{API}/allocation/trade/batch/allocate/-1",
    f"{API}/allocation/trade/batch/{'9' * 400}",
    f"{API}/instruments?x=%ff&x=%00&" + "y=1&" * 200,
    f"{CONTROL}/events?after=-1",
    f"{CONTROL}/events?after=99999999999999999999",
    f"{CONTROL}/events?after=1.5",
    f"{CONTROL}/events?after=%D9%A3",
    f"{CONTROL}/events?client=%00&after=",
    f"{CONTROL}/events?limit=0",
    f"{CONTROL}/market/%F0%9F%92%A9",
    f"{CONTROL}/clients/acme/accounts/%00",
    f"{CONTROL}/files?client=\u00fc",
    f"{CONTROL}/emails?client=acme&to=%00",
]


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=17, start=START) as sb:
        yield sb


@pytest.fixture(scope="module")
def client(module_sandbox: Sandbox) -> Client:
    answer = connect(module_sandbox, "acme", accounts={"count": 2, "holdings": {"BTC": "0.5"}})
    answer.open_batch(BATCH)
    return answer


def send(sb: Sandbox, method: str, path: str, *, data: bytes | None = None, token: str | None = None) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = token
    return requests.request(method, f"{sb.base_url}{path}", data=data, headers=headers, timeout=30)


def assert_not_server_error(response: requests.Response) -> None:
    assert response.status_code < 500, f"{response.request.method} {response.url[:120]}: {response.text[:200]}"
    answer = response.json()
    if response.status_code >= 400:
        assert answer["code"] == response.status_code
        assert isinstance(answer["message"], str) and answer["message"]


@pytest.mark.parametrize("path", POST_PATHS)
def test_nasty_bodies_never_answer_5xx(module_sandbox: Sandbox, client: Client, path: str) -> None:
    failures = []
    for body in NASTY_BODIES:
        response = send(module_sandbox, "POST", path, data=body, token=client.token)
        if response.status_code >= 500:
            failures.append((body[:40], response.status_code, response.text[:80]))
    assert failures == []


def test_nasty_paths_never_answer_5xx(module_sandbox: Sandbox, client: Client) -> None:
    failures = []
    for path in NASTY_GETS:
        response = send(module_sandbox, "GET", path, token=client.token)
        if response.status_code >= 500:
            failures.append((path[:60], response.status_code, response.text[:80]))
    assert failures == []


@pytest.mark.parametrize("body", [b"[" * 100_000, nested(50_000)], ids=["deep-array", "deep-object"])
def test_deeply_nested_json_is_a_400(module_sandbox: Sandbox, client: Client, body: bytes) -> None:
    response = send(module_sandbox, "POST", f"{API}/allocation/trade/batch/close", data=body, token=client.token)
    assert expect(response, 400)["code"] == 400


@pytest.mark.parametrize("after", ["\u00b2", "\u00bd", "\u2463"], ids=["superscript-two", "one-half", "circled-five"])
def test_an_event_cursor_that_is_not_ascii_digits_is_a_400(module_sandbox: Sandbox, client: Client, after: str) -> None:
    response = requests.get(f"{module_sandbox.base_url}{CONTROL}/events", params={"after": after}, timeout=10)
    assert expect(response, 400)["code"] == 400


def test_state_survives_the_abuse(module_sandbox: Sandbox, client: Client) -> None:
    for body in NASTY_BODIES[:12]:
        send(module_sandbox, "POST", f"{API}/allocation/trade/batch/close", data=body, token=client.token)
    assert expect(client.batch(BATCH), 200)["status"] == "OPEN"
    assert client.holdings("INV00001") == {"BTC": "0.5"}
    assert expect(send(module_sandbox, "GET", f"{API}/instruments", token=client.token), 200)["instruments"]


@pytest.mark.parametrize(
    "path",
    ["/nope", "/apex-crypto/api/v3/instruments", f"{API}/nope", f"{API}/instruments/extra", f"{CONTROL}/nope", f"{API}/positions/"],
)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_unknown_paths_are_404_whatever_the_method(module_sandbox: Sandbox, path: str, method: str) -> None:
    response = send(module_sandbox, method, path, data=b"{}")
    assert expect(response, 404)["code"] == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", f"{API}/instruments"),
        ("POST", f"{API}/instruments"),
        ("PUT", f"{API}/allocation/trade/batch/open"),
        ("DELETE", f"{API}/allocation/trade/batch/{BATCH}"),
        ("GET", f"{API}/login"),
        ("PATCH", f"{API}/positions/INV00001"),
        ("POST", "/apex-crypto/api/status"),
        ("DELETE", f"{CONTROL}/clients"),
        ("PUT", f"{CONTROL}/clock"),
    ],
)
def test_wrong_methods_are_405_before_401(module_sandbox: Sandbox, method: str, path: str) -> None:
    response = send(module_sandbox, method, path, data=b"not json")
    assert expect(response, 405)["code"] == 405


def test_a_body_over_one_mebibyte_is_413(module_sandbox: Sandbox, client: Client) -> None:
    path = f"{API}/allocation/trade/batch/open"
    big = send(module_sandbox, "POST", path, data=b" " * (MIB + 1), token=client.token)
    assert expect(big, 413)["code"] == 413
    at_limit = send(module_sandbox, "POST", path, data=b" " * MIB, token=client.token)
    assert expect(at_limit, 400)["code"] == 400


@pytest.mark.parametrize(
    ("method", "path", "token"),
    [
        ("POST", "/nope", None),
        ("DELETE", f"{API}/instruments", None),
        ("POST", f"{API}/allocation/trade/batch/open", None),
        ("POST", f"{API}/allocation/trade/batch/open", "valid"),
    ],
)
def test_413_wins_over_everything(module_sandbox: Sandbox, client: Client, method: str, path: str, token: str | None) -> None:
    authorization = client.token if token == "valid" else token
    response = send(module_sandbox, method, path, data=b"x" * (MIB + 1), token=authorization)
    assert response.status_code == 413


def test_401_wins_over_400(module_sandbox: Sandbox, client: Client) -> None:
    for path in ("/allocation/trade/batch/open", "/allocation/trade/batch/allocate", "/allocation/trade/batch/close"):
        response = send(module_sandbox, "POST", f"{API}{path}", data=b"not json", token="bad-token")
        assert expect(response, 401) == UNAUTHORIZED
        assert send(module_sandbox, "POST", f"{API}{path}", data=b"not json", token=client.token).status_code == 400
