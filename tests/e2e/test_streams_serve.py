"""The vendor's streams from `bakkt-sim serve` (CONTRACT 19), read with a real WebSocket client.

A client that knows only the vendor's docs calls `/config`, connects to the
URL it names with its token, and reads. Frames are what the in-process
`sb.stream` reads for the same seed and inputs. Waits on the wall clock are
bounded reads of frames the sandbox has already published; absence is shown
by order (a later frame arriving first), never by waiting for nothing.
"""
from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from click.testing import CliRunner
from e2e_target import API, SEED, START, Client, ServerProcess, Target, expect, start_server, uid
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from simulator import Sandbox
from simulator.cli import main

READ_TIMEOUT = 10.0
"""Bounds a read of a frame already published: only a failing test waits this long."""
INVESTORS = {"count": 1, "prefix": "INV", "holdings": {"BTC": "1"}, "cash": "100000.00"}


def stream_urls(client: Client) -> dict[str, str]:
    answer: dict[str, str] = expect(client.get("/config"), 200)
    return answer


def read(connection: ClientConnection, count: int) -> list[dict[str, Any]]:
    return [json.loads(connection.recv(timeout=READ_TIMEOUT)) for _ in range(count)]


def order(client: Client, name: str, side: str = "BUY") -> None:
    body = {"clientOrderId": uid(name), "account": "INV00001", "side": side, "type": "MARKET",
            "timeInForce": "IOC", "symbol": "BTCUSD", "quantity": "0.01"}
    expect(client.post("/orders", body), 201)


@pytest.fixture
def acme(server_target: Target) -> Client:
    return server_target.provision("acme", accounts=INVESTORS)


def test_config_names_the_stream_port_of_the_ready_line(live_server: ServerProcess, acme: Client) -> None:
    stream = live_server.ready["stream"]
    assert urlsplit(stream).scheme == "ws" and urlsplit(stream).hostname == "127.0.0.1"
    expected = {
        "streamingQuoteUrl": f"{stream}/socket/quotes",
        "streamingOrderEntryEventUrl": f"{stream}/socket/order_entry/events",
    }
    assert stream_urls(acme) == expected
    assert expect(acme.post("/config", {}), 200) == expected


def test_the_upgrade_needs_a_valid_token_and_a_known_path(acme: Client) -> None:
    url = stream_urls(acme)["streamingQuoteUrl"]
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        with pytest.raises(InvalidStatus) as refused:
            connect(url, additional_headers=headers, open_timeout=READ_TIMEOUT)
        assert refused.value.response.status_code == 401
        assert json.loads(refused.value.response.body) == {"code": 401, "message": "Unauthorized"}
    with pytest.raises(InvalidStatus) as unknown:
        connect(url.replace("/socket/quotes", "/socket/trades"), additional_headers={"Authorization": acme.token})
    assert unknown.value.response.status_code == 404
    with connect(f"{url}?token={acme.token}") as by_query, connect(url, additional_headers={"Authorization": acme.token}) as raw:
        for connection in (by_query, raw):
            connection.send(json.dumps({"subscribe": ["BTCUSD"]}))
        assert read(by_query, 1) == read(raw, 1)


def quotes_session(subscribe: Any, advance: Any, collect: Any) -> list[dict[str, Any]]:
    """The same client session in either mode: subscribe, advance past refreshes, read."""
    frames: list[dict[str, Any]] = []
    subscribe(["BTCUSD", "ETHUSD"])
    frames += collect(2)  # the current quotes, answering the subscribe
    advance(0.5)  # no refresh: nothing is sent, so the next frames are those of the next advance
    advance(30)
    frames += collect(2)
    advance(3600)
    frames += collect(2)
    return frames


def test_quotes_over_serve_are_the_frames_sb_stream_reads(acme: Client) -> None:
    with connect(stream_urls(acme)["streamingQuoteUrl"], additional_headers={"Authorization": f"Bearer {acme.token}"}) as ws:
        served = quotes_session(
            lambda symbols: ws.send(json.dumps({"subscribe": symbols})),
            lambda seconds: acme.target.advance(seconds=seconds),
            lambda count: read(ws, count),
        )
    assert [frame["timestamp"][11:19] for frame in served] == ["14:00:00"] * 2 + ["14:00:30"] * 2 + ["15:00:30"] * 2
    with Sandbox(seed=SEED, start=START, aws="memory", base_url=None) as sb:
        provisioning = sb.call("POST", "/sandbox/v1/clients", {"clientId": "acme"}).json()
        token = sb.call("POST", f"{API}/login", {"logonId": provisioning["logonId"], "password": provisioning["password"]}).json()["token"]
        with sb.stream("/socket/quotes", token) as stream:
            in_process = quotes_session(stream.subscribe, lambda seconds: sb.advance(seconds=seconds), lambda count: list(stream))
    assert served == in_process


