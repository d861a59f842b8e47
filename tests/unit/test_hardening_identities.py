"""Generated investor addresses stay valid whatever the account id holds."""
from __future__ import annotations

import pytest
from email_validator import validate_email

from simulator.service.identities import IdentityFactory


@pytest.mark.parametrize("account_id", ["INV00001", "a b@x", "dots.in.id", "@@", "é-ü_1"])
def test_a_generated_address_is_valid_for_any_account_id(account_id: str) -> None:
    request = IdentityFactory(7).account_request("acme", account_id, None)
    address = request["owners"][0]["emailAddress"]
    validate_email(address, check_deliverability=False, test_environment=True)


def test_a_plain_account_id_stands_in_its_address_as_before() -> None:
    request = IdentityFactory(7).account_request("acme", "INV00001", None)
    assert ".inv00001@" in request["owners"][0]["emailAddress"]
