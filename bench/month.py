"""A simulated 30-day month of 10,000 investors trading daily: wall time.

Every trading day at 15:30 UTC one NOTIONAL batch allocates to each investor
(a third of them selling), through the same dispatch HTTP uses; the clock then
runs to the next day, through the 09:00 CT cutoff (settlement files of 10,000
rows), trade confirmations, 17:05 CT daily summaries and event publishing.
"""
from __future__ import annotations

import argparse
import time

from _common import peak_rss_mb, report

from simulator import Sandbox
from simulator.engine.clock import NS_PER_SECOND
from simulator.engine.streams import seeded_uuid

BATCHES = "/apex-crypto/api/v2/allocation/trade/batch"
DAY = 86_400


def log_in(sb: Sandbox, client: dict[str, str]) -> str:
    """A token lives 24 simulated hours: a client logs in every trading day."""
    credentials = {"logonId": client["logonId"], "password": client["password"]}
    return str(sb.call("POST", "/apex-crypto/api/v2/login", credentials).json()["token"])


def expect_ok(status: int, what: str) -> None:
    if status != 200:
        raise SystemExit(f"{what} answered {status}")


def trade_day(sb: Sandbox, token: str, day: int, investors: int) -> None:
    batch = seeded_uuid(0, f"month-batch-{day}")
    opened = {"batchTransactionId": batch, "symbol": "BTCUSD", "type": "NOTIONAL"}
    expect_ok(sb.call("POST", f"{BATCHES}/open", opened, token=token).status, "open")
    for n in range(investors):
        body = {
            "account": f"INV{n + 1:05d}",
            "amount": f"{10 + n % 90}.00",
            "batchTransactionId": batch,
            "clientTransactionId": seeded_uuid(0, f"month-{day}-{n}"),
            "side": "SELL" if n % 3 == 0 else "BUY",
            "symbol": "BTCUSD",
        }
        expect_ok(sb.call("POST", f"{BATCHES}/allocate", body, token=token).status, "allocate")
    closed = {"batchTransactionId": batch, "allocations": investors}
    expect_ok(sb.call("POST", f"{BATCHES}/close", closed, token=token).status, "close")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--investors", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    options = parser.parse_args()
    with Sandbox(seed=1, start="2026-03-02T15:30:00Z") as sb:
        client = sb.call("POST", "/sandbox/v1/clients", {"clientId": "acme"}).json()
        sb.call("POST", "/sandbox/v1/clients/acme/accounts", {"count": options.investors, "holdings": {"BTC": "10"}})
        started = time.perf_counter()
        for day in range(options.days):
            trade_day(sb, log_in(sb, client), day, options.investors)
            sb.advance_to_ns(sb.core.start_ns + (day + 1) * DAY * NS_PER_SECOND)
        elapsed = time.perf_counter() - started
        core = sb.core
        report(
            f"a {options.days}-day month, {options.investors:,} investors trading daily",
            {
                "allocations": f"{options.days * options.investors:,}",
                "events journaled": f"{len(core.journal.entries):,}",
                "files written": len(core.files.list()),
                "emails recorded": f"{len(core.mail.list()):,}",
                "wall seconds": f"{elapsed:.1f}",
                "peak RSS MB": f"{peak_rss_mb():.0f}",
            },
        )


if __name__ == "__main__":
    main()