def test_order_events_are_the_clients_own_payloads_in_journal_order(acme: Client) -> None:
    beta = acme.target.provision("beta", accounts=INVESTORS)
    url = stream_urls(acme)["streamingOrderEntryEventUrl"]
    with connect(url, additional_headers={"Authorization": acme.token}) as acme_events:
        with connect(url, additional_headers={"Authorization": beta.token}) as beta_events:
            order(acme, "acme-1")
            order(beta, "beta-1")
            order(acme, "acme-2", side="SELL")
            acme.target.advance(seconds=1)
            acme_frames = read(acme_events, 4)
            beta_frames = read(beta_events, 2)
    journal = [event["payload"] for event in acme.target.journal("acme") if event["event_type"] == "order/1"]
    assert acme_frames == journal
    assert [frame["request"]["clientOrderId"] for frame in acme_frames] == [uid("acme-1")] * 2 + [uid("acme-2")] * 2
    assert [frame["status"] for frame in acme_frames] == ["IN_PROGRESS", "COMPLETE"] * 2
    assert [frame["request"]["clientOrderId"] for frame in beta_frames] == [uid("beta-1")] * 2


def test_a_subscribe_naming_no_known_symbol_closes_the_stream_with_1008(acme: Client) -> None:
    with connect(stream_urls(acme)["streamingQuoteUrl"], additional_headers={"Authorization": acme.token}) as ws:
        ws.send(json.dumps({"subscribe": ["BTCUSD", "NOPEUSD"]}))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=READ_TIMEOUT)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert "unknown symbol 'NOPEUSD'" in closed.value.rcvd.reason


def test_a_reset_closes_the_streams_with_1012(acme: Client) -> None:
    with connect(stream_urls(acme)["streamingQuoteUrl"], additional_headers={"Authorization": acme.token}) as ws:
        acme.target.reset(SEED)
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=READ_TIMEOUT)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012


# a server of their own: a client that never reads, and the realtime clock


@pytest.fixture
def own_server() -> Iterator[ServerProcess]:
    server = start_server("--clock", "manual", "--seed", str(SEED), "--start", START)
    yield server
    if server.process.poll() is None:
        server.stop()


def never_reading(url: str, token: str) -> socket.socket:
    """A WebSocket upgrade sent by hand on a socket with a small receive buffer, never read again."""
    parts = urlsplit(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((parts.hostname, parts.port))
    sock.sendall(
        (
            f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: {token}\r\n\r\n"
        ).encode()
    )
    return sock


def test_a_client_that_never_reads_holds_up_neither_the_clock_nor_others_nor_the_stop(own_server: ServerProcess) -> None:
    target = own_server.target()
    acme = target.provision("acme")
    url = stream_urls(acme)["streamingQuoteUrl"]
    idle = [never_reading(url, acme.token) for _ in range(3)]
    with connect(url, additional_headers={"Authorization": acme.token}) as reader:
        reader.send(json.dumps({"subscribe": ["BTCUSD"]}))
        read(reader, 1)
        began = time.monotonic()
        for step in range(1, 601):  # 600 refreshes of every symbol for the idle clients: far more than their sockets hold
            now = target.advance(seconds=1)["now"]
            (frame,) = read(reader, 1)
            assert frame["timestamp"][:19] == now[:19], f"step {step}: the reader got {frame}, the clock is at {now}"
        advancing = time.monotonic() - began
        stopping = time.monotonic()
        assert own_server.stop() == 0, own_server.stderr_text()
        stopped = time.monotonic() - stopping
        with pytest.raises(ConnectionClosed) as closed:
            reader.recv(timeout=READ_TIMEOUT)
    for sock in idle:
        sock.close()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
    assert advancing < 60, f"600 advances took {advancing:.1f} s beside clients that never read"
    assert stopped < 10, f"serve took {stopped:.1f} s to stop with clients that never read"


def test_quotes_flow_under_the_realtime_clock() -> None:
    server = start_server("--clock", "realtime", "--speed", "200", "--seed", "1", "--start", START)
    try:
        acme = server.target().provision("acme")
        with connect(stream_urls(acme)["streamingQuoteUrl"], additional_headers={"Authorization": acme.token}) as ws:
            ws.send(json.dumps({"subscribe": ["ETHUSD"]}))
            frames = read(ws, 10)
    finally:
        assert server.stop() == 0, server.stderr_text()
    stamps = [frame["timestamp"] for frame in frames]
    assert all(frame["symbol"] == "ETHUSD" for frame in frames)
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps), f"each refresh once, in time order: {stamps}"
    assert all(stamp.endswith(".000000000Z") for stamp in stamps), "refreshes happen on whole simulated seconds"


def test_a_recorded_config_call_replays_though_its_urls_name_this_servers_port(tmp_path: Path) -> None:
    recording = tmp_path / "session.yaml"
    server = start_server("--clock", "manual", "--seed", str(SEED), "--start", START, "--record", str(recording))
    try:
        acme = server.target().provision("acme")
        assert stream_urls(acme)["streamingQuoteUrl"].startswith(server.ready["stream"])
    finally:
        assert server.stop() == 0, server.stderr_text()
    (config_step,) = [step for step in yaml.safe_load(recording.read_text())["steps"] if step.get("request", {}).get("path") == f"{API}/config"]
    assert config_step["expect"] == {"status": 200, "body": {}}, "this server's URLs are left out, as its AWS endpoint is"
    done = CliRunner().invoke(main, ["replay", str(recording), "--out", str(tmp_path / "report")], catch_exceptions=False)
    assert done.exit_code == 0, done.output
