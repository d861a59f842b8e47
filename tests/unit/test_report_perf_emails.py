"""The report writes plain emails by template: the same bytes the email package writes.

`plain_email` exists for speed (the package costs about 0.5 ms an email);
these tests hold it to `package_email` byte for byte on the sandbox's own
emails, on the edges of what counts as plain, and on generated emails, and
check that whatever is not plain is left to the package, and that
`email_failures`, which renders only what is not plain, misses nothing.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine.clock import NS_PER_SECOND, parse_instant
from simulator.replay.report import email_failures, is_plain, package_email, plain_email, render_email
from simulator.service.outputs import Email

SENT = parse_instant("2026-03-02T15:30:00Z")
CONFIRMATION = (
    "Your allocation 0aacc0d3-d8dd-455a-b889-834f60327af0 has been executed.\n"
    "Side: BUY\nCoin: BTC\nQuantity: 0.00039515\nPrice: 43021.5\nFee: 0\nNet money: 17\n"
)
DAILY_SUMMARY = (
    "Your transactions in account INV06642 on 2026-03-02 (CT):\n\n"
    "- 09:30:00 CT BUY 0.00188278 BTC at 43021.5 USD, fee 0.00 USD, net money 81.00 USD (allocation 91c60fc2-4fdf-4d04-a7f2-d2df374e429a)\n"
)
PROPERTIES = settings(max_examples=400, deadline=None, database=None, derandomize=True)


def mail(to: str = "michael.pollard.inv09998@gmail.com", subject: str = "Trade confirmation: BUY BTC",
         body: str = CONFIRMATION, sent_ns: int = SENT) -> Email:
    return Email("acme", to, subject, body, sent_ns)


def test_a_trade_confirmation_is_plain_and_written_as_the_package_writes_it() -> None:
    email = mail()
    assert is_plain(email)
    assert plain_email(email) == package_email(email) == render_email(email)


@pytest.mark.parametrize(
    ("body", "encoding"),
    [(CONFIRMATION, "7bit"), (DAILY_SUMMARY, "quoted-printable"), ("=" * 200 + "\n" + "\x01" * 100, "base64")],
)
def test_the_body_is_encoded_as_the_package_chooses(body: str, encoding: str) -> None:
    assert is_plain(mail(body=body))
    plain = plain_email(mail(body=body))
    assert plain == package_email(mail(body=body))
    assert f"\r\nContent-Transfer-Encoding: {encoding}\r\n".encode() in plain


@pytest.mark.parametrize(
    "email",
    [
        mail(to="finance@acme.test", subject="Net settlement 2026-03-02", body="From,2026-03-01T15:00:00Z\nNet Settlement,0.00\n\ncoin,firm qty\n"),
        mail(body=""),
        mail(body="\n"),
        mail(body="no final line break"),
        mail(body="crlf\r\nand a lone cr\rand lf\n\n\n"),
        mail(body="x" * 78 + "\n" + "y" * 78),
        mail(body="x" * 79),
        mail(body=DAILY_SUMMARY * 12),
        mail(body="From the start of a line\n.\n..\n"),
        mail(body="  leading and trailing spaces  \n\ttab\x0cform feed\x0bvertical tab\x00nul\n"),
        mail(to="a@b"),
        mail(to="first_last+tag-1@sub-domain.example.co.uk"),
        mail(to="x" * 56 + "@" + "y" * 13 + ".com"),
        mail(subject="s" * 69),
        mail(subject="(not a comment) <not an address>, \"quotes\"; colon: ok!"),
        mail(sent_ns=SENT + 123_456_789),
        mail(sent_ns=parse_instant("1000-01-01T00:00:00Z")),
    ],
    ids=lambda email: repr((email.to, email.subject, email.body))[:60],
)
def test_plain_emails_at_the_edges_match_the_package(email: Email) -> None:
    assert is_plain(email)
    assert plain_email(email) == package_email(email)


@pytest.mark.parametrize(
    "email",
    [
        mail(to="Finance <finance@acme.test>"),
        mail(to="x" * 57 + "@" + "y" * 13 + ".com"),
        mail(to="a..b@c.d"),
        mail(to="=?utf-8?q?x?=@c.d"),
        mail(subject="s" * 70),
        mail(subject="double  space"),
        mail(subject=" leading space"),
        mail(subject="an =?utf-8?q?encoded?= word"),
        mail(subject="Trade confirmation: BUY BTC\nBcc: someone@else.test"),
        mail(subject="Café"),
        mail(body="Prix: 43 021,50 €\n"),
        mail(body="a lone surrogate \ud800"),
        mail(sent_ns=parse_instant("0999-12-31T23:59:59Z")),
    ],
    ids=lambda email: repr((email.to, email.subject, email.body))[:60],
)
def test_anything_else_is_left_to_the_package(email: Email) -> None:
    assert not is_plain(email)


def test_an_email_that_is_not_plain_is_written_by_the_package() -> None:
    email = mail(to="Finance <finance@acme.test>", subject="Café")
    assert render_email(email) == package_email(email)
    assert b"=?utf-8?q?Caf=C3=A9?=" in render_email(email)


def test_a_header_with_a_line_break_is_still_refused() -> None:
    with pytest.raises(ValueError):
        render_email(mail(subject="Trade confirmation\nBcc: someone@else.test"))


def test_failures_are_found_among_emails_that_are_not_plain() -> None:
    emails = [mail(), mail(subject="Trade confirmation\nBcc: someone@else.test"), mail(body="a lone surrogate \ud800"), mail(to="Finance <f@acme.test>")]
    assert [failure.where for failure in email_failures(emails)] == ["emails/0002-acme.eml", "emails/0003-acme.eml"]


ADDRESS_WORD = st.text(alphabet="abcXYZ019_+-.'!=?\"@ ", min_size=0, max_size=12)
TEXT = st.text(alphabet=st.sampled_from("aZ9 :;,.=?()<>\"'-\t\r\n\x00\x0b\x0cé€\u2028"), max_size=40)


@PROPERTIES
@given(
    to=st.one_of(
        st.from_regex(r"[A-Za-z0-9_+-]{1,8}(\.[A-Za-z0-9_+-]{1,8}){0,3}@[A-Za-z0-9-]{1,8}(\.[A-Za-z0-9-]{1,8}){0,3}", fullmatch=True),
        st.builds(lambda local, domain: f"{local}@{domain}", ADDRESS_WORD, ADDRESS_WORD),
    ),
    subject=st.one_of(st.from_regex(r"[!-~]{1,10}( [!-~]{1,10}){0,6}", fullmatch=True), TEXT),
    body=st.one_of(
        st.lists(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=90), max_size=6).map("\n".join),
        TEXT,
    ),
    seconds=st.integers(min_value=-62_000_000_000, max_value=253_000_000_000),
)
def test_generated_emails_are_plain_only_where_the_package_agrees(to: str, subject: str, body: str, seconds: int) -> None:
    email = mail(to=to, subject=subject, body=body, sent_ns=seconds * NS_PER_SECOND)
    if is_plain(email):
        assert plain_email(email) == package_email(email)
