"""Runs a scenario on an in-process Sandbox and records what happened.

Every call goes through the sandbox's one dispatch, clock moves included
(`POST /sandbox/v1/clock/advance`), so `requests.jsonl` shows the whole run
and an advance into the past fails the way it would for any client. A
failed expectation is recorded and the run goes on, so one replay reports
every problem at once. After the steps the sandbox checks its invariants
(`service.invariants`): each one broken is a failure `invariant:<name>`,
a sandbox bug rather than the scenario's.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.api.dispatch import Answered, Login
from simulator.api.http import ApiRequest, ApiResponse
from simulator.api.inprocess_stream import Stream, StreamClosed, open_stream
from simulator.api.stream_hub import StreamRefused
from simulator.engine.clock import NS_PER_SECOND, iso_nanos, parse_instant
from simulator.replay.expectations import check_expectations
from simulator.replay.matching import mismatches, show
from simulator.replay.outcome import INVARIANT_PREFIX, Failure, RequestRecord, RunResult
from simulator.replay.progress import SETUP, ProgressCallback, ReplayProgress
from simulator.replay.report import email_failures
from simulator.replay.scenario import (
    CLIENTS_PATH,
    AdvanceStep,
    ClientSetup,
    ControlStep,
    HttpCall,
    RequestStep,
    ResponseExpect,
    Scenario,
    Step,
    StreamStep,
)
from simulator.replay.substitution import Substitution
from simulator.runtime import Runtime
from simulator.sandbox import Sandbox
from simulator.service.clients import TOKEN_LIFETIME_NS
from simulator.service.control_records import ReadEmails, ReadEvents, ReadFiles, read_emails, read_events, read_files
from simulator.service.invariants import check_invariants

CONTROL = "/sandbox/v1"
LOGIN_PATH = "/apex-crypto/api/v2/login"


def decoded(response: ApiResponse) -> Any:
    """The answer's JSON, or its text when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return response.body.decode("utf-8", errors="replace")


Resolve = Callable[[Any], Any]


def verbatim(value: Any) -> Any:
    """A literal step's strings: sent and compared as written."""
    return value


def resolved(call: HttpCall, resolve: Resolve) -> HttpCall:
    """The call with its placeholders replaced; a raw body is always sent as written."""
    return replace(call, path=resolve(call.path), body=resolve(call.body), query=resolve(dict(call.query)))


def resolved_expect(expect: ResponseExpect | None, resolve: Resolve) -> ResponseExpect | None:
    return None if expect is None else replace(expect, body=resolve(expect.body))


def shown_body(call: HttpCall) -> Any:
    """The body as `requests.jsonl` shows it: JSON, or a raw body's text."""
    if isinstance(call.raw_body, bytes):
        return call.raw_body.decode("utf-8", errors="replace")
    return call.body if call.raw_body is None else call.raw_body


@dataclass(frozen=True)
class TimedCall:
    """A control call the run makes when the clock reaches `at_ns` (a fault window's edge)."""

    at_ns: int
    where: str
    call: HttpCall


@dataclass(frozen=True)
class Extras:
    """Control calls a run makes beyond the scenario's own: a fault profile applied.

    `setup` runs after the scenario's market settings, before its clients;
    each `timed` call runs when an advance of the run reaches its instant
    (the advance is split there), so it is in requests.jsonl like any step.
    `options` is recorded in summary.json, to say how to reproduce the run.
    """

    setup: Sequence[tuple[str, HttpCall]] = ()
    timed: Sequence[TimedCall] = ()
    options: Mapping[str, object] = field(default_factory=dict)


