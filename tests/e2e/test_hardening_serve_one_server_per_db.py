"""One `serve` per `--db` file: a second is refused with exit 2, naming the file and the first (CONTRACT 15)."""
from __future__ import annotations

from pathlib import Path

from e2e_target import START, START_MILLIS, expect, run_serve_expecting_exit, start_server


def test_a_second_server_on_the_same_db_is_refused_and_the_first_serves_on(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    first = start_server("--clock", "manual", "--seed", "4", "--start", START, "--db", str(db))
    try:
        target = first.target()
        expect(target.control("POST", "/clients", {"clientId": "acme"}), 201)
        refused = run_serve_expecting_exit("--clock", "manual", "--db", str(db))
        assert refused.code == 2, refused
        assert refused.stdout == "", "no ready line"
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in refused.stderr, refused.stderr
        assert str(db) in lines[0] and f"process {first.process.pid}" in lines[0], lines[0]
        assert target.now() == START_MILLIS
        assert expect(target.control("POST", "/clients", {"clientId": "qa"}), 201)["clientId"] == "qa"
    finally:
        first.kill()
    second = start_server("--clock", "manual", "--db", str(db))
    try:
        clients = second.target().control("POST", "/clients", {"clientId": "acme"})
        assert clients.status_code == 400, "the first server's state, not a merge: acme exists"
    finally:
        assert second.stop() == 0, second.stderr_text()
