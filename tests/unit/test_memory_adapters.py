"""The in-memory S3, SQS and SES keep the ports' contract (service/ports.py) as the moto adapters do."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from simulator.adapters.memory import MemoryAws
from simulator.engine.clock import parse_instant

NOON = parse_instant("2026-03-02T12:00:00Z")


def envelope(message_id: str) -> str:
    return json.dumps({"event_type": "order/1", "message_id": message_id, "payload": {}, "timestamp": "t"})


def test_a_put_into_a_bucket_that_is_gone_makes_it_again() -> None:
    aws = MemoryAws()
    bucket = aws.files.create_bucket("acme")
    aws.clear()
    aws.files.put(bucket, "b.csv", b"2", NOON)
    aws.files.put(bucket, "a.csv", b"1", NOON + 1_000)
    assert bucket == "bakkt-sandbox-acme"
    assert [(f.key, f.body) for f in aws.files.objects(bucket)] == [("a.csv", b"1"), ("b.csv", b"2")]
    assert aws.files.objects(bucket)[1].last_modified == datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_a_put_replaces_the_object_of_its_key() -> None:
    aws = MemoryAws()
    bucket = aws.files.create_bucket("acme")
    aws.files.put(bucket, "a.csv", b"old", NOON)
    aws.files.put(bucket, "a.csv", b"new", NOON + 5)
    assert [(f.body, f.modified_ns) for f in aws.files.objects(bucket)] == [(b"new", NOON + 5)]


def test_a_publish_to_a_queue_that_is_gone_makes_it_again_and_keeps_the_order() -> None:
    aws = MemoryAws()
    url = aws.queues.create_queue("acme")
    aws.clear()
    aws.queues.publish(url, [envelope("1"), envelope("2")])
    aws.queues.publish(url, [envelope("3")])
    assert url == "https://sqs.us-east-1.amazonaws.com/123456789012/bakkt-sandbox-acme-events"
    assert aws.queues.create_queue("acme") == url
    assert [json.loads(body)["message_id"] for body in aws.queues.messages(url)] == ["1", "2", "3"]


def test_taking_deletes_and_tells_the_watcher_each_message_id() -> None:
    aws = MemoryAws()
    deleted: list[str] = []
    aws.queues.watch_deletions(deleted.append)
    url = aws.queues.create_queue("acme")
    aws.queues.publish(url, [envelope("1"), envelope("1"), envelope("2")])
    assert len(aws.queues.take(url)) == 3
    assert deleted == ["1", "1", "2"]
    assert aws.queues.messages(url) == aws.queues.take(url) == []
    assert deleted == ["1", "1", "2"]


def test_sent_emails_keep_their_order_and_filter_by_recipient() -> None:
    aws = MemoryAws()
    aws.mail.send("from@x.test", "a@x.test", "one", "1")
    aws.mail.send("from@x.test", "b@x.test", "two", "2")
    aws.mail.send("from@x.test", "a@x.test", "three", "3")
    assert [m.subject for m in aws.mail.sent()] == ["one", "two", "three"]
    assert [m.subject for m in aws.mail.sent(to="a@x.test")] == ["one", "three"]
    aws.clear()
    assert aws.mail.sent() == []


def test_two_stores_share_nothing() -> None:
    first, second = MemoryAws(), MemoryAws()
    first.files.put(first.files.create_bucket("acme"), "a.csv", b"1", NOON)
    first.queues.publish(first.queues.create_queue("acme"), [envelope("1")])
    first.mail.send("from@x.test", "a@x.test", "one", "1")
    assert second.files.objects("bakkt-sandbox-acme") == []
    assert second.queues.messages(second.queues.create_queue("acme")) == []
    assert second.mail.sent() == []
