"""Every 405 carries an `Allow` header naming the methods the path takes (CONTRACT 15), in every mount."""
from __future__ import annotations

from pathlib import Path

import pytest
from e2e_target import API, CONTROL, START, Target, start_server

WRONG_METHODS = [
    ("DELETE", f"{CONTROL}/clock", "GET"),
    ("GET", f"{CONTROL}/clock/advance", "POST"),
    ("PUT", f"{CONTROL}/market/BTCUSD", "GET, POST"),
    ("GET", f"{API}/login", "POST"),
]


def assert_allow(target: Target) -> None:
    for method, path, allowed in WRONG_METHODS:
        response = target.request(method, path)
        assert response.status_code == 405, (method, path, response.text)
        assert response.headers.get("Allow") == allowed, (method, path, dict(response.headers))
        assert response.json()["code"] == 405


def test_a_405_names_the_allowed_methods(target: Target) -> None:
    assert_allow(target)


def test_a_405_names_the_allowed_methods_while_recording(tmp_path: Path) -> None:
    """`serve --record` renders answers on its own path; the header must survive it."""
    server = start_server("--clock", "manual", "--start", START, "--record", str(tmp_path / "session.yaml"))
    try:
        assert_allow(server.target())
    finally:
        assert server.stop() == 0, server.stderr_text()


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_a_404_has_no_allow_header(target: Target, method: str) -> None:
    response = target.request(method, f"{CONTROL}/nowhere")
    assert response.status_code == 404 and "Allow" not in response.headers
