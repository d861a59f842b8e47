"""Generated investor addresses stay valid whatever the account id holds."""
from __future__ import annotations

import pytest
from email_validator import validate_email

from simulator.service.identities import IdentityFactory


@pytest.mark.parametrize("account_id", ["INV00001", "a b@x", "dots.in.id", "@@", "é-ü_1"])
def test_a_generated_address_is_valid_for_any_account_id(account_id: str) -> None:
    identity = IdentityFactory(7).identity("acme", account_id, None)
    address = identity.email
    assert identity.request["owners"][0]["emailAddress"] == address
    validate_email(address, check_deliverability=False, test_environment=True)


def test_a_plain_account_id_stands_in_its_address_as_before() -> None:
    assert ".inv00001@" in IdentityFactory(7).identity("acme", "INV00001", None).email


def test_a_given_address_stands_in_the_request_and_the_names_stay_the_same() -> None:
    factory = IdentityFactory(7)
    generated = factory.identity("acme", "INV00001", None)
    given = factory.identity("acme", "INV00001", None, "jo@acme.test")
    assert given.email == "jo@acme.test" and given.request["owners"][0]["emailAddress"] == "jo@acme.test"
    assert given.request["owners"][0]["identity"] == generated.request["owners"][0]["identity"]
