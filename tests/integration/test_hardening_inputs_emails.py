"""Email addresses are valid addresses without control characters; otherwise 400 naming the
field, or 422 ValidationErrors on POST /accounts (CONTRACT section 15, "Inputs").

The `.test` domains the sandbox's own examples use stay valid, and no
address is looked up in DNS.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sandbox_session import START, Client, connect, control, expect, provision

from simulator import Sandbox
from simulator.api.http import ApiRequest

INVALID = [
    "finance@acme.test\r\nBcc: everyone@acme.test",
    "a\r\n@acme.test",
    "a@acme.test\n",
    "nul\x00@acme.test",
    "\ud800@acme.test",
    "del\x7f@acme.test",
    "not-an-address",
    "@acme.test",
    "a@",
    "a@localhost",
    "a@acme.invalid",
    "Ada <ada@acme.test>",
    " ada@acme.test",
    "ada@acme.test ",
    "a..b@acme.test",
    "\u00fcber@acme.test",
    "x" * 65 + "@acme.test",
    "",
]
VALID = ["finance@acme.test", "ops+alerts@acme.test", "Ada.Lovelace@mail.acme.test", "ada@example.com", "ada@xn--tda.test"]


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=31, start=START) as sb:
        yield sb


@pytest.fixture(scope="module")
def client(module_sandbox: Sandbox) -> Client:
    return connect(module_sandbox, "acme", financeEmails=["finance@acme.test"])


def post_raw(sb: Sandbox, path: str, body: Any, token: str | None = None) -> tuple[int, dict[str, Any]]:
    """A request whose JSON escapes what `requests` could not encode (a lone surrogate)."""
    headers = {"authorization": token} if token else {}
    answer = sb.dispatch(ApiRequest("POST", path, headers=headers, body=json.dumps(body).encode()))
    payload: dict[str, Any] = answer.json()
    return answer.status, payload


@pytest.mark.parametrize("address", INVALID)
@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (lambda address: {"financeEmails": ["finance@acme.test", address]}, "financeEmails.1"),
        (lambda address: {"branding": {"contactEmail": address}}, "branding.contactEmail"),
    ],
)
def test_a_client_with_an_invalid_address_is_refused(module_sandbox: Sandbox, settings: Any, field: str, address: str) -> None:
    status, answer = post_raw(module_sandbox, "/sandbox/v1/clients", {"clientId": "refused", **settings(address)})
    assert (status, answer["code"]) == (400, 400)
    assert answer["message"].startswith(f"{field}: must be a valid email address")
    assert control(module_sandbox, "GET", "/events", client="refused").status_code == 404


@pytest.mark.parametrize("address", INVALID)
def test_an_investor_with_an_invalid_address_is_refused(client: Client, address: str) -> None:
    body = {"accounts": [{"id": "refused", "email": address}]}
    status, answer = post_raw(client.sb, f"/sandbox/v1/clients/{client.client_id}/accounts", body)
    assert status == 400
    assert answer["message"].startswith("accounts.0.email: must be a valid email address")
    assert control(client.sb, "GET", f"/clients/{client.client_id}/accounts/refused").status_code == 400


@pytest.mark.parametrize("address", INVALID)
def test_an_owner_with_an_invalid_address_is_a_422(client: Client, address: str) -> None:
    body = {"clientAccountId": "refused", "owners": [{"emailAddress": "ada@acme.test"}, {"emailAddress": address}]}
    status, answer = post_raw(client.sb, "/apex-crypto/api/v2/accounts", body, client.token)
    assert status == 422
    assert [entry["field"] for entry in answer["validationErrors"]] == ["owners.1.emailAddress"]
    assert answer["validationErrors"][0]["message"].startswith("must be a valid email address")
    assert client.get("/accounts/refused").status_code == 400


@pytest.mark.parametrize("address", VALID)
def test_valid_addresses_are_kept_as_sent(module_sandbox: Sandbox, client: Client, address: str) -> None:
    name = f"ok-{VALID.index(address)}"
    provision(module_sandbox, name, financeEmails=[address], branding={"contactEmail": address})
    expect(control(module_sandbox, "POST", f"/clients/{client.client_id}/accounts", {"accounts": [{"id": name, "email": address}]}), 201)
    generated = expect(client.get(f"/accounts/{name}"), 200)["request"]["owners"][0]["emailAddress"]
    body = {"clientAccountId": f"v{name}", "owners": [{"emailAddress": address, "firstName": "Ada"}]}
    owners = expect(client.post("/accounts", body), 200)["request"]["owners"]
    assert (generated, owners) == (address, [{"emailAddress": address, "firstName": "Ada"}])


def test_an_owner_without_an_address_is_still_accepted(client: Client) -> None:
    """The sandbox keeps owners as sent and checks only the address it is given."""
    body = {"clientAccountId": "no-address", "owners": [{"firstName": "Ada"}]}
    assert expect(client.post("/accounts", body), 200)["request"]["owners"] == [{"firstName": "Ada"}]
