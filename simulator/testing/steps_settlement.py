"""Net settlement: finance addresses, whole files of the bucket and the finance emails."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pytest_bdd import given, then

from simulator.testing.context import CONTROL, BakktContext
from simulator.testing.grammar import phrase, table_rows
from simulator.testing.steps_funding import bucket_keys
from simulator.testing.steps_setup import CLIENT, provision

FILE = '"{client:Text}"\'s file "{key:Text}"'
EMAILS = '"{client:Text}"\'s emails to "{address:Text}"'


@given(phrase(CLIENT + ' with funding model {funding_model:Word} and finance emails "{addresses:Text}"'))
def client_with_finance_emails(bakkt_context: BakktContext, client: str, funding_model: str, addresses: str) -> None:
    """`financeEmails` as a comma-separated list: where a Net Settlement client's summary goes
    at every cutoff."""
    emails = [address.strip() for address in addresses.split(",") if address.strip()]
    body = {"clientId": client, "fundingModel": funding_model, "financeEmails": emails}
    provision(bakkt_context, body)


@then(phrase(FILE + " reads:"))
def file_reads(bakkt_context: BakktContext, client: str, key: str, docstring: str) -> None:
    """The whole object, byte for byte, as a docstring: heading lines, the empty line and the
    table, each line ending in `\\n`."""
    assert key in bucket_keys(bakkt_context, client), f"{key} is not in the bucket of {client}"
    text = bakkt_context.read_object(client, key)
    expected = docstring + "\n"
    assert text == expected, f"{key} reads {text!r}, expected {expected!r}"


@then(phrase(FILE + ' contains "{text:Text}"'))
def file_contains(bakkt_context: BakktContext, client: str, key: str, text: str) -> None:
    """One line or part of a line somewhere in the object: the window's From or To, a row."""
    assert key in bucket_keys(bakkt_context, client), f"{key} is not in the bucket of {client}"
    body = bakkt_context.read_object(client, key)
    assert text in body, f"{key} lacks {text!r}: {body!r}"


@then(phrase('"{client:Text}"\'s files under "{prefix:Text}" are:'))
def files_under(bakkt_context: BakktContext, client: str, prefix: str, datatable: list[list[str]]) -> None:
    """Every object whose key starts with the prefix, sorted by key (columns among key,
    writtenAt): a daily file is written even for an empty day."""
    answer = bakkt_context.control("GET", f"{CONTROL}/files?client={client}").expect(200)
    columns = datatable[0]
    found = sorted((entry for entry in answer["files"] if entry["key"].startswith(prefix)), key=lambda e: e["key"])
    actual = [{column: str(entry[column]) for column in columns} for entry in found]
    expected = table_rows(datatable)
    assert actual == expected, f"{client}'s files under {prefix} are {actual}, expected {expected}"


def emails_to(bakkt_context: BakktContext, client: str, address: str) -> list[dict[str, Any]]:
    query = {"client": client, "to": address}
    emails: list[dict[str, Any]] = bakkt_context.control("GET", f"{CONTROL}/emails?{urlencode(query)}").expect(200)[
        "emails"
    ]
    return emails


@then(phrase(EMAILS + " are:"))
def emails_are(bakkt_context: BakktContext, client: str, address: str, datatable: list[list[str]]) -> None:
    """Every email the client's sandbox sent to this address, in sending order (columns among
    subject, sentAt); a header-only table expects none."""
    columns = datatable[0]
    actual = [{column: str(email[column]) for column in columns} for email in emails_to(bakkt_context, client, address)]
    expected = table_rows(datatable)
    assert actual == expected, f"the emails to {address} are {actual}, expected {expected}"


@then(phrase(EMAILS + ' end with one whose body is the file "{key:Text}"'))
def last_email_is_file(bakkt_context: BakktContext, client: str, address: str, key: str) -> None:
    """The Net settlement email carries the summary file word for word."""
    emails = emails_to(bakkt_context, client, address)
    assert emails, f"no email was sent to {address}"
    body = bakkt_context.read_object(client, key)
    assert emails[-1]["body"] == body, f"the last email to {address} is {emails[-1]}, the file reads {body!r}"
