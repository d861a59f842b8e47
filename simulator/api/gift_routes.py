"""Request For Gift and its lookup, under /apex-crypto: the body parsed into a command, the gift rendered."""
from __future__ import annotations

from typing import Any

from simulator.api.apex_routes import API
from simulator.api.dispatch import Access, Call, route
from simulator.api.gift_schemas import GiftAllocationRequest
from simulator.api.schemas import decimal_of
from simulator.service import gifts
from simulator.service.commands import RequestGift

GIFT = f"{API}/allocation/gift"


@route("POST", GIFT, Access.CLIENT, GiftAllocationRequest)
def request_gift(call: Call) -> tuple[int, Any]:
    body: GiftAllocationRequest = call.body
    command = RequestGift(
        request=body.echo(),
        account=body.account,
        client_transaction_id=body.clientTransactionId,
        currency=body.currency,
        notional=decimal_of(body.notional),
        quantity=decimal_of(body.quantity),
    )
    return 200, gifts.request_gift(call.core, call.client, command).to_api()


@route("GET", f"{GIFT}/{{clientTransactionId}}", Access.CLIENT)
def get_gift(call: Call) -> tuple[int, Any]:
    return 200, gifts.find_gift(call.client, call.params["clientTransactionId"]).to_api()


GIFT_ROUTES = (request_gift, get_gift)