class ScenarioRunner:
    """One run: performs setup and steps on `sandbox`, collecting records."""

    def __init__(
        self, scenario: Scenario, sandbox: Runtime, resolve: Substitution, extras: Extras | None = None
    ) -> None:
        self.scenario = scenario
        self.extras = extras if extras is not None else Extras()
        self._timed = sorted(self.extras.timed, key=lambda timed: timed.at_ns)
        self.sandbox = sandbox
        self.resolve = resolve
        self.requests: list[RequestRecord] = []
        self.failures: list[Failure] = []
        self._credentials: dict[str, dict[str, str]] = {}
        self._tokens: dict[str, tuple[str, int]] = {}
        """client -> (token, instant it was issued)."""
        self._logged_in_by_steps: set[str] = set()
        """Clients a login step logged in: from then on the scenario owns their
        token, so `as` sends the one its latest login returned, even expired,
        and the runner never adds a login of its own."""
        self._streams: dict[tuple[str, str], Stream] = {}
        """(client, path) -> the stream its first stream step opened."""

    # calls

    def send(
        self, where: str, step: int | None, call: HttpCall, authorization: str | None = None
    ) -> tuple[Answered, Any]:
        """Send a call whose placeholders are resolved, and record it."""
        headers = {"authorization": authorization} if authorization else {}
        answered = self.sandbox.dispatch.answer(ApiRequest(call.method, call.path, call.query, headers, call.payload()))
        status, answer = answered.response.status, decoded(answered.response)
        self.requests.append(RequestRecord(where, step, call.method, call.path, call.query, shown_body(call), status, answer))
        return answered, answer

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
                problems.extend(str(m) for m in mismatches(expect.body, answer, "body"))
        if not problems:
            return True
        request = f"{call.method} {call.path}"
        self.failures.append(Failure(where, "\n".join([request, *problems, f"answer: {show(answer)}"])))
        return False

    def exchange(self, where: str, step: int | None, call: HttpCall, expect: ResponseExpect | None = None) -> Any:
        """Send and check; the answer when it held, None (and a failure) when not."""
        answered, answer = self.send(where, step, call)
        return answer if self.check(where, call, answered.response.status, answer, expect) else None

    # setup

    def setup(self) -> None:
        """Market settings first, so clients and accounts start in the intended market."""
        for symbol, settings in self.scenario.market.items():
            call = HttpCall("POST", f"{CONTROL}/market/{symbol}", dict(settings))
            self.exchange(f"market.{symbol}", None, resolved(call, self.resolve))
        for where, call in self.extras.setup:
            self.exchange(where, None, call)
        for client in self.scenario.clients:
            self.provision(client)

    def provision(self, client: ClientSetup) -> None:
        where = f"clients.{client.client_id}"
        answer = self.exchange(where, None, resolved(HttpCall("POST", CLIENTS_PATH, dict(client.body)), self.resolve))
        if answer is None:
            return
        self.learn_credentials(answer)
        for index, accounts in enumerate(client.accounts):
            call = HttpCall("POST", f"{CLIENTS_PATH}/{client.client_id}/accounts", dict(accounts))
            self.exchange(f"{where}.accounts[{index}]", None, resolved(call, self.resolve))

    def learn_credentials(self, provisioning: Any) -> None:
        """Keep a new client's logon, from the answer of POST /sandbox/v1/clients."""
        self._credentials[provisioning["clientId"]] = {
            "logonId": provisioning["logonId"],
            "password": provisioning["password"],
        }

    def learn_token(self, login: Login, issued_ns: int) -> None:
        """A login step's token becomes its client's: later `as` steps send it."""
        self._tokens[login.client_id] = (login.token, issued_ns)
        self._logged_in_by_steps.add(login.client_id)

    # steps

    def token_for(self, step: Step, client_id: str) -> str | None:
        """The client's token: the latest login step's, else a live one, logging
        in again once the cached one expires."""
        now = self.sandbox.core.now
        cached = self._tokens.get(client_id)
        if cached is not None and (client_id in self._logged_in_by_steps or now < cached[1] + TOKEN_LIFETIME_NS):
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
        self.run_timed_before(where, step, advance)
        self.exchange(where, step, HttpCall("POST", f"{CONTROL}/clock/advance", body))

    def run_timed_before(self, where: str, step: int, advance: AdvanceStep) -> None:
        """Make the timed calls due by the advance's target, each at its instant.

        An advance into the past, or one that cannot be read, is left alone:
        it fails as written.
        """
        if not self._timed:
            return
        now = self.sandbox.core.now
        try:
            if advance.to is not None:
                target = parse_instant(advance.to)
            else:
                target = now + int(float(advance.seconds or 0) * NS_PER_SECOND)
        except (ValueError, TypeError, OverflowError):
            return
        while self._timed and self._timed[0].at_ns <= target:
            timed = self._timed.pop(0)
            if timed.at_ns > self.sandbox.core.now:
                call = HttpCall("POST", f"{CONTROL}/clock/advance", {"to": iso_nanos(timed.at_ns)})
                self.exchange(f"{timed.where}.advance", step, call)
            self.exchange(timed.where, step, timed.call)

    def run_step(self, step: Step) -> None:
        if step.at is not None:
            self.advance(f"{step.where}.at", step.index, AdvanceStep(to=step.at, seconds=None))
        resolve = verbatim if step.literal else self.resolve
        action = step.action
        if isinstance(action, AdvanceStep):
            self.advance(f"{step.where}.advance", step.index, action)
        elif isinstance(action, StreamStep):
            self.read_stream(step, action, resolve)
        elif isinstance(action, ControlStep):
            call = resolved(action.call, resolve)
            where = f"{step.where}.control"
            answered, answer = self.send(where, step.index, call)
            status = answered.response.status
            if (call.method, call.path) == ("POST", CLIENTS_PATH) and status == 201:
                self.learn_credentials(answer)
            self.check(where, call, status, answer, resolved_expect(action.expect, resolve))
        else:
            self.run_request(step, action, resolve)

    def run_request(self, step: Step, action: RequestStep, resolve: Resolve) -> None:
        authorization = resolve(action.authorization)
        if action.as_client is not None:
            authorization = self.token_for(step, action.as_client)
            if authorization is None:
                return
        call = resolved(action.call, resolve)
        answered, answer = self.send(step.where, step.index, call, authorization)
        if answered.login is not None:
            self.learn_token(answered.login, answered.ran_ns)
        if action.expect is not None:
            self.check(f"{step.where}.expect", call, answered.response.status, answer, resolved_expect(action.expect, resolve))


    def read_stream(self, step: Step, action: StreamStep, resolve: Resolve) -> None:
        """The frames the stream holds now, checked against `expect` frame by frame."""
        key = (action.as_client, action.path)
        stream = self._streams.get(key)
        if stream is None:
            token = self.token_for(step, action.as_client)
            if token is None:
                return
            try:
                stream = self._streams[key] = open_stream(self.sandbox, action.path, token)
            except StreamRefused as exc:
                self.failures.append(Failure(f"{step.where}.stream", f"{action.path}: {exc.status} {exc.message}"))
                return
        try:
            if action.subscribe is not None:
                stream.subscribe(action.subscribe)
            frames = list(stream)
        except StreamClosed as exc:
            self.failures.append(Failure(f"{step.where}.stream", f"{action.path}: {exc}"))
            return
        if action.expect is None:
            return
        problems = mismatches(resolve(action.expect), frames, "frames")
        if problems:
            read = [f"  {json.dumps(frame, ensure_ascii=False)}" for frame in frames]
            message = [f"STREAM {action.path}", *map(str, problems), f"frames read: {len(frames)}", *read]
            self.failures.append(Failure(f"{step.where}.expect", "\n".join(message)))


