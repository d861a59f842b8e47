"""Named random streams derived from one root seed.

Each component draws from its own `random.Random`, so adding draws in one
component never shifts another's ids or prices. Seeds come from SHA-256, not
Python's salted `hash`, so they are stable across processes.

Credentials (passwords, login tokens) are drawn from their seeded streams
too, and, when the streams hold a secret, mixed with it by HMAC-SHA256:
a process holding the secret (a `--db` replay) makes the same ones again,
nobody holding only the seed can compute them.
"""
from __future__ import annotations

import hashlib
import hmac
import random


def derive_seed(root_seed: int, name: str) -> int:
    digest = hashlib.sha256(f"{root_seed}/{name}".encode()).digest()
    return int.from_bytes(digest[:16], "big")


class RandomStreams:
    def __init__(self, root_seed: int) -> None:
        self.root_seed = root_seed
        self._streams: dict[str, random.Random] = {}
        self.secret: bytes | None = None
        """A key from the OS's secure random source, when credentials must not follow the seed alone."""

    def stream(self, name: str) -> random.Random:
        rng = self._streams.get(name)
        if rng is None:
            rng = self._streams[name] = random.Random(derive_seed(self.root_seed, name))
        return rng

    def uuid(self, name: str) -> str:
        return uuid4_text(self.stream(name).getrandbits(128))

    def token(self, name: str, nbytes: int = 20) -> str:
        return self.stream(name).getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex()

    def credential(self, name: str, nbytes: int = 20) -> str:
        """A password or token: the seeded `token`, keyed with the secret if there is one.

        The seeded draw happens either way, so a secret changes no other
        stream; the answer has the same length (at most 32 bytes).
        """
        drawn = self.token(name, nbytes)
        if self.secret is None:
            return drawn
        return hmac.new(self.secret, f"{name}/{drawn}".encode(), hashlib.sha256).hexdigest()[: nbytes * 2]


_VERSION_MASK = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_BITS = (0x4000 << 64) | (0x8000 << 48)


def uuid4_text(bits: int) -> str:
    """The canonical text of a version-4 UUID made from 128 random bits.

    Equal to `str(uuid.UUID(int=bits, version=4))`, without building the object
    (ids are minted for every allocation and event); `bytes.hex` writes the
    32 digits faster than a format specification does.
    """
    text = ((bits & _VERSION_MASK) | _VERSION_BITS).to_bytes(16, "big").hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def seeded_uuid(root_seed: int, name: str) -> str:
    """A UUID that depends only on the seed and a name (`${uuid:NAME}`)."""
    return uuid4_text(derive_seed(root_seed, f"uuid:{name}"))
