"""Runs a scenario on an in-process Sandbox and records what happened.

Every call goes through the sandbox's one dispatch, clock moves included
(`POST /sandbox/v1/clock/advance`), so `requests.jsonl` shows the whole run
and an advance into the past fails the way it would for any client. A
failed expectation is recorded and the run goes on, so one replay reports
every problem at once.
"""
from __future__ import annotations

import time
from typing import Any

from simulator.api.http import ApiResponse
from simulator.replay.expectations import check_expectations
from simulator.replay.matching import mismatches, show
from simulator.replay.outcome import Failure, RequestRecord, RunResult
from simulator.replay.scenario import (
    AdvanceStep,
    ClientSetup,
    ControlStep,
    HttpCall,
    RequestStep,
    ResponseExpect,
    Scenario,
    Step,
)
from simulator.replay.substitution import Substitution
from simulator.runtime import Runtime
from simulator.sandbox import Sandbox
from simulator.service.clients import TOKEN_LIFETIME_NS

CONTROL = "/sandbox/v1"
LOGIN_PATH = "/apex-crypto/api/v2/login"


def decoded(response: ApiResponse) -> Any:
    """The answer's JSON, or its text when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return response.body.decode("utf-8", errors="replace")


class ScenarioRunner:
    """One run: performs setup and steps on `sandbox`, collecting records."""

    def __init__(self, scenario: Scenario, sandbox: Runtime, resolve: Substitution) -> None:
        self.scenario = scenario
        self.sandbox = sandbox
        self.resolve = resolve
        self.requests: list[RequestRecord] = []
        self.failures: list[Failure] = []
        self._credentials: dict[str, dict[str, str]] = {}
        self._tokens: dict[str, tuple[str, int]] = {}
        """client -> (token, instant it was issued)."""

    # calls

    def send(self, where: str, step: int | None, call: HttpCall, token: str | None = None) -> tuple[ApiResponse, Any]:
        path, body, query = self.resolve(call.path), self.resolve(call.body), self.resolve(dict(call.query))
        response = self.sandbox.call(call.method, path, body, token=token, query=query)
        answer = decoded(response)
        self.requests.append(RequestRecord(where, step, call.method, path, query, body, response.status, answer))
        return response, answer

    def check(self, where: str, call: HttpCall, status: int, answer: Any, expect: ResponseExpect | None) -> bool:
        """Compare an answer with `expect` (a 2xx status without one); record a failure."""
        problems: list[str] = []
        if expect is None:
            if not 200 <= status < 300:
                problems.append(f"status: expected 2xx, actual {status}")
        else:
            if expect.status is not None and status != expect.status:
                problems.append(f"status: expected {expect.status}, actual {status}")
            if expect.body is not None:
                problems.extend(str(m) for m in mismatches(self.resolve(expect.body), answer, "body"))
        if not problems:
            return True
        request = f"{call.method} {self.resolve(call.path)}"
        self.failures.append(Failure(where, "\n".join([request, *problems, f"answer: {show(answer)}"])))
        return False

    def exchange(self, where: str, step: int | None, call: HttpCall, expect: ResponseExpect | None = None) -> Any:
        """Send and check; the answer when it held, None (and a failure) when not."""
        response, answer = self.send(where, step, call)
        return answer if self.check(where, call, response.status, answer, expect) else None

    # setup

    def setup(self) -> None:
        """Market settings first, so clients and accounts start in the intended market."""
        for symbol, settings in self.scenario.market.items():
            self.exchange(f"market.{symbol}", None, HttpCall("POST", f"{CONTROL}/market/{symbol}", dict(settings)))
        for client in self.scenario.clients:
            self.provision(client)

    def provision(self, client: ClientSetup) -> None:
        where = f"clients.{client.client_id}"
        answer = self.exchange(where, None, HttpCall("POST", f"{CONTROL}/clients", dict(client.body)))
        if answer is None:
            return
        self._credentials[client.client_id] = {"logonId": answer["logonId"], "password": answer["password"]}
        for index, accounts in enumerate(client.accounts):
            path = f"{CONTROL}/clients/{client.client_id}/accounts"
            self.exchange(f"{where}.accounts[{index}]", None, HttpCall("POST", path, dict(accounts)))

    # steps

    def token_for(self, step: Step, client_id: str) -> str | None:
        """A live token for the client, logging in again once the cached one expires."""
        now = self.sandbox.core.now
        cached = self._tokens.get(client_id)
        if cached is not None and now < cached[1] + TOKEN_LIFETIME_NS:
            return cached[0]
        where = f"{step.where}.as"
        credentials = self._credentials.get(client_id)
        if credentials is None:
            self.failures.append(Failure(where, f"client {client_id} was not provisioned (see clients.{client_id})"))
            return None
        answer = self.exchange(where, step.index, HttpCall("POST", LOGIN_PATH, credentials))
        if answer is None:
            return None
        self._tokens[client_id] = (answer["token"], now)
        return str(answer["token"])

    def advance(self, where: str, step: int, advance: AdvanceStep) -> None:
        body: dict[str, Any] = {"to": advance.to} if advance.to is not None else {"seconds": advance.seconds}
        self.exchange(where, step, HttpCall("POST", f"{CONTROL}/clock/advance", body))

    def run_step(self, step: Step) -> None:
        if step.at is not None:
            self.advance(f"{step.where}.at", step.index, AdvanceStep(to=step.at, seconds=None))
        action = step.action
        if isinstance(action, AdvanceStep):
            self.advance(f"{step.where}.advance", step.index, action)
        elif isinstance(action, ControlStep):
            self.exchange(f"{step.where}.control", step.index, action.call, action.expect)
        else:
            self.run_request(step, action)

    def run_request(self, step: Step, action: RequestStep) -> None:
        token = None
        if action.as_client is not None:
            token = self.token_for(step, action.as_client)
            if token is None:
                return
        response, answer = self.send(step.where, step.index, action.call, token)
        if action.expect is not None:
            self.check(f"{step.where}.expect", action.call, response.status, answer, action.expect)


def run_scenario(scenario: Scenario, seed: int | None = None) -> RunResult:
    """Replay `scenario` in simulated time; `seed` overrides the file's."""
    seed = scenario.seed if seed is None else seed
    resolve = Substitution(seed)
    began = time.perf_counter()
    with Sandbox(seed=seed, start=scenario.start) as sandbox:
        runner = ScenarioRunner(scenario, sandbox.runtime, resolve)
        runner.setup()
        set_up = time.perf_counter()
        for step in scenario.steps:
            runner.run_step(step)
        stepped = time.perf_counter()
        core = sandbox.core
        events, files, emails = tuple(core.journal.entries), tuple(core.files.list()), tuple(core.mail.list())
        market, start_ns, end_ns = core.market, core.start_ns, core.now
    failures = [*runner.failures, *check_expectations(scenario.expect, resolve, events, files, emails)]
    finished = time.perf_counter()
    return RunResult(
        scenario=scenario.name,
        source=scenario.source,
        seed=seed,
        requests=tuple(runner.requests),
        events=events,
        files=files,
        emails=emails,
        failures=tuple(failures),
        market=market,
        start_ns=start_ns,
        end_ns=end_ns,
        durations={
            "setup": set_up - began,
            "steps": stepped - set_up,
            "expectations": finished - stepped,
            "total": finished - began,
        },
    )
