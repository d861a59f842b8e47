"""The report folder of a replay (CONTRACT section 14), report.html included.

Everything but `run-info.json` is a function of the scenario and the seed:
JSON is written with sorted keys, lists keep journal, sending or key order,
and emails carry the simulated send time as their Date. Two replays with the
same seed therefore give byte-identical folders apart from run-info.json,
which holds the wall-clock durations.
"""
from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from functools import lru_cache
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path, PurePosixPath
from typing import Any

from simulator.engine.clock import to_datetime
from simulator.replay.outcome import RunResult
from simulator.service.outputs import SENDER, Email

REPORT_FORMAT = 1
SUMMARY = "summary.json"
RUN_INFO = "run-info.json"
PAGE = "report.html"


class ReportDirError(Exception):
    """The output folder cannot be used for a report."""


def check_out_dir(out: Path) -> None:
    """Refuse a folder that would lose data when cleared.

    A report folder is cleared before writing, so only a missing folder, an
    empty one, or one holding a previous report (it has a summary.json) is
    accepted: `--out .` must never wipe a checkout.
    """
    if not out.exists():
        return
    if not out.is_dir():
        raise ReportDirError(f"{out} exists and is not a folder")
    if any(out.iterdir()) and not (out / SUMMARY).is_file():
        raise ReportDirError(f"{out} is not empty and holds no {SUMMARY}; refusing to clear it (pick another --out)")


def dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def json_lines(values: Iterable[Any]) -> str:
    """JSON Lines: one sorted-key document a line."""
    return "".join(dump(value) + "\n" for value in values)


def write_lines(path: Path, values: Iterable[Any]) -> None:
    path.write_text(json_lines(values), encoding="utf-8")


def summary(result: RunResult) -> dict[str, Any]:
    return {
        "format_version": REPORT_FORMAT,
        "scenario": result.scenario,
        "seed": result.seed,
        "passed": result.passed,
        "failures": [failure.to_json() for failure in result.failures],
        "counts": {
            "requests": len(result.requests),
            "events": len(result.events),
            "files": len(result.files),
            "emails": len(result.emails),
        },
    }


def object_path(root: Path, client: str, key: str) -> Path:
    """Where an S3 object goes: files/<client>/<key>, its slashes as folders."""
    parts = PurePosixPath(key).parts
    if not parts or PurePosixPath(key).is_absolute() or ".." in parts:
        raise ReportDirError(f"S3 key {key!r} of {client} cannot be written as a file")
    return root.joinpath(client, *parts)


class RepeatedHeaders(HeaderRegistry):
    """The standard header classes, each (name, value) parsed once.

    Parsing dominates rendering an email, and a replay's emails repeat the
    sender, each investor's address, the content headers and the send
    instants; the parsed headers are immutable, so sharing them is safe.
    """

    @lru_cache(maxsize=4096)
    def __call__(self, name: str, value: Any) -> BaseHeader:
        return super().__call__(name, value)


EMAIL_POLICY = SMTP.clone(header_factory=RepeatedHeaders())


def render_email(mail: Email) -> bytes:
    """An RFC 822 message; the Date is the simulated send time, no Message-ID."""
    message = EmailMessage(policy=EMAIL_POLICY)
    message["From"] = SENDER
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(to_datetime(mail.sent_ns))
    message.set_content(mail.body)
    return message.as_bytes()


def write_page(path: Path, result: RunResult) -> None:
    """report.html; its charts need matplotlib, imported only when a report is written."""
    from simulator.replay.html import render_page

    path.write_text(render_page(result), encoding="utf-8")


def write_report(result: RunResult, out: Path) -> None:
    """Clear `out` (see check_out_dir) and write the whole report into it."""
    check_out_dir(out)
    if out.exists():
        shutil.rmtree(out)
    files_dir, emails_dir = out / "files", out / "emails"
    files_dir.mkdir(parents=True)
    emails_dir.mkdir()
    write_json(out / SUMMARY, summary(result))
    write_lines(out / "events.jsonl", (entry.to_api() for entry in result.events))
    write_lines(out / "requests.jsonl", (record.to_json() for record in result.requests))
    for stored in result.files:
        target = object_path(files_dir, stored.client, stored.key)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(stored.body)
    for number, mail in enumerate(result.emails, start=1):
        (emails_dir / f"{number:04d}-{mail.client}.eml").write_bytes(render_email(mail))
    write_json(
        out / RUN_INFO,
        {
            "format_version": REPORT_FORMAT,
            "source": result.source,
            "durations_seconds": {phase: round(seconds, 6) for phase, seconds in result.durations.items()},
        },
    )
    write_page(out / PAGE, result)  # last: should drawing fail, every other file is there
