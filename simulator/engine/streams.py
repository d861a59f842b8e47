"""Named random streams derived from one root seed.

Each component draws from its own `random.Random`, so adding draws in one
component never shifts another's ids or prices. Seeds come from SHA-256, not
Python's salted `hash`, so they are stable across processes.
"""
from __future__ import annotations

import hashlib
import random
import uuid


def derive_seed(root_seed: int, name: str) -> int:
    digest = hashlib.sha256(f"{root_seed}/{name}".encode()).digest()
    return int.from_bytes(digest[:16], "big")


class RandomStreams:
    def __init__(self, root_seed: int) -> None:
        self.root_seed = root_seed
        self._streams: dict[str, random.Random] = {}

    def stream(self, name: str) -> random.Random:
        rng = self._streams.get(name)
        if rng is None:
            rng = self._streams[name] = random.Random(derive_seed(self.root_seed, name))
        return rng

    def uuid(self, name: str) -> str:
        return str(uuid.UUID(int=self.stream(name).getrandbits(128), version=4))

    def token(self, name: str, nbytes: int = 20) -> str:
        return self.stream(name).getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex()


def seeded_uuid(root_seed: int, name: str) -> str:
    """A UUID that depends only on the seed and a name (`${uuid:NAME}`)."""
    return str(uuid.UUID(int=derive_seed(root_seed, f"uuid:{name}"), version=4))
