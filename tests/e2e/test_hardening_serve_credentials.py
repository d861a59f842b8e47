"""Admin tokens of at least 16 characters; credentials beyond loopback from the OS's secure random source (CONTRACT 15).

On loopback, passwords and tokens follow the seed (byte-identical runs). On
a host other machines reach they must not be computable from the seed, yet
a `--db` restart must make the very ones its clients hold, since the log
replays their logins and requests with their Authorization headers.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from e2e_target import API, START, ServerProcess, expect, run_serve_expecting_exit, start_server

ADMIN_TOKEN = "sixteen-chars-ok"
PUBLIC = "0.0.0.0"
SEED = "6"


@pytest.mark.parametrize("host", ["127.0.0.1", PUBLIC])
@pytest.mark.parametrize("token", ["", "fifteen-chars!!"])
def test_an_admin_token_shorter_than_16_characters_is_refused(host: str, token: str) -> None:
    refused = run_serve_expecting_exit("--clock", "manual", "--host", host, "--admin-token", token)
    assert refused.code == 2, refused
    assert refused.stdout == "" and "Traceback" not in refused.stderr
    assert "--admin-token" in refused.stderr and "16 characters" in refused.stderr, refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def admin() -> dict[str, str]:
    return {"X-Admin-Token": ADMIN_TOKEN}


def credentials(server: ServerProcess, client_id: str = "acme") -> tuple[str, str]:
    """Provision `client_id` and log in: its password and its token."""
    target = server.target()
    provisioning = expect(target.request("POST", "/sandbox/v1/clients", {"clientId": client_id}, headers=admin()), 201)
    token = expect(target.login(provisioning["logonId"], provisioning["password"]), 200)["token"]
    return str(provisioning["password"]), str(token)


def serve(*args: str) -> ServerProcess:
    return start_server("--clock", "manual", "--seed", SEED, "--start", START, "--admin-token", ADMIN_TOKEN, *args)


def credentials_of_a_server(*args: str) -> tuple[str, str]:
    server = serve(*args)
    try:
        return credentials(server)
    finally:
        assert server.stop() == 0, server.stderr_text()


def test_on_loopback_credentials_follow_the_seed_and_beyond_it_they_do_not() -> None:
    loopback = [credentials_of_a_server(), credentials_of_a_server()]
    public = [credentials_of_a_server("--host", PUBLIC), credentials_of_a_server("--host", PUBLIC)]
    assert loopback[0] == loopback[1], "same seed, same inputs, same passwords and tokens"
    seeded_password, seeded_token = loopback[0]
    for password, token in public:
        assert password != seeded_password and token != seeded_token
        assert (len(password), len(token)) == (len(seeded_password), len(seeded_token))
    assert public[0][0] != public[1][0] and public[0][1] != public[1][1], "two processes, two secrets"


def works(server: ServerProcess, password: str, token: str) -> None:
    target = server.target()
    assert expect(target.request("GET", f"{API}/instruments", headers={"Authorization": token}), 200)["instruments"]
    expect(target.login("acme-api", password), 200)


def test_a_db_served_beyond_loopback_keeps_its_credentials_across_kill_and_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "public.db")
    first = serve("--host", PUBLIC, "--db", db)
    try:
        password, token = credentials(first)
    finally:
        first.kill()
    for host in (PUBLIC, "127.0.0.1"):
        again = serve("--host", host, "--db", db)
        try:
            works(again, password, token)
        finally:
            again.kill()


def test_a_db_made_on_loopback_is_not_served_beyond_it(tmp_path: Path) -> None:
    db = str(tmp_path / "loopback.db")
    first = serve("--db", db)
    try:
        credentials(first)
    finally:
        first.kill()
    refused = run_serve_expecting_exit("--clock", "manual", "--host", PUBLIC, "--admin-token", ADMIN_TOKEN, "--db", db)
    assert refused.code == 2 and "--db" in refused.stderr and "loopback" in refused.stderr, refused


def test_a_recording_beyond_loopback_is_refused(tmp_path: Path) -> None:
    refused = run_serve_expecting_exit(
        "--clock", "manual", "--host", PUBLIC, "--admin-token", ADMIN_TOKEN, "--record", str(tmp_path / "x.yaml")
    )
    assert refused.code == 2 and "--record" in refused.stderr, refused
    assert not (tmp_path / "x.yaml").exists()
