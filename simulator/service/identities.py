"""Generated investor identities (names, emails, addresses) from Faker.

Each account's identity is seeded from the root seed, the client and the
account id alone, so it is the same whatever order accounts are read in, and
it is only generated when someone looks at it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from faker import Faker

from simulator.engine.streams import derive_seed

_NOT_IN_A_MAILBOX = re.compile(r"[^A-Za-z0-9_-]")


def _mailbox_part(account_id: str) -> str:
    """The account id as it may stand in an address's local part: an id may hold
    spaces, dots or an `@`, which would make the generated address invalid."""
    return _NOT_IN_A_MAILBOX.sub("", account_id) or "investor"


@dataclass(frozen=True)
class Identity:
    email: str
    request: dict[str, Any]
    """An AccountRequest body as an onboarding system would send it."""


class IdentityFactory:
    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._faker = Faker("en_US")

    def identity(
        self, client_id: str, account_id: str, settlement_method: str | None, email: str | None = None
    ) -> Identity:
        """An investor's generated identity; `email`, when the account was given one, stands
        in its AccountRequest instead of the generated address (the names are drawn all the same)."""
        fake = self._faker
        fake.seed_instance(derive_seed(self._seed, f"identity:{client_id}:{account_id}"))
        given, family = fake.first_name(), fake.last_name()
        address = {
            "city": fake.city(),
            "country": "USA",
            "postalCode": fake.postcode(),
            "state": fake.state_abbr(include_territories=False),
            "streetAddress": [fake.street_address()],
        }
        generated = f"{given}.{family}.{_mailbox_part(account_id)}@{fake.free_email_domain()}".lower()
        email = email or generated
        request: dict[str, Any] = {
            "clientAccountId": account_id,
            "accountType": "INDIVIDUAL",
            "owners": [
                {
                    "emailAddress": email,
                    "phoneNumber": "+1" + fake.numerify("##########"),
                    "mailingAddress": address,
                    "role": "PRIMARY_OWNER",
                    "identity": {
                        "givenName": given,
                        "familyName": family,
                        "dateOfBirth": fake.date_between_dates(date(1941, 1, 1), date(2005, 12, 31)).isoformat(),
                        "personalAddress": address,
                        "taxId": fake.numerify("#########"),
                        "taxIdType": "SSN",
                    },
                    "agreements": [{"name": "Bakkt User Agreement", "version": "1.0"}],
                }
            ],
        }
        if settlement_method is not None:
            request["settlementMethod"] = settlement_method
        return Identity(email, request)
