"""What one scenario remembers between steps, and how steps reach the sandbox.

Steps talk to the sandbox the way a user's code does: `requests` to its base
URL and boto3 to its queues. That keeps the step library honest: it can only
see what the contract promises.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from simulator import DEFAULT_START
from simulator.engine.clock import NS_PER_SECOND, iso_nanos, parse_instant
from simulator.engine.streams import seeded_uuid
from simulator.testing.queues import drain_queue
from simulator.testing.runs import SEEDS_OPTION, RunOptions

if TYPE_CHECKING:
    import boto3
    import requests

    from simulator import Sandbox
    from simulator.testing.run_faults import RunFaults

API = "/apex-crypto/api/v2"
BATCHES = f"{API}/allocation/trade/batch"
GIFTS = f"{API}/allocation/gift"
ORDERS = f"{API}/orders"
CONTROL = "/sandbox/v1"
TOKEN_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class SandboxSettings:
    """The seed and start instant a test asks for (its marker, the ini, a `Given a sandbox` step);
    a run's `--bakkt-seeds` replaces the seed."""

    seed: int = 0
    start: str = DEFAULT_START


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: its status and its JSON body."""

    status: int
    body: Any

    def expect(self, status: int) -> Any:
        """The body, once the status is the one the step relies on."""
        assert self.status == status, f"expected HTTP {status}, got {self.status}: {self.body}"
        return self.body


class Resource(StrEnum):
    """The resources a name can stand for in a phrase."""

    ALLOCATION = "allocation"
    BATCH = "batch"
    GIFT = "gift"
    ORDER = "order"

    @property
    def id_field(self) -> str:
        if self is Resource.ORDER:
            return "clientOrderId"
        return "batchTransactionId" if self is Resource.BATCH else "clientTransactionId"

    def path(self, transaction_id: str) -> str:
        if self is Resource.ALLOCATION:
            return f"{BATCHES}/allocate/{transaction_id}"
        if self is Resource.GIFT:
            return f"{GIFTS}/{transaction_id}"
        if self is Resource.ORDER:
            return f"{ORDERS}/{transaction_id}"
        return f"{BATCHES}/{transaction_id}"

    @staticmethod
    def of(payload: dict[str, Any]) -> Resource:
        """Order payloads carry a clientOrderId; allocation and gift payloads a
        clientTransactionId, and only an allocation's also names its batch; batch payloads
        carry neither."""
        request = payload.get("request", {})
        if "clientOrderId" in request:
            return Resource.ORDER
        if "clientTransactionId" not in request:
            return Resource.BATCH
        return Resource.ALLOCATION if "batchTransactionId" in request else Resource.GIFT


@dataclass
class ClientSession:
    """A provisioned client, its credentials and its current token."""

    client_id: str
    provisioning: dict[str, Any]
    token: str = ""
    token_expires: datetime | None = None


def http_session() -> requests.Session:
    """The steps' HTTP client, loaded with the first sandbox rather than with the plugin."""
    import requests

    return requests.Session()


