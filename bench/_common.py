"""Helpers shared by the benchmark scripts: a provisioned sandbox and peak memory."""
from __future__ import annotations

import resource
import sys
from pathlib import Path
from typing import Any

from simulator import Sandbox
from simulator.engine.streams import seeded_uuid

BATCH_ID = "3b241101-e2bb-4255-8caf-4136c566a962"


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def provision(sb: Sandbox, investors: int, holdings: dict[str, str] | None = None) -> str:
    """Create client `acme` with `investors` investors; answer a login token."""
    client = sb.call("POST", "/sandbox/v1/clients", {"clientId": "acme"}).json()
    if investors:
        body: dict[str, Any] = {"count": investors, "holdings": holdings or {}}
        sb.call("POST", "/sandbox/v1/clients/acme/accounts", body)
    login = {"logonId": client["logonId"], "password": client["password"]}
    return str(sb.call("POST", "/apex-crypto/api/v2/login", login).json()["token"])


def report(title: str, rows: dict[str, Any]) -> None:
    print(title)
    for name, value in rows.items():
        print(f"  {name}: {value}")
    sys.stdout.flush()


def allocation_body(n: int, side: str = "BUY") -> dict[str, str]:
    """The n-th allocation of the benchmarks' batch, to investor n + 1."""
    return {
        "account": f"INV{n + 1:05d}",
        "amount": "25.00",
        "batchTransactionId": BATCH_ID,
        "clientTransactionId": seeded_uuid(0, f"allocation-{n}"),
        "side": side,
        "symbol": "BTCUSD",
    }


def clear_database(path: Path) -> None:
    """Remove a database and its WAL files left by an earlier run."""
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
