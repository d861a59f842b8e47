"""Faults in deliveries never break the world (CONTRACT 15, "Outbound copies").

The sandbox's records are the truth; S3, SQS and SES are copies. A client
deleting its bucket or queue, a reset of the embedded AWS, an `s3.failPuts`
fault or a failing scheduled job must leave the clock honest, the records
whole, and every other client untouched.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
import requests
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from sandbox_session import (
    REGION,
    Client,
    advance,
    connect,
    control,
    drain_queue,
    expect,
    list_emails,
    list_files,
    s3_text,
    uid,
)

from simulator import Sandbox
from simulator.service import settlement
from simulator.service.core import SandboxCore
from simulator.service.state import ClientRecord

START = "2026-03-02T14:00:00Z"
"""08:00 CT on a Monday: the first cutoff is an hour away."""
AFTER_CUTOFF = "2026-03-02T15:00:00Z"
SUMMARY = "eod_settlement/2026-03-02settlement_summary.csv"
DETAIL = "eod_settlement/2026-03-02settlement_detail.csv"
MOTO_RESET = "http://motoapi.amazonaws.com/moto-api/reset"


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=11, start=START) as sandbox:
        yield sandbox


def two_clients(sb: Sandbox) -> tuple[Client, Client]:
    acme = connect(sb, "acme", financeEmails=["finance@acme.test"])
    beta = connect(sb, "beta", financeEmails=["finance@beta.test"])
    return acme, beta


def bucket_keys(bucket: str) -> set[str]:
    listing = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def files_by_key(sb: Sandbox, client_id: str) -> dict[str, dict[str, object]]:
    return {row["key"]: row for row in list_files(sb, client_id)}


def test_a_client_deleting_its_bucket_breaks_nothing_and_the_bucket_comes_back(sb: Sandbox) -> None:
    acme, beta = two_clients(sb)
    boto3.client("s3", region_name=REGION).delete_bucket(Bucket=acme.provisioning["bucket"])

    answer = advance(sb, to=AFTER_CUTOFF)

    assert answer["now"] == "2026-03-02T15:00:00.000Z"
    for client in (acme, beta):
        files = files_by_key(sb, client.client_id)
        assert {SUMMARY, DETAIL} <= set(files)
        assert all(row["delivered"] is True for row in files.values())
        assert {SUMMARY, DETAIL} <= bucket_keys(client.provisioning["bucket"])
        assert [m["subject"] for m in list_emails(sb, client.client_id)] == ["Net settlement 2026-03-02"]


def test_the_clock_stays_honest_after_a_delivery_failure(sb: Sandbox) -> None:
    acme, _ = two_clients(sb)
    boto3.client("s3", region_name=REGION).delete_bucket(Bucket=acme.provisioning["bucket"])
    advance(sb, to=AFTER_CUTOFF)
    later = advance(sb, seconds=60)
    assert later["now"] == "2026-03-02T15:01:00.000Z"
    assert expect(control(sb, "GET", "/clock"), 200)["now"] == "2026-03-02T15:01:00.000Z"


def test_a_reset_of_the_embedded_aws_is_survived(sb: Sandbox) -> None:
    acme, beta = two_clients(sb)
    requests.post(MOTO_RESET, timeout=10).raise_for_status()

    assert advance(sb, to=AFTER_CUTOFF)["now"] == "2026-03-02T15:00:00.000Z"
    assert {SUMMARY, DETAIL} <= bucket_keys(acme.provisioning["bucket"])
    assert "Net Settlement,0.00" in s3_text(beta.provisioning["bucket"], SUMMARY)
    acme.open_batch(uid("after-reset"))
    assert [body["payload"]["status"] for body in drain_queue(acme.queue_url)] == ["OPEN"]


def test_fail_puts_makes_the_next_uploads_fail_and_they_arrive_five_minutes_later(sb: Sandbox) -> None:
    acme = connect(sb, "acme")
    faults = expect(control(sb, "POST", "/faults", {"s3": {"failPuts": 2}}), 200)
    assert faults["s3"] == {"failPuts": 2}

    advance(sb, to=AFTER_CUTOFF)

    files = files_by_key(sb, "acme")
    assert files[SUMMARY]["delivered"] is False and files[DETAIL]["delivered"] is False
    assert bucket_keys(acme.provisioning["bucket"]) == set()
    assert expect(control(sb, "POST", "/faults", {}), 200)["s3"] == {"failPuts": 0}

    advance(sb, seconds=299)
    assert bucket_keys(acme.provisioning["bucket"]) == set(), "not before five simulated minutes"
    advance(sb, seconds=1)
    assert {SUMMARY, DETAIL} <= bucket_keys(acme.provisioning["bucket"])
    assert all(row["delivered"] is True for row in list_files(sb, "acme"))
    head = boto3.client("s3", region_name=REGION).head_object(Bucket=acme.provisioning["bucket"], Key=SUMMARY)
    assert head["LastModified"] == datetime(2026, 3, 2, 15, 5, tzinfo=UTC), "it landed late, at the retry"


def test_an_upload_failing_again_is_retried_until_it_lands(sb: Sandbox) -> None:
    acme = connect(sb, "acme")
    expect(control(sb, "POST", "/faults", {"s3": {"failPuts": 4}}), 200)
    advance(sb, to=AFTER_CUTOFF)
    advance(sb, seconds=300)
    assert bucket_keys(acme.provisioning["bucket"]) == set(), "the first retries failed too"
    advance(sb, seconds=300)
    assert {SUMMARY, DETAIL} <= bucket_keys(acme.provisioning["bucket"])


def test_last_modified_is_the_simulated_instant_of_the_write(sb: Sandbox) -> None:
    acme = connect(sb, "acme")
    advance(sb, to=AFTER_CUTOFF)
    head = boto3.client("s3", region_name=REGION).head_object(Bucket=acme.provisioning["bucket"], Key=DETAIL)
    assert head["LastModified"] == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def test_one_clients_failing_job_leaves_the_others_alone(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    two_clients(sb)
    original = settlement.settle_client

    def broken_for_acme(core: SandboxCore, client: ClientRecord, end_ns: int) -> None:
        if client.client_id == "acme":
            raise RuntimeError("a bug in acme's cutoff")
        original(core, client, end_ns)

    monkeypatch.setattr(settlement, "settle_client", broken_for_acme)
    assert advance(sb, to=AFTER_CUTOFF)["now"] == "2026-03-02T15:00:00.000Z"
    assert {SUMMARY, DETAIL} <= set(files_by_key(sb, "beta"))
    assert files_by_key(sb, "acme") == {}
    assert advance(sb, seconds=1)["now"] == "2026-03-02T15:00:01.000Z"


def test_a_deleted_queue_is_created_again_by_the_next_event(sb: Sandbox) -> None:
    acme, beta = two_clients(sb)
    boto3.client("sqs", region_name=REGION).delete_queue(QueueUrl=acme.queue_url)
    acme.open_batch(uid("b1"))
    beta.open_batch(uid("b2"))
    assert [body["payload"]["status"] for body in drain_queue(acme.queue_url)] == ["OPEN"]
    assert [body["payload"]["status"] for body in drain_queue(beta.queue_url)] == ["OPEN"]


def test_a_queue_created_again_by_the_client_gets_the_next_events(sb: Sandbox) -> None:
    acme = connect(sb, "acme")
    acme.open_batch(uid("b1"))
    sqs = boto3.client("sqs", region_name=REGION)
    name = acme.queue_url.rsplit("/", 1)[1]
    sqs.delete_queue(QueueUrl=acme.queue_url)
    assert sqs.create_queue(QueueName=name)["QueueUrl"] == acme.queue_url
    acme.open_batch(uid("b2"))
    assert [body["payload"]["request"]["batchTransactionId"] for body in drain_queue(acme.queue_url)] == [uid("b2")]


def test_reset_clears_the_embedded_ses(sb: Sandbox) -> None:
    connect(sb, "acme", financeEmails=["finance@acme.test"])
    advance(sb, to=AFTER_CUTOFF)
    ses = boto3.client("ses", region_name=REGION)
    assert ses.get_send_statistics()["SendDataPoints"][0]["DeliveryAttempts"] == 1
    expect(control(sb, "POST", "/reset", {}), 200)
    statistics = ses.get_send_statistics()["SendDataPoints"]
    assert not statistics or statistics[0]["DeliveryAttempts"] == 0
    assert ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages == []


def test_an_ses_reset_forgetting_the_sender_is_survived(sb: Sandbox) -> None:
    connect(sb, "acme", financeEmails=["finance@acme.test"])
    requests.post(MOTO_RESET, timeout=10).raise_for_status()
    advance(sb, to=AFTER_CUTOFF)
    sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    assert [message.subject for message in sent] == ["Net settlement 2026-03-02"]

