"""Request For Gift and its lookup, under /apex-crypto: thin adapters to the gift handlers."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.api.apex_routes import API
from simulator.api.dispatch import Access, Call, route
from simulator.api.gift_schemas import GiftAllocationRequest
from simulator.service import gifts

GIFT = f"{API}/allocation/gift"


def optional_decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@route("POST", GIFT, Access.CLIENT, GiftAllocationRequest)
def request_gift(call: Call) -> tuple[int, Any]:
    body: GiftAllocationRequest = call.body
    command = gifts.GiftCommand(
        request=body.echo(),
        account=body.account,
        client_transaction_id=body.clientTransactionId,
        currency=body.currency,
        notional=optional_decimal(body.notional),
        quantity=optional_decimal(body.quantity),
    )
    return 200, gifts.request_gift(call.core, call.client, command)


@route("GET", f"{GIFT}/{{clientTransactionId}}", Access.CLIENT)
def get_gift(call: Call) -> tuple[int, Any]:
    return 200, gifts.find_gift(call.client, call.params["clientTransactionId"])


GIFT_ROUTES = (request_gift, get_gift)
