"""`bakkt-sim serve` options: --ready-file, --db with another --seed, --host, --admin-token (CONTRACT 1, 12)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_target import (
    API,
    CONTROL,
    START,
    START_MILLIS,
    UNAUTHORIZED,
    ServerProcess,
    Target,
    expect,
    run_serve_expecting_exit,
    start_server,
)

ADMIN_TOKEN = "s3cret-admin-token"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Path]]:
    """A server with an admin token on loopback, a --db and a --ready-file."""
    folder = tmp_path_factory.mktemp("options")
    ready_file, db = folder / "ready.json", folder / "x.db"
    server = start_server(
        "--clock", "manual", "--seed", "1", "--start", START,
        "--db", str(db), "--ready-file", str(ready_file), "--admin-token", ADMIN_TOKEN,
    )  # fmt: skip
    yield server, ready_file
    assert server.stop() == 0, server.stderr_text()


def admin(token: str | None) -> dict[str, str]:
    return {} if token is None else {"X-Admin-Token": token}


def test_the_ready_file_holds_the_ready_line(guarded: tuple[ServerProcess, Path]) -> None:
    server, ready_file = guarded
    assert json.loads(ready_file.read_text()) == server.ready
    assert ready_file.read_text().strip() == server.ready_line.strip()
    assert set(server.ready) == {"api", "aws", "region", "stream"} and server.ready["region"] == "us-east-1"
    for url in (server.ready["api"], server.ready["aws"]):
        assert url.startswith("http://127.0.0.1:")
    assert server.ready["stream"].startswith("ws://127.0.0.1:")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/clock", None),
        ("POST", "/clock/advance", {"seconds": 1}),
        ("POST", "/clients", {"clientId": "nobody"}),
        ("GET", "/events", None),
        ("GET", "/files", None),
        ("GET", "/market/BTCUSD", None),
        ("POST", "/reset", {"seed": 1}),
    ],
)
def test_with_an_admin_token_control_calls_need_it_even_on_loopback(
    guarded: tuple[ServerProcess, Path], method: str, path: str, body: object
) -> None:
    target = guarded[0].target()
    now = expect(target.request("POST", f"{CONTROL}/reset", {"seed": 1}, headers=admin(ADMIN_TOKEN)), 200)["now"]
    for token in (None, "", "wrong", ADMIN_TOKEN + "x", ADMIN_TOKEN.upper()):
        response = target.request(method, f"{CONTROL}{path}", body, headers=admin(token))
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED), token
    clock = expect(target.request("GET", f"{CONTROL}/clock", headers=admin(ADMIN_TOKEN)), 200)
    assert clock["now"] == now, "a refused call changes nothing"
    expected = 201 if path == "/clients" else 200
    assert target.request(method, f"{CONTROL}{path}", body, headers=admin(ADMIN_TOKEN)).status_code == expected


def test_with_an_admin_token_the_error_order_holds(guarded: tuple[ServerProcess, Path]) -> None:
    """413, 404, 405 come before the missing token's 401, which comes before a bad body's 400."""
    target = guarded[0].target()
    cases = [
        ("POST", "/clients", b"x" * (1024 * 1024 + 1), 413),
        ("GET", "/nope", b"", 404),
        ("DELETE", "/clock", b"", 405),
        ("POST", "/clients", b"not json", 401),
    ]
    for method, path, data, status in cases:
        response = target.request(method, f"{CONTROL}{path}", data=data)
        assert (response.status_code, response.json()["code"]) == (status, status), (method, path)
    refused = target.request("POST", f"{CONTROL}/clients", data=b"not json", headers=admin(ADMIN_TOKEN))
    assert refused.status_code == 400


def test_with_an_admin_token_the_api_needs_none(guarded: tuple[ServerProcess, Path]) -> None:
    target: Target = guarded[0].target()
    expect(target.request("POST", f"{CONTROL}/reset", {"seed": 1}, headers=admin(ADMIN_TOKEN)), 200)
    provisioning = expect(target.request("POST", f"{CONTROL}/clients", {"clientId": "acme"}, headers=admin(ADMIN_TOKEN)), 201)
    assert expect(target.request("GET", "/apex-crypto/api/status"), 200) == "ok"
    token = expect(target.login(provisioning["logonId"], provisioning["password"]), 200)["token"]
    instruments = expect(target.request("GET", f"{API}/instruments", headers={"Authorization": token}), 200)
    assert instruments["instruments"]
    wrong_admin = {"Authorization": token, "X-Admin-Token": "wrong"}
    assert expect(target.request("GET", f"{API}/config", headers=wrong_admin), 200)


def test_control_calls_refused_for_want_of_the_admin_token_stay_refused_after_a_restart(tmp_path: Path) -> None:
    """With --db, a 401 control call must not come back to life when the log is replayed."""
    args = ("--clock", "manual", "--seed", "1", "--start", START, "--db", str(tmp_path / "x.db"), "--admin-token", ADMIN_TOKEN)
    first = start_server(*args)
    try:
        target = first.target()
        refused = [
            target.control("POST", "/clients", {"clientId": "intruder"}),
            target.control("POST", "/clock/advance", {"seconds": 3600}),
        ]
        assert [answer.status_code for answer in refused] == [401, 401]
    finally:
        first.kill()
    second = start_server(*args)
    try:
        target = second.target()
        assert expect(target.request("GET", f"{CONTROL}/clock", headers=admin(ADMIN_TOKEN)), 200)["now"] == START_MILLIS
        created = target.request("POST", f"{CONTROL}/clients", {"clientId": "intruder"}, headers=admin(ADMIN_TOKEN))
        assert created.status_code == 201, f"the refused provisioning was applied on restart: {created.text}"
    finally:
        assert second.stop() == 0, second.stderr_text()


def test_a_db_refuses_another_seed_than_it_was_created_with(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    server = start_server("--clock", "manual", "--seed", "1", "--db", str(db))
    assert server.stop() == 0, server.stderr_text()
    refused = run_serve_expecting_exit("--clock", "manual", "--seed", "2", "--db", str(db))
    assert refused.code == 2
    assert "--seed" in refused.stderr and "Traceback" not in refused.stderr
    assert refused.stdout == "", "no ready line"
    resumed = start_server("--clock", "manual", "--seed", "1", "--db", str(db))
    assert resumed.stop() == 0, "the same seed resumes"


def test_a_non_loopback_host_needs_an_admin_token() -> None:
    refused = run_serve_expecting_exit("--clock", "manual", "--host", "0.0.0.0")
    assert refused.code == 2
    assert "--admin-token" in refused.stderr and "0.0.0.0" in refused.stderr
    assert "Traceback" not in refused.stderr and refused.stdout == ""
