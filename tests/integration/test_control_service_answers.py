"""The one dispatch's answer: the response with what a recording or a replay needs, told in the order requests ran."""
from __future__ import annotations

import json
import threading
import time

from sandbox_session import API, START, connect, control, expect

from simulator import Sandbox
from simulator.api.dispatch import Answered, Login
from simulator.api.http import ApiRequest
from simulator.engine.clock import NS_PER_SECOND, parse_instant

LOGIN = f"{API}/login"


def login_request(logon_id: str, password: str) -> ApiRequest:
    return ApiRequest("POST", LOGIN, body=json.dumps({"logonId": logon_id, "password": password}).encode())


def test_a_login_names_its_client_and_its_token(sandbox: Sandbox) -> None:
    acme = connect(sandbox, "acme")
    answered = sandbox.runtime.dispatch.answer(login_request(acme.provisioning["logonId"], acme.provisioning["password"]))
    assert answered.response.status == 200
    assert answered.login == Login("acme", answered.response.json()["token"])


def test_only_a_login_that_answered_200_names_a_token(sandbox: Sandbox) -> None:
    acme = connect(sandbox, "acme")
    dispatch = sandbox.runtime.dispatch
    refused = dispatch.answer(login_request(acme.provisioning["logonId"], "wrong"))
    assert (refused.response.status, refused.login) == (401, None)
    expect(control(sandbox, "POST", "/faults", {"api": {"lostResponseRate": 1.0}}), 200)
    lost = dispatch.answer(login_request(acme.provisioning["logonId"], acme.provisioning["password"]))
    assert (lost.response.status, lost.login) == (504, None), "the token was issued, but the client never saw it"
    other = dispatch.answer(ApiRequest("GET", f"{API}/config", headers={"authorization": acme.token}))
    assert other.login is None


def test_an_answer_carries_the_instant_it_ran_at_and_the_one_it_settled_at(sandbox: Sandbox) -> None:
    start = parse_instant(START)
    body = json.dumps({"seconds": 60}).encode()
    answered = sandbox.runtime.dispatch.answer(ApiRequest("POST", "/sandbox/v1/clock/advance", body=body))
    assert (answered.ran_ns, answered.settled_ns) == (start, start + 60 * NS_PER_SECOND)


def test_the_observer_hears_before_the_latency_hold(sandbox: Sandbox) -> None:
    acme = connect(sandbox, "acme")
    expect(control(sandbox, "POST", "/faults", {"api": {"latencyMs": 300}}), 200)
    heard: list[tuple[Answered, float]] = []
    began = time.monotonic()
    answered = sandbox.runtime.dispatch.answer(
        ApiRequest("GET", f"{API}/config", headers={"authorization": acme.token}),
        lambda told: heard.append((told, time.monotonic())),
    )
    returned = time.monotonic()
    assert [told for told, _ in heard] == [answered]
    assert heard[0][1] - began < 0.3 <= returned - began


def test_observers_hear_concurrent_requests_in_the_order_they_ran(sandbox: Sandbox) -> None:
    """Tokens come from one seeded stream, so the order the sandbox issued them is the order the logins ran."""
    acme = connect(sandbox, "acme")
    heard: list[str] = []

    def observe(answered: Answered) -> None:
        assert answered.login is not None
        heard.append(answered.login.token)

    def log_in_repeatedly() -> None:
        for _ in range(10):
            sandbox.runtime.dispatch.answer(login_request(acme.provisioning["logonId"], acme.provisioning["password"]), observe)

    threads = [threading.Thread(target=log_in_repeatedly) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    issued = [token for token in sandbox.core.tokens if token != acme.token]
    assert len(heard) == 60 and heard == issued
