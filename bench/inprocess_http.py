"""Allocate requests/s through `requests` against the in-process Sandbox,
beside a bare `responses` callback returning constant JSON, in one process.

Target: the sandbox reaches at least 40% of the bare rate.
"""
from __future__ import annotations

import argparse
import time

import requests
import responses
from _common import BATCH_ID, allocation_body, provision, report

from simulator import Sandbox

BARE_URL = "https://bare.test/apex-crypto/api/v2/allocation/trade/batch/allocate"


def bare_rate(bodies: list[dict[str, str]]) -> float:
    answer = b'{"status":"PENDING"}'
    with responses.RequestsMock() as mock:
        mock.add_callback("POST", BARE_URL, callback=lambda _: (200, {"Content-Type": "application/json"}, answer))
        session = requests.Session()
        started = time.perf_counter()
        for body in bodies:
            session.post(BARE_URL, json=body).json()
        return len(bodies) / (time.perf_counter() - started)


def sandbox_rate(bodies: list[dict[str, str]]) -> tuple[float, int]:
    with Sandbox(seed=1, start="2026-03-02T15:00:00Z") as sb:
        token = provision(sb, investors=len(bodies))
        session = requests.Session()
        session.headers["Authorization"] = token
        api = f"{sb.base_url}/apex-crypto/api/v2/allocation/trade/batch"
        session.post(f"{api}/open", json={"batchTransactionId": BATCH_ID, "symbol": "BTCUSD", "type": "NOTIONAL"})
        started = time.perf_counter()
        for body in bodies:
            session.post(f"{api}/allocate", json=body).json()
        rate = len(bodies) / (time.perf_counter() - started)
        pending = session.get(f"{api}/{BATCH_ID}").json()["allocations"]
        return rate, pending


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5_000)
    count = parser.parse_args().requests
    bodies = [allocation_body(n) for n in range(count)]
    bare = bare_rate(bodies)
    sandbox, pending = sandbox_rate(bodies)
    report(
        f"in-process HTTP, {count:,} allocate requests",
        {
            "allocations PENDING in the batch": pending,
            "bare responses callback requests/s": f"{bare:,.0f}",
            "sandbox allocate requests/s": f"{sandbox:,.0f}",
            "ratio": f"{sandbox / bare:.0%}",
        },
    )


if __name__ == "__main__":
    main()
