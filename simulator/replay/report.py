"""The report folder of a replay (CONTRACT section 14), report.html included.

Everything but `run-info.json` is a function of the scenario and the seed:
JSON is written with sorted keys, lists keep journal, sending or key order,
and emails carry the simulated send time as their Date. Two replays with the
same seed therefore give byte-identical folders apart from run-info.json,
which holds the wall-clock durations.

Whatever a client sent, the writer never crashes: text that UTF-8 cannot
hold (a lone surrogate, which JSON's `\ud800` escape can carry) is written as
that escape, and an email the email package refuses to write is left out,
and the run fails saying why (see `email_failures`).
"""
from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from simulator.engine.clock import to_datetime
from simulator.replay.outcome import Failure, RunResult
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


def write_text(path: Path, text: str) -> None:
    """UTF-8, with each lone surrogate as its backslash escape: the JSON escape it
    arrived as, inside JSON strings (the only place one can be), and readable text
    in the page. Any other text is written byte for byte as before."""
    path.write_text(text, encoding="utf-8", errors="backslashreplace")


def write_json(path: Path, value: Any) -> None:
    write_text(path, json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2) + "\n")


def json_lines(values: Iterable[Any]) -> str:
    """JSON Lines: one sorted-key document a line."""
    return "".join(dump(value) + "\n" for value in values)


def write_lines(path: Path, values: Iterable[Any]) -> None:
    write_text(path, json_lines(values))


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

    def __init__(self) -> None:
        super().__init__()
        self._parsed = lru_cache(maxsize=4096)(super().__call__)
        """The cache belongs to the registry, so it goes when the registry does."""

    def __call__(self, name: str, value: Any) -> BaseHeader:
        return self._parsed(name, value)


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


def rendered_emails(emails: Iterable[Email]) -> Iterator[tuple[str, bytes | str]]:
    """Each email's file name under emails/, with its bytes or why it has none.

    The email package refuses a header holding a line break (the address or
    subject would add headers of its own) and text holding a lone surrogate.
    No mail system would send such an email, so it gets no file.
    """
    for number, mail in enumerate(emails, start=1):
        name = f"{number:04d}-{mail.client}.eml"
        try:
            yield name, render_email(mail)
        except ValueError as exc:
            yield name, f"the email to {mail.to!r} cannot be written: {exc}"


def email_failures(emails: Iterable[Email]) -> list[Failure]:
    """A failure of the run for each email the report cannot hold."""
    return [Failure(f"emails/{name}", eml) for name, eml in rendered_emails(emails) if isinstance(eml, str)]


def write_page(path: Path, result: RunResult) -> None:
    """report.html; its charts need matplotlib, imported only when a report is written."""
    from simulator.replay.html import render_page

    write_text(path, render_page(result))


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
    for name, eml in rendered_emails(result.emails):
        if isinstance(eml, bytes):  # the others are failures of the run already
            (emails_dir / name).write_bytes(eml)
    write_json(
        out / RUN_INFO,
        {
            "format_version": REPORT_FORMAT,
            "source": result.source,
            "durations_seconds": {phase: round(seconds, 6) for phase, seconds in result.durations.items()},
        },
    )
    write_page(out / PAGE, result)  # last: should drawing fail, every other file is there
