"""Simulated time over HTTP: long idle advances and token lifetime (CONTRACT sections 2 and 3)."""
from __future__ import annotations

import requests
from sandbox_session import API, PROTECTED, UNAUTHORIZED, Client, advance, control, expect, login

from simulator import Sandbox

DAY = 86_400


def test_an_idle_month_advances_to_the_target(acme: Client) -> None:
    assert advance(acme.sb, seconds=30 * DAY)["now"] == "2026-04-01T14:00:00.000Z"
    assert expect(control(acme.sb, "GET", "/clock"), 200)["now"] == "2026-04-01T14:00:00.000Z"
    assert acme.sb.now.isoformat() == "2026-04-01T14:00:00+00:00"
    assert advance(acme.sb, to="2026-05-01T14:00:00.000000001Z")["now"] == "2026-05-01T14:00:00.000Z"


def test_a_token_lives_24_simulated_hours(sandbox: Sandbox, acme: Client) -> None:
    def instruments(token: str) -> requests.Response:
        return requests.get(f"{sandbox.base_url}{API}/instruments", headers={"Authorization": token}, timeout=10)

    advance(sandbox, seconds=DAY - 1)
    assert instruments(acme.token).status_code == 200
    advance(sandbox, seconds=2)
    assert expect(instruments(acme.token), 401) == UNAUTHORIZED
    for method, path in PROTECTED:
        body = {} if method == "POST" else None
        assert expect(acme.request(method, path, body), 401) == UNAUTHORIZED
    fresh = expect(login(sandbox, acme.provisioning["logonId"], acme.provisioning["password"]), 200)["token"]
    assert instruments(fresh).status_code == 200
