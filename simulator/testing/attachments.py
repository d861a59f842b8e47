"""What a scenario leaves behind for the BDD reports: its events and its S3 files.

The layout inside a scenario's folder is the replay report's (`events.jsonl`
with one `GET /sandbox/v1/events` entry a line, `files/<client>/<key>`), so
a reader who knows one knows the other. Every byte is a function of the
scenario and its seed.
"""
from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator import Sandbox

EVENTS = "events.jsonl"
FILES = "files"
MIME_TYPES = {".jsonl": "application/x-ndjson", ".csv": "text/csv"}
"""Suffixes Python's table lacks or answers differently on different machines."""
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
LONGEST_NAME = 100


@dataclass(frozen=True)
class Attachment:
    """One file attached to a scenario; `name` is its path inside the scenario's folder."""

    name: str
    body: bytes

    @property
    def mime_type(self) -> str:
        suffix = PurePosixPath(self.name).suffix.lower()
        return MIME_TYPES.get(suffix) or mimetypes.guess_type(self.name)[0] or "application/octet-stream"

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class ScenarioAttachments:
    """A scenario's attachments and the folder, relative to the report folder, that holds them."""

    folder: PurePosixPath
    attachments: tuple[Attachment, ...]

    def path_of(self, name: str) -> str:
        return (self.folder / name).as_posix()

    def write(self, report_dir: Path) -> None:
        for attachment in self.attachments:
            target = report_dir / self.path_of(attachment.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(attachment.body)


def sandbox_outputs(sandbox: Sandbox) -> tuple[Attachment, ...]:
    """The events the sandbox published, in journal order, then its S3 files by client and key."""
    from simulator.replay.report import json_lines, object_path  # the replay engine, once a scenario has outputs

    core = sandbox.core
    events = json_lines(entry.to_api() for entry in core.journal.entries)
    files = (
        Attachment(object_path(Path(FILES), stored.client, stored.key).as_posix(), stored.body)
        for stored in core.files.list()
    )
    return (Attachment(EVENTS, events.encode("utf-8")), *files)


def scenario_folder(root: str, nodeid: str) -> PurePosixPath:
    """`root/<module path>/<test name>`: the node id's parts as folders, readable and distinct.

    A part that needs characters replaced to be a safe folder name also gets a
    hash of the original, so two tests never share a folder whatever order
    they run in.
    """
    path, *names = nodeid.split("::")
    parts = ["_" if part in ("/", "..") else part for part in PurePosixPath(path).parts]
    return PurePosixPath(root, *parts, *(safe_name(name) for name in names))


def safe_name(name: str) -> str:
    cleaned = UNSAFE.sub("_", name)[:LONGEST_NAME]
    if cleaned == name:
        return name
    return f"{cleaned}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"
