"""`bakkt-sim serve --record FILE`: a live session becomes a scenario that replays with the same answers."""
from __future__ import annotations

import json
import signal
import socket
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import requests
from click.testing import CliRunner, Result
from e2e_target import (
    API,
    CONTROL,
    CUTOFF,
    INVESTORS,
    SEED,
    START,
    UNAUTHORIZED,
    ServerProcess,
    Target,
    expect,
    new_session,
    run_serve_expecting_exit,
    start_server,
    uid,
)

from simulator.adapters.command_log import CommandLog, LoggedCommand
from simulator.cli import main
from simulator.engine.clock import parse_instant
from simulator.replay.loader import load_scenario
from simulator.replay.recording import RecordingFile, header
from simulator.replay.scenario import ControlStep, RequestStep

CLOCK_PATHS = (f"{CONTROL}/clock", f"{CONTROL}/clock/advance")
SPEED = "20000"
"""Simulated seconds per wall second: the 09:00 CT cutoff, an hour after the start, comes in 0.2 s."""
MAX_CLOCK_READS = 100_000


class AnswerLog:
    """Every answer the live server gave, in order."""

    def __init__(self) -> None:
        self.answers: list[requests.Response] = []

    def session(self) -> requests.Session:
        http = new_session()
        http.hooks["response"].append(lambda response, *args, **kwargs: self.answers.append(response))
        return http


def recording_server(recording: Path, *args: str) -> ServerProcess:
    return start_server("--seed", str(SEED), "--start", START, "--record", str(recording), *args)


def bakkt_sim(*args: str | Path) -> Result:
    """The command line, in this process: no server runs here, so the replay's embedded AWS is free."""
    return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)


def replay(recording: Path, out: Path) -> list[dict[str, Any]]:
    """`bakkt-sim replay` must pass; the requests it made for the steps, clock moves of `at` left out."""
    done = bakkt_sim("replay", recording, "--out", out)
    assert done.exit_code == 0, done.output
    records = [json.loads(line) for line in (out / "requests.jsonl").read_text().splitlines()]
    return [record for record in records if record["step"] is not None and not record["where"].endswith(".at")]


def comparable(path: str, answer: Any) -> Any:
    """An answer without what only the live server says: its AWS URL and its clock's mode."""
    if not isinstance(answer, dict):
        return answer
    left_out = {"queueUrl", *(("mode",) if path in CLOCK_PATHS else ())}
    return {key: value for key, value in answer.items() if key not in left_out}


def assert_same_answers(live: list[requests.Response], replayed: list[dict[str, Any]]) -> None:
    assert [(r["method"], r["path"]) for r in replayed] == [
        (response.request.method, unquote(urlparse(response.url).path)) for response in live
    ]
    for response, record in zip(live, replayed, strict=True):
        assert record["status"] == response.status_code, record["path"]
        assert comparable(record["path"], record["response"]) == comparable(record["path"], response.json())


def drive_session(target: Target) -> None:
    """Provision, allocate, close, cross the processing and the 09:00 CT cutoff, and make mistakes."""
    client = target.provision("acme", accounts=INVESTORS)
    auth = {"Authorization": f"Bearer {client.token}"}
    batch = uid("record-b1")
    client.open_batch(batch)
    client.allocate(batch, uid("record-t1"), "INV00001", "200")
    client.allocate(batch, uid("record-t2"), "INV00002", "100")
    expect(client.close_batch(batch, 2), 200)
    bad = {"batchTransactionId": "not-a-uuid", "symbol": "BTCUSD", "type": "NOTIONAL"}
    expect(client.post("/allocation/trade/batch/open", bad), 400)
    expect(target.request("POST", f"{API}/allocation/trade/batch/open", data=b"{oops", headers=auth), 400)
    wrong_token = {"Authorization": "Bearer x"}
    denied = expect(target.request("GET", f"{API}/allocation/trade/batch/{batch}", headers=wrong_token), 401)
    assert denied == UNAUTHORIZED
    expect(target.request("GET", f"{API}/instruments"), 401)
    expect(client.get("/allocation/trade/batch/${uuid:b1}"), 400)
    target.advance(seconds=1)
    target.advance(to=CUTOFF)
    assert expect(client.batch(batch), 200)["status"] == "COMPLETE"
    assert expect(target.control("GET", "/files", client="acme"), 200)["files"]
    target.advance(to="2026-03-03T14:00:00Z")
    expect(client.batch(batch), 401)
    client.token = expect(target.login(client.provisioning["logonId"], client.provisioning["password"]), 200)["token"]
    expect(client.batch(batch), 200)


