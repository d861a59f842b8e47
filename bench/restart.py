"""Restart time of `bakkt-sim serve --db` holding 100,000 allocations.

The database is built through the runtime's own dispatch and recorder, the
same commands an HTTP client would have logged, then `serve` is started on
it and timed until its ready line, beside `serve` started on an empty
`--db` (the start-up every restart pays before it replays). The two take
turns, `--rounds` times, and each keeps its best, so a busy moment of a
shared machine does not decide the figures. Target: at most 3 s.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from _common import BATCH_ID, allocation_body, clear_database, report
from moto import mock_aws

from simulator.adapters.aws import EmbeddedAws
from simulator.adapters.command_log import CommandLog
from simulator.api.schemas import MAX_BULK_ACCOUNTS
from simulator.engine.clock import parse_instant
from simulator.sandbox import DEFAULT_START, compose_runtime, open_control


def build_database(path: Path, count: int) -> None:
    log = CommandLog(path)
    log.set_meta({"seed": "0", "start": DEFAULT_START})
    with mock_aws():
        runtime = compose_runtime(
            seed=0,
            start_ns=parse_instant(DEFAULT_START),
            ports=EmbeddedAws.connect(),
            clock_mode="manual",
            control_guard=open_control,
            log=log,
        )
        client = runtime.call("POST", "/sandbox/v1/clients", {"clientId": "acme"}).json()
        for first in range(0, count, MAX_BULK_ACCOUNTS):  # a larger request is refused
            investors = {"count": min(MAX_BULK_ACCOUNTS, count - first)}
            assert runtime.call("POST", "/sandbox/v1/clients/acme/accounts", investors).status == 201
        login = {"logonId": client["logonId"], "password": client["password"]}
        token = runtime.call("POST", "/apex-crypto/api/v2/login", login).json()["token"]
        batch = "/apex-crypto/api/v2/allocation/trade/batch"
        runtime.call("POST", f"{batch}/open", {"batchTransactionId": BATCH_ID, "symbol": "BTCUSD", "type": "NOTIONAL"}, token=token)
        for n in range(count):
            body = allocation_body(n)
            assert runtime.call("POST", f"{batch}/allocate", body, token=token).status == 200
    log.close()


def ready_seconds(db: Path) -> float:
    """From starting `serve --db` to its ready line."""
    command = [sys.executable, "-m", "simulator", "serve", "--port", "0", "--clock", "manual", "--db", str(db)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    assert "api" in json.loads(process.stdout.readline())
    elapsed = time.perf_counter() - started
    process.terminate()
    process.wait()
    return elapsed


def seconds(values: list[float]) -> str:
    return f"{min(values):.2f} (all: {', '.join(f'{v:.2f}' for v in values)})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--allocations", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/bakkt-bench-restart.db"))
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    clear_database(options.db)
    build_database(options.db, options.allocations)
    empty = options.db.with_name(f"{options.db.stem}-empty{options.db.suffix}")
    starts, restarts = [], []
    for _ in range(options.rounds):
        clear_database(empty)
        starts.append(ready_seconds(empty))
        restarts.append(ready_seconds(options.db))
    report(
        f"restart with a --db of {options.allocations:,} allocations, best of {options.rounds}",
        {
            "database MB": f"{options.db.stat().st_size / 2**20:.1f}",
            "start on an empty --db, seconds": seconds(starts),
            "restart seconds": seconds(restarts),
            "replay, the difference of the bests, seconds": f"{min(restarts) - min(starts):.2f}",
        },
    )


if __name__ == "__main__":
    main()
