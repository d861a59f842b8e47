"""The account handlers on memory ports: open, look up, positions, and logging in."""
from __future__ import annotations

from decimal import Decimal

import pytest
from test_handlers_world import BATCH_ID, World, allocate_command, open_command

from simulator.domain.batches import BatchType
from simulator.domain.fees import Side
from simulator.service import accounts, batches
from simulator.service.clients import authenticate, login
from simulator.service.commands import LogIn, OpenAccount
from simulator.service.errors import AccountExists, ApiError
from simulator.service.notifications import investor_email


def test_an_opened_account_keeps_its_request_and_its_owners_address() -> None:
    world = World()
    request = {"clientAccountId": "ACME-1", "owners": [{"emailAddress": "ana@example.test"}]}
    account = world.run(accounts.open_account, world.client, OpenAccount(request, "ACME-1", "ana@example.test"))
    assert (account.request, account.email) == (request, "ana@example.test")
    assert investor_email(world.core, world.client, "ACME-1") == "ana@example.test"


def test_an_account_id_in_use_is_refused_with_the_id() -> None:
    world = World()
    with pytest.raises(AccountExists) as refused:
        world.run(accounts.open_account, world.client, OpenAccount({"clientAccountId": "INV00001"}, "INV00001", None))
    assert refused.value.account_id == "INV00001"


def test_a_created_investor_gets_a_generated_request_whose_owner_it_mails() -> None:
    world = World()
    account = world.run(accounts.get_account, world.client, "INV00002")
    owner = account.request["owners"][0]
    assert account.request["clientAccountId"] == "INV00002"
    assert owner["emailAddress"] == account.email == investor_email(world.core, world.client, "INV00002")


def test_a_pending_sell_leaves_less_to_trade() -> None:
    world = World()
    world.run(batches.open_batch, world.client, open_command(BATCH_ID, batch_type=BatchType.QUANTITY))
    world.run(batches.allocate, world.client, allocate_command(BATCH_ID, "t-1", "INV00001", Side.SELL, "0.3"))
    (position,) = world.run(accounts.positions, world.client, "INV00001")
    assert (position.coin, position.current, position.tradable) == ("BTC", Decimal(1), Decimal("0.7"))


def test_a_login_token_authenticates_its_client_and_a_wrong_password_none() -> None:
    world = World()
    token = world.run(login, LogIn("acme-api", world.client.password))
    assert authenticate(world.core, f"Bearer {token}") is world.client
    with pytest.raises(ApiError) as refused:
        world.run(login, LogIn("acme-api", "wrong"))
    assert refused.value.status == 401
