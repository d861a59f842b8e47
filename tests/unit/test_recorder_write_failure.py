"""A recording file that stops taking writes ends the recording, never the serving."""
from __future__ import annotations

import errno
import json
from collections.abc import Iterator
from io import FileIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from moto import mock_aws

from simulator.adapters.aws import EmbeddedAws
from simulator.api.http import ApiRequest
from simulator.engine.clock import parse_instant
from simulator.replay.loader import load_scenario
from simulator.replay.recorder import SessionRecorder
from simulator.replay.recording import RecordingFile, header
from simulator.replay.runner import run_scenario
from simulator.runtime import Runtime
from simulator.sandbox import compose_runtime
from simulator.server import AdminGuard

SEED = 5
START = "2026-03-02T14:00:00Z"
API = "/apex-crypto/api/v2"
FULL = "No space left on device"


class FillingDisk:
    """A file on a disk with `room` bytes left: the write that meets the end is
    cut short, the next one fails, and then space is free again."""

    def __init__(self, file: FileIO, room: int) -> None:
        self._file = file
        self._room: int | None = room

    @property
    def closed(self) -> bool:
        return self._file.closed

    def write(self, data: bytes) -> int:
        if self._room is None:
            return self._file.write(data)
        if self._room == 0:
            self._room = None
            raise OSError(errno.ENOSPC, FULL)
        taken = self._file.write(data[: self._room])
        self._room -= taken
        return taken

    def seek(self, offset: int) -> int:
        return self._file.seek(offset)

    def truncate(self) -> int:
        return self._file.truncate()

    def close(self) -> None:
        self._file.close()


class Served:
    """Requests as a client over HTTP sends them through the recorder; every answer kept."""

    def __init__(self, recorder: SessionRecorder) -> None:
        self.recorder = recorder
        self.answers: list[tuple[int, Any]] = []

    def send(self, method: str, path: str, body: Any = None, authorization: str | None = None) -> Any:
        headers = {} if authorization is None else {"authorization": authorization}
        response = self.recorder(ApiRequest(method, path, {}, headers, json.dumps(body).encode() if body else b""))
        self.answers.append((response.status, response.json()))
        return response.json()


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    with mock_aws():
        yield compose_runtime(
            seed=SEED, start_ns=parse_instant(START), ports=EmbeddedAws.connect(), clock_mode="manual",
            control_guard=AdminGuard(None),
        )  # fmt: skip


def start_recording(runtime: Runtime, path: Path) -> tuple[Served, RecordingFile]:
    file = RecordingFile(path, header("session", "", SEED, START, None))
    recorder = SessionRecorder(runtime, lambda request: False, "http://127.0.0.1:9")
    recorder.start(file)
    return Served(recorder), file


def provision(served: Served) -> str:
    password = str(served.send("POST", "/sandbox/v1/clients", {"clientId": "acme"})["password"])
    served.send("POST", "/sandbox/v1/clients/acme/accounts", {"count": 1, "holdings": {"BTC": "0.25"}})
    return password


def test_a_full_disk_stops_the_recording_and_every_client_gets_its_real_answer(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "session.yaml"
    served, file = start_recording(runtime, path)
    password = provision(served)
    monkeypatch.setattr(file, "_file", FillingDisk(file._file, room=10))
    token = served.send("POST", f"{API}/login", {"logonId": "acme-api", "password": password})["token"]
    positions = served.send("GET", f"{API}/positions/INV00001", authorization=f"Bearer {token}")
    served.send("POST", f"{API}/login", {"logonId": "acme-api", "password": password})
    served.recorder.close()

    assert [status for status, _ in served.answers] == [201, 201, 200, 200, 200]
    assert positions["positions"][0]["current"] == "0.25", "the login the file could not take ran"
    warnings = [line for line in capsys.readouterr().err.splitlines() if "recording stopped" in line]
    assert warnings == [f"warning: --record {path}: recording stopped: {FULL}. "
                        "The file keeps the requests before this one; the server goes on serving."]  # fmt: skip
    assert path.read_text().endswith(f"\n# recording stopped: {FULL}\n"), "after the last whole step"
    result = run_scenario(load_scenario(path))
    assert result.passed, [failure.message for failure in result.failures]
    assert [(record.status, record.response) for record in result.requests] == served.answers[:2]


def test_a_step_yaml_cannot_write_stops_the_recording_the_same_way(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "session.yaml"
    served, _ = start_recording(runtime, path)
    provision(served)

    def unrepresentable(value: Any) -> str:
        raise yaml.representer.RepresenterError("cannot represent an object", value)

    monkeypatch.setattr("simulator.replay.recording.to_yaml", unrepresentable)
    served.send("GET", "/sandbox/v1/clock")
    served.send("GET", "/sandbox/v1/clock")

    assert [status for status, _ in served.answers] == [201, 201, 200, 200]
    assert capsys.readouterr().err.count("recording stopped: ('cannot represent an object'") == 1
    assert path.read_text().splitlines()[-1].startswith("# recording stopped: ('cannot represent an object', ")
    assert len(load_scenario(path).steps) == 2
