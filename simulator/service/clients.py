"""Provisioning clients, logging in, and checking tokens.

Passwords and tokens come from `RandomStreams.credential`: seeded, and keyed
with the OS's secure random source when `serve` listens beyond loopback.
"""
from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from simulator.domain.accounts import Account, AccountKind
from simulator.domain.fees import Commission
from simulator.engine.clock import NS_PER_SECOND
from simulator.service.commands import LogIn
from simulator.service.core import SandboxCore
from simulator.service.errors import UNAUTHORIZED, ApiError, bad_request
from simulator.service.state import Branding, ClientRecord, FundingModel, Token

CLIENT_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{1,40}")
TOKEN_LIFETIME_NS = 24 * 3600 * NS_PER_SECOND
FIRM_ACCOUNT_ID = "FIRM00001"
GIFT_ACCOUNT_ID = "GIFT00001"


@dataclass(frozen=True)
class ClientSpec:
    client_id: str
    funding_model: FundingModel = FundingModel.NET_SETTLEMENT
    commission: Commission = Commission()
    firm_allocation_account: bool = True
    gift_account: bool = True
    branding: Branding = Branding()
    finance_emails: tuple[str, ...] = ()


def provision_client(core: SandboxCore, spec: ClientSpec) -> ClientRecord:
    if not CLIENT_ID_PATTERN.fullmatch(spec.client_id):
        raise bad_request("clientId must match ^[a-z0-9][a-z0-9-]{1,40}$")
    if spec.client_id in core.clients:
        raise bad_request(f"clientId {spec.client_id} is already provisioned")
    client = ClientRecord(
        client_id=spec.client_id,
        funding_model=spec.funding_model,
        commission=spec.commission,
        logon_id=f"{spec.client_id}-api",
        password=core.streams.credential(f"password:{spec.client_id}", 12),
        bucket=core.ports.files.create_bucket(spec.client_id),
        queue_url=core.ports.queues.create_queue(spec.client_id),
        branding=spec.branding,
        finance_emails=list(spec.finance_emails),
    )
    if spec.firm_allocation_account:
        client.firm_account = FIRM_ACCOUNT_ID
        client.accounts[FIRM_ACCOUNT_ID] = Account(FIRM_ACCOUNT_ID, AccountKind.FIRM, core.now)
    if spec.gift_account:
        client.gift_account = GIFT_ACCOUNT_ID
        client.accounts[GIFT_ACCOUNT_ID] = Account(GIFT_ACCOUNT_ID, AccountKind.GIFT, core.now)
    core.clients[spec.client_id] = client
    return client


def check_credentials(core: SandboxCore, logon_id: str, password: str) -> ClientRecord:
    """The client these credentials belong to, or a 401. Changes nothing, so the
    dispatch can refuse a bad login before it is logged or draws a fault."""
    for client in core.clients.values():
        if client.logon_id == logon_id and hmac.compare_digest(client.password.encode(), _utf8(password)):
            return client
    raise ApiError(401, UNAUTHORIZED)


def _utf8(text: str) -> bytes:
    """Bytes for a constant-time comparison; JSON may carry lone surrogates, which must not raise."""
    return text.encode("utf-8", "surrogatepass")


def login(core: SandboxCore, command: LogIn) -> str:
    """A new token for the client, alive for 24 simulated hours."""
    client = check_credentials(core, command.logon_id, command.password)
    token = core.streams.credential("tokens")
    core.tokens[token] = Token(client.client_id, core.now + TOKEN_LIFETIME_NS)
    return token


def bare_token(authorization: str) -> str:
    """The token an Authorization header carries: clients send it raw or after `Bearer `."""
    raw = authorization.strip()
    return raw[7:].strip() if raw[:7].lower() == "bearer " else raw


def authenticate(core: SandboxCore, authorization: str | None) -> ClientRecord:
    """The client a raw or `Bearer` token belongs to, while it is alive."""
    if not authorization:
        raise ApiError(401, UNAUTHORIZED)
    token = core.tokens.get(bare_token(authorization))
    if token is None or token.expires_ns <= core.now:
        raise ApiError(401, UNAUTHORIZED)
    return core.clients[token.client_id]
