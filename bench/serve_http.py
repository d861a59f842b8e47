"""Allocate requests/s against `bakkt-sim serve` under wrk, beside a bare route
on the same WSGI server (waitress, same thread count) answering constant JSON.

A Python client caps itself near 1,000 requests/s, far below what the server
takes, so the load comes from wrk (a native load generator: `apt-get install
wrk` on Debian), 2 threads and 16 keep-alive connections by default. Every
request is a new allocation (a fresh clientTransactionId, the investors taken
in turn) into one open batch; any answer but 200 stops the script. The bare
route and the sandbox (without and with `--db`) take turns for `--rounds`
rounds, each against its own server started once; the best round of each is
printed with the spread, since the machine may be shared.

Target: the sandbox reaches at least 75% of the bare rate.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import requests
from _common import BATCH_ID, clear_database, report

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

ALLOCATIONS = """
-- Each request a new allocation: args are the token, the investor count and the round.
-- (setup runs in wrk's main state, each thread in a state of its own: thread:set hands the number over)
threads_set_up = 0
function setup(thread)
  threads_set_up = threads_set_up + 1
  thread:set("thread_number", threads_set_up)
end
function init(args)
  token, investors, round, sent = args[1], tonumber(args[2]), tonumber(args[3]), 0
end
function request()
  sent = sent + 1
  local id = string.format("%08x-%04x-4000-8000-%012x", round, thread_number, sent)
  local body = string.format(
    '{"account":"INV%05d","amount":"25.00","batchTransactionId":"BATCH",' ..
    '"clientTransactionId":"%s","side":"BUY","symbol":"BTCUSD"}', sent % investors + 1, id)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Authorization"] = token}, body)
end
""".replace("BATCH", BATCH_ID)


class Server:
    """A server process of this run, and how wrk drives it."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        self.line = self.process.stdout.readline().strip()
        self.url = ""
        self.args: list[str] = []

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def bare_server() -> Server:
    server = Server([sys.executable, "-c", BARE_SERVER])
    server.url = f"http://127.0.0.1:{server.line}/allocate"
    return server


def sandbox_server(investors: int, db: Path | None) -> Server:
    """`serve` with client acme, `investors` investors and an open batch; wrk gets the token."""
    command = [sys.executable, "-m", "simulator", "serve", "--port", "0", "--clock", "manual"]
    if db is not None:
        command += ["--db", str(db)]
    server = Server(command)
    api = json.loads(server.line)["api"]
    client = requests.post(f"{api}/sandbox/v1/clients", json={"clientId": "acme"}).json()
    requests.post(f"{api}/sandbox/v1/clients/acme/accounts", json={"count": investors}).raise_for_status()
    login = {"logonId": client["logonId"], "password": client["password"]}
    token = requests.post(f"{api}/apex-crypto/api/v2/login", json=login).json()["token"]
    batches = f"{api}/apex-crypto/api/v2/allocation/trade/batch"
    opened = {"batchTransactionId": BATCH_ID, "symbol": "BTCUSD", "type": "NOTIONAL"}
    requests.post(f"{batches}/open", json=opened, headers={"Authorization": token}).raise_for_status()
    server.url = f"{batches}/allocate"
    server.args = [token, str(investors)]
    return server


def wrk_run(server: Server, script: Path, round_number: int, options: argparse.Namespace) -> tuple[float, int]:
    """Requests/s of one wrk run and the answers it counted; a non-200 answer or a socket error fails the benchmark."""
    command = ["wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{options.seconds}s", "-s", str(script)]
    output = subprocess.run(
        [*command, server.url, "--", *(server.args or ["-", "1"]), str(round_number)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        sys.exit(f"wrk saw failed requests against {server.url}:\n{output}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    answered = re.search(r"(\d+) requests in", output)
    assert rate is not None and answered is not None, output
    return float(rate.group(1)), int(answered.group(1))


def pending_allocations(server: Server) -> int:
    """The allocations the batch holds PENDING: each request must have made one (a rejected one answers 200 too)."""
    token = server.args[0]
    batch = server.url.removesuffix("/allocate") + f"/{BATCH_ID}"
    return int(requests.get(batch, headers={"Authorization": token}).json()["allocations"])


def spread(rates: list[float]) -> str:
    return f"{max(rates):,.0f} (rounds {min(rates):,.0f} to {max(rates):,.0f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--investors", type=int, default=1_000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "bakkt-bench-serve.db")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `apt-get install -y wrk` (Debian, Ubuntu) or `brew install wrk` (macOS)")
    clear_database(options.db)
    starts: dict[str, Callable[[], Server]] = {
        "bare": bare_server,
        "memory": lambda: sandbox_server(options.investors, None),
        "durable": lambda: sandbox_server(options.investors, options.db),
    }
    rates: dict[str, list[float]] = {name: [] for name in starts}
    answered = dict.fromkeys(starts, 0)
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "allocations.lua"
        script.write_text(ALLOCATIONS)
        servers = {name: start() for name, start in starts.items()}
        try:
            for round_number in range(options.rounds):
                for name, server in servers.items():
                    rate, count = wrk_run(server, script, round_number, options)
                    rates[name].append(rate)
                    answered[name] += count
            for name in ("memory", "durable"):  # wrk counts no answer still in flight when it stops
                pending = pending_allocations(servers[name])
                assert answered[name] <= pending <= answered[name] + options.rounds * options.connections, (pending, answered)
        finally:
            for server in servers.values():
                server.stop()
    bare, memory, durable = (max(rates[name]) for name in starts)
    report(
        f"serve over loopback under wrk ({options.threads} threads, {options.connections} connections, "
        f"{options.seconds} s a run), best of {options.rounds} rounds taken in turn",
        {
            "bare waitress route requests/s": spread(rates["bare"]),
            "sandbox allocate requests/s": f"{spread(rates['memory'])}: {memory / bare:.0%} of bare",
            "sandbox with --db allocate requests/s": f"{spread(rates['durable'])}: {durable / bare:.0%} of bare",
        },
    )


if __name__ == "__main__":
    main()
