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
import os
import re
import shutil
from collections.abc import Iterable
from email.contentmanager import _encode_text  # type: ignore[attr-defined]  # see plain_email
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from simulator.engine.clock import parse_instant, to_datetime
from simulator.replay.outcome import Failure, RunResult
from simulator.service.outputs import SENDER, Email

REPORT_FORMAT = 1
SUMMARY = "summary.json"
RUN_INFO = "run-info.json"
PAGE = "report.html"


class ReportDirError(Exception):
    """The output folder cannot be used for a report."""


def check_out_dir(out: Path, marker: str = SUMMARY) -> None:
    """Refuse a folder that would lose data when cleared.

    A report folder is cleared before writing, so only a missing folder, an
    empty one, or one holding a previous report (it has the `marker` file,
    summary.json for a replay) is accepted: `--out .` must never wipe a
    checkout.
    """
    if not out.exists():
        return
    if not out.is_dir():
        raise ReportDirError(f"{out} exists and is not a folder")
    if any(out.iterdir()) and not (out / marker).is_file():
        raise ReportDirError(f"{out} is not empty and holds no {marker}; refusing to clear it (pick another --out)")


def dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def write_text(path: Path, text: str) -> None:
    """UTF-8, with each lone surrogate as its backslash escape: the JSON escape it
    arrived as, inside JSON strings (the only place one can be), and readable text
    in the page. Any other text is written byte for byte as before."""
    path.write_text(text, encoding="utf-8", errors="backslashreplace")


NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
"""Path.write_bytes's flags; O_BINARY keeps Windows from translating line endings."""


def write_new_file(path: str, data: bytes) -> None:
    """Path.write_bytes without the pathlib and io layers between it and the system.

    They cost about 8 µs a file: 0.17 s for the 20,000 emails of the
    10,000-allocation replay of bench/replay.py, a tenth of its report.
    """
    descriptor = os.open(path, NEW_FILE, 0o666)
    try:
        unwritten = memoryview(data)
        while unwritten:  # a write may take part of the bytes only
            unwritten = unwritten[os.write(descriptor, unwritten) :]
    finally:
        os.close(descriptor)


def write_json(path: Path, value: Any) -> None:
    write_text(path, json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2) + "\n")


def json_lines(values: Iterable[Any]) -> str:
    """JSON Lines: one sorted-key document a line."""
    return "".join(dump(value) + "\n" for value in values)


def write_lines(path: Path, values: Iterable[Any]) -> None:
    write_text(path, json_lines(values))


def summary(result: RunResult) -> dict[str, Any]:
    options = {"options": dict(result.options)} if result.options else {}
    return {
        "format_version": REPORT_FORMAT,
        "scenario": result.scenario,
        "seed": result.seed,
        **options,
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


PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
"""An address of dot-separated words: the email package parses it and writes it back as it is."""
PLAIN_SUBJECT = re.compile(r"[!-~]+(?: [!-~]+)*")
"""Printable ASCII words with single spaces, written back as they are unless they hold `=?` (an encoded word)."""
HEADER_LINE = 78
"""The SMTP policy's max_line_length: the email package folds a longer header line."""
FOUR_DIGIT_YEARS_NS = parse_instant("1000-01-01T00:00:00Z")
"""The first instant of a four-digit year: the email package reads some earlier Dates back as other years (below 100 as 19xx or 20xx)."""
LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""What the email package's generator writes as CRLF in a body."""


def is_plain(mail: Email) -> bool:
    """Whether the email package would write the email's header lines as given.

    Plain: the To an address of PLAIN_ADDRESS, the subject PLAIN_SUBJECT
    without `=?`, both header lines at most HEADER_LINE characters, a send
    time with a four-digit year, an ASCII body (other text takes the
    package's 8bit path). The package then folds no header and encodes no
    word, so `plain_email` can write the email by template; the sandbox's
    own emails are all plain.
    """
    to, subject = mail.to, mail.subject
    return bool(
        PLAIN_ADDRESS.fullmatch(to)
        and len(f"To: {to}") <= HEADER_LINE
        and PLAIN_SUBJECT.fullmatch(subject)
        and "=?" not in subject
        and len(f"Subject: {subject}") <= HEADER_LINE
        and mail.sent_ns >= FOUR_DIGIT_YEARS_NS
        and mail.body.isascii()
    )


def render_email(mail: Email) -> bytes:
    """An RFC 822 message; the Date is the simulated send time, no Message-ID."""
    return plain_email(mail) if is_plain(mail) else package_email(mail)


def plain_email(mail: Email) -> bytes:
    """The bytes `package_email` gives a plain email (see is_plain), its header lines written by template.

    The body goes through the package's own text encoder, `_encode_text`
    (private: it is what set_content calls), which picks 7bit,
    quoted-printable or base64 and encodes, so the body is the package's
    whatever it holds. Parsing and folding the headers cost the package
    about 0.5 ms an email, 20,000 emails 10 s.
    tests/unit/test_report_perf_emails.py holds the two writers to the same
    bytes, on this Python and the next.
    """
    encoding: str
    payload: str
    encoding, payload = _encode_text(mail.body, "utf-8", None, SMTP)
    return (
        f"From: {SENDER}\r\nTo: {mail.to}\r\nSubject: {mail.subject}\r\nDate: {email_date(mail.sent_ns)}\r\n"
        f'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding}\r\nMIME-Version: 1.0\r\n'
        f"\r\n{LINE_BREAK.sub(SMTP.linesep, payload)}"
    ).encode("ascii")


def package_email(mail: Email) -> bytes:
    """The email as the email package writes it, whatever its parts hold."""
    message = EmailMessage(policy=SMTP)
    message["From"] = SENDER
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = email_date(mail.sent_ns)
    message.set_content(mail.body)
    return message.as_bytes()


@lru_cache(maxsize=1024)
def email_date(sent_ns: int) -> str:
    """The Date header's text, made once per instant: a batch's emails all share one."""
    return format_datetime(to_datetime(sent_ns))


def email_name(number: int, mail: Email) -> str:
    """The file name under emails/ of the `number`th email of the run."""
    return f"{number:04d}-{mail.client}.eml"


def rendered(mail: Email) -> bytes | str:
    """The email's bytes, or why it has none.

    The email package refuses a header holding a line break (the address or
    subject would add headers of its own) and text holding a lone surrogate.
    No mail system would send such an email, so it gets no file.
    """
    try:
        return render_email(mail)
    except ValueError as exc:
        return f"the email to {mail.to!r} cannot be written: {exc}"


def email_failures(emails: Iterable[Email]) -> list[Failure]:
    """A failure of the run for each email the report cannot hold.

    A plain email always can be written, so only the others are rendered to
    find out: the replay checks this before the report writes the emails.
    """
    return [
        Failure(f"emails/{email_name(number, mail)}", why)
        for number, mail in enumerate(emails, start=1)
        if not is_plain(mail) and isinstance(why := rendered(mail), str)
    ]


def write_page(path: Path, result: RunResult) -> None:
    """report.html; its charts need matplotlib, imported only when a report is written."""
    from simulator.replay.html.page import render_page

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
    for number, mail in enumerate(result.emails, start=1):
        eml = rendered(mail)
        if isinstance(eml, bytes):  # the others are failures of the run already
            write_new_file(os.path.join(emails_dir, email_name(number, mail)), eml)
    write_json(
        out / RUN_INFO,
        {
            "format_version": REPORT_FORMAT,
            "source": result.source,
            "durations_seconds": {phase: round(seconds, 6) for phase, seconds in result.durations.items()},
        },
    )
    write_page(out / PAGE, result)  # last: should drawing fail, every other file is there
