"""Restart time of `bakkt-sim serve --db` holding 100,000 allocations.

The database is built through the runtime's own dispatch and recorder, the
same commands an HTTP client would have logged, then `serve` is started on
it and timed until its ready line. Target: at most 10 s.
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
        runtime.call("POST", "/sandbox/v1/clients/acme/accounts", {"count": count})
        login = {"logonId": client["logonId"], "password": client["password"]}
        token = runtime.call("POST", "/apex-crypto/api/v2/login", login).json()["token"]
        batch = "/apex-crypto/api/v2/allocation/trade/batch"
        runtime.call("POST", f"{batch}/open", {"batchTransactionId": BATCH_ID, "symbol": "BTCUSD", "type": "NOTIONAL"}, token=token)
        for n in range(count):
            body = allocation_body(n)
            assert runtime.call("POST", f"{batch}/allocate", body, token=token).status == 200
    log.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--allocations", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/bakkt-bench-restart.db"))
    options = parser.parse_args()
    clear_database(options.db)
    build_database(options.db, options.allocations)
    command = [sys.executable, "-m", "simulator", "serve", "--port", "0", "--clock", "manual", "--db", str(options.db)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    ready = json.loads(process.stdout.readline())
    elapsed = time.perf_counter() - started
    process.terminate()
    process.wait()
    report(
        f"restart with a --db of {options.allocations:,} allocations",
        {"database MB": f"{options.db.stat().st_size / 2**20:.1f}", "ready at": ready["api"], "restart seconds": f"{elapsed:.2f}"},
    )


if __name__ == "__main__":
    main()
