"""End to end in both modes: the batch flow over HTTP, SQS and S3, the request
errors, isolation, reset, and identical bodies for the same seed (CONTRACT 1-3, 5, 8, 9, 12, 13)."""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import requests
from e2e_target import (
    API,
    CUTOFF,
    INVESTORS,
    SEED,
    START_MILLIS,
    UNAUTHORIZED,
    Client,
    ServerProcess,
    Target,
    expect,
    inprocess_target,
    uid,
)

BATCH = uid("e2e-batch")
OPEN = {"batchTransactionId": BATCH, "symbol": "BTCUSD", "type": "NOTIONAL"}
MIXED = [("INV00001", "BUY", "200"), ("INV00002", "SELL", "100.50"), ("INV00003", "BUY", "10.000")]
DETAIL_KEY = "eod_settlement/2026-03-02settlement_detail.csv"
SUMMARY_KEY = "eod_settlement/2026-03-02settlement_summary.csv"
MIB = 1024 * 1024
PROTECTED: list[tuple[str, str]] = [
    ("GET", "/config"),
    ("GET", "/instruments"),
    ("POST", "/accounts"),
    ("GET", "/accounts/INV00001"),
    ("GET", "/accounts/INV00001/status"),
    ("GET", "/positions/INV00001"),
    ("POST", "/allocation/trade/batch/open"),
    ("POST", "/allocation/trade/batch/allocate"),
    ("GET", f"/allocation/trade/batch/allocate/{uid('e2e-transaction')}"),
    ("POST", "/allocation/trade/batch/close"),
    ("GET", f"/allocation/trade/batch/{BATCH}"),
    ("POST", "/allocation/gift"),
    ("GET", f"/allocation/gift/{uid('e2e-transaction')}"),
]
"""Every /apex-crypto/api/v2 call but login, with sample path parameters."""


def transaction(n: int) -> str:
    return uid(f"e2e-transaction-{n}")


def run_mixed_batch(client: Client) -> list[dict[str, Any]]:
    """Open, allocate MIXED, close, advance 1 s: the allocations as GET answers them afterwards."""
    assert client.open_batch(BATCH)["status"] == "OPEN"
    for n, (account, side, amount) in enumerate(MIXED):
        assert client.allocate(BATCH, transaction(n), account, amount, side)["status"] == "PENDING"
    closed = expect(client.close_batch(BATCH, len(MIXED)), 200)
    assert (closed["status"], closed["allocations"]) == ("CLOSED", len(MIXED))
    client.target.advance(seconds=1)
    return [expect(client.allocation(transaction(n)), 200) for n in range(len(MIXED))]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def answer_of(response: requests.Response) -> tuple[int, Any]:
    return response.status_code, response.json()


def test_the_batch_flow_completes_with_events_on_sqs_and_files_on_s3(target: Target) -> None:
    acme = target.provision("acme", accounts=INVESTORS)
    if target.aws_endpoint is not None:
        assert urlsplit(acme.queue_url).netloc == urlsplit(target.aws_endpoint).netloc
    allocations = run_mixed_batch(acme)
    batch = expect(acme.batch(BATCH), 200)
    assert (batch["status"], batch["allocations"]) == ("COMPLETE", len(MIXED))
    assert [a["status"] for a in allocations] == ["COMPLETE"] * len(MIXED)
    assert len({a["price"] for a in allocations}) == 1

    journal = target.journal("acme")
    events = acme.receive(len(journal))
    assert events == journal
    assert acme.queue_is_empty(), "every event was deleted after reading"
    assert [e["payload"]["status"] for e in events] == ["OPEN", "CLOSED", *["COMPLETE"] * len(MIXED), "COMPLETE"]
    assert [e["payload"] for e in events[2:-1]] == allocations
    assert events[-1]["payload"] == batch
    assert len({e["message_id"] for e in events}) == len(events)

    assert target.advance(to=CUTOFF)["now"] == "2026-03-02T15:00:00.000Z"
    listed = expect(target.control("GET", "/files", client="acme"), 200)["files"]
    assert sorted(f["key"] for f in listed) == [DETAIL_KEY, SUMMARY_KEY]
    detail = csv_rows(acme.s3_text(DETAIL_KEY))
    assert detail[:2] == [["From", "2026-03-01T15:00:00Z"], ["To", "2026-03-02T15:00:00Z"]]
    rows = {row[1]: row for row in detail[5:]}
    assert set(rows) == {transaction(n) for n in range(len(MIXED))}
    for allocation in allocations:
        row = rows[allocation["request"]["clientTransactionId"]]
        assert (row[0], row[2], row[5]) == (allocation["request"]["account"], allocation["id"], allocation["request"]["side"])
        assert Decimal(row[-1]) == Decimal(allocation["netMoney"])
    owed = sum(Decimal(a["netMoney"]) * (1 if a["request"]["side"] == "BUY" else -1) for a in allocations)
    assert detail[2] == ["Net Settlement", f"{owed:.2f}"]
    summary = csv_rows(acme.s3_text(SUMMARY_KEY))
    assert summary[4] == ["coin", "firm notional", "firm qty", "allocation qty", "diff qty"]
    assert [row[0] for row in summary[5:]] == ["all", "BTC"]


