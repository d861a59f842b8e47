"""Allocate requests/s against `bakkt-sim serve` from this separate client
process on loopback, beside a bare route on the same WSGI server (waitress,
same thread count) answering constant JSON, measured in the same run.

Target: the sandbox reaches at least 40% of the bare rate.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import requests
from _common import BATCH_ID, allocation_body, clear_database, report

BARE_SERVER = """
import sys, waitress
from simulator.server import SERVER_THREADS
BODY = b'{"status":"PENDING"}'
def app(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]
server = waitress.create_server(app, host="127.0.0.1", port=0, threads=SERVER_THREADS)
print(server.effective_port, flush=True)
server.run()
"""


def start(command: list[str]) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def allocate_rate(url: str, count: int, headers: dict[str, str]) -> float:
    session = requests.Session()
    session.headers.update(headers)
    started = time.perf_counter()
    for n in range(count):
        body = allocation_body(n)
        answer = session.post(url, json=body)
        assert answer.status_code == 200, answer.text
    return count / (time.perf_counter() - started)


def sandbox_rate(count: int, db: Path | None) -> float:
    command = [sys.executable, "-m", "simulator", "serve", "--port", "0", "--clock", "manual"]
    if db is not None:
        command += ["--db", str(db)]
    process, line = start(command)
    try:
        api = json.loads(line)["api"]
        client = requests.post(f"{api}/sandbox/v1/clients", json={"clientId": "acme"}).json()
        requests.post(f"{api}/sandbox/v1/clients/acme/accounts", json={"count": count})
        login = {"logonId": client["logonId"], "password": client["password"]}
        token = requests.post(f"{api}/apex-crypto/api/v2/login", json=login).json()["token"]
        headers = {"Authorization": token}
        batches = f"{api}/apex-crypto/api/v2/allocation/trade/batch"
        opened = {"batchTransactionId": BATCH_ID, "symbol": "BTCUSD", "type": "NOTIONAL"}
        requests.post(f"{batches}/open", json=opened, headers=headers)
        return allocate_rate(f"{batches}/allocate", count, headers)
    finally:
        process.terminate()
        process.wait()


def bare_rate(count: int) -> float:
    process, port = start([sys.executable, "-c", BARE_SERVER])
    try:
        return allocate_rate(f"http://127.0.0.1:{port}/allocate", count, {})
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/bakkt-bench-serve.db"))
    options = parser.parse_args()
    clear_database(options.db)
    bare = bare_rate(options.requests)
    memory = sandbox_rate(options.requests, None)
    durable = sandbox_rate(options.requests, options.db)
    report(
        f"serve over loopback, {options.requests:,} allocate requests from a separate process",
        {
            "bare waitress route requests/s": f"{bare:,.0f}",
            "sandbox allocate requests/s": f"{memory:,.0f} ({memory / bare:.0%})",
            "sandbox with --db allocate requests/s": f"{durable:,.0f} ({durable / bare:.0%})",
        },
    )


if __name__ == "__main__":
    main()