def run_scenario(
    scenario: Scenario,
    seed: int | None = None,
    progress: ProgressCallback | None = None,
    extras: Extras | None = None,
) -> RunResult:
    """Replay `scenario` in simulated time; `seed` overrides the file's.

    `extras` adds control calls of the run's own (see `Extras`).

    `progress` hears about the setup, then about each step as it finishes,
    so a long replay can be watched; it only observes the run.
    """
    seed = scenario.seed if seed is None else seed
    resolve = Substitution(seed)
    total = len(scenario.steps)
    began = time.perf_counter()
    with Sandbox(seed=seed, start=scenario.start, aws="memory", base_url=None) as sandbox:
        runner = ScenarioRunner(scenario, sandbox.runtime, resolve, extras)
        runner.setup()
        set_up = time.perf_counter()
        if progress is not None:
            progress(ReplayProgress(SETUP, 0, total, sandbox.core.now, tuple(runner.requests)))
        for done, step in enumerate(scenario.steps, start=1):
            first = len(runner.requests)
            runner.run_step(step)
            if progress is not None:
                progress(ReplayProgress(step.where, done, total, sandbox.core.now, tuple(runner.requests[first:])))
        stepped = time.perf_counter()
        core = sandbox.core
        events = read_events(core, ReadEvents()).entries
        files = tuple(listed.file for listed in read_files(core, ReadFiles()))
        emails = read_emails(core, ReadEmails())
        market, start_ns, end_ns = core.market, core.start_ns, core.now
        violations = check_invariants(core, [record.status for record in runner.requests])
    failures = [
        *runner.failures,
        *check_expectations(scenario.expect, resolve, events, files, emails),
        *email_failures(emails),
        *(Failure(f"{INVARIANT_PREFIX}{violation.name}", violation.message) for violation in violations),
    ]
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
        options=dict(runner.extras.options),
        durations={
            "setup": set_up - began,
            "steps": stepped - set_up,
            "expectations": finished - stepped,
            "total": finished - began,
        },
    )
