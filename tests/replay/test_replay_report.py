"""The report writer and the file and email expectations, on recorded outputs.

These use a hand-made RunResult, so they pin the format of files/ and
emails/ and the file/email checks whatever the sandbox produces today.
"""
from __future__ import annotations

import email
import json
from email.policy import default
from pathlib import Path

import pytest

from simulator.engine.clock import parse_instant
from simulator.market.quotes import Market
from simulator.replay.expectations import check_expectations
from simulator.replay.outcome import Failure, RequestRecord, RunResult
from simulator.replay.report import ReportDirError, write_report
from simulator.replay.scenario import EmailExpect, Expectations, FileExpect
from simulator.replay.substitution import Substitution
from simulator.service.journal import JournalEntry
from simulator.service.outputs import Email, StoredFile

SUMMARY_KEY = "eod_settlement/2026-03-03settlement_summary.csv"
SENT = parse_instant("2026-03-03T15:00:00.250Z")
FILES = (StoredFile("acme", "bakkt-sandbox-acme", SUMMARY_KEY, b"From,x\nNet Settlement,12.50\n", SENT),)
EMAILS = (
    Email("acme", "finance@acme.test", "Net settlement 2026-03-03", "Net Settlement,12.50\n", SENT),
    Email("acme", "ann@example.test", "Trade confirmation: BUY BTC", "You bought 0.001 BTC.\n", SENT),
)
ENVELOPE = '{"event_type":"allocation/batch/1","message_id":"m","payload":{"status":"OPEN"},"timestamp":"t"}'


def result(files: tuple[StoredFile, ...] = FILES, failures: tuple[Failure, ...] = ()) -> RunResult:
    return RunResult(
        scenario="made-up",
        source="made-up.yaml",
        seed=3,
        requests=(RequestRecord("steps[0]", 0, "GET", "/p", {}, None, 200, {"ok": True}),),
        events=(JournalEntry(1, "acme", "allocation/batch/1", "m", ENVELOPE),),
        files=files,
        emails=EMAILS,
        failures=failures,
        market=Market(3, SENT),
        start_ns=SENT,
        end_ns=SENT + 3_600 * 10**9,
        durations={"total": 0.5},
    )


def test_the_report_holds_every_output(tmp_path: Path) -> None:
    write_report(result(failures=(Failure("steps[0].expect", "status: expected 201, actual 200"),)), tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary == {
        "format_version": 1,
        "scenario": "made-up",
        "seed": 3,
        "passed": False,
        "failures": [{"where": "steps[0].expect", "message": "status: expected 201, actual 200"}],
        "counts": {"requests": 1, "events": 1, "files": 1, "emails": 2},
    }
    [event] = (tmp_path / "events.jsonl").read_text().splitlines()
    assert json.loads(event) == {"seq": 1, "client": "acme", "event": json.loads(ENVELOPE)}
    [request] = (tmp_path / "requests.jsonl").read_text().splitlines()
    assert json.loads(request)["response"] == {"ok": True}
    assert (tmp_path / "files" / "acme" / SUMMARY_KEY).read_bytes() == FILES[0].body
    assert json.loads((tmp_path / "run-info.json").read_text())["durations_seconds"] == {"total": 0.5}


def test_each_email_is_an_eml_dated_at_its_simulated_send_time(tmp_path: Path) -> None:
    write_report(result(), tmp_path)
    assert sorted(path.name for path in (tmp_path / "emails").iterdir()) == ["0001-acme.eml", "0002-acme.eml"]
    raw = (tmp_path / "emails" / "0002-acme.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=default)
    assert message["From"] == "no-reply@sandbox.bakkt.test"
    assert message["To"] == "ann@example.test"
    assert message["Subject"] == "Trade confirmation: BUY BTC"
    assert b"\r\nDate: Tue, 03 Mar 2026 15:00:00 +0000\r\n" in raw
    assert parse_instant(message["Date"].datetime) == SENT - 250_000_000
    assert message["Message-ID"] is None
    assert message.get_content().splitlines() == ["You bought 0.001 BTC."]


def test_an_object_key_that_would_escape_the_folder_is_refused(tmp_path: Path) -> None:
    escaping = StoredFile("acme", "bucket", "../../outside.csv", b"x", SENT)
    with pytest.raises(ReportDirError, match="cannot be written as a file"):
        write_report(result(files=(escaping,)), tmp_path / "report")
    assert not (tmp_path / "outside.csv").exists()


def check(expect: Expectations) -> list[str]:
    failures = check_expectations(expect, Substitution(3), (), FILES, EMAILS)
    return [f"{failure.where}: {failure.message}" for failure in failures]


def test_file_expectations_check_presence_substrings_and_equality() -> None:
    assert check(Expectations(files=(FileExpect(0, "acme", SUMMARY_KEY, ("Net Settlement,12.50",), None),))) == []
    assert check(
        Expectations(
            files=(
                FileExpect(0, "acme", SUMMARY_KEY, ("Net Settlement,0.00", "From,x"), "From,x\nNet Settlement,0.00\n"),
                FileExpect(1, "acme", "eod_settlement/2026-03-04settlement_summary.csv", (), None),
            )
        )
    ) == [
        (
            f'expect.files[0]: {SUMMARY_KEY} does not contain "Net Settlement,0.00"\n'
            f'{SUMMARY_KEY} differs, line 2: expected "Net Settlement,0.00", actual "Net Settlement,12.50"'
        ),
        f"expect.files[1]: no file eod_settlement/2026-03-04settlement_summary.csv for acme; its files: {SUMMARY_KEY}",
    ]


def test_email_expectations_count_by_recipient_and_subject() -> None:
    assert check(Expectations(emails=(EmailExpect(0, "acme", None, "Trade confirmation", 1),))) == []
    assert check(Expectations(emails=(EmailExpect(0, "acme", "finance@acme.test", None, None),))) == []
    [failure] = check(Expectations(emails=(EmailExpect(3, "acme", "ann@example.test", "Net settlement", None),)))
    assert failure == (
        'expect.emails[3]: at least 1 email of acme to ann@example.test with a subject containing "Net settlement", '
        "found 0; subjects sent: Trade confirmation: BUY BTC (to ann@example.test)"
    )
    [counted] = check(Expectations(emails=(EmailExpect(0, "acme", None, None, 1),)))
    assert counted.startswith("expect.emails[0]: exactly 1 email of acme to anyone, found 2;")
