"""Eight memory sandboxes in threads of one process, beside the same eight one after another.

Each sandbox has its own seed and base URL and runs one flow through
`requests`: a NET_SETTLEMENT client with `--investors` investors, one
NOTIONAL batch allocating to each, the close, and an advance past the fill,
the 09:00 CT cutoff and the daily summaries. Every answer and delivery is
hashed; the threaded run must hash as the sequential one, seed by seed.

The threads share the GIL, so they are not expected to be faster: the figure
shows they are independent (no lock, mock or store in common). The same
eight on moto, one after another (a process holds one moto sandbox at a
time), show what memory mode saves.
"""
from __future__ import annotations

import argparse
import hashlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import requests
from _common import BATCH_ID, allocation_body, report

from simulator import Sandbox

SANDBOXES = 8
START = "2026-03-02T14:00:00Z"
PAST_THE_CUTOFF = "2026-03-03T16:00:00Z"


def flow(sb: Sandbox, investors: int, ready: threading.Barrier | None) -> str:
    """The flow through `requests`; the hash of every answer and delivery."""
    digest = hashlib.sha256()
    session = requests.Session()

    def send(method: str, path: str, body: object = None) -> requests.Response:
        response = session.request(method, f"{sb.base_url}{path}", json=body)
        digest.update(response.content)
        return response

    if ready is not None:
        ready.wait()
    settings = {"clientId": "acme", "fundingModel": "NET_SETTLEMENT", "financeEmails": ["f@acme.test"]}
    client = send("POST", "/sandbox/v1/clients", settings).json()
    send("POST", "/sandbox/v1/clients/acme/accounts", {"count": investors, "holdings": {"BTC": "0.5"}})
    login = {"logonId": client["logonId"], "password": client["password"]}
    session.headers["Authorization"] = send("POST", "/apex-crypto/api/v2/login", login).json()["token"]
    api = "/apex-crypto/api/v2/allocation/trade/batch"
    send("POST", f"{api}/open", {"batchTransactionId": BATCH_ID, "symbol": "BTCUSD", "type": "NOTIONAL"})
    for n in range(investors):
        send("POST", f"{api}/allocate", allocation_body(n, "SELL" if n % 3 == 0 else "BUY"))
    send("POST", f"{api}/close", {"batchTransactionId": BATCH_ID, "allocations": investors})
    send("POST", "/sandbox/v1/clock/advance", {"to": PAST_THE_CUTOFF})
    for what in ("events", "files", "emails"):
        send("GET", f"/sandbox/v1/{what}?client=acme&limit=10000")
    if sb.aws == "memory":
        for stored in sb.files("acme"):
            digest.update(stored.body)
        digest.update(repr(sb.events("acme")).encode())
        digest.update(repr(sb.emails()).encode())
    return digest.hexdigest()


def one(seed: int, investors: int, aws: str, ready: threading.Barrier | None = None) -> str:
    with Sandbox(seed=seed, start=START, aws=aws, base_url=f"https://w{seed}.sandbox.test") as sb:
        return flow(sb, investors, ready)


def timed(run: Callable[[], list[str]]) -> tuple[float, list[str]]:
    started = time.perf_counter()
    hashes = run()
    return time.perf_counter() - started, hashes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--investors", type=int, default=300, help="investors and allocations per sandbox")
    parser.add_argument("--no-moto", action="store_true", help="skip the moto figure")
    options = parser.parse_args()
    investors = options.investors
    seeds = list(range(1, SANDBOXES + 1))
    one(0, 2, "memory")  # warm up imports and caches, so neither figure pays for them

    def threaded() -> list[str]:
        ready = threading.Barrier(SANDBOXES)
        with ThreadPoolExecutor(SANDBOXES) as pool:
            return list(pool.map(lambda seed: one(seed, investors, "memory", ready), seeds))

    together, threaded_hashes = timed(threaded)
    alone, sequential_hashes = timed(lambda: [one(seed, investors, "memory") for seed in seeds])
    assert threaded_hashes == sequential_hashes, "a sandbox in a thread saw something of another"
    assert len(set(sequential_hashes)) == SANDBOXES
    rows = {
        "eight memory sandboxes in threads, wall s": f"{together:.2f}",
        "the same eight one after another, wall s": f"{alone:.2f}",
        "threads / one after another": f"{together / alone:.2f}",
        "every sandbox alike in both runs": "yes",
    }
    if not options.no_moto:
        on_moto, _ = timed(lambda: [one(seed, investors, "moto") for seed in seeds])
        rows["the same eight on moto, one after another, wall s"] = f"{on_moto:.2f}"
    report(f"eight sandboxes, {investors:,} allocations each", rows)


if __name__ == "__main__":
    main()
