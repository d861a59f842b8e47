"""Files and emails the sandbox sends: its own record is the truth.

S3 and SES receive copies through the ports; reports and the control API
read the record, so a fault on the copy never hides what was produced.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.engine.clock import iso_millis
from simulator.service.ports import FilePort, MailPort

SENDER = "no-reply@sandbox.bakkt.test"


@dataclass(frozen=True)
class StoredFile:
    client: str
    bucket: str
    key: str
    body: bytes
    written_ns: int

    def to_api(self) -> dict[str, Any]:
        return {"key": self.key, "size": len(self.body), "writtenAt": iso_millis(self.written_ns)}


@dataclass(frozen=True)
class Email:
    client: str
    to: str
    subject: str
    body: str
    sent_ns: int

    def to_api(self) -> dict[str, Any]:
        return {"to": self.to, "subject": self.subject, "body": self.body, "sentAt": iso_millis(self.sent_ns)}


class FileStore:
    def __init__(self, port: FilePort) -> None:
        self._port = port
        self._files: dict[tuple[str, str], StoredFile] = {}

    def write(self, client: str, bucket: str, key: str, body: bytes, now_ns: int) -> None:
        self._files[(client, key)] = StoredFile(client, bucket, key, body, now_ns)
        self._port.put(bucket, key, body)

    def list(self, client: str | None = None) -> list[StoredFile]:
        return [f for (owner, _), f in sorted(self._files.items()) if client is None or owner == client]


class MailJournal:
    def __init__(self, port: MailPort) -> None:
        self._port = port
        self.sent: list[Email] = []

    def send(self, client: str, to: str, subject: str, body: str, now_ns: int) -> None:
        self.sent.append(Email(client, to, subject, body, now_ns))
        self._port.send(SENDER, to, subject, body)

    def list(self, client: str | None = None, to: str | None = None) -> list[Email]:
        return [m for m in self.sent if (client is None or m.client == client) and (to is None or m.to == to)]
