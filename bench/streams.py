"""The streams of `bakkt-sim serve`: quote frames/s delivered, and what subscribers cost.

1. Frames/s delivered to 1 and to 50 connected clients under the realtime
   clock at high speed (every symbol, so each 20 ms clock tick passes many
   refreshes and publishes each symbol's latest quote once: the most a
   client can get is 8 symbols x 50 ticks/s = 400 frames/s).
2. Allocate requests/s of `serve` (its default realtime clock, speed 1) from
   this process, with no subscriber and with 50 subscribers reading every
   symbol's quotes in another process.

The subscribers run in their own process (one asyncio loop, `websockets`'
client), so their reading does not slow the client that measures.
Target: 50 idle subscribers cost the allocate rate at most 10%.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import requests
from _common import BATCH_ID, allocation_body, report

SUBSCRIBERS = """
import asyncio, json, sys, time
from websockets.asyncio.client import connect

async def reader(url, token, counts, index, ready):
    async with connect(url, additional_headers={"Authorization": token}, compression=None) as ws:
        ready.append(index)
        async for _ in ws:
            counts[index] += 1

async def main(url, token, clients, seconds):
    counts, ready = [0] * clients, []
    tasks = [asyncio.create_task(reader(url, token, counts, i, ready)) for i in range(clients)]
    while len(ready) < clients:
        await asyncio.sleep(0.01)
    print("ready", flush=True)
    await asyncio.sleep(1.0)  # warm up
    before, started = list(counts), time.perf_counter()
    await asyncio.sleep(seconds)
    elapsed, after = time.perf_counter() - started, list(counts)
    got = [b - a for a, b in zip(before, after)]
    print(json.dumps({"total": sum(got) / elapsed, "min": min(got) / elapsed, "max": max(got) / elapsed}), flush=True)
    for task in tasks:
        task.cancel()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
"""


class Serve:
    """`bakkt-sim serve` with one provisioned client."""

    def __init__(self, *args: str, investors: int = 0) -> None:
        command = [sys.executable, "-m", "simulator", "serve", "--port", "0", *args]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        ready = json.loads(self.process.stdout.readline())
        self.api = ready["api"]
        client = requests.post(f"{self.api}/sandbox/v1/clients", json={"clientId": "acme"}).json()
        if investors:
            requests.post(f"{self.api}/sandbox/v1/clients/acme/accounts", json={"count": investors})
        login = {"logonId": client["logonId"], "password": client["password"]}
        self.token = requests.post(f"{self.api}/apex-crypto/api/v2/login", json=login).json()["token"]
        config = requests.get(f"{self.api}/apex-crypto/api/v2/config", headers={"Authorization": self.token}).json()
        self.quotes_url = config["streamingQuoteUrl"]

    def subscribers(self, clients: int, seconds: float) -> subprocess.Popen[str]:
        """`clients` quote readers in another process, once all are connected."""
        args = [sys.executable, "-c", SUBSCRIBERS, self.quotes_url, self.token, str(clients), str(seconds)]
        process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        return process

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def delivered(clients: int, speed: float, seconds: float) -> dict[str, float]:
    serve = Serve("--clock", "realtime", "--speed", str(speed))
    try:
        readers = serve.subscribers(clients, seconds)
        out, _ = readers.communicate()
        figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
        return figures
    finally:
        serve.stop()


def allocate_rate(requests_count: int, clients: int) -> float:
    serve = Serve(investors=requests_count)
    readers = serve.subscribers(clients, seconds=3600) if clients else None
    try:
        session = requests.Session()
        session.headers["Authorization"] = serve.token
        batches = f"{serve.api}/apex-crypto/api/v2/allocation/trade/batch"
        session.post(f"{batches}/open", json={"batchTransactionId": BATCH_ID, "symbol": "BTCUSD", "type": "NOTIONAL"})
        started = time.perf_counter()
        for n in range(requests_count):
            answer = session.post(f"{batches}/allocate", json=allocation_body(n))
            assert answer.status_code == 200, answer.text
        return requests_count / (time.perf_counter() - started)
    finally:
        if readers is not None:
            readers.kill()
            readers.wait()
        serve.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--speed", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--requests", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=3, help="allocate runs each way, alternating; the best of each is shown")
    options = parser.parse_args()
    rows: dict[str, str] = {}
    for clients in (1, 50):
        figures = delivered(clients, options.speed, options.seconds)
        rows[f"{clients} client(s), frames/s delivered in all"] = f"{figures['total']:,.0f}"
        rows[f"{clients} client(s), frames/s per client (slowest, fastest)"] = f"{figures['min']:,.0f}, {figures['max']:,.0f} (at most 400)"
    none, fifty = [], []
    for _ in range(options.rounds):
        none.append(allocate_rate(options.requests, 0))
        fifty.append(allocate_rate(options.requests, 50))
    rows["allocate requests/s, no subscriber"] = f"{max(none):,.0f} (runs: {', '.join(f'{r:,.0f}' for r in none)})"
    rows["allocate requests/s, 50 subscribers"] = f"{max(fifty):,.0f} (runs: {', '.join(f'{r:,.0f}' for r in fifty)})"
    rows["cost of 50 subscribers"] = f"{1 - max(fifty) / max(none):.1%} lower (target: at most 10%)"
    report(f"serve's quote stream, realtime clock at speed {options.speed:g}; allocate rate at speed 1", rows)


if __name__ == "__main__":
    main()
