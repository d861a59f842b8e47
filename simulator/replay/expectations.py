"""The final `expect` block: events, files and emails the run must have produced.

Each check reads the sandbox's own records (journal, file store, mail
journal), which are the truth whatever happened to the SQS/S3/SES copies.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from simulator.replay.matching import matches, mismatches, show
from simulator.replay.outcome import Failure
from simulator.replay.scenario import EmailExpect, EventExpect, Expectations, FileExpect
from simulator.replay.substitution import Substitution
from simulator.service.journal import JournalEntry
from simulator.service.outputs import Email, StoredFile

LISTED = 10


def count_holds(count: int | None, found: int) -> bool:
    """`count` is exact; without it at least one must be found."""
    return found >= 1 if count is None else found == count


def wanted(count: int | None, noun: str) -> str:
    if count is None:
        return f"at least 1 {noun}"
    return f"exactly {count} {noun}{'' if count == 1 else 's'}"


def listing(names: Sequence[str]) -> str:
    shown = ", ".join(names[:LISTED]) or "none"
    return shown + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")


Envelope = tuple[JournalEntry, dict[str, Any]]
"""A journal entry with its envelope parsed once for every check."""


def check_event(expect: EventExpect, envelopes: Sequence[Envelope], resolve: Substitution) -> Failure | None:
    pattern = resolve(dict(expect.match))
    kind = expect.event_type or "any type"
    candidates = [
        (entry, envelope)
        for entry, envelope in envelopes
        if entry.client == expect.client and (expect.event_type is None or entry.event_type == expect.event_type)
    ]
    found = sum(1 for _, envelope in candidates if matches(pattern, envelope["payload"]))
    if count_holds(expect.count, found):
        return None
    described = f"{wanted(expect.count, 'event')} of {expect.client} ({kind}) matching {show(pattern)}"
    lines = [f"{described}, found {found} among {len(candidates)}"]
    if found == 0 and candidates:
        entry, envelope = min(candidates, key=lambda pair: len(mismatches(pattern, pair[1]["payload"])))
        lines.append(f"closest is event seq {entry.seq}:")
        lines.extend(f"  {m}" for m in mismatches(pattern, envelope["payload"], "payload"))
    return Failure(f"expect.events[{expect.index}]", "\n".join(lines))


def first_difference(expected: str, actual: str) -> str:
    wanted_lines, actual_lines = expected.split("\n"), actual.split("\n")
    for number, (want, got) in enumerate(zip(wanted_lines, actual_lines, strict=False), start=1):
        if want != got:
            return f"line {number}: expected {show(want)}, actual {show(got)}"
    return f"expected {len(wanted_lines)} lines, actual {len(actual_lines)}"


def check_file(expect: FileExpect, files: Sequence[StoredFile], resolve: Substitution) -> Failure | None:
    where = f"expect.files[{expect.index}]"
    key = resolve(expect.key)
    owned = {stored.key: stored for stored in files if stored.client == expect.client}
    stored = owned.get(key)
    if stored is None:
        return Failure(where, f"no file {key} for {expect.client}; its files: {listing(sorted(owned))}")
    text = stored.body.decode("utf-8", errors="replace")
    problems = [f"{key} does not contain {show(part)}" for part in resolve(list(expect.contains)) if part not in text]
    if expect.equals is not None:
        equals = resolve(expect.equals)
        if text != equals:
            problems.append(f"{key} differs, {first_difference(equals, text)}")
    return Failure(where, "\n".join(problems)) if problems else None


def check_email(expect: EmailExpect, emails: Sequence[Email], resolve: Substitution) -> Failure | None:
    to = resolve(expect.to)
    subject = resolve(expect.subject_contains)
    mine = [mail for mail in emails if mail.client == expect.client and (to is None or mail.to == to)]
    found = sum(1 for mail in mine if subject is None or subject in mail.subject)
    if count_holds(expect.count, found):
        return None
    described = f"{wanted(expect.count, 'email')} of {expect.client} to {to or 'anyone'}"
    if subject is not None:
        described += f" with a subject containing {show(subject)}"
    subjects = listing([f"{mail.subject} (to {mail.to})" for mail in mine])
    return Failure(f"expect.emails[{expect.index}]", f"{described}, found {found}; subjects sent: {subjects}")


def check_expectations(
    expect: Expectations,
    resolve: Substitution,
    events: Sequence[JournalEntry],
    files: Sequence[StoredFile],
    emails: Sequence[Email],
) -> list[Failure]:
    envelopes = [(entry, json.loads(entry.envelope)) for entry in events]
    results = [
        *(check_event(item, envelopes, resolve) for item in expect.events),
        *(check_file(item, files, resolve) for item in expect.files),
        *(check_email(item, emails, resolve) for item in expect.emails),
    ]
    return [failure for failure in results if failure is not None]