def test_reset_gives_an_empty_sandbox_at_the_start(target: Target) -> None:
    acme = target.provision("acme", accounts=INVESTORS)
    opened = acme.open_batch(BATCH)
    acme.allocate(BATCH, transaction(0), "INV00001")
    target.advance(to=CUTOFF)
    assert target.journal("acme") and expect(target.control("GET", "/files"), 200)["files"]

    target.reset(SEED)

    assert target.now() == START_MILLIS
    assert expect(target.control("GET", "/events"), 200) == {"events": [], "next": 0}
    assert expect(target.control("GET", "/files"), 200) == {"files": []}
    assert expect(target.control("GET", "/emails"), 200) == {"emails": []}
    assert answer_of(acme.get("/config")) == (401, UNAUTHORIZED), "tokens do not survive a reset"
    again = target.provision("acme", accounts=INVESTORS)
    assert again.provisioning == acme.provisioning, "same seed, same answers"
    assert again.queue_is_empty(), "the recreated queue holds no event from before the reset"
    assert target.aws("s3").list_objects_v2(Bucket=again.bucket).get("KeyCount") == 0
    assert answer_of(again.allocation(transaction(0)))[0] == 400
    assert again.open_batch(BATCH) == opened


def test_calls_without_a_valid_token_answer_401(target: Target) -> None:
    acme = target.provision("acme", accounts=INVESTORS)
    assert answer_of(target.request("GET", "/apex-crypto/api/status")) == (200, "ok")
    bad_headers: list[dict[str, str]] = [
        {},
        {"Authorization": ""},
        {"Authorization": "not-a-token"},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": f"Basic {acme.token}"},
    ]
    for method, path in PROTECTED:
        for headers in bad_headers:
            answer = target.request(method, f"{API}{path}", {}, headers=headers)
            assert answer_of(answer) == (401, UNAUTHORIZED), (method, path, headers)
    assert answer_of(target.login(acme.provisioning["logonId"], "wrong")) == (401, UNAUTHORIZED)
    assert answer_of(target.login("nobody", acme.provisioning["password"])) == (401, UNAUTHORIZED)

    assert expect(target.request("GET", f"{API}/config", headers={"Authorization": acme.token}), 200), "a raw token works"
    target.advance(seconds=24 * 3600 - 1)
    assert expect(acme.get("/config"), 200)
    target.advance(seconds=1)
    assert answer_of(acme.get("/config")) == (401, UNAUTHORIZED), "a token lives 24 simulated hours"


def assert_error(response: requests.Response, status: int) -> None:
    """The status, and the error body `{"code", "message"}` with a message that says something."""
    body = response.json()
    assert (response.status_code, body["code"]) == (status, status), (response.request.method, response.url, body)
    assert isinstance(body["message"], str) and body["message"].strip()


def test_unknown_paths_answer_404_before_the_token_is_checked(target: Target) -> None:
    for path in (f"{API}/nope", "/", "/sandbox/v1/nope", f"{API}/allocation/trade/batch/{BATCH}/extra"):
        assert_error(target.request("GET", path), 404)
        assert_error(target.request("POST", path, {}), 404)


WRONG_METHODS = [
    ("DELETE", f"{API}/allocation/trade/batch/open"),
    ("PUT", f"{API}/config"),
    ("POST", f"{API}/allocation/trade/batch/{BATCH}"),
    ("GET", "/sandbox/v1/reset"),
    ("PATCH", "/sandbox/v1/clock"),
]


def test_wrong_methods_answer_405_before_the_token_is_checked(target: Target) -> None:
    for method, path in WRONG_METHODS:
        assert_error(target.request(method, path), 405)


def test_bodies_over_one_mebibyte_answer_413_first(target: Target) -> None:
    acme = target.provision("acme", accounts=INVESTORS)
    headers = {"Authorization": acme.token, "Content-Type": "application/json"}
    oversize = b'{"a":"' + b"x" * (MIB - 7) + b'"}'
    at_limit = oversize[:6] + oversize[7:]
    assert (len(oversize), len(at_limit)) == (MIB + 1, MIB)
    for path in (f"{API}/allocation/trade/batch/allocate", f"{API}/nope", "/sandbox/v1/clients", "/sandbox/v1/clock"):
        assert_error(target.request("POST", path, data=oversize, headers=headers), 413)
    assert_error(target.request("POST", f"{API}/allocation/trade/batch/allocate", data=at_limit, headers=headers), 400)
    assert expect(target.control("GET", "/events"), 200)["events"] == [], "a refused request changes nothing"


