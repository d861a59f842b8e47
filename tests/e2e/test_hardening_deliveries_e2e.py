"""Deliveries on a real `serve`: a purge holds across a restart, and a client's odd
AWS calls (deleting its bucket) break no cutoff (CONTRACT 15)."""
from __future__ import annotations

from pathlib import Path

from e2e_target import CUTOFF, Client, start_server, uid

SUMMARY = "eod_settlement/2026-03-02settlement_summary.csv"
CUTOFF_MILLIS = "2026-03-02T15:00:00.000Z"


def test_a_purged_queue_stays_empty_after_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "purge.db")
    first = start_server("--clock", "manual", "--db", db)
    try:
        qa = first.target().provision("qa")
        qa.open_batch(uid("purged-1"))
        qa.open_batch(uid("purged-2"))
        assert len(qa.receive_messages(2)) == 2, "both events reached the queue"
        qa.target.aws("sqs").purge_queue(QueueUrl=qa.queue_url)
    finally:
        first.kill()
    second = start_server("--clock", "manual", "--db", db)
    try:
        target = second.target()
        assert len(target.journal("qa")) == 2, "the journal still holds both events"
        name = qa.queue_url.rsplit("/", 1)[-1]
        queue_url = target.aws("sqs").get_queue_url(QueueName=name)["QueueUrl"]
        assert Client(target, {**qa.provisioning, "queueUrl": queue_url}, qa.token).queue_is_empty()
    finally:
        assert second.stop() == 0, second.stderr_text()


def test_a_bucket_deleted_through_the_aws_endpoint_breaks_no_cutoff() -> None:
    server = start_server("--clock", "manual")
    try:
        target = server.target()
        acme = target.provision("acme")
        beta = target.provision("beta")
        target.aws("s3").delete_bucket(Bucket=acme.bucket)
        assert target.advance(to=CUTOFF)["now"] == CUTOFF_MILLIS
        assert "Net Settlement,0.00" in acme.s3_text(SUMMARY)
        assert "Net Settlement,0.00" in beta.s3_text(SUMMARY)
        assert target.advance(seconds=1)["now"] == "2026-03-02T15:00:01.000Z"
    finally:
        assert server.stop() == 0, server.stderr_text()
