"""Memory sandboxes never meet, and moto is held by one sandbox at a time (CONTRACT section 16)."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from sandbox_session import API, CONTROL, REGION, START, uid

from simulator import BucketObject, Sandbox, SandboxError, SandboxNotStarted, SentEmail
from simulator.api.inprocess import ROUTER

BATCH = uid("memory-batch")
ORDERS = [("INV00001", "BUY", "200.00"), ("INV00002", "SELL", "50.00"), ("INV00003", "BUY", "75.00"), ("nobody", "BUY", "1.00")]
PAST_THE_CUTOFF = "2026-03-03T16:00:00Z"
"""Past the 09:00 CT cutoffs of March 2 and 3 (15:00Z) and the 17:05 CT daily summaries between."""
WORKERS = 8

Answer = tuple[str, str, int, bytes]
"""(method, path, status, body bytes) of one answer."""


@dataclass(frozen=True)
class Outcome:
    """Everything a flow saw: every answer's bytes, and every delivery."""

    answers: tuple[Answer, ...]
    events: tuple[dict[str, Any], ...]
    files: tuple[BucketObject, ...]
    emails: tuple[SentEmail, ...]


class Recorder:
    """`requests` to one sandbox, keeping each answer's bytes."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.answers: list[Answer] = []
        self.token = ""

    def send(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = requests.request(method, f"{self.base_url}{path}", json=body, headers=headers, timeout=10)
        self.answers.append((method, path, response.status_code, response.content))
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()


def drive(sb: Sandbox) -> tuple[Answer, ...]:
    """Provision, accounts, a batch opened, allocated and closed with queue faults on, then past the cutoff."""
    assert sb.base_url is not None
    http = Recorder(sb.base_url)
    client = http.send("POST", f"{CONTROL}/clients", {"clientId": "acme", "fundingModel": "NET_SETTLEMENT", "financeEmails": ["finance@acme.test"]})
    http.send("POST", f"{CONTROL}/clients/acme/accounts", {"count": 3, "prefix": "INV", "holdings": {"BTC": "0.5"}, "cash": "1000.00"})
    http.send("POST", f"{CONTROL}/faults", {"queue": {"duplicateRate": 0.3, "maxDelaySeconds": 5}})
    login = {"logonId": client["logonId"], "password": client["password"]}
    http.token = http.send("POST", f"{API}/login", login)["token"]
    http.send("POST", f"{API}/allocation/trade/batch/open", {"batchTransactionId": BATCH, "symbol": "BTCUSD", "type": "NOTIONAL"})
    for n, (account, side, amount) in enumerate(ORDERS):
        body = {"account": account, "amount": amount, "batchTransactionId": BATCH, "clientTransactionId": uid(f"memory-{n}"), "side": side, "symbol": "BTCUSD"}
        http.send("POST", f"{API}/allocation/trade/batch/allocate", body)
    http.send("POST", f"{API}/allocation/trade/batch/close", {"batchTransactionId": BATCH, "allocations": 3})
    http.send("POST", f"{CONTROL}/clock/advance", {"to": PAST_THE_CUTOFF})
    http.token = http.send("POST", f"{API}/login", login)["token"]  # a day later, the first token has expired
    http.send("GET", f"{API}/allocation/trade/batch/{BATCH}")
    for path in ("/events?client=acme", "/files?client=acme", "/emails?client=acme"):
        http.send("GET", f"{CONTROL}{path}")
    return tuple(http.answers)


def memory_outcome(seed: int, ready: threading.Barrier | None = None) -> Outcome:
    """The flow on a memory sandbox of its own; with `ready`, once every other one is mounted too."""
    with Sandbox(seed=seed, start=START, aws="memory", base_url=f"https://w{seed}.sandbox.test") as sb:
        if ready is not None:
            ready.wait(timeout=60)
        answers = drive(sb)
        return Outcome(answers, tuple(sb.events("acme")), tuple(sb.files("acme")), tuple(sb.emails()))


def test_eight_memory_sandboxes_in_threads_match_their_single_threaded_runs_byte_for_byte() -> None:
    seeds = range(1, WORKERS + 1)
    ready = threading.Barrier(WORKERS)
    with ThreadPoolExecutor(WORKERS) as pool:
        together = list(pool.map(memory_outcome, seeds, [ready] * WORKERS))
    one_by_one = [memory_outcome(seed) for seed in seeds]
    for seed, threaded, single in zip(seeds, together, one_by_one, strict=True):
        assert threaded == single, f"seed {seed}: the run in a thread differs from the run alone"
    first = one_by_one[0]
    assert len(first.files) == 4 and first.emails and len(first.events) > len(ORDERS)
    assert len({outcome.answers for outcome in one_by_one}) == WORKERS, "each seed makes a world of its own"


def test_memory_mode_delivers_what_moto_mode_delivers() -> None:
    """The same seed and requests: the same answers (queue URL and bucket included), and
    what a client reads back with boto3 from moto is what the memory accessors answer."""
    memory = memory_outcome(5)
    with Sandbox(seed=5, start=START, base_url="https://w5.sandbox.test") as sb:
        answers = drive(sb)
        client = sb.core.clients["acme"]
        session = boto3.session.Session(aws_access_key_id="any", aws_secret_access_key="any", region_name=REGION)
        sqs, s3, ses = session.client("sqs"), session.client("s3"), session.client("ses")
        bodies = []
        while messages := sqs.receive_message(QueueUrl=client.queue_url, MaxNumberOfMessages=10).get("Messages", []):
            for message in messages:
                bodies.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=client.queue_url, ReceiptHandle=message["ReceiptHandle"])
        files = []
        for listed in s3.list_objects_v2(Bucket=client.bucket)["Contents"]:
            head = s3.head_object(Bucket=client.bucket, Key=listed["Key"])
            body = s3.get_object(Bucket=client.bucket, Key=listed["Key"])["Body"].read()
            files.append((listed["Key"], body, head["LastModified"]))
        sent = int(ses.get_send_quota()["SentLast24Hours"])
    assert answers == memory.answers
    assert bodies == list(memory.events)
    assert files == [(f.key, f.body, f.last_modified.replace(microsecond=0)) for f in memory.files]
    assert sent == len(memory.emails)


def test_a_second_moto_sandbox_is_refused_naming_the_active_one() -> None:
    with Sandbox(seed=7, start=START) as active:
        with pytest.raises(SandboxError) as refused:
            Sandbox(seed=8, start=START, base_url="https://other.sandbox.test").start()
        message = str(refused.value)
        assert "seed=7" in message and "https://sandbox.bakkt.test" in message and "aws='memory'" in message
        answer = requests.post(f"{active.base_url}{CONTROL}/clients", json={"clientId": "acme"}, timeout=10)
        assert answer.status_code == 201, "the active sandbox keeps its base URL"
        queues = boto3.client("sqs", region_name=REGION).list_queues().get("QueueUrls", [])
        assert queues == [answer.json()["queueUrl"]], "and moto's mock"
        assert ROUTER.mount_of(f"https://other.sandbox.test{CONTROL}/clock") is None, "the refused one took no base URL"
    with Sandbox(seed=8, start=START) as after:
        assert requests.get(f"{after.base_url}{CONTROL}/clock", timeout=10).status_code == 200


def test_a_base_url_in_use_is_refused_and_its_owner_keeps_it() -> None:
    with Sandbox(seed=3, start=START, aws="memory", base_url="https://w1.sandbox.test") as owner:
        for taken in ("https://W1.sandbox.test/", "https://w1.sandbox.test/apex-crypto"):
            with pytest.raises(SandboxError, match=r"https://w1.sandbox.test is the base URL of an active sandbox, Sandbox\(seed=3"):
                Sandbox(seed=4, start=START, aws="memory", base_url=taken).start()
        answer = requests.post(f"{owner.base_url}{CONTROL}/clients", json={"clientId": "acme"}, timeout=10)
        assert answer.status_code == 201 and owner.core.clients.keys() == {"acme"}


def test_a_memory_sandbox_runs_beside_a_moto_one_and_boto3_sees_only_moto() -> None:
    with Sandbox(seed=1, start=START) as moto, Sandbox(seed=1, start=START, aws="memory", base_url="https://w1.sandbox.test") as memory:
        for sb, client_id in ((moto, "on-moto"), (memory, "in-memory")):
            answer = requests.post(f"{sb.base_url}{CONTROL}/clients", json={"clientId": client_id}, timeout=10)
            assert answer.status_code == 201
        assert moto.core.clients.keys() == {"on-moto"} and memory.core.clients.keys() == {"in-memory"}
        queues = boto3.client("sqs", region_name=REGION).list_queues().get("QueueUrls", [])
        assert [url.rsplit("/", 1)[1] for url in queues] == ["bakkt-sandbox-on-moto-events"]


def test_memory_mode_leaves_moto_and_boto3_alone() -> None:
    script = (
        "import sys, requests\n"
        "from simulator import Sandbox\n"
        "with Sandbox(aws='memory') as sb:\n"
        "    assert requests.post(sb.base_url + '/sandbox/v1/clients', json={'clientId': 'acme'}).status_code == 201\n"
        "    sb.advance(seconds=86_400)\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'moto'))\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert ran.stdout.strip() == "[]"


def test_a_failed_put_is_missing_until_its_retry_lands_with_the_retry_instant() -> None:
    with Sandbox(seed=2, start=START, aws="memory") as sb:
        assert requests.post(f"{sb.base_url}{CONTROL}/clients", json={"clientId": "acme"}, timeout=10).status_code == 201
        assert requests.post(f"{sb.base_url}{CONTROL}/faults", json={"s3": {"failPuts": 2}}, timeout=10).status_code == 200
        sb.advance_to("2026-03-02T15:00:00Z")
        assert sb.files("acme") == []
        listed = requests.get(f"{sb.base_url}{CONTROL}/files", params={"client": "acme"}, timeout=10).json()["files"]
        assert [row["delivered"] for row in listed] == [False, False]
        sb.advance_to("2026-03-02T15:05:00Z")
        landed = sb.files("acme")
        assert [f.key for f in landed] == [row["key"] for row in listed]
        assert {f.last_modified.isoformat() for f in landed} == {"2026-03-02T15:05:00+00:00"}


def test_events_reads_the_queue_and_take_events_empties_it() -> None:
    with Sandbox(seed=2, start=START, aws="memory") as sb:
        http = Recorder(sb.base_url or "")
        client = http.send("POST", f"{CONTROL}/clients", {"clientId": "acme"})
        http.token = http.send("POST", f"{API}/login", {"logonId": client["logonId"], "password": client["password"]})["token"]
        http.send("POST", f"{API}/allocation/trade/batch/open", {"batchTransactionId": BATCH, "symbol": "BTCUSD", "type": "NOTIONAL"})
        journal = [entry["event"] for entry in http.send("GET", f"{CONTROL}/events?client=acme")["events"]]
        assert [event["payload"]["status"] for event in journal] == ["OPEN"]
        assert sb.events("acme") == sb.events("acme") == journal
        assert sb.take_events("acme") == journal
        assert sb.events("acme") == sb.take_events("acme") == []


def test_a_reset_empties_every_store_and_the_next_put_makes_the_bucket_again() -> None:
    with Sandbox(seed=2, start=START, aws="memory") as sb:
        http = Recorder(sb.base_url or "")
        http.send("POST", f"{CONTROL}/clients", {"clientId": "acme", "financeEmails": ["finance@acme.test"]})
        sb.advance_to("2026-03-02T15:00:00Z")
        assert len(sb.files("acme")) == 2 and len(sb.emails(to="finance@acme.test")) == 1 and sb.emails(to="other@acme.test") == []
        http.send("POST", f"{CONTROL}/reset", {})
        with pytest.raises(SandboxError, match="no client 'acme'"):
            sb.files("acme")
        assert sb.emails() == []
        http.send("POST", f"{CONTROL}/clients", {"clientId": "acme"})
        assert sb.files("acme") == [] and sb.events("acme") == []
        sb.core.ports.clear()  # the bucket gone, as after a client deleted it
        sb.advance_to("2026-03-02T15:00:00Z")
        assert [f.key for f in sb.files("acme")] == ["eod_settlement/2026-03-02settlement_detail.csv", "eod_settlement/2026-03-02settlement_summary.csv"]


def test_the_memory_accessors_need_a_started_sandbox() -> None:
    sb = Sandbox(aws="memory")
    with pytest.raises(SandboxNotStarted):
        sb.files("acme")
    with sb:
        assert sb.emails() == []
    with pytest.raises(SandboxNotStarted):
        sb.emails()
