"""Reading events, files and emails through the service layer: what the control API and a replay's report show."""
from __future__ import annotations

from sandbox_session import Client, advance, connect, control, expect, uid

from simulator import Sandbox
from simulator.service.control_faults import SetFaults, set_faults
from simulator.service.control_records import ReadEmails, ReadEvents, ReadFiles, read_emails, read_events, read_files

AFTER_CUTOFF = "2026-03-02T15:00:01Z"
"""Just past the 09:00 CT cutoff, which writes a Net Settlement client's two files."""


def open_batches(client: Client, count: int) -> None:
    for n in range(count):
        client.open_batch(uid(f"{client.client_id}-batch-{n}"))


def test_events_are_read_a_page_at_a_time_from_a_cursor(acme: Client) -> None:
    open_batches(acme, 3)
    core = acme.sb.core
    first = read_events(core, ReadEvents("acme", after=0, limit=2))
    assert ([entry.seq for entry in first.entries], first.next) == ([1, 2], 2)
    rest = read_events(core, ReadEvents("acme", after=first.next, limit=10))
    assert ([entry.seq for entry in rest.entries], rest.next) == ([3], 3)
    assert read_events(core, ReadEvents("acme", after=rest.next)) == read_events(core, ReadEvents("acme", after=3))
    assert read_events(core, ReadEvents("acme", after=3)).entries == ()
    assert read_events(core, ReadEvents("acme", after=3)).next == 3, "an empty page keeps the cursor"


def test_a_client_filter_leaves_the_others_events_out(sandbox: Sandbox) -> None:
    acme, beta = connect(sandbox, "acme"), connect(sandbox, "beta")
    open_batches(acme, 2)
    open_batches(beta, 1)
    everything = read_events(sandbox.core, ReadEvents())
    assert [entry.client for entry in everything.entries] == ["acme", "acme", "beta"]
    assert [entry.seq for entry in read_events(sandbox.core, ReadEvents("beta")).entries] == [3]
    answer = expect(control(sandbox, "GET", "/events"), 200)
    assert answer == {"events": [entry.to_api() for entry in everything.entries], "next": 3}


def test_files_say_whether_their_copy_landed(sandbox: Sandbox) -> None:
    connect(sandbox, "acme")
    connect(sandbox, "beta")
    set_faults(sandbox.core, SetFaults(fail_puts=1))
    advance(sandbox, to=AFTER_CUTOFF)
    listed = read_files(sandbox.core, ReadFiles("acme"))
    assert len(listed) == 2 and all(item.file.client == "acme" for item in listed)
    assert sorted(item.delivered for item in listed) == [False, True], "the first upload failed on purpose"
    assert [item.delivered for item in read_files(sandbox.core, ReadFiles("beta"))] == [True, True]
    answer = expect(control(sandbox, "GET", "/files", client="acme"), 200)["files"]
    assert [(row["key"], row["delivered"]) for row in answer] == [(item.file.key, item.delivered) for item in listed]


def test_emails_are_read_as_sent_and_narrowed_by_address(sandbox: Sandbox) -> None:
    connect(sandbox, "acme", financeEmails=["finance@acme.test", "cfo@acme.test"])
    advance(sandbox, to=AFTER_CUTOFF)
    emails = read_emails(sandbox.core, ReadEmails("acme"))
    assert emails and {email.to for email in emails} <= {"finance@acme.test", "cfo@acme.test"}
    to_cfo = read_emails(sandbox.core, ReadEmails("acme", to="cfo@acme.test"))
    assert to_cfo == tuple(email for email in emails if email.to == "cfo@acme.test")
    answer = expect(control(sandbox, "GET", "/emails", client="acme"), 200)
    assert answer == {"emails": [email.to_api() for email in emails]}


def test_a_read_for_a_client_the_sandbox_does_not_know_is_a_404(sandbox: Sandbox) -> None:
    for path in ("/events", "/files", "/emails"):
        assert expect(control(sandbox, "GET", path, client="nobody"), 404) == {"code": 404, "message": "No client nobody"}
