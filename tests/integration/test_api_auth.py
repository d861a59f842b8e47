"""Login, tokens and the 401 answer (CONTRACT section 3)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sandbox_session import API, PROTECTED, START, UNAUTHORIZED, Client, connect, expect, login

from simulator import Sandbox


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=11, start=START) as sb:
        yield sb


@pytest.fixture(scope="module")
def client(module_sandbox: Sandbox) -> Client:
    return connect(module_sandbox, "acme", accounts={"count": 1})


def call(sb: Sandbox, method: str, path: str, authorization: str | None) -> requests.Response:
    headers = {} if authorization is None else {"Authorization": authorization}
    body: Any = {} if method == "POST" else None
    return requests.request(method, f"{sb.base_url}{API}{path}", json=body, headers=headers, timeout=10)


def test_status_needs_no_token(module_sandbox: Sandbox) -> None:
    response = requests.get(f"{module_sandbox.base_url}/apex-crypto/api/status", timeout=10)
    assert expect(response, 200) == "ok"


@pytest.mark.parametrize(("method", "path"), PROTECTED)
@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "not-a-token", "Bearer not-a-token", "Basic dXNlcjpwYXNz"],
)
def test_protected_calls_without_a_valid_token_are_401(
    module_sandbox: Sandbox, client: Client, method: str, path: str, authorization: str | None
) -> None:
    assert expect(call(module_sandbox, method, path, authorization), 401) == UNAUTHORIZED


@pytest.mark.parametrize("scheme", ["Bearer {}", "bearer {}", "{}"])
def test_raw_and_bearer_tokens_both_work(module_sandbox: Sandbox, client: Client, scheme: str) -> None:
    response = call(module_sandbox, "GET", "/instruments", scheme.format(client.token))
    symbols = {row["symbol"] for row in expect(response, 200)["instruments"]}
    assert {"BTCUSD", "ETHUSD", "BCHUSD", "LTCUSD", "SOLUSD", "ATOMUSD", "DOGEUSD", "XLMUSD"} <= symbols


def test_a_token_of_one_client_is_not_valid_with_a_prefix_or_suffix(module_sandbox: Sandbox, client: Client) -> None:
    for mangled in (client.token + "x", client.token[:-1], "x" + client.token):
        assert expect(call(module_sandbox, "GET", "/instruments", mangled), 401) == UNAUTHORIZED


def test_bad_credentials_are_401(module_sandbox: Sandbox, client: Client) -> None:
    logon, password = client.provisioning["logonId"], client.provisioning["password"]
    for attempt in ((logon, password + "x"), (logon + "x", password), ("", ""), (password, logon)):
        response = login(module_sandbox, *attempt)
        assert response.status_code == 401
        assert response.json()["code"] == 401
    assert "token" in expect(login(module_sandbox, logon, password), 200)


def test_each_login_gives_a_working_token(module_sandbox: Sandbox, client: Client) -> None:
    logon, password = client.provisioning["logonId"], client.provisioning["password"]
    first = expect(login(module_sandbox, logon, password), 200)["token"]
    second = expect(login(module_sandbox, logon, password), 200)["token"]
    assert first != second
    for token in (first, second):
        assert call(module_sandbox, "GET", "/config", token).status_code == 200

