"""Gifts from the client's Gift Account: request, look up, and the investor's email.

A gift is decided when it is requested (CONTRACT section 6): the coin moves
from the Gift Account to the investor at the BBO ask of that instant, before
the answer. The completed gift is the bookkeeping record: income equal to its
notional, with a cost basis of zero.
"""
from __future__ import annotations

from decimal import Decimal
from functools import partial

from simulator.domain import reasons
from simulator.domain.decimals import ZERO, format_decimal, format_money
from simulator.domain.gifts import Gift, GiftCheck, GiftFigures, assess_gift
from simulator.domain.instruments import COINS
from simulator.domain.transactions import duplicate
from simulator.engine.clock import iso_millis
from simulator.service.commands import RequestGift
from simulator.service.core import SandboxCore
from simulator.service.errors import bad_request
from simulator.service.ids import new_id
from simulator.service.notifications import book_gift, investor_email
from simulator.service.state import Branding, ClientRecord

EVENT_TYPE = "allocation/gift/1"
SUBJECT = "You received a gift"
TRADE_CONFIRMATION_BRANDING = Branding(
    logo_url="https://sandbox.bakkt.test/assets/logo.png",
    cta_url="https://sandbox.bakkt.test/trade",
    contact_email="support@sandbox.bakkt.test",
)
"""The stand-in for the client's trade-confirmation branding (CONTRACT section 10): the
sandbox keeps none per client, so a gift email takes from here each part the client's
own branding leaves out."""


def request_gift(core: SandboxCore, client: ClientRecord, command: RequestGift) -> Gift:
    """Rule 1 first (a duplicate leaves no trace), then record the gift, decide it and publish it."""
    first = client.transaction_first_seen(command.client_transaction_id)
    if first is not None:
        return duplicate(first, partial(Gift, request=command.request))
    gift = Gift(id=new_id(core), created_at=iso_millis(core.now), request=command.request)
    client.gifts[command.client_transaction_id] = gift
    outcome = assess_gift(
        GiftCheck(
            account_known=client.is_investor(command.account),
            has_gift_account=client.gift_account is not None,
            currency=command.currency,
            notional=command.notional,
            quantity=command.quantity,
            ask=current_ask(core, command.currency),
            inventory=inventory(client, command.currency),
        )
    )
    if isinstance(outcome, str):
        gift.reject(outcome)
    else:
        gift.complete(outcome)
        deliver(core, client, command, outcome)
        book_gift(core, client, gift, command)
    core.publish(client, EVENT_TYPE, gift.to_api())
    return gift


def find_gift(client: ClientRecord, client_transaction_id: str) -> Gift:
    gift = client.gifts.get(client_transaction_id)
    if gift is None:
        raise bad_request(reasons.INVALID_TRANSACTION)
    return gift


def current_ask(core: SandboxCore, currency: str) -> Decimal | None:
    """The BBO ask of the coin's symbol now: None for an unlisted coin or a market without quotes."""
    instrument = COINS.get(currency)
    if instrument is None:
        return None
    best = core.market.book(instrument.symbol, core.now).best_ask
    return None if best is None else best.ask


def inventory(client: ClientRecord, currency: str) -> Decimal:
    if client.gift_account is None:
        return ZERO
    return client.ledger.holding(client.gift_account, currency)


def deliver(core: SandboxCore, client: ClientRecord, command: RequestGift, figures: GiftFigures) -> None:
    """Move the coin from the Gift Account to the investor, then tell the investor."""
    assert client.gift_account is not None
    client.ledger.move_coin(client.gift_account, command.currency, -figures.quantity)
    client.ledger.move_coin(command.account, command.currency, figures.quantity)
    address = investor_email(core, client, command.account)
    if address is not None:
        subject = f"{SUBJECT} of {format_decimal(figures.quantity)} {command.currency}"
        core.mail.send(client.client_id, address, subject, gift_email(command, figures, branding_of(client)), core.now)


def branding_of(client: ClientRecord) -> Branding:
    """The client's branding, each missing part taken from the trade-confirmation defaults."""
    given, default = client.branding, TRADE_CONFIRMATION_BRANDING
    return Branding(
        logo_url=given.logo_url or default.logo_url,
        cta_url=given.cta_url or default.cta_url,
        contact_email=given.contact_email or default.contact_email,
    )


def gift_email(command: RequestGift, figures: GiftFigures, branding: Branding) -> str:
    """The notice's text: the logo, what arrived and its worth, the call to action, the contact,
    and the tax treatment the seed describes."""
    coin = command.currency
    return "\n".join(
        [
            f"[logo] {branding.logo_url}",
            "",
            f"You received a gift of {format_decimal(figures.quantity)} {coin} in your account {command.account}.",
            f"It was worth {format_money(figures.notional)} USD at {format_decimal(figures.price)} USD per {coin}.",
            "",
            f"Start trading: {branding.cta_url}",
            f"Questions? Contact {branding.contact_email}",
            "",
            f"For taxes, a gift counts as income of {format_money(figures.notional)} USD, with a cost basis of zero.",
            "",
        ]
    )
