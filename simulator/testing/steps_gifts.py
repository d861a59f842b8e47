"""Gifts: inventory in the Gift Account, gift requests, and the investor's gift email.

The status, reject, event and duplicate phrases of the batch steps take `gift`
as their resource (`the gift "g1" is REJECTED with reason "..."`).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pytest_bdd import given, then, when

from simulator.testing.context import API, CONTROL, GIFTS, BakktContext, Resource
from simulator.testing.grammar import phrase
from simulator.testing.steps_accounts import holding
from simulator.testing.steps_setup import provision

SUBJECT = "You received a gift"
QUANTITY_GIFT = '"{client:Text}" gifts "{quantity:Text}" {coin:Word} to {account:Word} as "{gift:Text}"'
NOTIONAL_GIFT = '"{client:Text}" gifts {coin:Word} worth "{notional:Text}" USD to {account:Word} as "{gift:Text}"'
RECEIVED = '"{client:Text}"\'s investor {account:Word} has received {count:d} gift email'
LAST_EMAIL = (
    'the last gift email to "{client:Text}"\'s investor {account:Word} has subject "{subject:Text}" and contains:'
)


@given(phrase('a client "{client:Text}" without a gift account'))
def client_without_gift_account(bakkt_context: BakktContext, client: str) -> None:
    """Gifts need the Gift Account: without it every gift is rejected."""
    provision(bakkt_context, {"clientId": client, "giftAccount": False})


@given(phrase('a client "{client:Text}" with branding:'))
def client_with_branding(bakkt_context: BakktContext, client: str, datatable: list[list[str]]) -> None:
    """Gift emails show this branding (a two-column table of logoUrl, ctaUrl, contactEmail and
    the value); a part left out falls back to the trade-confirmation default."""
    provision(bakkt_context, {"clientId": client, "branding": {part: value for part, value in datatable}})


@given(phrase('client "{client:Text}" has "{quantity:Text}" {coin:Word} in its gift account'))
def gift_inventory(bakkt_context: BakktContext, client: str, quantity: str, coin: str) -> None:
    """Inventory for gifts, deposited through the control API as a purchase would bring it."""
    account = gift_account(bakkt_context, client)
    body = {"currency": coin, "quantity": quantity}
    bakkt_context.control("POST", f"{CONTROL}/clients/{client}/accounts/{account}/deposit", body).expect(200)


def gift_account(bakkt_context: BakktContext, client: str) -> str:
    account = bakkt_context.session(client).provisioning["giftAccount"]
    assert account is not None, f'"{client}" has no Gift Account'
    return str(account)


def send_gift(bakkt_context: BakktContext, client: str, gift: str, fields: dict[str, Any]) -> None:
    """Request a named gift, which `client` now owns; the answer is the last answer."""
    bakkt_context.claim(Resource.GIFT, gift, client)
    body = {"clientTransactionId": bakkt_context.uuid(gift), **fields}
    bakkt_context.act(client, "POST", GIFTS, body)


@given(phrase(QUANTITY_GIFT))
@when(phrase(QUANTITY_GIFT))
def quantity_gift(bakkt_context: BakktContext, client: str, quantity: str, coin: str, account: str, gift: str) -> None:
    """A gift of this much coin; its notional is quantity * ask, half-even to cents."""
    send_gift(bakkt_context, client, gift, {"account": account, "currency": coin, "quantity": quantity})


@given(phrase(NOTIONAL_GIFT))
@when(phrase(NOTIONAL_GIFT))
def notional_gift(bakkt_context: BakktContext, client: str, coin: str, notional: str, account: str, gift: str) -> None:
    """A gift of this many dollars of coin; its quantity is notional / ask, half-even to the increment."""
    send_gift(bakkt_context, client, gift, {"account": account, "currency": coin, "notional": notional})


@when(phrase('"{client:Text}" requests a gift as "{gift:Text}" with:'))
def gift_with(bakkt_context: BakktContext, client: str, gift: str, datatable: list[list[str]]) -> None:
    """A gift request built from a two-column table of field and value (account, currency,
    notional, quantity). An empty value leaves the field out, so one Scenario Outline can send
    both amounts, either, or neither."""
    send_gift(bakkt_context, client, gift, {name: value for name, value in datatable if value})


@then(
    phrase(
        'the gift "{gift:Text}" is COMPLETE with price "{price:Text}", quantity "{quantity:Text}"'
        ' and notional "{notional:Text}"'
    )
)
def gift_complete(bakkt_context: BakktContext, gift: str, price: str, quantity: str, notional: str) -> None:
    """The figures exactly as the API writes them: the price is the BBO ask when requested."""
    actual = bakkt_context.fetch(Resource.GIFT, gift)
    keys = ("status", "price", "quantity", "notional", "rejectReason")
    observed = {key: actual.get(key) for key in keys}
    expected = {"status": "COMPLETE", "price": price, "quantity": quantity, "notional": notional, "rejectReason": None}
    assert observed == expected, f'the gift "{gift}" is {observed}, expected {expected}'


@then(phrase('"{client:Text}"\'s gift account holds "{quantity:Text}" {coin:Word}'))
def gift_account_holds(bakkt_context: BakktContext, client: str, quantity: str, coin: str) -> None:
    """The inventory left, read through GET /positions of the Gift Account."""
    account = gift_account(bakkt_context, client)
    actual = holding(bakkt_context, client, account, coin)
    assert actual == quantity, f"the Gift Account {account} holds {actual} {coin}, expected {quantity}"


def gift_emails(bakkt_context: BakktContext, client: str, account: str) -> list[dict[str, Any]]:
    """The gift emails sent to the account's owner address (as GET /accounts shows it), oldest first."""
    request = bakkt_context.api(client, "GET", f"{API}/accounts/{account}").expect(200)["request"]
    address = request["owners"][0]["emailAddress"]
    query = f"{CONTROL}/emails?{urlencode({'client': client, 'to': address})}"
    emails: list[dict[str, Any]] = bakkt_context.control("GET", query).expect(200)["emails"]
    return [email for email in emails if email["subject"].startswith(SUBJECT)]


@then(phrase(RECEIVED + "s"))
@then(phrase(RECEIVED))
def gift_email_count(bakkt_context: BakktContext, client: str, account: str, count: int) -> None:
    """Every completed gift sends one email to the investor; a rejected gift sends none."""
    emails = gift_emails(bakkt_context, client, account)
    assert len(emails) == count, f"{account} received {len(emails)} gift emails, expected {count}: {emails}"


@then(phrase(LAST_EMAIL))
def gift_email_content(
    bakkt_context: BakktContext, client: str, account: str, subject: str, datatable: list[list[str]]
) -> None:
    """The subject word for word, and each text of a one-column table somewhere in the body:
    the amounts, the logo, the call-to-action link and the contact email."""
    emails = gift_emails(bakkt_context, client, account)
    assert emails, f"{account} received no gift email"
    last = emails[-1]
    missing = [text for (text,) in datatable if text not in last["body"]]
    assert (last["subject"], missing) == (subject, []), f"expected {subject!r} containing {missing}: {last}"
