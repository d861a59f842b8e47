"""The fault settings through the service layer: one `Faults`, a section at a time, felt where it acts.

Each test gets a sandbox of its own: fault settings are sandbox-wide.
"""
from __future__ import annotations

import io
import json

from sandbox_session import API, connect, control, expect, login

from simulator import Sandbox
from simulator.service.control_faults import SetFaults, set_faults
from simulator.service.faults import ApiFaults, Faults, QueueFaults


def test_a_new_sandbox_has_no_faults_and_the_venue_latency(sandbox: Sandbox) -> None:
    assert sandbox.core.faults == Faults(QueueFaults(), 0, 250, ApiFaults())


def test_a_section_given_replaces_that_section_and_leaves_the_others(sandbox: Sandbox) -> None:
    core = sandbox.core
    set_faults(core, SetFaults(queue=QueueFaults(0.5, 30), api=ApiFaults(error_rate=0.1, status=429)))
    changed = set_faults(core, SetFaults(fill_latency_ms=10, fail_puts=2))
    assert changed == Faults(QueueFaults(0.5, 30), 2, 10, ApiFaults(error_rate=0.1, status=429))
    assert core.faults == changed
    assert set_faults(core, SetFaults()) == changed, "no section changes nothing"


def test_the_control_api_answers_what_the_service_holds(sandbox: Sandbox) -> None:
    body = {"queue": {"maxDelaySeconds": 60}, "s3": {"failPuts": 3}, "api": {"latencyMs": 5, "status": 502}}
    answer = expect(control(sandbox, "POST", "/faults", body), 200)
    assert answer == {
        "queue": {"duplicateRate": 0.0, "maxDelaySeconds": 60},
        "s3": {"failPuts": 3},
        "fills": {"latencyMs": 250},
        "api": {"errorRate": 0.0, "status": 502, "latencyMs": 5, "lostResponseRate": 0.0},
    }
    assert sandbox.core.faults == Faults(QueueFaults(0.0, 60), 3, 250, ApiFaults(0.0, 502, 5, 0.0))


def test_api_faults_set_through_the_service_reach_the_dispatch_and_spare_the_control_api(sandbox: Sandbox) -> None:
    acme = connect(sandbox, "acme")
    set_faults(sandbox.core, SetFaults(api=ApiFaults(error_rate=1.0, status=429)))
    refused = login(sandbox, acme.provisioning["logonId"], acme.provisioning["password"])
    assert (refused.status_code, refused.json()) == (429, {"code": 429, "message": "Too Many Requests"})
    assert acme.get("/config").status_code == 429
    expect(control(sandbox, "GET", "/clock"), 200)
    set_faults(sandbox.core, SetFaults(api=ApiFaults()))
    assert expect(acme.get("/config"), 200)["streamingQuoteUrl"].startswith("wss://"), f"{API}/config answers again"


def test_an_api_fault_with_an_unnamed_5xx_answers_it_through_every_mount(sandbox: Sandbox) -> None:
    """599 is a valid fault status with no name in http.HTTPStatus: it used to end as a 500 and a traceback."""
    acme = connect(sandbox, "acme")
    expect(control(sandbox, "POST", "/faults", {"api": {"errorRate": 1.0, "status": 599}}), 200)
    answer = acme.get("/config")
    assert (answer.status_code, answer.json()) == (599, {"code": 599, "message": "Server Error"})
    statuses: list[str] = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/apex-crypto/api/v2/config", "QUERY_STRING": "",
               "HTTP_AUTHORIZATION": acme.token, "wsgi.input": io.BytesIO(b"")}
    body = b"".join(sandbox.wsgi_app(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["599 Server Error"]
    assert json.loads(body) == {"code": 599, "message": "Server Error"}
