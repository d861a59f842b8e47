"""The vendor's API under /apex-crypto: thin adapters from HTTP to handlers."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.api.dispatch import Access, Call, route
from simulator.api.schemas import (
    AccountRequest,
    BatchAllocationCloseRequest,
    BatchAllocationOpenRequest,
    BatchTradeAllocationRequest,
    LoginRequest,
)
from simulator.domain.fees import Side
from simulator.domain.instruments import INSTRUMENTS
from simulator.service import accounts, batches
from simulator.service.clients import login

API = "/apex-crypto/api/v2"


@route("GET", "/apex-crypto/api/status", Access.PUBLIC)
def status(call: Call) -> tuple[int, Any]:
    return 200, "ok"


@route("POST", f"{API}/login", Access.PUBLIC, LoginRequest)
def login_route(call: Call) -> tuple[int, Any]:
    body: LoginRequest = call.body
    return 200, {"token": login(call.core, body.logonId, body.password)}


@route("GET", f"{API}/config", Access.CLIENT)
def config(call: Call) -> tuple[int, Any]:
    return 200, {"streamingQuoteUrl": "wss://sandbox.bakkt.test/quotes"}


@route("POST", f"{API}/config", Access.CLIENT)
def post_config(call: Call) -> tuple[int, Any]:
    """The vendor's docs call the config with `POST {}`; the body, if any, is ignored, as GET has none."""
    return config.handler(call)


@route("GET", f"{API}/instruments", Access.CLIENT)
def instruments(call: Call) -> tuple[int, Any]:
    return 200, {"instruments": [i.to_api() for i in INSTRUMENTS.values()]}


@route("POST", f"{API}/accounts", Access.CLIENT, AccountRequest, validation_errors=True)
def create_account(call: Call) -> tuple[int, Any]:
    body: AccountRequest = call.body
    account = accounts.open_account(call.core, call.client, body.echo())
    return 200, accounts.account_view(call.core, call.client, account.id)


@route("GET", f"{API}/accounts/{{clientAccountId}}", Access.CLIENT)
def get_account(call: Call) -> tuple[int, Any]:
    return 200, accounts.account_view(call.core, call.client, call.params["clientAccountId"])


@route("GET", f"{API}/accounts/{{clientAccountId}}/status", Access.CLIENT)
def get_account_status(call: Call) -> tuple[int, Any]:
    return 200, accounts.account_status(call.client, call.params["clientAccountId"])


@route("GET", f"{API}/positions/{{account}}", Access.CLIENT)
def get_positions(call: Call) -> tuple[int, Any]:
    return 200, accounts.positions(call.core, call.client, call.params["account"])


@route("POST", f"{API}/allocation/trade/batch/open", Access.CLIENT, BatchAllocationOpenRequest)
def open_batch(call: Call) -> tuple[int, Any]:
    body: BatchAllocationOpenRequest = call.body
    return 200, batches.open_batch(call.core, call.client, body.echo())


@route("POST", f"{API}/allocation/trade/batch/allocate", Access.CLIENT, BatchTradeAllocationRequest)
def allocate(call: Call) -> tuple[int, Any]:
    body: BatchTradeAllocationRequest = call.body
    command = batches.AllocateCommand(
        request=body.echo(),
        account=body.account,
        amount=Decimal(body.amount),
        batch_transaction_id=body.batchTransactionId,
        client_transaction_id=body.clientTransactionId,
        side=Side(body.side),
        symbol=body.symbol,
        bps_commission=body.bpsCommission,
        fixed_commission=None if body.fixedCommission is None else Decimal(body.fixedCommission),
    )
    return 200, batches.allocate(call.core, call.client, command)


@route("GET", f"{API}/allocation/trade/batch/allocate/{{clientTransactionId}}", Access.CLIENT)
def get_allocation(call: Call) -> tuple[int, Any]:
    return 200, batches.find_allocation(call.client, call.params["clientTransactionId"])


@route("POST", f"{API}/allocation/trade/batch/close", Access.CLIENT, BatchAllocationCloseRequest)
def close_batch(call: Call) -> tuple[int, Any]:
    body: BatchAllocationCloseRequest = call.body
    return 200, batches.close_batch(call.core, call.client, body.batchTransactionId, body.allocations)


@route("GET", f"{API}/allocation/trade/batch/{{batchTransactionId}}", Access.CLIENT)
def get_batch(call: Call) -> tuple[int, Any]:
    return 200, batches.find_batch(call.client, call.params["batchTransactionId"]).to_api()


APEX_ROUTES = (
    status,
    login_route,
    config,
    post_config,
    instruments,
    create_account,
    get_account,
    get_account_status,
    get_positions,
    open_batch,
    allocate,
    get_allocation,
    close_batch,
    get_batch,
)
