"""Sweeps on a cluster started by hand (`dask scheduler`, `dask worker`), and stopping one with Ctrl-C."""
from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sweep_support import QUICKSTART, folder_bytes, sweep

DASK = Path(sys.executable).with_name("dask")
STARTUP_S = 60.0


def scheduler_address(path: Path, process: subprocess.Popen[bytes]) -> str:
    """The address the scheduler writes to its file once it listens (read only once the file is whole)."""
    deadline = time.monotonic() + STARTUP_S
    while True:
        assert process.poll() is None, f"{process.args} exited with {process.returncode}"
        assert time.monotonic() < deadline, f"{path} held no address within {STARTUP_S} s"
        try:
            return str(json.loads(path.read_text())["address"])
        except (OSError, ValueError, KeyError):
            select.select([], [], [], 0.05)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_worker(scheduler_file: Path, tmp: Path, *preload: str) -> subprocess.Popen[bytes]:
    preloads = [arg for path in preload for arg in ("--preload", path)]
    return subprocess.Popen(
        [str(DASK), "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1", "--nworkers", "1",
         "--no-dashboard", "--local-directory", str(tmp), *preloads],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def hand_started(tmp_path: Path) -> Iterator[tuple[str, Path, list[subprocess.Popen[bytes]]]]:
    """A scheduler on loopback; the test adds its workers."""
    scheduler_file = tmp_path / "scheduler.json"
    scheduler = subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    processes = [scheduler]
    try:
        yield scheduler_address(scheduler_file, scheduler), scheduler_file, processes
    finally:
        stop(processes[::-1])


def test_a_sweep_through_a_hand_started_cluster_equals_the_local_clusters_bytes(
    hand_started: tuple[str, Path, list[subprocess.Popen[bytes]]], tmp_path: Path
) -> None:
    address, scheduler_file, processes = hand_started
    processes += [start_worker(scheduler_file, tmp_path), start_worker(scheduler_file, tmp_path)]
    args = (QUICKSTART, "--runs", "3", "--faults", "random", "--keep-failures", "1")
    remote = sweep(*args, "--scheduler", address, "--out", tmp_path / "remote")
    local = sweep(*args, "--workers", "2", "--out", tmp_path / "local")
    assert remote.exit_code == local.exit_code == 1
    assert folder_bytes(tmp_path / "remote") == folder_bytes(tmp_path / "local")
    info = json.loads((tmp_path / "remote" / "run-info.json").read_text())
    assert info["scheduler"] == address and info["workers"] == 2


def test_a_worker_on_another_release_is_refused_before_any_run(
    hand_started: tuple[str, Path, list[subprocess.Popen[bytes]]], tmp_path: Path
) -> None:
    address, scheduler_file, processes = hand_started
    other_release = tmp_path / "other_release.py"
    other_release.write_text(
        "import simulator.sweep.cluster as cluster\ncluster.installed_version = lambda: '0.0.1'\n"
    )
    processes.append(start_worker(scheduler_file, tmp_path, str(other_release)))
    result = sweep(QUICKSTART, "--runs", "2", "--scheduler", address, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "0.0.1" in result.output and address in result.output
    assert not (tmp_path / "out").exists()


def test_ctrl_c_stops_the_workers_and_writes_what_finished(tmp_path: Path) -> None:
    """On a terminal, as a person would: the bar shows runs finishing, then Ctrl-C goes to the whole group."""
    out = tmp_path / "out"
    main_pty, worker_pty = pty.openpty()
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "sweep", str(QUICKSTART), "--runs", "400", "--workers", "1", "--out", str(out)],
        stdin=worker_pty, stdout=worker_pty, stderr=worker_pty, env=environment, start_new_session=True,
    )
    os.close(worker_pty)
    shown = b""
    deadline = time.monotonic() + STARTUP_S
    while b"  3/400" not in shown:
        assert time.monotonic() < deadline, shown.decode(errors="replace")
        if select.select([main_pty], [], [], 0.1)[0]:
            shown += os.read(main_pty, 4096)
    os.killpg(process.pid, signal.SIGINT)
    while process.poll() is None:
        if select.select([main_pty], [], [], 0.1)[0]:
            try:
                shown += os.read(main_pty, 4096)
            except OSError:
                break
        assert time.monotonic() < deadline + 60, shown.decode(errors="replace")
    process.wait(timeout=60)
    os.close(main_pty)
    text = shown.decode(errors="replace")
    assert process.returncode == 130, text
    assert "KeyboardInterrupt" not in text  # no process died of the signal: the driver stopped the workers
    summary = json.loads((out / "sweep.json").read_text())
    assert summary["complete"] is False
    assert 3 <= summary["totals"]["runs"] < 400
    runs = [json.loads(line)["seed"] for line in (out / "runs.jsonl").read_text().splitlines()]
    assert runs == sorted(runs) and len(runs) == summary["totals"]["runs"]
    assert "interrupted" in text
