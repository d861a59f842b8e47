"""A session recorded in-process replays with the same answers (`serve --record` without sockets)."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from simulator.adapters.aws import EmbeddedAws
from simulator.api.http import ApiRequest
from simulator.engine.clock import NS_PER_SECOND, parse_instant
from simulator.replay.loader import load_scenario
from simulator.replay.recorder import SessionRecorder
from simulator.replay.recording import RecordingFile, header
from simulator.replay.runner import run_scenario
from simulator.replay.scenario import Scenario
from simulator.runtime import Runtime
from simulator.sandbox import compose_runtime
from simulator.server import AdminGuard

SEED = 5
START = "2026-03-02T14:00:00Z"
ADMIN_TOKEN = "admin-secret-token"
API = "/apex-crypto/api/v2"
POSITIONS = f"{API}/positions/INV00001"
NOT_SERVED = "http://127.0.0.1:9"
"""An AWS endpoint no answer holds: the in-process queue URLs are kept as they are."""


@dataclass
class Session:
    """Requests sent through the recorder, as a client over HTTP would; every answer kept."""

    runtime: Runtime
    recorder: SessionRecorder
    answers: list[tuple[str, int, Any]] = field(default_factory=list)

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        authorization: str | None = None,
        admin_token: str = ADMIN_TOKEN,
    ) -> Any:
        payload = raw if raw is not None else b"" if body is None else json.dumps(body).encode()
        headers = {} if authorization is None else {"authorization": authorization}
        if path.startswith("/sandbox/v1/"):
            headers["x-admin-token"] = admin_token
        response = self.recorder(ApiRequest(method, path, {}, headers, payload))
        self.answers.append((method, response.status, response.json()))
        return response.json()

    def login(self, password: str) -> str:
        return str(self.send("POST", f"{API}/login", {"logonId": "acme-api", "password": password})["token"])

    def provision(self) -> str:
        password = str(self.send("POST", "/sandbox/v1/clients", {"clientId": "acme"})["password"])
        self.send("POST", "/sandbox/v1/clients/acme/accounts", {"count": 1, "holdings": {"BTC": "0.25"}})
        return password

    def move_clock(self, ns: int) -> None:
        """What the realtime clock does between two requests."""
        kernel = self.runtime.core.kernel
        kernel.run_to(kernel.now + ns)


@pytest.fixture
def recording(tmp_path: Path) -> Iterator[tuple[Session, Path]]:
    path = tmp_path / "session.yaml"
    with mock_aws():
        guard = AdminGuard(ADMIN_TOKEN)
        runtime = compose_runtime(
            seed=SEED, start_ns=parse_instant(START), ports=EmbeddedAws.connect(), clock_mode="manual",
            control_guard=guard,
        )  # fmt: skip
        file = RecordingFile(path, header("session", "", SEED, START, None))
        recorder = SessionRecorder(runtime, guard.refuses, NOT_SERVED)
        recorder.start(file)
        yield Session(runtime, recorder), path
        recorder.close()


def replay(path: Path) -> tuple[Scenario, list[tuple[str, int, Any]]]:
    scenario = load_scenario(path)
    result = run_scenario(scenario)
    assert result.passed, [failure.message for failure in result.failures]
    return scenario, [(r.method, r.status, r.response) for r in result.requests if not r.where.endswith(".at")]


def test_a_session_replays_with_the_same_answers_and_no_request_added(recording: tuple[Session, Path]) -> None:
    session, path = recording
    password = session.provision()
    first, second = session.login(password), session.login(password)
    assert session.send("GET", POSITIONS, authorization=f"Bearer {first}")["positions"][0]["current"] == "0.25"
    session.send("GET", POSITIONS, authorization=second)
    session.send("GET", POSITIONS, authorization="Bearer not-a-token")
    session.send("GET", POSITIONS)
    session.send("POST", f"{API}/allocation/trade/batch/open", raw=b"{oops", authorization=f"Bearer {second}")
    session.send("GET", f"{API}/allocation/trade/batch/${{uuid:b1}}", authorization=f"Bearer {second}")
    session.send("POST", "/sandbox/v1/clock/advance", {"seconds": 86_400})
    assert session.send("GET", POSITIONS, authorization=f"Bearer {second}")["code"] == 401, "expired a day later"
    third = session.login(password)
    session.send("GET", POSITIONS, authorization=f"bearer  {third} ")
    session.send("POST", "/sandbox/v1/reset", {"seed": 9})
    session.send("GET", POSITIONS, authorization=f"Bearer {third}")
    session.recorder.close()

    scenario, replayed = replay(path)
    assert replayed == session.answers
    text = path.read_text()
    assert ADMIN_TOKEN not in text
    assert f"authorization: Bearer {first}\n" in text, "an older token is sent as written"
    assert text.count("as: acme\n") == 6
    assert len(scenario.steps) == len(session.answers)


def test_requests_a_scenario_cannot_send_are_comments(recording: tuple[Session, Path]) -> None:
    session, path = recording
    session.send("PUT", f"{API}/login", {})
    session.send("POST", "/sandbox/v1/clients", {"clientId": "acme"}, admin_token="wrong")
    session.send("GET", "/sandbox/v1/clock")
    session.recorder.close()

    assert [status for _, status, _ in session.answers] == [405, 401, 200]
    text = path.read_text()
    assert '# not recorded: PUT "/apex-crypto/api/v2/login" answered 405' in text
    assert '# not recorded: POST "/sandbox/v1/clients" answered 401 for its X-Admin-Token' in text
    assert replay(path)[1] == session.answers[2:]


def test_time_passing_between_requests_is_replayed_through_at(recording: tuple[Session, Path]) -> None:
    session, path = recording
    session.send("POST", "/sandbox/v1/market/BTCUSD", {"volatility": 0.9})
    prices = []
    for ns in (3 * NS_PER_SECOND + 7, 86_400 * NS_PER_SECOND, NS_PER_SECOND + 1):
        session.move_clock(ns)
        prices.append(session.send("GET", "/sandbox/v1/market/BTCUSD"))
    session.send("GET", "/sandbox/v1/files")
    session.recorder.close()

    assert len({json.dumps(price) for price in prices}) == 3, "the price moves with time"
    scenario, replayed = replay(path)
    assert replayed == session.answers
    assert [step.at for step in scenario.steps] == [
        None,
        "2026-03-02T14:00:03.000000007Z",
        "2026-03-03T14:00:03.000000007Z",
        "2026-03-03T14:00:04.000000008Z",
        None,
    ]


def test_the_file_order_is_the_order_the_sandbox_ran_concurrent_requests(recording: tuple[Session, Path]) -> None:
    """Tokens come from one seeded stream, so a replay in another order would expect other tokens."""
    session, path = recording
    password = session.provision()

    def log_in_repeatedly() -> None:
        for _ in range(6):
            session.login(password)

    threads = [threading.Thread(target=log_in_repeatedly) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    session.recorder.close()

    scenario, replayed = replay(path)
    assert len(scenario.steps) == 2 + 8 * 6
    assert sorted(json.dumps(answer) for answer in replayed) == sorted(json.dumps(answer) for answer in session.answers)