def test_a_recorded_session_replays_with_the_same_answers(tmp_path: Path) -> None:
    recording, log = tmp_path / "session.yaml", AnswerLog()
    server = recording_server(recording, "--clock", "manual")
    try:
        drive_session(Target("server", server.ready["api"], server.ready["aws"], log.session()))
    finally:
        code = server.stop()
    assert code == 0, server.stderr_text()

    scenario = load_scenario(recording)
    assert (scenario.seed, scenario.start, scenario.name) == (SEED, START, "session")
    assert len(scenario.steps) == len(log.answers)
    assert all(step.at is None for step in scenario.steps), "a manual clock moves only by the recorded advances"
    advances = [step.action.call.body for step in scenario.steps if isinstance(step.action, ControlStep)
                and step.action.call.path == f"{CONTROL}/clock/advance"]  # fmt: skip
    assert advances == [{"seconds": 1}, {"to": CUTOFF}, {"to": "2026-03-03T14:00:00Z"}]
    clients = {step.action.as_client for step in scenario.steps if isinstance(step.action, RequestStep)}
    assert clients == {"acme", None}
    assert any(step.literal for step in scenario.steps)
    assert_same_answers(log.answers, replay(recording, tmp_path / "report"))


def test_a_realtime_session_replays_the_time_between_requests(tmp_path: Path) -> None:
    """Also with --setup (copied into the file), and killed with -9: every answered request is in the file."""
    setup = tmp_path / "setup.yaml"
    setup.write_text(
        "version: 1\nname: setup\nmarket:\n  BTCUSD: {price: '43000.00', volatility: 0.8}\n"
        "clients:\n  acme:\n    accounts:\n      - {count: 2, prefix: INV, holdings: {BTC: '0.5'}}\n"
    )
    recording, log = tmp_path / "realtime.yaml", AnswerLog()
    server = recording_server(recording, "--clock", "realtime", "--speed", SPEED, "--setup", str(setup))
    try:
        target = Target("server", server.ready["api"], server.ready["aws"], log.session())
        before = expect(target.control("GET", "/market/BTCUSD"), 200)
        cutoff = parse_instant(CUTOFF)
        for _ in range(MAX_CLOCK_READS):
            if parse_instant(target.now()) > cutoff:
                break
        after = expect(target.control("GET", "/market/BTCUSD"), 200)
        expect(target.control("GET", "/clients/acme/accounts/INV00001"), 200)
        files = expect(target.control("GET", "/files", client="acme"), 200)["files"]
    finally:
        server.stop(signal.SIGKILL)

    assert before["mid"] != after["mid"], "simulated time passed between the quotes"
    assert files, "the 09:00 CT cutoff passed during the session"
    scenario = load_scenario(recording)
    assert len(scenario.steps) == len(log.answers)
    instants = [parse_instant(step.at) for step in scenario.steps if step.at is not None]
    assert len(instants) >= 2 and instants == sorted(set(instants)), "each step that ran later says when"
    copied = load_scenario(setup)
    assert (scenario.market, scenario.clients) == (copied.market, copied.clients)
    assert_same_answers(log.answers, replay(recording, tmp_path / "report"))


def test_record_refuses_a_file_it_could_lose_data_in(tmp_path: Path) -> None:
    mine = tmp_path / "notes.yaml"
    mine.write_text("mine\n")
    db = tmp_path / "resumed.db"
    log = CommandLog(db)
    log.append(LoggedCommand(parse_instant(START), "GET", f"{CONTROL}/clock", {}, None, b""))
    log.close()
    cases = [
        (["--record", str(tmp_path / "missing" / "x.yaml")], "does not exist"),
        (["--record", str(mine)], "not an earlier recording"),
        (["--record", str(tmp_path / "x.yaml"), "--db", str(db)], "--record cannot resume"),
    ]
    for args, problem in cases:
        refusal = bakkt_sim("serve", "--port", "0", *args)
        assert refusal.exit_code == 2 and problem in refusal.stderr, refusal.output
    assert mine.read_text() == "mine\n"
    assert not (tmp_path / "x.yaml").exists()



def test_a_taken_port_is_refused_and_leaves_the_earlier_recording_as_it_was(tmp_path: Path) -> None:
    earlier = tmp_path / "session.yaml"
    file = RecordingFile(earlier, header("session", "An earlier session.", SEED, START, None))
    file.append({"control": {"method": "GET", "path": f"{CONTROL}/clock", "expect": {"status": 200}}})
    file.close()
    kept = earlier.read_bytes()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refusal = run_serve_expecting_exit("--port", str(port), "--record", str(earlier))

    assert refusal.code == 2, refusal.stderr
    assert refusal.stderr.startswith(f"serve: cannot listen on --host 127.0.0.1 --port {port}: Address already in use")
    assert "Traceback" not in refusal.stderr and refusal.stdout == ""
    assert earlier.read_bytes() == kept