def test_another_clients_ids_answer_exactly_like_missing_ones(target: Target) -> None:
    acme = target.provision("acme", accounts=INVESTORS)
    globex = target.provision("globex", accounts={"count": 1, "prefix": "GLX"})
    acme.open_batch(BATCH)
    acme.allocate(BATCH, transaction(0), "INV00001")
    missing_batch, missing_transaction = uid("nobody's batch"), uid("nobody's transaction")

    pairs = [
        (f"/allocation/trade/batch/{BATCH}", f"/allocation/trade/batch/{missing_batch}"),
        (f"/allocation/trade/batch/allocate/{transaction(0)}", f"/allocation/trade/batch/allocate/{missing_transaction}"),
        ("/accounts/INV00001", "/accounts/INV99999"),
        ("/accounts/INV00001/status", "/accounts/INV99999/status"),
        ("/positions/INV00001", "/positions/INV99999"),
    ]
    for theirs, missing in pairs:
        assert answer_of(globex.get(theirs)) == answer_of(globex.get(missing)), theirs
        assert answer_of(globex.get(theirs))[0] >= 400
    close = [answer_of(globex.close_batch(batch, 1)) for batch in (BATCH, missing_batch)]
    assert close[0] == close[1] and close[0][0] == 400

    into_theirs = globex.allocate(BATCH, transaction(1), "GLX00001")
    into_missing = globex.allocate(missing_batch, transaction(2), "GLX00001")
    assert (into_theirs["status"], into_theirs["rejectReason"]) == ("REJECTED", "Invalid batchTransactionId")
    assert (into_missing["status"], into_missing["rejectReason"]) == ("REJECTED", "Invalid batchTransactionId")
    reused = globex.allocate(missing_batch, transaction(0), "GLX00001")
    assert reused["rejectReason"] == "Invalid batchTransactionId", "acme's clientTransactionId is no duplicate for globex"
    assert expect(acme.batch(BATCH), 200)["allocations"] == 1


# same seed, same requests, same bodies: in-process and server


def normalized(body: Any) -> Any:
    """queueUrl names the AWS endpoint, which differs by mode; everything else must not."""
    if isinstance(body, dict) and "queueUrl" in body:
        return {**body, "queueUrl": urlsplit(body["queueUrl"]).path}
    return body


def small_flow(target: Target) -> list[tuple[str, int, Any]]:
    """A provisioning, a login and a completed batch: every answer, labelled, in order."""
    bodies: list[tuple[str, int, Any]] = []

    def keep(label: str, response: requests.Response) -> Any:
        bodies.append((label, response.status_code, normalized(response.json())))
        return response.json()

    provisioning = keep("provision", target.control("POST", "/clients", {"clientId": "acme"}))
    keep("accounts", target.control("POST", "/clients/acme/accounts", INVESTORS))
    token = keep("login", target.login(provisioning["logonId"], provisioning["password"]))["token"]
    acme = Client(target, provisioning, token)
    keep("open", acme.post("/allocation/trade/batch/open", OPEN))
    for n, (account, side, amount) in enumerate(MIXED):
        keep(f"allocate {n}", acme.allocate_request(BATCH, transaction(n), account, amount, side))
    keep("close", acme.close_batch(BATCH, len(MIXED)))
    keep("advance", target.control("POST", "/clock/advance", {"to": CUTOFF}))
    keep("batch", acme.batch(BATCH))
    keep("allocation", acme.allocation(transaction(1)))
    keep("positions", acme.get("/positions/INV00001"))
    keep("events", target.control("GET", "/events", client="acme"))
    keep("files", target.control("GET", "/files", client="acme"))
    bodies.append(("detail file", 200, acme.s3_text(DETAIL_KEY)))
    return bodies


def test_the_same_seed_and_requests_give_identical_bodies_in_both_modes(live_server: ServerProcess) -> None:
    served = small_flow(live_server.fresh_target(seed=23))
    with inprocess_target(seed=23) as target:
        in_process = small_flow(target)
    assert [label for label, _, _ in served] == [label for label, _, _ in in_process]
    for mine, theirs in zip(in_process, served, strict=True):
        assert mine == theirs
    answers = {label: body for label, _, body in served}
    assert answers["batch"]["status"] == "COMPLETE" and len(answers["events"]["events"]) == 6, "the flow ran through"


def test_the_same_seed_gives_identical_bodies_after_a_reset(live_server: ServerProcess) -> None:
    first = small_flow(live_server.fresh_target(seed=23))
    assert small_flow(live_server.fresh_target(seed=23)) == first
    other = small_flow(live_server.fresh_target(seed=24))
    assert other[0] != first[0], "another seed gives another password"