@dataclass
class BakktContext:
    """One scenario's sandbox, clients, names, last answer and received events.

    The sandbox starts on first use, so a step can still choose its seed and
    start before anything touches it.
    """

    settings: SandboxSettings
    aws: boto3.session.Session
    """Shared by the scenarios of a run, so boto3 loads the SQS model once."""
    run: RunOptions = field(default_factory=RunOptions)
    faults: RunFaults | None = field(default=None, init=False)
    """The run's fault profile once the sandbox started, with `--bakkt-faults random`."""
    clients: dict[str, ClientSession] = field(default_factory=dict)
    last: Answer | None = None
    delivered: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Every envelope read from each client's queue, in receiving order."""
    sent: dict[tuple[Resource, str], dict[str, Any]] = field(default_factory=dict)
    """The last body sent for each named resource, so a step can send it again."""
    _serials: dict[str, int] = field(default_factory=dict, init=False)
    _owners: dict[tuple[Resource, str], str] = field(default_factory=dict, init=False)
    _names: dict[str, str] = field(default_factory=dict, init=False)
    _sandbox: Sandbox | None = field(default=None, init=False)
    _http: requests.Session = field(default_factory=http_session, init=False)
    _sqs: Any = field(default=None, init=False)
    _s3: Any = field(default=None, init=False)

    # the sandbox

    def configure(self, settings: SandboxSettings) -> None:
        assert self._sandbox is None, (
            f"the sandbox already started with seed {self.seed} at {self.settings.start}; "
            "choose the seed and start before any step that uses it"
        )
        self.settings = settings

    @property
    def seed(self) -> int:
        """The run's seed where `--bakkt-seeds` gives one, else the test's own."""
        return self.settings.seed if self.run.seed is None else self.run.seed

    @property
    def sandbox(self) -> Sandbox:
        """Started on first use; with `--bakkt-faults random` the seed's fault profile is set through
        the control API before any step's call."""
        if self._sandbox is None:
            from simulator import Sandbox
            from simulator.testing.run_faults import RunFaults

            self._sandbox = Sandbox(seed=self.seed, start=self.settings.start).start()
            if self.run.faults == "random":
                self.faults = RunFaults.draw(self.seed, self.settings.start)
                for path, body in self.faults.setup_calls():
                    self.control("POST", path, body).expect(200)
        return self._sandbox

    @property
    def started_sandbox(self) -> Sandbox | None:
        """The sandbox once a step has used it: reading a scenario's outputs must not start one."""
        return self._sandbox

    def advance(self, body: dict[str, Any]) -> Answer:
        """POST /sandbox/v1/clock/advance with `body` (`seconds` or `to`). With a fault profile,
        the advance stops at each outage edge on the way to make it, as `replay` does, so a
        window opens and closes at its own instant."""
        now = self.sandbox.core.now  # starts the sandbox, and draws its faults, if no step has
        if self.faults is not None:
            target = parse_instant(body["to"]) if "to" in body else now + round(float(body["seconds"]) * NS_PER_SECOND)
            for change in self.faults.due(target):
                if change.at_ns > self.sandbox.core.now:
                    self.control("POST", f"{CONTROL}/clock/advance", {"to": iso_nanos(change.at_ns)}).expect(200)
                self.control("POST", change.path, dict(change.body)).expect(200)
        return self.control("POST", f"{CONTROL}/clock/advance", body)

    def run_summary(self) -> str:
        """Which seed and faults this test's world had, and why: for its report."""
        if self.run.seed is None:
            seed = f"seed {self.seed}, the test's own"
        elif self.run.seed == self.settings.seed:
            seed = f"seed {self.seed} from {SEEDS_OPTION}, the test's own too"
        else:
            seed = f"seed {self.seed} from {SEEDS_OPTION}, in place of the test's own seed {self.settings.seed}"
        faults = "random faults drawn from the seed" if self.run.faults == "random" else "no faults"
        return f"{seed}; {faults}"

    def run_details(self) -> dict[str, Any]:
        """What the report's run.json says of this test's world: enough to see it and redo it."""
        details: dict[str, Any] = {
            "summary": self.run_summary(),
            "seed": self.seed,
            "testSeed": self.settings.seed,
            "start": self.settings.start,
            "faults": self.run.faults,
        }
        if self.faults is not None:
            details["profile"] = self.faults.described()
        return details

    def close(self) -> None:
        self._http.close()
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None

    # names

    def uuid(self, name: str) -> str:
        """The UUID a name stands for: `${uuid:NAME}` of the scenario format."""
        value = seeded_uuid(self.sandbox.seed, name)
        self._names[value] = name
        return value

    def name_of(self, value: str) -> str:
        return self._names.get(value, value)

    def fresh_uuid(self, prefix: str) -> str:
        """A new UUID each call (`prefix #1`, `prefix #2`, ...): for requests such as a
        cancel that need an id of their own every time."""
        serial = self._serials.get(prefix, 0) + 1
        self._serials[prefix] = serial
        return self.uuid(f"{prefix} #{serial}")

    def claim(self, resource: Resource, name: str, client: str) -> None:
        """The first client to use a name owns it for the lookups of later steps."""
        self._owners.setdefault((resource, name), client)

    def names(self, resource: Resource, client: str) -> list[str]:
        """The names of this kind the client owns, in the order it first used them."""
        return [name for (kind, name), owner in self._owners.items() if kind is resource and owner == client]

    def owner(self, resource: Resource, name: str) -> str:
        owner = self._owners.get((resource, name))
        assert owner is not None, f'no client has submitted the {resource} "{name}" yet'
        return owner

    # HTTP

    def control(self, method: str, path: str, body: Any = None) -> Answer:
        return self._send(method, path, body, {})

    def api(self, client: str, method: str, path: str, body: Any = None) -> Answer:
        return self._send(method, path, body, self.bearer(client))

    def act(self, client: str, method: str, path: str, body: Any = None) -> Answer:
        """A call that is the action of a step: later steps check it as the last answer."""
        self.last = self.api(client, method, path, body)
        return self.last

    def fetch(self, resource: Resource, name: str, client: str | None = None) -> dict[str, Any]:
        """The resource as a GET shows it now, by default its owner's."""
        answer = self.api(client or self.owner(resource, name), "GET", resource.path(self.uuid(name)))
        body: dict[str, Any] = answer.expect(200)
        return body

    def last_answer(self) -> Answer:
        assert self.last is not None, "no step has called the API yet"
        return self.last

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str]) -> Answer:
        answer = self.send_raw(method, path, body, headers)
        assert answer.status < 500, f"{method} {path} answered {answer.status}: {answer.body}"
        return answer

    def send_raw(self, method: str, path: str, body: Any, headers: dict[str, str]) -> Answer:
        """Any answer, 5xx included: for steps that play a client's retry loop."""
        response = self._http.request(method, f"{self.sandbox.base_url}{path}", json=body, headers=headers)
        return Answer(response.status_code, response.json() if response.content else None)

    def bearer(self, client: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token(self.session(client))}"}

    # clients

    def provision(self, body: dict[str, Any]) -> ClientSession:
        provisioning = self.control("POST", f"{CONTROL}/clients", body).expect(201)
        session = ClientSession(provisioning["clientId"], provisioning)
        self.clients[session.client_id] = session
        self._token(session)
        return session

    def session(self, client: str) -> ClientSession:
        session = self.clients.get(client)
        assert session is not None, f'no client "{client}" was provisioned in this scenario'
        return session

    def _token(self, session: ClientSession) -> str:
        """Log in again once the token's 24 simulated hours are over."""
        now = self.sandbox.now
        if session.token_expires is None or now >= session.token_expires:
            credentials = {"logonId": session.provisioning["logonId"], "password": session.provisioning["password"]}
            answer = self._send("POST", f"{API}/login", credentials, {}).expect(200)
            session.token, session.token_expires = answer["token"], now + TOKEN_LIFETIME
        return session.token

    # outputs

    def emails_to_investor(self, client: str, account: str) -> list[dict[str, Any]]:
        """The emails sent to the account's owner address (as GET /accounts shows it), oldest first."""
        request = self.api(client, "GET", f"{API}/accounts/{account}").expect(200)["request"]
        query = {"client": client, "to": request["owners"][0]["emailAddress"]}
        emails: list[dict[str, Any]] = self.control("GET", f"{CONTROL}/emails?{urlencode(query)}").expect(200)["emails"]
        return emails

    def read_object(self, client: str, key: str) -> str:
        """An object of the client's bucket, read with boto3 as the client would."""
        bucket = self.session(client).provisioning["bucket"]
        body: bytes = self._s3_client().get_object(Bucket=bucket, Key=key)["Body"].read()
        return body.decode("utf-8")

    def bucket_keys(self, client: str) -> list[str]:
        """The keys in the client's bucket, as boto3 lists them."""
        bucket = self.session(client).provisioning["bucket"]
        pages = self._s3_client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return [str(entry["Key"]) for page in pages for entry in page.get("Contents", [])]

    def _s3_client(self) -> Any:
        if self._s3 is None:
            self._s3 = self.aws.client("s3", endpoint_url=self.sandbox.aws_endpoint)
        return self._s3

    # events

    def read_queue(self, client: str) -> list[dict[str, Any]]:
        """Everything the client's queue has delivered so far, new messages included."""
        if self._sqs is None:
            self._sqs = self.aws.client("sqs", endpoint_url=self.sandbox.aws_endpoint)
        received = self.delivered.setdefault(client, [])
        received.extend(drain_queue(self._sqs, self.session(client).provisioning["queueUrl"]))
        return received
